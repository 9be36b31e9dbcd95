/**
 * Duty assessment throughput: items assessed per second on one core (one Node thread) for
 * 10-item declarations against the full GB pack. Target: >= 50,000 items/s.
 *
 *   npx tsx bench/tariff.ts [--declarations N]
 *
 * Declarations are generated from a fixed seed over every commodity of the pack that a plain
 * declaration can be assessed for (each item states litres, items, alcohol strength and the
 * qualified masses the UKGT asks for), with random origins, preferences, currencies (GBP, EUR)
 * and incoterms. The pack is compiled once (as a Lambda would on its first invocation); the
 * figure is measured after a warm-up pass.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultExchangeRates, defaultTariffPack } from '#demo/gb-tariff-pack.ts';
import type { Declaration, DeclarationItem } from '#shared/domain/declaration.ts';
import { type AssessmentContext, assessDeclaration } from '#shared/tariff/assess-declaration.ts';
import { mulberry32 } from '#tests/support/prng.ts';
import { declaration } from '#tests/unit/tariff/support.ts';

export interface TariffBenchmark {
  itemsPerSecond: number;
  declarations: number;
  items: number;
}

const ITEMS_PER_DECLARATION = 10;

const quantities: DeclarationItem['quantities'] = [
  { value: '750', unit: 'LTR' },
  { value: '1200', unit: 'NAR' },
  { value: '12.5', unit: 'ASV' },
  { value: '90', unit: 'KGM', qualifier: 'E' },
  { value: '80', unit: 'KGM', qualifier: 'M' },
  { value: '30', unit: 'KGM', qualifier: 'P' },
  { value: '95', unit: 'KGM', qualifier: 'R' },
  { value: '40', unit: 'KGM', qualifier: 'Z' },
  { value: '60', unit: 'KGM', qualifier: 'I' },
];

/** The tariff tests' declaration builder, with the bench's freight and insurance. */
const baseDeclaration = (items: DeclarationItem[], currency: string, incoterm: Declaration['valuation']['incoterm']): Declaration =>
  declaration(items, { currency, incoterm, freight: '1250.50', insurance: '85.125' });

export async function benchmarkTariff(options: { declarations?: number; log?: (line: string) => void } = {}): Promise<TariffBenchmark> {
  const log = options.log ?? (() => {});
  const declarationCount = options.declarations ?? 20_000;
  const pack = defaultTariffPack();
  const ctx: AssessmentContext = { pack, rates: defaultExchangeRates(), acceptanceDate: '2021-06-15', nationalCurrency: 'GBP' };
  const random = mulberry32(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const amount = (): string => `${Math.floor(random() * 50_000)}.${String(Math.floor(random() * 100)).padStart(2, '0')}`;
  const origins = ['CN', 'US', 'JP', 'IN', 'CA', 'MX', 'DE', 'TR', 'VN', 'BR'];

  const item = (commodityCode: string): DeclarationItem => {
    const preference = random() < 0.2;
    return {
      commodityCode,
      description: 'bench goods',
      origin: pick(origins),
      preference: preference ? '300' : '100',
      additionalCodes: [],
      quantities,
      netMassKg: `${1 + Math.floor(random() * 2000)}.${Math.floor(random() * 1000)}`,
      invoiceAmount: amount(),
      documents: preference ? [{ type: 'U112', ref: 'ORIGIN' }] : [{ type: 'N935', ref: 'INV' }],
    };
  };

  // Every commodity a declaration like these can be assessed for (compiles the whole pack).
  let started = performance.now();
  const codes = Object.keys(pack.commodities).filter((code) => assessDeclaration(baseDeclaration([item(code)], 'GBP', 'FOB'), ctx).ok);
  log(
    `pack ${pack.version}: ${codes.length} of ${Object.keys(pack.commodities).length} commodities assessable by the bench declarations (${(performance.now() - started).toFixed(0)} ms to compile and check)`,
  );

  const declarations = Array.from({ length: declarationCount }, () =>
    baseDeclaration(
      Array.from({ length: ITEMS_PER_DECLARATION }, () => item(pick(codes))),
      random() < 0.5 ? 'GBP' : 'EUR',
      pick(['FOB', 'CIF', 'EXW', 'CFR', 'DAP'] as const),
    ),
  );

  const runAll = (): number => {
    let assessed = 0;
    for (const d of declarations) {
      const result = assessDeclaration(d, ctx);
      if (!result.ok) throw new Error(`bench declaration refused: ${JSON.stringify(result.problems.slice(0, 3))}`);
      assessed += result.assessment.items.length;
    }
    return assessed;
  };
  runAll(); // warm-up
  started = performance.now();
  const items = runAll();
  const seconds = (performance.now() - started) / 1000;
  return { itemsPerSecond: Math.round(items / seconds), declarations: declarationCount, items };
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { declarations: { type: 'string' } } });
  const result = await benchmarkTariff({
    ...(values.declarations ? { declarations: Number(values.declarations) } : {}),
    log: (line) => console.log(line),
  });
  console.log(
    `assessed ${result.items} items in ${result.declarations} declarations of ${ITEMS_PER_DECLARATION}: ${result.itemsPerSecond.toLocaleString('en-GB')} items/s on one core (target >= 50,000)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
