/**
 * Facts about a function fixed when it is bundled: infra/function-bundling.ts sets each with an
 * esbuild `define`, so in a bundle it reads as a literal, the code it rules out is dead, and
 * esbuild drops that code with whatever only it imports (a dynamic `import()` included). Outside a
 * bundle (the tests, the local cloud, the tools run TypeScript as it is) each is undefined.
 */
declare global {
  /** Whether the function bundles the Powertools Tracer and the X-Ray SDK (`traced` in shared/resources.ts). */
  var CUSTOMS_BUNDLE_TRACED: boolean | undefined;
  /** The environment variables of the function's resources, comma-separated (its `access`, shared/config.ts). */
  var CUSTOMS_BUNDLE_RESOURCE_VARIABLES: string | undefined;
  /** The data files shipped beside the bundle, comma-separated (`dataFiles` in shared/resources.ts). */
  var CUSTOMS_BUNDLE_DATA_FILES: string | undefined;
}

/** The names esbuild replaces, with the function's values as JavaScript source (esbuild `define`). */
export const bundleFactNames = {
  traced: 'globalThis.CUSTOMS_BUNDLE_TRACED',
  resourceVariables: 'globalThis.CUSTOMS_BUNDLE_RESOURCE_VARIABLES',
  dataFiles: 'globalThis.CUSTOMS_BUNDLE_DATA_FILES',
} as const;
