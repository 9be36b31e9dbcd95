/**
 * The generated reference files (`generated/reference/`, written by `tools/build-reference-data.ts`)
 * and where a bundle finds them: they are not compiled into the bundle (the HS list alone is
 * 558 KB that every cold start would parse) but shipped beside it as data files, copied there by
 * the bundling (`infra/function-bundling.ts`) and read at first use (`shared/reference/index.ts`).
 */
import type { GeneratedReferenceFiles } from './types.ts';

/** The file of each part of the reference data, in `generated/reference/` and in a bundle's folder. */
export const referenceFileNames = {
  hs: 'hs.json',
  countries: 'countries.json',
  currencies: 'currencies.json',
  procedureCodes: 'procedure-codes.json',
  documents: 'documents.json',
  locations: 'locations.json',
  preferenceCodes: 'preference-codes.json',
  manifest: 'manifest.json',
} as const satisfies Record<keyof GeneratedReferenceFiles, string>;

/** Where the files are in the repository (relative to its root). */
export const GENERATED_REFERENCE_FOLDER = 'generated/reference';

/** Where they are in a function's asset, relative to its bundle (`index.mjs`). */
export const BUNDLED_REFERENCE_FOLDER = 'reference';
