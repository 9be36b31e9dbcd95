/**
 * Risk scoring throughput: declarations scored per second on one core against 200 active
 * synthetic profiles (every criterion kind, and / or / not), with trader profiles, valuation
 * references and random selection. Target (issue 4): at least 20,000 per second.
 *
 * `npx tsx bench/risk.ts` prints the figures; `benchmarkRisk()` returns them.
 */
import { pathToFileURL } from 'node:url';
import { Decimal } from 'decimal.js';
import { demoExchangeRates, demoSelection, demoToNational, demoValuationTable } from '#demo/risk-seed.ts';
import type { Declaration } from '#shared/domain/declaration.ts';
import type { Criterion, RiskProfile } from '#shared/risk/profile.ts';
import { compileProfiles } from '#shared/risk/profile-set.ts';
import { scoreDeclaration } from '#shared/risk/score.ts';
import type { TraderProfile } from '#shared/risk/trader.ts';
import { buildValuationReferences, type ValuationReferenceTable } from '#shared/risk/valuation.ts';
import { mulberry32 as prng } from '#tests/support/prng.ts';

export const RISK_TARGET_PER_SECOND = 20_000;
const PROFILE_COUNT = 200;
const DECLARATION_COUNT = 2_000;

const countries = ['CN', 'RU', 'IN', 'VN', 'TR', 'DE', 'US', 'AE', 'BD', 'PK', 'TH', 'MY', 'BR', 'FR', 'IT', 'JP', 'KR', 'PY', 'BY', 'MX'];
const chapters = ['72', '85', '84', '61', '62', '64', '24', '39', '94', '95', '73', '87', '90', '40', '42'];
const offices = ['GBLHR', 'GBFXT', 'GBDVR', 'GBSOU', 'GBMAN', 'GBBHX', 'GBLGP', 'GBIMM'];

function syntheticData() {
  const random = prng(42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const some = <T>(values: readonly T[], n: number): T[] => [...new Set(Array.from({ length: n }, () => pick(values)))];
  const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const code = (): string => `${pick(chapters)}${digits(8)}`;
  const codes = Array.from({ length: 2000 }, code);
  const medians = new Map(codes.map((c) => [c.slice(0, 6), 1 + random() * 20]));
  const parties = Array.from({ length: 200 }, () => `GB${digits(12)}`);

  const leaf = (): Criterion => {
    switch (Math.floor(random() * 14)) {
      case 0:
        return { kind: 'commodityCode', prefixes: some(codes, 10).map((c) => c.slice(0, 4 + Math.floor(random() * 3))) };
      case 1:
        return { kind: 'origin', countries: some(countries, 3) };
      case 2:
        return { kind: 'exporterCountry', countries: some(countries, 2) };
      case 3:
        return { kind: 'loadingCountry', countries: some(countries, 2) };
      case 4:
        return { kind: 'declarant', ids: Array.from({ length: 20 }, () => `GB${digits(12)}`) };
      case 5:
        return { kind: 'importer', ids: Array.from({ length: 20 }, () => `GB${digits(12)}`) };
      case 6:
        return { kind: 'office', offices: some(offices, 2) };
      case 7:
        return { kind: 'procedureCode', codes: ['4000', '40', '4071'].slice(0, 1 + Math.floor(random() * 3)) };
      case 8:
        return { kind: 'transportMode', modes: some(['1', '3', '4', '5'] as const, 2) };
      case 9:
        return { kind: 'preferenceClaimed' };
      case 10:
        return { kind: 'additionalCode', codes: some(['C999', 'C490', 'B999', '8001'], 2) };
      case 11:
        return { kind: 'valuePerKg', below: (random() * 3).toFixed(2) };
      case 12:
        return { kind: 'valueToReference', belowPercent: 20 + Math.floor(random() * 40) };
      default:
        return random() < 0.5 ? { kind: 'traderDeclarations', fewerThan: 1 + Math.floor(random() * 5) } : { kind: 'trustedTrader' };
    }
  };
  const anchor = (): Criterion => {
    const r = random();
    if (r < 0.7) return { kind: 'commodityCode', prefixes: some(codes, 5).map((c) => c.slice(0, 4 + Math.floor(random() * 3))) };
    if (r < 0.85) return { kind: 'importer', ids: some(parties, 3) };
    return { kind: 'declarant', ids: some(parties, 3) };
  };
  const tree = (depth: number): Criterion => {
    const r = random();
    if (depth >= 3 || r < 0.3) return leaf();
    if (r < 0.75) return { kind: 'and', of: Array.from({ length: 2 + Math.floor(random() * 2) }, () => tree(depth + 1)) };
    if (r < 0.92) return { kind: 'or', of: Array.from({ length: 2 + Math.floor(random() * 2) }, () => tree(depth + 1)) };
    return { kind: 'not', of: tree(depth + 1) };
  };
  const profiles: RiskProfile[] = Array.from({ length: PROFILE_COUNT }, (_, index) => ({
    id: `BENCH-${String(index).padStart(3, '0')}`,
    version: 1 + Math.floor(random() * 5),
    name: `Synthetic profile ${index}`,
    reason: 'Synthetic profile for the benchmark.',
    validFrom: '2026-01-01',
    enabled: true,
    // Profiles are written around a commodity or a party, as risk units write them.
    criteria: { kind: 'and', of: [anchor(), tree(1)] },
    outcome: random() < 0.4 ? { lane: pick(['RED', 'YELLOW', 'BLUE'] as const) } : { score: 5 + Math.floor(random() * 40) },
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: 'bench',
  }));

  const table: ValuationReferenceTable = {
    ...demoValuationTable,
    entries: [
      ...demoValuationTable.entries,
      ...[...medians].flatMap(([commodity, median]) => [
        { commodity, origin: pick(countries), unit: 'KGM', median: (median * 0.9).toFixed(2), count: 50 },
        { commodity, origin: '*' as const, unit: 'KGM', median: median.toFixed(2), count: 200 },
      ]),
    ],
  };

  const traders = new Map<string, TraderProfile>();
  for (const id of parties.slice(0, 150)) {
    const inspections = Math.floor(random() * 40);
    traders.set(id, {
      partyId: id,
      aeo: random() < 0.1 ? pick(['AEOF', 'AEOC', 'AEOS'] as const) : null,
      trusted: random() < 0.1,
      declarationsCount: Math.floor(random() * 500),
      inspections,
      discrepancies: Math.floor(random() * Math.min(inspections, 5) + 0.5) % (inspections + 1),
      firstSeen: '2024-01-01',
      lastSeen: '2026-11-01',
    });
  }

  const declarations: Array<{ id: string; declaration: Declaration; trader: TraderProfile | undefined }> = [];
  for (let n = 0; n < DECLARATION_COUNT; n += 1) {
    const importer = pick(parties);
    const itemCount = random() < 0.6 ? 1 : 1 + Math.floor(random() * 5);
    const currency = pick(['GBP', 'USD', 'EUR', 'CNY']);
    const rate = Number(demoExchangeRates[currency]);
    const items = Array.from({ length: itemCount }, () => {
      const mass = new Decimal(Math.floor(10 + random() * 5000));
      const commodityCode = pick(codes);
      // Around the reference median; about 3 % of items far below it.
      const factor = random() < 0.03 ? 0.15 + random() * 0.3 : 0.6 + random();
      return {
        commodityCode,
        description: 'Synthetic goods',
        origin: pick(countries),
        preference: random() < 0.2 ? '300' : '100',
        additionalCodes: random() < 0.1 ? ['C999'] : [],
        quantities: [{ value: mass.toFixed(), unit: 'KGM' }],
        netMassKg: mass.toFixed(),
        invoiceAmount: mass.times((medians.get(commodityCode.slice(0, 6))! * factor) / rate).toFixed(2),
        documents: [{ type: 'N935', ref: `INV${n}` }],
      };
    });
    const declaration: Declaration = {
      lrn: `BENCH-${n}`,
      type: 'IM',
      procedureCode: random() < 0.9 ? '4000' : '4071',
      office: pick(offices),
      declarant: { id: importer, name: 'Synthetic Ltd' },
      importer: { id: importer, name: 'Synthetic Ltd', country: 'GB' },
      exporter: { name: 'Synthetic Exporter', country: pick(countries) },
      consignment: {
        transportMode: pick(['1', '3', '4', '5'] as const),
        transportDocument: { type: 'N741', ref: `AWB${n}` },
        loadingLocation: `${pick(countries)}ABC`,
        arrivalDate: '2026-11-20',
        grossMassKg: '1000',
      },
      valuation: { currency, incoterm: 'FOB', invoiceTotal: '1000.00' },
      items,
    };
    declarations.push({ id: `01JBENCH${String(n).padStart(18, '0')}`, declaration, trader: traders.get(importer) });
  }
  return { profiles, references: buildValuationReferences(table), declarations };
}

/**
 * Scores the synthetic declarations round-robin for `seconds` (default 3) after one warm-up
 * pass, on the calling thread (one core). `selected` is the lane mix of the warm-up pass: far
 * more selections than real traffic (the 200 profiles share a small vocabulary, so most
 * declarations match some), which makes the figure pessimistic, since every match builds its
 * reason text.
 */
export async function benchmarkRisk(options: { seconds?: number } = {}): Promise<{
  declarationsPerSecond: number;
  profiles: number;
  itemsPerDeclaration: number;
  selected: Record<string, number>;
}> {
  const { profiles, references, declarations } = syntheticData();
  const compiled = compileProfiles(profiles);
  const at = '2026-11-20T10:00:00Z';
  const active = compiled.activeAt(Date.parse(at)).profiles.length;
  const valuation = { references, toNational: demoToNational };
  const secret = 'bench-secret';
  const selected: Record<string, number> = { GREEN: 0, BLUE: 0, YELLOW: 0, RED: 0 };
  const scoreOne = (index: number) => {
    const sample = declarations[index % declarations.length]!;
    return scoreDeclaration({
      declarationId: sample.id,
      declaration: sample.declaration,
      at,
      profiles: compiled,
      trader: sample.trader,
      valuation,
      selection: demoSelection,
      secret,
    });
  };

  for (let index = 0; index < declarations.length; index += 1) selected[scoreOne(index).lane]! += 1; // warm-up, lane mix
  const budgetMs = (options.seconds ?? 3) * 1000;
  let scored = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (let batch = 0; batch < 1000; batch += 1) scoreOne(scored + batch);
    scored += 1000;
    elapsed = performance.now() - started;
  }
  await Promise.resolve();
  const items = declarations.reduce((sum, d) => sum + d.declaration.items.length, 0) / declarations.length;
  return {
    declarationsPerSecond: Math.round((scored / elapsed) * 1000),
    profiles: active,
    itemsPerDeclaration: Math.round(items * 100) / 100,
    selected,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchmarkRisk();
  console.log(
    JSON.stringify({ ...result, target: RISK_TARGET_PER_SECOND, met: result.declarationsPerSecond >= RISK_TARGET_PER_SECOND }, null, 2),
  );
}
