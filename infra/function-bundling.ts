/**
 * How every function is bundled: one set of esbuild options, given to the CDK app's
 * NodejsFunction (`nodejsFunctionBundling`, which runs the esbuild CLI) and to esbuild's API
 * (`esbuildOptions`) by `npm run bench -- coldstart` and the bundle tests, so what is measured
 * and tested is what is deployed.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { bundleFactNames } from '#shared/bundle-facts.ts';
import { resourceVariables } from '#shared/config.ts';
import { BUNDLED_REFERENCE_FOLDER, GENERATED_REFERENCE_FOLDER, referenceFileNames } from '#shared/reference/files.ts';
import type { DataFiles, FunctionDefinition } from '#shared/resources.ts';

/**
 * Defines `require` in the ESM bundle: esbuild turns `require()` calls of bundled CommonJS
 * dependencies into a shim that needs a real `require`, which ES modules do not have.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __customsCreateRequire } from 'node:module'; const require = __customsCreateRequire(import.meta.url);";

export const functionBundling = {
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  target: 'node24',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // Everything is bundled, the AWS SDK included: the runtime's own SDK copy is of a version we
  // never tested, and may lack packages we use (@aws-sdk/s3-request-presigner). AWS's advice
  // is to ship your own dependencies (Lambda operator guide, "SDKs in functions"). And it is
  // faster: bundled and minified, the median function imports in 87 ms; with the SDK loaded from
  // node_modules as the runtime loads its copy, in 163 ms, though at half the size
  // (`npm run bench -- coldstart --external-aws-sdk`, docs/benchmarks.md).
  externalModules: [] as string[],
  /** Modules replaced in every bundle (esbuild `alias`): package name -> absolute path. */
  alias: {
    // Credentials from the environment, as the Lambda runtime gives them: the SDK's default
    // chain without its links that cannot apply in Lambda (shared/adapters/lambda-credentials.ts).
    '@aws-sdk/credential-provider-node': fileURLToPath(new URL('../shared/adapters/lambda-credentials.ts', import.meta.url)),
  } as Record<string, string>,
};

/**
 * The facts fixed in a function's bundle (esbuild `define`, shared/bundle-facts.ts): what a function
 * does not use is then dead code, and esbuild leaves it out.
 */
export function bundleDefines(definition: Pick<FunctionDefinition, 'traced' | 'access' | 'dataFiles'>): Record<string, string> {
  return {
    [bundleFactNames.traced]: JSON.stringify(definition.traced === true),
    [bundleFactNames.resourceVariables]: JSON.stringify(resourceVariables(definition.access).join(',')),
    [bundleFactNames.dataFiles]: JSON.stringify((definition.dataFiles ?? []).join(',')),
  };
}

/** The files of each set of data files: where they are in the repository, where beside the bundle. */
const dataFileSets: Record<DataFiles, { from: string; to: string }[]> = {
  referenceData: Object.values(referenceFileNames).map((file) => ({
    from: `${GENERATED_REFERENCE_FOLDER}/${file}`,
    to: `${BUNDLED_REFERENCE_FOLDER}/${file}`,
  })),
};

/** The data files a function ships beside its bundle (`dataFiles`), relative to the repository root and to the bundle's folder. */
export function dataFileCopies(definition: Pick<FunctionDefinition, 'dataFiles'>): { from: string; to: string }[] {
  return (definition.dataFiles ?? []).flatMap((set) => dataFileSets[set]);
}

/** Copies the function's data files into the folder of its bundle, as the CDK app's bundling does (the bench, the bundle tests). */
export function copyDataFiles(definition: Pick<FunctionDefinition, 'dataFiles'>, repositoryRoot: string, bundleFolder: string): void {
  for (const { from, to } of dataFileCopies(definition)) {
    mkdirSync(path.dirname(path.join(bundleFolder, to)), { recursive: true });
    copyFileSync(path.join(repositoryRoot, from), path.join(bundleFolder, to));
  }
}

/** The shell commands that copy the data files after esbuild (NodejsFunction's `afterBundling`, run by bash in local bundling). */
function dataFileCommands(definition: FunctionDefinition, inputDir: string, outputDir: string): string[] {
  const folders = [...new Set(dataFileCopies(definition).map(({ to }) => path.posix.dirname(to)))];
  return [
    ...folders.map((folder) => `mkdir -p "${outputDir}/${folder}"`),
    ...dataFileCopies(definition).map(({ from, to }) => `cp "${inputDir}/${from}" "${outputDir}/${to}"`),
  ];
}

/**
 * The `bundling` props of NodejsFunction for a function (the alias goes through `esbuildArgs`:
 * NodejsFunction has no prop of its own for it; the data files are copied by `afterBundling`).
 */
export function nodejsFunctionBundling(definition: FunctionDefinition) {
  const { alias, ...options } = functionBundling;
  const esbuildArgs: Record<string, string[]> = {
    '--alias': Object.entries(alias).map(([module, replacement]) => `${module}=${replacement}`),
  };
  const commandHooks = {
    beforeBundling: (): string[] => [],
    beforeInstall: (): string[] => [],
    afterBundling: (inputDir: string, outputDir: string): string[] => dataFileCommands(definition, inputDir, outputDir),
  };
  return { ...options, define: bundleDefines(definition), esbuildArgs, commandHooks };
}

/**
 * The same options for esbuild's `build` API: `entry` bundled into `outfile`, with a metafile;
 * with a function's definition, its facts are defined as the CDK app defines them.
 */
export function esbuildOptions(entry: string, outfile: string, definition?: FunctionDefinition): BuildOptions & { metafile: true } {
  return {
    entryPoints: [entry],
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
    alias: functionBundling.alias,
    ...(definition ? { define: bundleDefines(definition) } : {}),
    metafile: true,
    logLevel: 'error',
  };
}
