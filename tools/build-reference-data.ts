/**
 * Builds the platform's reference data from the copies of open data under `data/` (see
 * data/SOURCES.md) into compact, sorted, deterministic JSON under `generated/reference/`,
 * which `shared/reference/index.ts` reads (shipped beside the bundles of the functions that use it).
 *
 *   npx tsx tools/build-reference-data.ts            # rebuild in place
 *   npx tsx tools/build-reference-data.ts --out DIR  # build somewhere else (used by the tests)
 *
 * Reads only `data/`. Same inputs give byte-identical outputs (no timestamps, stable ordering), so
 * `tests/unit/reference-data.test.ts` can check that the committed files are up to date.
 * What is built from what, and why, is written down in docs/reference-data.md.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import type {
  CodeAndName,
  CountryRecord,
  CurrencyRecord,
  DocumentsFile,
  HsFile,
  LocationsFile,
  ManifestFile,
  PreferenceCodeRecord,
  ProcedureCodeRecord,
} from '#shared/reference/types.ts';

export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const defaultDataDir = join(repoRoot, 'data');
export const defaultOutDir = join(repoRoot, 'generated', 'reference');

/** Longest description kept for HS entries: enough to recognise a code in a message. */
export const SHORT_DESCRIPTION_LENGTH = 80;

// ---------------------------------------------------------------------------------------------
// Supplementary lists that the copied data cannot provide. Kept small, separate and cited.
// ---------------------------------------------------------------------------------------------

/**
 * Import procedure codes (DE 1/10, requested + previous procedure). The HMRC code lists in data/
 * come from the EXPORT declarations frontend and hold only export codes, so the import codes are
 * listed here. Only codes seen in HMRC's published index lists are included:
 *  - UK Trade Tariff, CDS Volume 3, "Appendix 1: DE 1/10: Requested and Previous Procedure Codes"
 *    (imports), https://www.gov.uk/government/publications/appendix-1-de-110-requested-and-previous-procedure-codes-of-the-customs-declaration-service-cds
 *    pages "Requested Procedure 01" (0100 0121 0151 0153 0154 0171 0178), "40" (4000 4051 4053
 *    4054 4071 4078), "53" (5300 5351 5353 5354 5371 5378), "71" (7100 7110 7121 7122 7123 7151
 *    7153 7154 7171 7178), and the page's change log of July 2025, which names 0121 0721 4221
 *    4421 4422 5100 5111 5121 5151 5153 5154 5171 5178 6121 6122 7121 7122;
 *  - HMRC manual CDS Volume 3 step-by-step guide CDSSG10020 (0751) and CDSSG04420 (5100).
 * Not included because no index list was at hand to confirm them (add them with a citation when
 * one is): the rest of the 07, 42, 44, 51 and 61 series (e.g. 0700, 4200, 4400, 6110, 6123), 78xx.
 * EU-only codes such as 4010, 4021, 4022, 4600 and 5321 are absent from the UK 40 and 53 index
 * lists and are therefore not valid on CDS.
 */
export const IMPORT_PROCEDURE_CODES: readonly string[] = [
  '0100',
  '0121',
  '0151',
  '0153',
  '0154',
  '0171',
  '0178',
  '0721',
  '0751',
  '4000',
  '4051',
  '4053',
  '4054',
  '4071',
  '4078',
  '4221',
  '4421',
  '4422',
  '5100',
  '5111',
  '5121',
  '5151',
  '5153',
  '5154',
  '5171',
  '5178',
  '5300',
  '5351',
  '5353',
  '5354',
  '5371',
  '5378',
  '6121',
  '6122',
  '7100',
  '7110',
  '7121',
  '7122',
  '7123',
  '7151',
  '7153',
  '7154',
  '7171',
  '7178',
];
const IMPORT_PROCEDURE_SOURCE = 'CDS Volume 3 Appendix 1 (imports), DE 1/10 index lists';

/**
 * Names of the two-digit procedure series used to describe 4-digit codes (requested procedure
 * in digits 1-2, previous procedure in digits 3-4). Series names as in HMRC manual CDSSG09060 and
 * CDSSG04320; 54 and 78 as used in the CDS Appendix 1 index lists (previous procedure only).
 */
const PROCEDURE_SERIES: Readonly<Record<string, string>> = {
  '00': 'no previous procedure',
  '01': 'release for free circulation with simultaneous onward dispatch',
  '07': 'release for free circulation with placing under excise warehousing',
  '10': 'permanent export or dispatch',
  '11': 'inward processing prior export equivalence',
  '21': 'temporary export under outward processing',
  '22': 'temporary export under outward processing (not covered by 21)',
  '23': 'temporary export for return in the unaltered state (returned goods relief)',
  '31': 're-export',
  '40': 'release for free circulation and home use',
  '42': 'release for free circulation under onward supply relief',
  '44': 'end use',
  '51': 'inward processing',
  '53': 'temporary admission',
  '54': 'inward processing in another Member State',
  '61': 're-importation',
  '71': 'customs warehousing',
  '78': 'free zone / freeport',
};

/**
 * Proof-of-origin document codes (DE 2/3) that the data cannot classify by itself. The tariff data
 * shows that TARIC certificate type "U" is "Proofs of origin" and type "N" is "UN/EDIFACT
 * certificates" (the measure-condition requirement texts are prefixed with the category); all
 * U-codes are therefore proofs of origin (e.g. U088 CETA origin declaration, and U112/U117 listed
 * by HMRC). The N-codes below are UN/EDIFACT 1001 document names for preferential origin
 * certificates:
 *  - N954 "Movement certificate EUR.1" (HMRC Tariff Volume 3, Appendix C11 / CDS Appendix 5A);
 *  - N865 "Certificate of origin Form A (GSP)" and N864 "Preference certificate of origin"
 *    (UN/EDIFACT code list 1001, codes 865 and 864).
 */
export const SUPPLEMENTARY_PROOF_OF_ORIGIN_CODES: ReadonlyArray<{ code: string; description: string }> = [
  { code: 'N864', description: 'Preference certificate of origin' },
  { code: 'N865', description: 'Certificate of origin Form A (GSP)' },
  { code: 'N954', description: 'Movement certificate EUR.1' },
];

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

type Log = (line: string) => void;

class SourceReader {
  readonly read = new Map<string, Buffer>();
  constructor(readonly dataDir: string) {}

  bytes(path: string): Buffer {
    const buffer = readFileSync(join(this.dataDir, path));
    this.read.set(path, buffer);
    return buffer;
  }

  json<T>(path: string): T {
    return JSON.parse(this.bytes(path).toString('utf8')) as T;
  }

  csv(path: string): Array<Record<string, string>> {
    return parse(this.bytes(path), { columns: true, bom: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  }

  /** Regular files of a directory (symlinks skipped: in data/ they only duplicate other files). */
  files(dir: string, extension: string): string[] {
    return readdirSync(join(this.dataDir, dir))
      .filter((name) => name.endsWith(extension))
      .filter((name) => !lstatSync(join(this.dataDir, dir, name)).isSymbolicLink())
      .sort()
      .map((name) => `${dir}/${name}`);
  }
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

const byCode =
  <T>(key: (value: T) => string) =>
  (a: T, b: T): number => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
const sortStrings = (values: Iterable<string>): string[] => [...values].sort(byCode((v: string) => v));

/** Collapses whitespace and cuts at a word boundary, marking the cut with an ellipsis. */
export function shortDescription(text: string, max = SHORT_DESCRIPTION_LENGTH): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const space = clean.lastIndexOf(' ', max - 1);
  const cut = space > max * 0.6 ? space : max - 1;
  return `${clean.slice(0, cut).replace(/[\s;,:(]+$/, '')}…`;
}

/**
 * Deterministic, diff-friendly JSON: one top-level key per line and one array element per line,
 * everything else as compact JSON.
 */
export function serialize(value: Record<string, unknown> | unknown[]): string {
  const arrayLines = (items: unknown[]): string =>
    items.length === 0 ? '[]' : `[\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n]`;
  if (Array.isArray(value)) return `${arrayLines(value)}\n`;
  const entries = Object.entries(value).map(([key, v]) => `${JSON.stringify(key)}:${Array.isArray(v) ? arrayLines(v) : JSON.stringify(v)}`);
  return `{\n${entries.join(',\n')}\n}\n`;
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`reference data: ${message}`);
}

// ---------------------------------------------------------------------------------------------
// Builders, one per output file.
// ---------------------------------------------------------------------------------------------

function buildHs(src: SourceReader, log: Log): HsFile {
  const datapackage = JSON.parse(
    src
      .bytes('hs/datapackage.json')
      .toString('utf8')
      .replace(/^\uFEFF/, ''),
  ) as { version?: string };
  const rows = src.csv('hs/harmonized-system.csv');
  const chapters: CodeAndName[] = [];
  const headings: CodeAndName[] = [];
  const subheadings: CodeAndName[] = [];
  let skipped = 0;
  for (const row of rows) {
    const { section = '', hscode = '', description = '', level = '' } = row;
    // UN Comtrade aggregates (TOTAL, and 99 / 9999 / 999999 "Commodities not specified according
    // to kind") are statistical buckets, not part of the HS nomenclature.
    if (section === 'TOTAL') {
      skipped += 1;
      continue;
    }
    const target = level === '2' ? chapters : level === '4' ? headings : level === '6' ? subheadings : undefined;
    assert(target, `unexpected HS level '${level}' for ${hscode}`);
    assert(new RegExp(`^\\d{${level}}$`).test(hscode), `HS code '${hscode}' does not have ${level} digits`);
    target.push([hscode, shortDescription(description)]);
  }
  for (const list of [chapters, headings, subheadings]) list.sort(byCode((entry) => entry[0]));
  const headingSet = new Set(headings.map(([code]) => code));
  const chapterSet = new Set(chapters.map(([code]) => code));
  for (const [code] of subheadings) assert(headingSet.has(code.slice(0, 4)), `subheading ${code} has no heading`);
  for (const [code] of headings) assert(chapterSet.has(code.slice(0, 2)), `heading ${code} has no chapter`);
  log(
    `HS ${datapackage.version ?? '?'}: ${chapters.length} chapters, ${headings.length} headings, ${subheadings.length} subheadings (${skipped} Comtrade aggregate rows skipped)`,
  );
  return { edition: 'HS 2022', chapters, headings, subheadings };
}

function buildCountries(src: SourceReader, log: Log, crossChecks: Record<string, string[]>): CountryRecord[] {
  const iso = new Map<string, string>();
  for (const row of src.csv('reference/country-codes.csv')) {
    const code = row['ISO3166-1-Alpha-2'] ?? '';
    const name = row['CLDR display name'] || row.official_name_en || '';
    assert(/^[A-Z]{2}$/.test(code), `bad ISO 3166-1 alpha-2 code '${code}'`);
    assert(!iso.has(code), `duplicate ISO country ${code}`);
    iso.set(code, name);
  }
  const hmrc = new Map<string, string>();
  for (const entry of src.json<Array<{ code: string; en: string }>>('hmrc-code-lists/countryCodes.json')) {
    assert(/^[A-Z]{2}$/.test(entry.code), `bad HMRC country code '${entry.code}'`);
    hmrc.set(entry.code, entry.en);
  }
  const shortNames = new Map(
    src
      .json<Array<{ parentCode: string; childCodes: string[] }>>('hmrc-code-lists/linkCountryCodeToShortName.json')
      .map((link): [string, string] => [link.parentCode, link.childCodes[0] ?? '']),
  );
  const codes = sortStrings(new Set([...iso.keys(), ...hmrc.keys()]));
  const records = codes.map(
    (code): CountryRecord => ({
      code,
      // ISO entries: CLDR display name (short, e.g. "Bolivia"); HMRC-only entries: HMRC short name.
      name: iso.get(code) ?? (shortNames.get(code) || shortDescription(hmrc.get(code) ?? '', 60)),
      iso: iso.has(code),
      hmrc: hmrc.has(code),
    }),
  );
  crossChecks['countries: HMRC only (kept)'] = codes.filter((c) => !iso.has(c));
  crossChecks['countries: ISO only (kept)'] = codes.filter((c) => !hmrc.has(c));
  log(
    `countries: ${records.length} (${iso.size} ISO 3166-1, ${hmrc.size} HMRC, ${crossChecks['countries: HMRC only (kept)'].length} HMRC-only)`,
  );
  return records;
}

function buildCurrencies(src: SourceReader, log: Log, crossChecks: Record<string, string[]>): CurrencyRecord[] {
  const hmrc = new Set(src.json<Array<{ code: string }>>('hmrc-code-lists/currencyCodes.json').map((c) => c.code));
  const current = new Map<string, Omit<CurrencyRecord, 'hmrc'>>();
  const withdrawn = new Set<string>();
  for (const row of src.csv('reference/currency-codes.csv')) {
    const code = row.AlphabeticCode ?? '';
    if (!code) continue; // "No universal currency" rows
    if (row.WithdrawalDate) {
      withdrawn.add(code);
      continue;
    }
    assert(/^[A-Z]{3}$/.test(code), `bad ISO 4217 code '${code}'`);
    const minor = row.MinorUnit ?? '';
    const record = {
      code,
      name: row.Currency ?? '',
      numeric: row.NumericCode || null,
      minorUnits: /^\d$/.test(minor) ? Number(minor) : null,
    };
    const previous = current.get(code);
    assert(
      !previous || (previous.minorUnits === record.minorUnits && previous.name === record.name),
      `currency ${code} listed with different names or minor units`,
    );
    current.set(code, record);
  }
  const records = sortStrings(current.keys()).map((code): CurrencyRecord => ({ ...current.get(code)!, hmrc: hmrc.has(code) }));
  crossChecks['currencies: HMRC list but withdrawn or not ISO 4217 (dropped)'] = sortStrings([...hmrc].filter((c) => !current.has(c)));
  crossChecks['currencies: current ISO 4217 not in HMRC list (kept)'] = records.filter((r) => !r.hmrc).map((r) => r.code);
  log(
    `currencies: ${records.length} current ISO 4217 codes (${[...withdrawn].filter((c) => !current.has(c)).length} withdrawn codes dropped)`,
  );
  return records;
}

function describeProcedure(code: string): string {
  const requested = PROCEDURE_SERIES[code.slice(0, 2)];
  const previous = PROCEDURE_SERIES[code.slice(2, 4)];
  assert(requested && previous, `no series names for procedure code ${code}`);
  const text = code.endsWith('00') ? requested : `${requested}; previous procedure: ${previous}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function buildProcedureCodes(src: SourceReader, log: Log, _crossChecks: Record<string, string[]>): ProcedureCodeRecord[] {
  const records = new Map<string, ProcedureCodeRecord>();
  const add = (record: ProcedureCodeRecord): void => {
    assert(/^\d{4}$/.test(record.code), `procedure code '${record.code}' is not 4 digits`);
    assert(!records.has(record.code), `procedure code ${record.code} listed twice`);
    records.set(record.code, record);
  };
  const exportFile = 'hmrc-code-lists/procedureCodes/procedureCodes.json';
  for (const entry of src.json<Array<{ code: string; en: string }>>(exportFile)) {
    add({ code: entry.code, direction: 'export', kind: 'declaration', description: entry.en.trim(), source: exportFile });
  }
  const c21File = 'hmrc-code-lists/procedureCodes/procedureCodesC21.json';
  for (const entry of src.json<Array<{ code: string; en: string }>>(c21File)) {
    add({ code: entry.code, direction: 'export', kind: 'clearance-request', description: entry.en.trim(), source: c21File });
  }
  // The link files only tag codes of the two lists above (zero-VAT restriction, allowed DE 1/11
  // additional procedure codes); they add no codes of their own. Checked, not copied.
  for (const linkFile of [
    'hmrc-code-lists/procedureCodes/linkProcedureCodes.json',
    'hmrc-code-lists/procedureCodes/linkProcedureCodeToAdditionalProcedureCodes.json',
    'hmrc-code-lists/procedureCodes/linkProcedureCodeToAdditionalProcedureCodesC21.json',
  ]) {
    const extra = src
      .json<Array<{ parentCode: string }>>(linkFile)
      .map((l) => l.parentCode)
      .filter((c) => !records.has(c));
    assert(extra.length === 0, `${linkFile} links unknown procedure codes ${extra.join(', ')}`);
  }
  const fromData = records.size;
  for (const code of IMPORT_PROCEDURE_CODES) {
    add({ code, direction: 'import', kind: 'declaration', description: describeProcedure(code), source: IMPORT_PROCEDURE_SOURCE });
  }
  log(
    `procedure codes: ${records.size} (${fromData} export codes from HMRC lists, ${IMPORT_PROCEDURE_CODES.length} import codes from the cited supplementary list)`,
  );
  return [...records.values()].sort(byCode((r) => r.code));
}

interface MeasureCondition {
  document_code?: unknown;
  requirement?: unknown;
}

function buildDocuments(src: SourceReader, log: Log): DocumentsFile {
  // Certificate categories and document codes as the tariff's measure conditions show them
  // ("Proofs of origin: Origin declaration ...", "UN/EDIFACT certificates: Phytosanitary certificate").
  const categories = new Map<string, Set<string>>();
  const tariffCodes = new Map<string, string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const condition = node as MeasureCondition;
    if (typeof condition.document_code === 'string' && /^[A-Z0-9]{4}$/.test(condition.document_code)) {
      const requirement = typeof condition.requirement === 'string' ? condition.requirement : '';
      const colon = requirement.indexOf(':');
      const category = colon > 0 ? requirement.slice(0, colon).trim() : '';
      const type = condition.document_code.charAt(0);
      if (category) (categories.get(type) ?? categories.set(type, new Set()).get(type)!).add(category);
      if (!tariffCodes.has(condition.document_code)) {
        tariffCodes.set(condition.document_code, shortDescription(requirement.slice(colon + 1).replace(/<[^>]*>/g, ''), 100));
      }
    }
    Object.values(node).forEach(visit);
  };
  for (const file of [...src.files('uk-tariff/uk/commodities', '.json'), ...src.files('uk-tariff/xi/commodities', '.json')]) {
    visit(src.json<unknown>(file));
  }
  const certificateTypes: CodeAndName[] = sortStrings(categories.keys()).map((type) => {
    const names = sortStrings(categories.get(type)!);
    assert(names.length === 1, `certificate type ${type} has several categories: ${names.join(' | ')}`);
    return [type, names[0]!];
  });
  const proofTypes = certificateTypes.filter(([, name]) => /proofs? of origin/i.test(name)).map(([type]) => type);
  assert(proofTypes.length > 0, 'the tariff data shows no "Proofs of origin" certificate type');

  const hmrcCodes = src
    .json<Array<{ parentCode: string; childCodes: string[] }>>('hmrc-code-lists/additionalDocumentCodes/additionalDocumentCodes.json')
    .filter((l) => l.childCodes.includes('DocumentCodesRequiringAReason'))
    .map((l) => l.parentCode);

  const proofCodes = new Map<string, { code: string; description: string; source: string }>();
  for (const [code, description] of tariffCodes) {
    if (proofTypes.includes(code.charAt(0))) proofCodes.set(code, { code, description, source: 'uk-tariff measure conditions' });
  }
  for (const code of hmrcCodes) {
    if (proofTypes.includes(code.charAt(0)) && !proofCodes.has(code)) {
      proofCodes.set(code, {
        code,
        description: 'Proof of origin (certificate type U)',
        source: 'hmrc-code-lists additionalDocumentCodes',
      });
    }
  }
  for (const { code, description } of SUPPLEMENTARY_PROOF_OF_ORIGIN_CODES) {
    proofCodes.set(code, { code, description, source: 'supplementary (UN/EDIFACT 1001; CDS Appendix 5A)' });
  }

  const previousDocumentTypes: CodeAndName[] = src
    .json<Array<{ code: string; en: string }>>('hmrc-code-lists/documentTypes/documentTypes.json')
    .map((d): CodeAndName => [d.code, d.en.replace(/\*+$/, '').trim()])
    .sort(byCode((entry) => entry[0]));

  const documentCodes = sortStrings(new Set([...hmrcCodes, ...tariffCodes.keys(), ...proofCodes.keys()]));
  const result: DocumentsFile = {
    certificateTypes,
    documentCodes,
    documentCodesRequiringReason: sortStrings(hmrcCodes),
    proofOfOrigin: { certificateTypes: proofTypes, codes: [...proofCodes.values()].sort(byCode((c) => c.code)) },
    previousDocumentTypes,
  };
  log(
    `documents: ${documentCodes.length} DE 2/3 codes, ${previousDocumentTypes.length} DE 2/1 types, proof of origin: type ${proofTypes.join('/')} + ${result.proofOfOrigin.codes.map((c) => c.code).join(' ')}`,
  );
  return result;
}

/** Goods-location lists in order of preference for naming a location (ports before premises). */
const LOCATION_LIST_PRIORITY = [
  'airports-16a',
  'maritime-ports',
  'rail-16m',
  'roro-16r',
  'border-inspection',
  'gvms-16s',
  'other-location',
  'coa-airports',
];

function buildLocations(src: SourceReader, log: Log): LocationsFile {
  const unLocodeCountries = sortStrings(
    src.csv('un-locode/country-codes.csv').map((row) => {
      const code = row.CountryCode ?? '';
      assert(/^[A-Z]{2}$/.test(code), `bad UN/LOCODE country '${code}'`);
      return code;
    }),
  );

  const rank = (file: string): number => {
    const index = LOCATION_LIST_PRIORITY.findIndex((prefix) => file.includes(`/${prefix}`));
    return index < 0 ? LOCATION_LIST_PRIORITY.length : index;
  };
  const files = src
    .files('hmrc-code-lists/goods-locations-codes', '.json')
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const known = new Map<string, string>();
  let codes = 0;
  for (const file of files) {
    for (const entry of src.json<Array<{ code: string; en: string }>>(file)) {
      codes += 1;
      // DE 5/23: country (2) + location type (A-D) + qualifier (U = UN/LOCODE) + identifier whose
      // first three characters are the UN/LOCODE location.
      const match = /^([A-Z]{2})([A-D])U([A-Z2-9]{3})/.exec(entry.code);
      assert(match, `goods-location code '${entry.code}' in ${file} is not UN/LOCODE based`);
      const locode = `${match[1]}${match[3]}`;
      if (!known.has(locode)) known.set(locode, shortDescription(entry.en.split(' / ')[0] ?? entry.en, 60));
    }
  }
  const knownLocationCountries = sortStrings(new Set([...known.keys()].map((c) => c.slice(0, 2))));
  for (const country of knownLocationCountries)
    assert(unLocodeCountries.includes(country), `location country ${country} is not a UN/LOCODE country`);
  log(
    `locations: ${known.size} known UN/LOCODEs (${knownLocationCountries.join(', ')}) from ${codes} HMRC goods-location codes; ${unLocodeCountries.length} UN/LOCODE countries`,
  );
  return { unLocodeCountries, knownLocationCountries, known: [...known.entries()].sort(byCode((e) => e[0])) };
}

function buildPreferenceCodes(src: SourceReader, log: Log): PreferenceCodeRecord[] {
  const records = src
    .json<Array<{ id: string; description: string }>>('uk-tariff/reference/preference_codes.json')
    .map((p): PreferenceCodeRecord => {
      assert(/^\d{3}$/.test(p.id), `bad preference code '${p.id}'`);
      return { code: p.id, description: p.description.trim() };
    })
    .sort(byCode((p) => p.code));
  log(`preference codes: ${records.length} (DE 4/17)`);
  return records;
}

// ---------------------------------------------------------------------------------------------
// Entry points.
// ---------------------------------------------------------------------------------------------

export interface BuildOptions {
  dataDir?: string;
  outDir?: string;
  log?: Log;
}

/** Builds every file into `outDir` and returns the manifest. */
export function buildReferenceData(options: BuildOptions = {}): ManifestFile {
  const dataDir = options.dataDir ?? defaultDataDir;
  const outDir = options.outDir ?? defaultOutDir;
  const log = options.log ?? ((line: string) => console.log(line));
  const src = new SourceReader(dataDir);
  const crossChecks: Record<string, string[]> = {};

  log(`reading ${relative(process.cwd(), dataDir) || '.'}`);
  const outputs: Array<{ file: string; content: string; records: Record<string, number> }> = [];
  const hs = buildHs(src, log);
  outputs.push({
    file: 'hs.json',
    content: serialize({ ...hs }),
    records: { chapters: hs.chapters.length, headings: hs.headings.length, subheadings: hs.subheadings.length },
  });
  const countries = buildCountries(src, log, crossChecks);
  outputs.push({ file: 'countries.json', content: serialize(countries), records: { countries: countries.length } });
  const currencies = buildCurrencies(src, log, crossChecks);
  outputs.push({ file: 'currencies.json', content: serialize(currencies), records: { currencies: currencies.length } });
  const procedures = buildProcedureCodes(src, log, crossChecks);
  outputs.push({
    file: 'procedure-codes.json',
    content: serialize(procedures),
    records: {
      procedureCodes: procedures.length,
      import: procedures.filter((p) => p.direction === 'import').length,
      export: procedures.filter((p) => p.direction === 'export').length,
    },
  });
  const documents = buildDocuments(src, log);
  outputs.push({
    file: 'documents.json',
    content: serialize({ ...documents }),
    records: {
      documentCodes: documents.documentCodes.length,
      previousDocumentTypes: documents.previousDocumentTypes.length,
      proofOfOriginCodes: documents.proofOfOrigin.codes.length,
    },
  });
  const locations = buildLocations(src, log);
  outputs.push({
    file: 'locations.json',
    content: serialize({ ...locations }),
    records: { knownLocations: locations.known.length, unLocodeCountries: locations.unLocodeCountries.length },
  });
  const preferences = buildPreferenceCodes(src, log);
  outputs.push({ file: 'preference-codes.json', content: serialize(preferences), records: { preferenceCodes: preferences.length } });

  const manifest: ManifestFile = {
    generator: 'tools/build-reference-data.ts',
    sources: sortStrings(src.read.keys()).map((path) => {
      const buffer = src.read.get(path)!;
      return { path: `data/${path}`, sha256: sha256(buffer), bytes: buffer.length };
    }),
    outputs: outputs.map(({ file, content, records }) => ({ file, sha256: sha256(content), bytes: Buffer.byteLength(content), records })),
    crossChecks,
  };

  mkdirSync(outDir, { recursive: true });
  for (const { file, content } of outputs) writeFileSync(join(outDir, file), content);
  const manifestJson = `${JSON.stringify(manifest, null, 1)}\n`;
  writeFileSync(join(outDir, 'manifest.json'), manifestJson);
  const total = outputs.reduce((sum, o) => sum + Buffer.byteLength(o.content), 0) + Buffer.byteLength(manifestJson);
  log(`wrote ${outputs.length + 1} files (${(total / 1024).toFixed(0)} KiB) to ${relative(process.cwd(), outDir) || '.'}`);
  return manifest;
}

function main(argv: readonly string[]): void {
  const outIndex = argv.indexOf('--out');
  const outDir = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  if (outIndex >= 0 && !outDir) throw new Error('--out needs a directory');
  buildReferenceData({ outDir: outDir ? resolve(outDir) : undefined });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2));
}
