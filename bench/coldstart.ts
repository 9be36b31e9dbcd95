/**
 * `npm run bench -- coldstart`: bundles every function of the manifest exactly as the CDK app does
 * (`functionBundling` of infra/function-factory.ts, through esbuild) and measures, per function,
 * the minified bundle size and the time a fresh Node.js process takes to import it (median of 5),
 * with the environment the stack gives the function. The import is what a cold start pays before
 * the first event: module evaluation included (configuration parsed, clients built).
 *
 * Written to bench/results/latest.json under `coldstart`. Targets (issue 11): under 250 KB and
 * under 150 ms per function.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME, regionEnvironment } from '#infra/config/environment.ts';
import { defaultRegion, regions } from '#infra/config/regions.ts';
import { functionBundling } from '#infra/function-factory.ts';
import { accessEnvironment, type FunctionDefinition, functions } from '#shared/resources.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IMPORTS = 5;
export const coldStartTargets = { bundleKilobytes: 250, importMilliseconds: 150 };

export interface ColdStartResult {
  function: string;
  bundleKilobytes: number;
  importMillisecondsMedian: number;
  /** The three largest inputs of the bundle, in KB of output. */
  largestInputs: { input: string; kilobytes: number }[];
}

/** The variables the stack sets on the function, with made-up resource names (nothing is called). */
function environmentOf(name: string, definition: FunctionDefinition): Record<string, string> {
  const region = regions[defaultRegion];
  return {
    ...regionEnvironment({ regionName: defaultRegion, region, stage: 'dev' }),
    ...accessEnvironment(definition, {
      table: (table) => `customs-dev-${table}`,
      bucket: (bucket) => `customs-dev-${bucket.toLowerCase()}`,
      queue: (queue) => `https://sqs.${region.awsRegion}.amazonaws.com/123456789012/customs-dev-${queue}`,
      secret: (secret) => `arn:aws:secretsmanager:${region.awsRegion}:123456789012:secret:customs-dev-${secret}`,
      signingKey: (key) => `arn:aws:kms:${region.awsRegion}:123456789012:key/customs-dev-${key}`,
      publicSite: () => 'https://d111111abcdef8.cloudfront.net',
      eventBus: (bus) => `customs-dev-${bus}`,
    }),
    POWERTOOLS_SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE,
    AWS_REGION: region.awsRegion,
    AWS_LAMBDA_FUNCTION_NAME: `customs-dev-${name}`,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    // What the stack sets: source maps are loaded only when an error's stack is printed.
    NODE_OPTIONS: '--enable-source-maps',
  };
}

const kilobytes = (bytes: number): number => Math.round(bytes / 102.4) / 10;

function largestInputs(metafile: Metafile): { input: string; kilobytes: number }[] {
  const output = Object.values(metafile.outputs).find((entry) => entry.entryPoint);
  const inputs = Object.entries(output?.inputs ?? {}).map(([input, { bytesInOutput }]) => ({ input, bytes: bytesInOutput }));
  // Grouped by package (or our own folder), which is what one would act on.
  const grouped = new Map<string, number>();
  for (const { input, bytes } of inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = match?.[1] ?? input.split('/').slice(0, 2).join('/');
    grouped.set(key, (grouped.get(key) ?? 0) + bytes);
  }
  return [...grouped]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([input, bytes]) => ({ input, kilobytes: kilobytes(bytes) }));
}

/** Milliseconds a fresh process takes to import the bundle (module evaluation included). */
function importMilliseconds(file: string, environment: Record<string, string>): number {
  const script = `const started = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - started));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...environment },
    encoding: 'utf8',
  });
  return Number(output);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export async function benchmarkColdStarts(options: { log: (line: string) => void; only?: string | undefined }): Promise<ColdStartResult[]> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'customs-coldstart-'));
  const results: ColdStartResult[] = [];
  try {
    for (const [name, definition] of Object.entries(functions) as [string, FunctionDefinition][]) {
      if (options.only && name !== options.only) continue;
      const outfile = path.join(folder, name, 'index.mjs');
      const bundled = await build({
        entryPoints: [path.join(repositoryRoot, definition.entry)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: functionBundling.target,
        mainFields: functionBundling.mainFields,
        banner: { js: functionBundling.banner },
        minify: functionBundling.minify,
        sourcemap: functionBundling.sourceMap,
        sourcesContent: functionBundling.sourcesContent,
        external: functionBundling.externalModules,
        metafile: true,
        logLevel: 'error',
      });
      const environment = environmentOf(name, definition);
      const times = Array.from({ length: IMPORTS }, () => importMilliseconds(outfile, environment));
      const result = {
        function: name,
        bundleKilobytes: kilobytes(statSync(outfile).size),
        importMillisecondsMedian: Math.round(median(times)),
        largestInputs: largestInputs(bundled.metafile),
      };
      options.log(
        `${name.padEnd(28)} ${String(result.bundleKilobytes).padStart(7)} KB ${String(result.importMillisecondsMedian).padStart(5)} ms  (${result.largestInputs.map((entry) => `${entry.input} ${entry.kilobytes} KB`).join(', ')})`,
      );
      results.push(result);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return results;
}
