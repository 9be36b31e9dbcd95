/**
 * Shapes of the generated reference files under `generated/reference/`, written by
 * `tools/build-reference-data.ts` and read by `shared/reference/index.ts`.
 * Every list is sorted by code; codes are strings (leading zeros matter).
 */

/** `[code, short name or description]`. */
export type CodeAndName = readonly [code: string, name: string];

/** hs.json: HS 2022 chapters (2 digits), headings (4) and subheadings (6). */
export interface HsFile {
  edition: string;
  chapters: readonly CodeAndName[];
  headings: readonly CodeAndName[];
  subheadings: readonly CodeAndName[];
}

/** countries.json entries: ISO 3166-1 alpha-2 codes ∪ HMRC CDS country codes. */
export interface CountryRecord {
  code: string;
  name: string;
  /** In ISO 3166-1 (datasets/country-codes). */
  iso: boolean;
  /** In HMRC's CDS country list (customs-declare-exports-frontend countryCodes.json). */
  hmrc: boolean;
}

/** currencies.json entries: current (not withdrawn) ISO 4217 codes. */
export interface CurrencyRecord {
  code: string;
  name: string;
  numeric: string | null;
  /** ISO 4217 minor units; null for funds, metals and codes without a currency ("N.A."). */
  minorUnits: number | null;
  /** Also in HMRC's CDS currency list. */
  hmrc: boolean;
}

export type ProcedureDirection = 'import' | 'export';

/** procedure-codes.json entries: DE 1/10 requested + previous procedure. */
export interface ProcedureCodeRecord {
  code: string;
  direction: ProcedureDirection;
  /** `declaration` for DE 1/10 codes, `clearance-request` for the 00xx codes of C21 customs clearance requests. */
  kind: 'declaration' | 'clearance-request';
  description: string;
  /** Where the code comes from (a data/ file or the cited supplementary list). */
  source: string;
}

/** documents.json. */
export interface DocumentsFile {
  /** TARIC certificate type letter -> category, as the tariff data labels them (U = "Proofs of origin"). */
  certificateTypes: readonly CodeAndName[];
  /** DE 2/3 document codes seen in the data (HMRC list ∪ tariff measure conditions ∪ supplementary proofs). Not a complete list. */
  documentCodes: readonly string[];
  /** DE 2/3 codes for which HMRC asks a reason when no document is produced. */
  documentCodesRequiringReason: readonly string[];
  proofOfOrigin: {
    /** Certificate types whose every code is a proof of origin. */
    certificateTypes: readonly string[];
    /** Proof-of-origin codes known by name. */
    codes: ReadonlyArray<{ code: string; description: string; source: string }>;
  };
  /** DE 2/1 previous document types (3 characters). */
  previousDocumentTypes: readonly CodeAndName[];
}

/** locations.json. */
export interface LocationsFile {
  /** Countries of UN/LOCODE (ISO 3166-1 plus XZ installations in international waters). */
  unLocodeCountries: readonly string[];
  /** Countries for which `known` is the full list we hold (from HMRC goods-location codes). */
  knownLocationCountries: readonly string[];
  /** UN/LOCODEs (country + 3-character location) taken from HMRC goods-location codes, with a name. */
  known: readonly CodeAndName[];
}

/** preference-codes.json entries: DE 4/17 preference codes. */
export interface PreferenceCodeRecord {
  code: string;
  description: string;
}

/** manifest.json. */
export interface ManifestFile {
  generator: string;
  sources: ReadonlyArray<{ path: string; sha256: string; bytes: number }>;
  outputs: ReadonlyArray<{ file: string; sha256: string; bytes: number; records: Readonly<Record<string, number>> }>;
  crossChecks: Readonly<Record<string, readonly string[]>>;
}

/** Everything the generator writes, as the loader receives it. */
export interface GeneratedReferenceFiles {
  hs: HsFile;
  countries: readonly CountryRecord[];
  currencies: readonly CurrencyRecord[];
  procedureCodes: readonly ProcedureCodeRecord[];
  documents: DocumentsFile;
  locations: LocationsFile;
  preferenceCodes: readonly PreferenceCodeRecord[];
  manifest: ManifestFile;
}
