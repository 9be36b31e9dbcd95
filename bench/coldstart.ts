/**
 * `npm run bench -- coldstart`: bundles every function of the manifest exactly as the CDK app does
 * (`esbuildOptions` of infra/function-bundling.ts) and measures, per function,
 * the minified bundle size and the time a fresh Node.js process takes to import it (median of 5),
 * with the environment the stack gives the function. The import is what a cold start pays before
 * the first event: module evaluation included (configuration parsed, clients built).
 *
 * Written to bench/results/latest.json under `coldstart`. Targets (issue 11): under 250 KB and
 * under 150 ms per function.
 *
 * Also the first duty assessment of a fresh process (`firstDutyAssessmentMilliseconds`, median of 5):
 * the tariff pack and exchange rates read from their stored, gzip'd form and parsed as assessDuty
 * parses them, then one declaration assessed (bench/first-duty-assessment.ts, bundled with
 * assessDuty's options). Target (issue 11): under 300 ms. `--first-duty-assessment` runs it alone.
 *
 * `npm run bench -- coldstart --analyse` only bundles (no imports, nothing written) and prints what
 * the bundles are made of: per package (or folder of ours), its KB of output and in how many
 * functions it is, then each function's size and largest inputs. `--function NAME` narrows both.
 *
 * `npm run bench -- coldstart --external-aws-sdk` bundles each function twice, as deployed and with
 * the AWS SDK left out, and times both imports; the SDK then loads from node_modules, as the Lambda
 * runtime's own copy loads from its file system (unbundled). A comparison, written nowhere: what
 * leaving the SDK to the runtime would do to size and to import time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME, regionEnvironment } from '#infra/config/environment.ts';
import { defaultRegion, regions } from '#infra/config/regions.ts';
import { copyDataFiles, esbuildOptions } from '#infra/function-bundling.ts';
import { accessEnvironment, type FunctionDefinition, functions } from '#shared/resources.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IMPORTS = 5;
export const coldStartTargets = { bundleKilobytes: 250, importMilliseconds: 150, firstDutyAssessmentMilliseconds: 300 };

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

/** Output bytes per package (or folder of ours: what one would act on), largest first. */
function inputsByPackage(metafile: Metafile): [string, number][] {
  const output = Object.values(metafile.outputs).find((entry) => entry.entryPoint);
  const grouped = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    if (bytesInOutput === 0) continue;
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = match?.[1] ?? input.split('/').slice(0, 2).join('/');
    grouped.set(key, (grouped.get(key) ?? 0) + bytesInOutput);
  }
  return [...grouped].sort((a, b) => b[1] - a[1]);
}

function largestInputs(metafile: Metafile): { input: string; kilobytes: number }[] {
  return inputsByPackage(metafile)
    .slice(0, 3)
    .map(([input, bytes]) => ({ input, kilobytes: kilobytes(bytes) }));
}

/**
 * What the Lambda Node.js runtime provides (AWS SDK v3 and its Smithy packages): left out of the
 * bundles by `--external-aws-sdk`, a measurement only (the deployed bundles carry their own SDK,
 * infra/function-bundling.ts says why).
 */
const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*', '@smithy/*'];

/**
 * Bundles the function as the CDK app does, into `folder`/`name`/index.mjs with its data files
 * beside it (optionally without the runtime-provided SDK).
 */
async function bundle(
  folder: string,
  name: string,
  definition: FunctionDefinition,
  externalAwsSdk = false,
): Promise<{ outfile: string; metafile: Metafile }> {
  const outfile = path.join(folder, name, 'index.mjs');
  const options = esbuildOptions(path.join(repositoryRoot, definition.entry), outfile, definition);
  const bundled = await build(
    externalAwsSdk ? { ...options, external: [...(options.external ?? []), ...RUNTIME_PROVIDED_MODULES] } : options,
  );
  copyDataFiles(definition, repositoryRoot, path.dirname(outfile));
  return { outfile, metafile: bundled.metafile };
}

const selected = (only: string | undefined) =>
  (Object.entries(functions) as [string, FunctionDefinition][]).filter(([name]) => only === undefined || name === only);

/** Milliseconds a fresh process takes to import the bundle (module evaluation included). */
function importMilliseconds(file: string, environment: Record<string, string>): number {
  const script = `const started = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - started));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...environment },
    encoding: 'utf8',
  });
  return Number(output);
}

/** The same function bundled as deployed and with the SDK left to the runtime: size and import median of each. */
export interface RuntimeSdkComparison {
  function: string;
  bundled: { kilobytes: number; importMillisecondsMedian: number };
  sdkFromRuntime: { kilobytes: number; importMillisecondsMedian: number };
}

/**
 * `--external-aws-sdk`: each function as deployed and without the SDK, both imported IMPORTS times.
 * The folder links the repository's node_modules, so the left-out SDK resolves as the runtime's
 * does: unbundled, unminified, one file per module (the same versions; in Lambda, the runtime's).
 */
export async function compareRuntimeSdk(options: {
  log: (line: string) => void;
  only?: string | undefined;
}): Promise<RuntimeSdkComparison[]> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'customs-coldstart-'));
  symlinkSync(path.join(repositoryRoot, 'node_modules'), path.join(folder, 'node_modules'), 'dir');
  const results: RuntimeSdkComparison[] = [];
  try {
    for (const [name, definition] of selected(options.only)) {
      const environment = environmentOf(name, definition);
      const measured = async (externalAwsSdk: boolean) => {
        const { outfile } = await bundle(
          path.join(folder, externalAwsSdk ? 'sdk-from-runtime' : 'bundled'),
          name,
          definition,
          externalAwsSdk,
        );
        const times = Array.from({ length: IMPORTS }, () => importMilliseconds(outfile, environment));
        return { kilobytes: kilobytes(statSync(outfile).size), importMillisecondsMedian: Math.round(median(times)) };
      };
      const result = { function: name, bundled: await measured(false), sdkFromRuntime: await measured(true) };
      options.log(
        `${name.padEnd(28)} bundled ${String(result.bundled.kilobytes).padStart(7)} KB ${String(result.bundled.importMillisecondsMedian).padStart(4)} ms   SDK from the runtime ${String(result.sdkFromRuntime.kilobytes).padStart(7)} KB ${String(result.sdkFromRuntime.importMillisecondsMedian).padStart(4)} ms`,
      );
      results.push(result);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return results;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export async function benchmarkColdStarts(options: { log: (line: string) => void; only?: string | undefined }): Promise<ColdStartResult[]> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'customs-coldstart-'));
  const results: ColdStartResult[] = [];
  try {
    for (const [name, definition] of selected(options.only)) {
      const { outfile, metafile } = await bundle(folder, name, definition);
      const environment = environmentOf(name, definition);
      const times = Array.from({ length: IMPORTS }, () => importMilliseconds(outfile, environment));
      const result = {
        function: name,
        bundleKilobytes: kilobytes(statSync(outfile).size),
        importMillisecondsMedian: Math.round(median(times)),
        largestInputs: largestInputs(metafile),
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

/** What the bundles are made of (`--analyse`): per package across functions, then per function. */
export async function analyseBundles(options: {
  log: (line: string) => void;
  only?: string | undefined;
  /** Measure the bundles with the AWS SDK left to the runtime (`--external-aws-sdk`): not what is deployed. */
  externalAwsSdk?: boolean;
}): Promise<void> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'customs-coldstart-'));
  try {
    const bundles: { name: string; kilobytes: number; packages: [string, number][] }[] = [];
    for (const [name, definition] of selected(options.only)) {
      const { outfile, metafile } = await bundle(folder, name, definition, options.externalAwsSdk);
      bundles.push({ name, kilobytes: kilobytes(statSync(outfile).size), packages: inputsByPackage(metafile) });
    }
    const totals = new Map<string, { bytes: number; functions: number }>();
    for (const { packages } of bundles) {
      for (const [input, bytes] of packages) {
        const total = totals.get(input) ?? { bytes: 0, functions: 0 };
        totals.set(input, { bytes: total.bytes + bytes, functions: total.functions + 1 });
      }
    }
    options.log('package or folder                               KB per function  functions');
    for (const [input, { bytes, functions: count }] of [...totals].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 40)) {
      options.log(`${input.padEnd(50)} ${String(kilobytes(bytes / count)).padStart(10)} ${String(count).padStart(10)}`);
    }
    options.log('');
    const sizes = bundles.map((entry) => entry.kilobytes);
    for (const { name, kilobytes: size, packages } of bundles.sort((a, b) => b.kilobytes - a.kilobytes)) {
      const largest = packages.slice(0, 6).map(([input, bytes]) => `${input} ${kilobytes(bytes)}`);
      options.log(`${name.padEnd(28)} ${String(size).padStart(7)} KB  ${largest.join(', ')}`);
    }
    const under = sizes.filter((size) => size < coldStartTargets.bundleKilobytes).length;
    options.log(
      `${bundles.length} functions, min ${Math.min(...sizes)} KB, median ${median(sizes)} KB, max ${Math.max(...sizes)} KB, ${under} under ${coldStartTargets.bundleKilobytes} KB${options.externalAwsSdk ? ' (AWS SDK left to the runtime: a measurement, not what is deployed)' : ''}`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export interface FirstDutyAssessmentResult {
  /** Median of the fresh processes: pack load plus the first assessment. */
  milliseconds: number;
  packLoadMillisecondsMedian: number;
  assessmentMillisecondsMedian: number;
  packKilobytesGzipped: number;
}

/**
 * The first duty assessment in fresh processes (median of 5): bench/first-duty-assessment.ts bundled
 * as assessDuty is, given the GB pack and exchange rates gzip'd as the reference bucket holds them
 * and the valid import declaration of the fixtures, accepted on a day the pack and rates cover.
 */
export async function benchmarkFirstDutyAssessment(options: { log: (line: string) => void }): Promise<FirstDutyAssessmentResult> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'customs-first-duty-'));
  try {
    const outfile = path.join(folder, 'first-duty-assessment', 'index.mjs');
    await build(esbuildOptions(path.join(repositoryRoot, 'bench', 'first-duty-assessment.ts'), outfile, functions.assessDuty));
    const stored = (file: string, name: string) => {
      const target = path.join(folder, `${name}.json.gz`);
      writeFileSync(target, gzipSync(readFileSync(path.join(repositoryRoot, file))));
      return target;
    };
    const pack = stored('generated/tariff/gb-tariff-pack.json', 'tariff-pack');
    const rates = stored('generated/tariff/exchange-rates.json', 'exchange-rates');
    const declaration = path.join(repositoryRoot, 'tests', 'fixtures', 'declarations', 'valid-import.json');
    const runs = Array.from({ length: IMPORTS }, () => {
      const output = execFileSync(process.execPath, [outfile, pack, rates, declaration, '2021-03-15'], {
        env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), NODE_OPTIONS: '--enable-source-maps' },
        encoding: 'utf8',
      });
      return JSON.parse(output) as { packLoadMilliseconds: number; assessmentMilliseconds: number };
    });
    const result = {
      milliseconds: Math.round(median(runs.map((run) => run.packLoadMilliseconds + run.assessmentMilliseconds))),
      packLoadMillisecondsMedian: Math.round(median(runs.map((run) => run.packLoadMilliseconds))),
      assessmentMillisecondsMedian: Math.round(median(runs.map((run) => run.assessmentMilliseconds))),
      packKilobytesGzipped: kilobytes(statSync(pack).size),
    };
    options.log(
      `first duty assessment in a fresh process: ${result.milliseconds} ms (pack load ${result.packLoadMillisecondsMedian} ms, of a ${result.packKilobytesGzipped} KB gzip'd pack; assessment ${result.assessmentMillisecondsMedian} ms); target under ${coldStartTargets.firstDutyAssessmentMilliseconds} ms`,
    );
    return result;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
