/**
 * Property tests over 1000 random declarations from a seeded generator (no fast-check in the
 * project): totals are the rounded sums of the unrounded lines, each line is its exact amount
 * rounded half-up, and the exact amounts agree with an independent oracle in BigInt rationals,
 * so no binary floating point can have slipped in.
 */
import { describe, expect, it } from 'vitest';
import { assessDeclaration } from '#shared/tariff/assess-declaration.ts';
import type { Assessment } from '#shared/tariff/assessment.ts';
import type { Measure } from '#shared/tariff/model.ts';
import { Dec, fixed2, fixed2FromPlain, plain } from '#shared/tariff/money.ts';
import { mulberry32 } from '#tests/support/prng.ts';
import { ACCEPTED, declaration, duty, type ItemInput, makePack, makeRates, measure } from './support.ts';

// ---- exact rationals in BigInt: the oracle -------------------------------------------------

interface Q {
  readonly n: bigint;
  readonly d: bigint;
}
const q = (text: string): Q => {
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const n = BigInt(whole! + fraction) * (negative ? -1n : 1n);
  return { n, d: 10n ** BigInt(fraction.length) };
};
const add = (a: Q, b: Q): Q => ({ n: a.n * b.d + b.n * a.d, d: a.d * b.d });
const mul = (a: Q, b: Q): Q => ({ n: a.n * b.n, d: a.d * b.d });
const div = (a: Q, b: Q): Q => (b.n < 0n ? { n: -a.n * b.d, d: a.d * -b.n } : { n: a.n * b.d, d: a.d * b.n });
const eq = (a: Q, b: Q): boolean => a.n * b.d === b.n * a.d;
const ZERO: Q = { n: 0n, d: 1n };
/** Half-up to 2 decimals, as a string ("12.30"); values here are never negative. */
function round2(a: Q): string {
  const cents = (a.n * 200n + a.d) / (2n * a.d);
  const text = cents.toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
}

// ---- a seeded generator --------------------------------------------------------------------

/** Random decimal strings built digit by digit (never through a float). */
function generator(seed: number) {
  const random = mulberry32(seed);
  const int = (max: number): number => Math.floor(random() * max);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const digits = (count: number): string => Array.from({ length: count }, () => String(int(10))).join('');
  const decimal = (maxWhole: number, maxFraction: number): string => {
    const whole = String(int(maxWhole));
    const places = int(maxFraction + 1);
    return places === 0 ? whole : `${whole}.${digits(places)}`;
  };
  return { int, pick, decimal, random };
}

const CODES = {
  adValorem: '1000000001',
  specific: '1000000002',
  compound: '1000000003',
  minMax: '1000000004',
  volume: '1000000005',
  euro: '1000000006',
  excise: '1000000007',
} as const;

function randomPack(g: ReturnType<typeof generator>) {
  const rate = () => `${g.int(30)}.${g.int(10)}${g.int(10)}`;
  const amount = () => `${g.int(300)}.${g.int(10)}${g.int(10)}`;
  const vat = (): Measure => measure({ type: '305', duty: duty(`${g.pick(['20', '5', '0', '17.5'])}%`) });
  return makePack({
    [CODES.adValorem]: [measure({ id: 'adv', duty: duty(`${rate()}%`) }), vat()],
    [CODES.specific]: [measure({ duty: duty(`${amount()} GBP / 100 kg`) }), vat()],
    [CODES.compound]: [measure({ duty: duty(`${rate()}% + ${amount()} GBP / 1000 kg`) }), vat()],
    [CODES.minMax]: [
      measure({ duty: duty(`${rate()}% MIN ${amount()} GBP / 100 kg MAX ${amount()} GBP / 100 kg - 1.00 GBP / 100 kg`) }),
      vat(),
    ],
    [CODES.volume]: [measure({ duty: duty(`${amount()} GBP / hl`) }), vat()],
    [CODES.euro]: [measure({ duty: duty(`${rate()}% + ${amount()} EUR / 100 kg`) }), vat()],
    [CODES.excise]: [
      measure({ duty: duty(`${rate()}%`) }),
      measure({ type: '306', additionalCode: 'X411', duty: duty(`${amount()} GBP / hl`) }),
      measure({ type: '552', area: 'CN', duty: duty(`${rate()}%`) }),
      vat(),
    ],
  });
}

const rates = makeRates([
  { currency: 'EUR', period: '2021-06', rate: '0.85765' },
  { currency: 'USD', period: '2021-06', rate: '0.7271782642' },
]);
const rateOf: Record<string, string> = { GBP: '1', EUR: '0.85765', USD: '0.7271782642' };
const incoterms = ['EXW', 'FCA', 'FAS', 'FOB', 'CFR', 'CIF', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP'] as const;

function randomDeclaration(g: ReturnType<typeof generator>) {
  const items: ItemInput[] = Array.from({ length: 1 + g.int(10) }, () => ({
    commodityCode: g.pick(Object.values(CODES)),
    origin: g.pick(['CN', 'US', 'JP']),
    invoiceAmount: g.decimal(100_000, 3),
    netMassKg: g.decimal(5_000, 6),
    quantities: [{ value: g.decimal(10_000, 6), unit: g.pick(['LTR', 'HLT']) }],
  }));
  const valuation = {
    currency: g.pick(['GBP', 'EUR', 'USD']),
    incoterm: g.pick(incoterms),
    ...(g.random() < 0.7 ? { freight: g.decimal(5_000, 3) } : {}),
    ...(g.random() < 0.7 ? { insurance: g.decimal(500, 3) } : {}),
  };
  return declaration(items, valuation);
}

/** Customs value per item, exactly (rationals), then half-up. */
function oracleCustomsValues(decl: ReturnType<typeof declaration>): string[] {
  const v = decl.valuation;
  const freight = ['EXW', 'FCA', 'FAS', 'FOB'].includes(v.incoterm) && v.freight ? q(v.freight) : ZERO;
  const insurance = ['EXW', 'FCA', 'FAS', 'FOB', 'CFR', 'CPT'].includes(v.incoterm) && v.insurance ? q(v.insurance) : ZERO;
  const additions = add(freight, insurance);
  const sum = decl.items.reduce((acc, i) => add(acc, q(i.invoiceAmount)), ZERO);
  return decl.items.map((item) => {
    const invoice = q(item.invoiceAmount);
    const share =
      additions.n === 0n ? ZERO : sum.n === 0n ? div(additions, q(String(decl.items.length))) : div(mul(additions, invoice), sum);
    return round2(mul(add(invoice, share), q(rateOf[v.currency]!)));
  });
}

function checkInvariants(a: Assessment, decl: ReturnType<typeof declaration>): void {
  const lines = a.items.flatMap((i) => i.lines);
  for (const l of lines) expect(l.amount).toBe(round2(q(l.exactAmount)));
  const byType = new Map<string, Q>();
  for (const l of lines) byType.set(l.taxType, add(byType.get(l.taxType) ?? ZERO, q(l.exactAmount)));
  expect(Object.keys(a.totals.byTaxType).sort()).toEqual([...byType.keys()].sort());
  for (const [type, exact] of byType) expect(a.totals.byTaxType[type]).toBe(round2(exact));
  expect(a.totals.total).toBe(round2(lines.reduce((acc, l) => add(acc, q(l.exactAmount)), ZERO)));
  const category = (test: (t: string) => boolean) =>
    round2(lines.filter((l) => test(l.taxType)).reduce((acc, l) => add(acc, q(l.exactAmount)), ZERO));
  expect(a.totals.byCategory).toEqual({
    duty: category((t) => t.startsWith('A')),
    excise: category((t) => /^\d{3}$/.test(t)),
    vat: category((t) => t === 'B00'),
  });

  expect(a.items.map((i) => i.customsValue)).toEqual(oracleCustomsValues(decl));
  for (const item of a.items) {
    const cv = q(item.customsValue);
    let dutiesAndExcise = ZERO;
    for (const l of item.lines) {
      if (l.measureId === 'adv') expect(eq(q(l.exactAmount), div(mul(cv, q(l.rate.slice(0, -1))), q('100')))).toBe(true);
      if (l.taxType !== 'B00') dutiesAndExcise = add(dutiesAndExcise, q(l.exactAmount));
    }
    const vat = item.lines.find((l) => l.taxType === 'B00')!;
    const base = add(cv, dutiesAndExcise);
    expect(eq(q(vat.base.amount), base)).toBe(true);
    expect(eq(q(vat.exactAmount), div(mul(base, q(vat.rate.slice(0, -1))), q('100')))).toBe(true);
  }
}

describe('properties over random declarations', () => {
  it('1000 random declarations: totals are the rounded sums of the exact lines, all exact', () => {
    // Prepare
    const g = generator(20210615);
    let lines = 0;

    for (let round = 0; round < 1000; round++) {
      const pack = randomPack(g);
      const decl = randomDeclaration(g);

      // Act
      const result = assessDeclaration(decl, { pack, rates, acceptanceDate: ACCEPTED, nationalCurrency: 'GBP' });

      // Assess
      if (!result.ok) throw new Error(`round ${round}: ${JSON.stringify(result.problems)}`);
      checkInvariants(result.assessment, decl);
      lines += result.assessment.items.reduce((n, i) => n + i.lines.length, 0);
    }
    expect(lines).toBeGreaterThan(5000);
  });

  it.each([
    ['0.1', '0.2', '0.3'],
    ['0.7', '0.1', '0.8'],
    ['1.005', '0', '1.005'],
    ['0.015', '0.015', '0.03'],
  ])('adds %s and %s into exactly %s, and 100%% of it is that exact amount', (invoice, freight, expected) => {
    // Prepare
    const pack = makePack({
      [CODES.adValorem]: [measure({ id: 'adv', duty: duty('100.00%') }), measure({ type: '305', duty: duty('0%') })],
    });
    const decl = declaration([{ commodityCode: CODES.adValorem, invoiceAmount: invoice }], { freight });

    // Act
    const result = assessDeclaration(decl, { pack, rates, acceptanceDate: ACCEPTED, nationalCurrency: 'GBP' });

    // Assess: customs value rounded half-up (1.005 -> 1.01); the duty is exactly the rounded value
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const cv = round2(q(expected));
    expect(result.assessment.items[0]!.customsValue).toBe(cv);
    expect(eq(q(result.assessment.items[0]!.lines[0]!.exactAmount), q(cv))).toBe(true);
  });

  it('rounds decimal strings half-up to 2 places exactly as decimal.js does (10,000 random values)', () => {
    // Prepare
    const g = generator(7);
    const samples = ['0', '0.005', '0.0049999', '9.995', '99.994', '999.9951', '-0.005', '-0.001', '-1.234', '12', '0.1'];
    for (let i = 0; i < 10_000; i++) samples.push(`${g.random() < 0.1 ? '-' : ''}${g.decimal(10 ** g.int(9), 12)}`);

    for (const text of samples) {
      // Act
      const value = new Dec(text);

      // Assess
      expect(fixed2FromPlain(plain(value))).toBe(fixed2(value));
    }
  });
});
