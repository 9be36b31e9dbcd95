/**
 * Builds the GB tariff pack and the exchange-rate table from the project's copies of the UK data
 * (data/uk-tariff, see data/SOURCES.md) into compact, deterministic JSON under
 * generated/tariff/:
 *
 *   npx tsx tools/build-tariff-pack.ts                        # rebuild in place
 *   npx tsx tools/build-tariff-pack.ts --out DIR              # build somewhere else (the tests do)
 *   npx tsx tools/build-tariff-pack.ts --data DIR             # read another copy of data/
 *
 * 1. UK Global Tariff CSV: every row's duty text -> third-country duty measures (103); rows that
 *    do not parse are listed in the pack's `unparsed` (and printed), never guessed.
 * 2. Trade Tariff API commodity documents on top: preferences, trade remedies, excise, VAT, quotas
 *    and controls (listed), with area members from geographical_areas.json.
 * 3. Exchange rates: the monthly EUR -> GBP file, plus ECB reference rates of 2021-03-30 crossed
 *    into GBP for other currencies (data/ecb/).
 * Same inputs give byte-identical outputs (no timestamps, stable order); the pack's version is a
 * hash of its content. What is built from what is written down in docs/tariff.md.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import type { Commodity, ExchangeRate, ExchangeRates, TariffPack } from '#shared/tariff/model.ts';
import { packVersion, ratesVersion } from '#shared/tariff/pack.ts';
import { importEcbCrossRates, importMonetaryExchangeRates } from './tariff-importers/rates.ts';
import { importTradeTariffDocument, tradeTariffDocumentSchema } from './tariff-importers/trade-tariff.ts';
import { importUkgt, UKGT_SOURCE } from './tariff-importers/ukgt.ts';

export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const defaultDataDir = join(repoRoot, 'data');
export const defaultOutDir = join(repoRoot, 'generated', 'tariff');
export const PACK_FILE = 'gb-tariff-pack.json';
export const RATES_FILE = 'exchange-rates.json';
export const defaultEcbRatesFile = join(repoRoot, 'data', 'ecb', 'ecb-reference-rates-2021-03-30.json');

/** The UK Global Tariff applies from 1 January 2021. */
export const UKGT_VALID_FROM = '2021-01-01';
/** UK VAT rates: standard 20% (VATA 1994 s.2), reduced 5% (s.29A), zero (s.30). */
export const UK_VAT_RATES = { VAT: '20', VATR: '5', VATZ: '0' } as const;
/** Above this the pack would need a more compact encoding. */
export const MAX_PACK_BYTES = 8 * 1024 * 1024;

export interface BuildOptions {
  readonly dataDir: string;
  /** The pack file; the exchange rates go next to it unless `ratesOutFile` says otherwise. */
  readonly outFile: string;
  readonly ratesOutFile?: string;
  readonly ecbRatesFile?: string;
  readonly log?: (line: string) => void;
}

export interface BuildResult {
  readonly pack: TariffPack;
  readonly rates: ExchangeRates;
  readonly packFile: string;
  readonly ratesFile: string;
  readonly packBytes: number;
  readonly ratesBytes: number;
}

const areaFileSchema = z.array(
  z.object({
    geographical_area_id: z.string(),
    description: z.string(),
    children_geographical_areas: z.array(z.object({ geographical_area_id: z.string() })).nullish(),
  }),
);

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const byKey = <T>(entries: Iterable<[string, T]>): Record<string, T> =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export function buildTariffPack(options: BuildOptions): BuildResult {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = resolve(options.dataDir);
  const sources: TariffPack['sources'] = [];
  const read = (relative: string, records: (bytes: Buffer) => number): Buffer => {
    const bytes = readFileSync(join(dataDir, relative));
    sources.push({ path: relative, sha256: sha256(bytes), records: records(bytes) });
    return bytes;
  };

  // 1. UK Global Tariff.
  log(`reading ${UKGT_SOURCE}`);
  let ukgt: ReturnType<typeof importUkgt> | undefined;
  read(UKGT_SOURCE, (bytes) => {
    ukgt = importUkgt(bytes.toString('utf8'), { validFrom: UKGT_VALID_FROM });
    return ukgt.rows;
  });
  if (!ukgt) throw new Error('UKGT import did not run');
  log(
    `  ${ukgt.rows} rows: ${ukgt.parsed} parsed into ${ukgt.measures} measures, ${ukgt.unparsed.length} unparsed, ${ukgt.unsupported.length} need a qualified quantity`,
  );
  log(`  ${ukgt.shapes.length} duty text shapes:`);
  for (const s of ukgt.shapes) log(`    ${String(s.count).padStart(6)}  ${s.shape}   [${s.outcome}]  e.g. "${s.example}"`);
  if (ukgt.unparsed.length > 0) {
    log(`  UNPARSED (${ukgt.unparsed.length}), first examples:`);
    for (const u of ukgt.unparsed.slice(0, 10)) log(`    row ${u.row} (line ${u.line}) ${u.commodity}: "${u.text}" — ${u.reason}`);
  }
  if (ukgt.unsupported.length > 0) {
    log(`  need a qualified quantity (${ukgt.unsupported.length}), first examples:`);
    for (const u of ukgt.unsupported.slice(0, 5)) log(`    ${u.commodity}: "${u.text}" — ${u.reason}`);
  }

  const commodities = new Map<string, Commodity>();
  for (const [code, c] of ukgt.commodities) {
    commodities.set(code, { description: c.description, ...(c.flags.length > 0 ? { flags: c.flags } : {}), measures: c.measures });
  }
  const warnings = [...ukgt.warnings];
  const measureTypes = new Map<string, string>([
    ['103', 'Third country duty'],
    ['305', 'Value added tax'],
  ]);

  // 2. Trade Tariff API documents on top.
  const documentsDir = 'uk-tariff/uk/commodities';
  const documents: TariffPack['report']['documents'] = [];
  const files = readdirSync(join(dataDir, documentsDir))
    .filter((f) => f.endsWith('.json'))
    .sort();
  log(`reading ${files.length} Trade Tariff documents from ${documentsDir}`);
  for (const file of files) {
    const relative = `${documentsDir}/${file}`;
    let parsedDocument: z.infer<typeof tradeTariffDocumentSchema> | undefined;
    read(relative, (bytes) => {
      parsedDocument = tradeTariffDocumentSchema.parse(JSON.parse(bytes.toString('utf8')));
      return parsedDocument.import_measures.length;
    });
    const document = parsedDocument!;
    const fileCode = basename(file, '.json');
    const code = /^\d{10}$/.test(fileCode) ? fileCode : document.goods_nomenclature_item_id;
    if (document.goods_nomenclature_item_id !== code) {
      warnings.push(
        `${relative}: goods_nomenclature_item_id is ${document.goods_nomenclature_item_id} (a hand-edited fixture); filed under ${code}, its file name`,
      );
    }
    const imported = importTradeTariffDocument(document, code);
    warnings.push(...imported.warnings.map((w) => `${relative}: ${w}`));
    for (const [type, description] of imported.measureTypes) if (!measureTypes.has(type)) measureTypes.set(type, description);
    const existing = commodities.get(code);
    if (existing) existing.measures.push(...imported.measures);
    else commodities.set(code, { description: imported.description, measures: imported.measures });
    documents.push({ file: relative, code, measures: imported.measures.length, unsupported: imported.unsupported });
    log(`  ${file}: ${imported.measures.length} import measures filed under ${code} (${imported.unsupported} not evaluable)`);
  }

  // 3. Geographical areas: groups the measures use, with their members; country names.
  const areasFile = 'uk-tariff/uk/geographical_areas.json';
  const areaRecords = areaFileSchema.parse(
    JSON.parse(read(areasFile, (b) => (JSON.parse(b.toString('utf8')) as unknown[]).length).toString('utf8')),
  );
  const countriesFile = 'uk-tariff/uk/geographical_areas/countries.json';
  const countryRecords = areaFileSchema.parse(
    JSON.parse(read(countriesFile, (b) => (JSON.parse(b.toString('utf8')) as unknown[]).length).toString('utf8')),
  );
  const areaById = new Map(areaRecords.map((a) => [a.geographical_area_id, a]));
  const referenced = new Set<string>();
  for (const c of commodities.values()) for (const m of c.measures) for (const id of [m.area, ...(m.excluded ?? [])]) referenced.add(id);
  const geographicalAreas = new Map<string, { description: string; members: string[] }>();
  for (const id of referenced) {
    const area = areaById.get(id);
    if (area && (area.children_geographical_areas ?? []).length > 0) {
      geographicalAreas.set(id, {
        description: area.description,
        members: [...new Set((area.children_geographical_areas ?? []).map((c) => c.geographical_area_id))].sort(),
      });
    } else if (/^\d{4}$/.test(id)) {
      warnings.push(`geographical area ${id} is used by a measure but has no members in ${areasFile}`);
    }
  }
  log(`  ${geographicalAreas.size} area groups referenced`);

  const pack: Omit<TariffPack, 'version'> = {
    format: 'customs-clearance/tariff-pack@1',
    region: 'GB',
    currency: 'GBP',
    nomenclature: 'UK Global Tariff 2021 (commodity codes of the 2021 UK tariff, HS 2017 based)',
    validFrom: UKGT_VALID_FROM,
    sources,
    measureTypes: byKey([...measureTypes].map(([id, description]) => [id, { description }])),
    countries: byKey(countryRecords.map((c) => [c.geographical_area_id, c.description])),
    geographicalAreas: byKey(geographicalAreas),
    vat: { standard: 'VAT', rates: { ...UK_VAT_RATES } },
    commodities: byKey(commodities),
    unparsed: ukgt.unparsed,
    unsupported: ukgt.unsupported,
    report: {
      ukgt: { rows: ukgt.rows, parsed: ukgt.parsed, measures: ukgt.measures, shapes: ukgt.shapes },
      documents,
      warnings,
    },
  };
  const { format: packFormat, ...packRest } = pack;
  const versioned: TariffPack = { format: packFormat, version: packVersion(pack), ...packRest };
  for (const w of warnings) log(`  warning: ${w}`);

  // 4. Exchange rates.
  const ratesFileIn = 'uk-tariff/xi/monetary_exchange_rates.json';
  const eur = importMonetaryExchangeRates(JSON.parse(readFileSync(join(dataDir, ratesFileIn), 'utf8')), `data/${ratesFileIn}`);
  const ecbFile = options.ecbRatesFile ?? defaultEcbRatesFile;
  const ecbName = `data/ecb/${basename(ecbFile)}`;
  const ecb = importEcbCrossRates(JSON.parse(readFileSync(ecbFile, 'utf8')), ecbName, 'GBP', new Set(['EUR']));
  const allRates: ExchangeRate[] = [...eur, ...ecb].sort((a, b) =>
    a.currency === b.currency ? (a.period < b.period ? -1 : 1) : a.currency < b.currency ? -1 : 1,
  );
  const ratesContent: Omit<ExchangeRates, 'version'> = {
    format: 'customs-clearance/exchange-rates@1',
    nationalCurrency: 'GBP',
    rates: allRates,
    notes: [
      `EUR: monthly EUR -> GBP rates ${eur[0]?.period} .. ${eur.at(-1)?.period} from data/${ratesFileIn} (Trade Tariff monetary exchange rates, sorted by month).`,
      `Other currencies: ECB euro reference rates of 2021-03-30 crossed through EUR into GBP, for 2021-03 only (${ecbName}). Real published rates, but not HMRC's monthly customs rates; load HMRC rates through the admin API for other months.`,
    ],
  };
  const { format: ratesFormat, ...ratesRest } = ratesContent;
  const rates: ExchangeRates = { format: ratesFormat, version: ratesVersion(ratesContent), ...ratesRest };

  const packFile = resolve(options.outFile);
  const ratesFile = resolve(options.ratesOutFile ?? join(dirname(packFile), RATES_FILE));
  mkdirSync(dirname(packFile), { recursive: true });
  mkdirSync(dirname(ratesFile), { recursive: true });
  const packText = `${JSON.stringify(versioned)}\n`;
  const ratesText = `${JSON.stringify(rates, null, 1)}\n`;
  writeFileSync(packFile, packText);
  writeFileSync(ratesFile, ratesText);
  const packBytes = Buffer.byteLength(packText);
  const ratesBytes = Buffer.byteLength(ratesText);
  log(`wrote ${packFile}: ${commodities.size} commodities, version ${versioned.version}, ${(packBytes / 1024 / 1024).toFixed(2)} MB`);
  log(`wrote ${ratesFile}: ${allRates.length} rates (${eur.length} EUR monthly, ${ecb.length} ECB-derived), version ${rates.version}`);
  if (packBytes > MAX_PACK_BYTES) log(`WARNING: the pack is over ${MAX_PACK_BYTES} bytes; use a more compact encoding`);
  return { pack: versioned, rates, packFile, ratesFile, packBytes, ratesBytes };
}

function main(argv: readonly string[]): void {
  const { values } = parseArgs({
    args: [...argv],
    options: { data: { type: 'string' }, out: { type: 'string' } },
  });
  const outDir = values.out ? resolve(values.out) : defaultOutDir;
  buildTariffPack({ dataDir: values.data ? resolve(values.data) : defaultDataDir, outFile: join(outDir, PACK_FILE) });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2));
}
