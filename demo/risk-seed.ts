/**
 * Demo seed for the demo region (eu-west-2, GB, GBP): a few realistic risk profiles, two
 * traders, a valuation reference table and the selection rates of the GB offices.
 *
 * ILLUSTRATIVE ONLY. The profiles show the kinds of criteria a customs risk unit writes; they
 * are not HMRC's, and no real trade remedy, statistic or control rate is claimed. The medians
 * are plausible orders of magnitude, not published statistics. The parties are the local demo
 * users (README). A real administration writes its own profiles through the API and builds its
 * references from its own declarations (`buildReferenceTable`).
 */
import { Decimal } from 'decimal.js';
import type { RiskProfile } from '#shared/risk/profile.ts';
import type { RiskThresholds } from '#shared/risk/score.ts';
import type { OfficeSelection, SelectionConfig } from '#shared/risk/selection.ts';
import type { TraderProfile } from '#shared/risk/trader.ts';
import type { ToNational, ValuationReferenceTable } from '#shared/risk/valuation.ts';

const seeded = { version: 1, enabled: true, createdAt: '2026-01-05T09:00:00Z', createdBy: 'seed' } as const;

export const demoProfiles: readonly RiskProfile[] = [
  {
    ...seeded,
    id: 'RP-GB-FESI-AD',
    name: 'Ferro-silicon from China or Russia (anti-dumping)',
    reason:
      'Anti-dumping duty applies to ferro-silicon originating in China and Russia. Examine the goods: confirm the silicon content, the origin and the additional code; mis-declared origin is the usual way round the duty.',
    owner: 'Trade remedies enforcement',
    validFrom: '2026-01-01',
    criteria: {
      kind: 'and',
      of: [
        { kind: 'commodityCode', prefixes: ['720221', '720229'] },
        { kind: 'origin', countries: ['CN', 'RU'] },
      ],
    },
    outcome: { lane: 'RED' },
  },
  {
    ...seeded,
    id: 'RP-GB-SHAVER-VALUE',
    name: 'Electric shaver parts far below the usual value',
    reason:
      'Parts of shavers and hair clippers are often under-invoiced. Ask for the commercial invoice, the sales contract and proof of payment before release.',
    owner: 'Valuation team',
    validFrom: '2026-01-01',
    criteria: {
      kind: 'and',
      of: [
        { kind: 'commodityCode', prefixes: ['8510'] },
        { kind: 'valueToReference', belowPercent: 40 },
      ],
    },
    outcome: { lane: 'YELLOW' },
  },
  {
    ...seeded,
    id: 'RP-GB-FIRST-IMPORTER',
    name: 'First-time importer',
    reason:
      'An importer with no declaration history has no compliance record yet. Adds to the score; with nothing else against it the declaration is released and audited after clearance.',
    owner: 'Risk and intelligence',
    validFrom: '2026-01-01',
    criteria: {
      kind: 'and',
      of: [
        { kind: 'declarationType', types: ['IM'] },
        { kind: 'traderDeclarations', fewerThan: 1 },
        { kind: 'not', of: { kind: 'trustedTrader' } },
      ],
    },
    outcome: { score: 35 },
  },
  {
    ...seeded,
    id: 'RP-GB-CIGARETTES',
    name: 'Cigarettes from or via high-risk countries',
    reason:
      'Cigarettes originating in or shipped from these countries carry a high risk of smuggling and counterfeiting. Check the fiscal marks, the brand owner and the routing.',
    owner: 'Excise and tobacco',
    validFrom: '2026-01-01',
    validTo: '2027-12-31',
    criteria: {
      kind: 'and',
      of: [
        { kind: 'commodityCode', prefixes: ['240220'] },
        {
          kind: 'or',
          of: [
            { kind: 'origin', countries: ['AE', 'BY', 'PY'] },
            { kind: 'loadingCountry', countries: ['AE'] },
          ],
        },
      ],
    },
    outcome: { score: 60 },
  },
];

export const demoTraders: readonly TraderProfile[] = [
  {
    partyId: 'GB987654321000',
    name: 'Borealis Trading',
    aeo: 'AEOF',
    trusted: true,
    declarationsCount: 2400,
    inspections: 60,
    discrepancies: 0,
    firstSeen: '2019-03-11',
    lastSeen: '2026-11-17',
  },
  {
    partyId: 'GB123456789000',
    name: 'Acme Imports Ltd',
    aeo: null,
    trusted: false,
    declarationsCount: 140,
    inspections: 12,
    discrepancies: 1,
    firstSeen: '2023-06-02',
    lastSeen: '2026-11-10',
  },
];

/** Median declared value per kg (per item for NAR) in GBP, by HS subheading and origin. */
export const demoValuationTable: ValuationReferenceTable = {
  currency: 'GBP',
  period: 'illustrative demo statistics',
  entries: [
    { commodity: '240220', origin: '*', unit: 'KGM', median: '30.00', count: 14 },
    { commodity: '610910', origin: '*', unit: 'NAR', median: '2.80', count: 640 },
    { commodity: '640299', origin: 'CN', unit: 'KGM', median: '6.80', count: 210 },
    { commodity: '720221', origin: 'CN', unit: 'KGM', median: '1.05', count: 48 },
    { commodity: '720221', origin: 'RU', unit: 'KGM', median: '0.98', count: 22 },
    { commodity: '720229', origin: '*', unit: 'KGM', median: '0.95', count: 30 },
    { commodity: '850760', origin: 'CN', unit: 'KGM', median: '9.50', count: 180 },
    { commodity: '851090', origin: 'CN', unit: 'KGM', median: '3.10', count: 125 },
    { commodity: '851090', origin: '*', unit: 'KGM', median: '4.20', count: 310 },
  ],
};

const standard: OfficeSelection = {
  minimumRandom: { RED: 0.01, YELLOW: 0.02, BLUE: 0.01 },
  expected: { RED: 0.03, YELLOW: 0.05, BLUE: 0.03 },
};

/**
 * Random selection for the GB offices of infra/config/regions.ts (eu-west-2). Dover and
 * Holyhead-style roll-on roll-off traffic cannot wait: fewer physical checks, more documentary.
 */
export const demoSelection: SelectionConfig = {
  default: standard,
  offices: {
    GBLHR: standard,
    GBFXT: standard,
    GBDVR: { minimumRandom: { RED: 0.005, YELLOW: 0.02, BLUE: 0.01 }, expected: { RED: 0.02, YELLOW: 0.05, BLUE: 0.03 } },
    GBSOU: standard,
    GBMAN: standard,
    GBBHX: standard,
    GBLGP: standard,
    GBIMM: standard,
  },
};

export const demoThresholds: RiskThresholds = { BLUE: 30, YELLOW: 50, RED: 80 };

/** Illustrative GBP rates for the demo and tests; the worker uses the tariff's exchange rates. */
export const demoExchangeRates: Readonly<Record<string, string>> = { GBP: '1', USD: '0.79', EUR: '0.86', CNY: '0.11' };

const demoRates = new Map(Object.entries(demoExchangeRates).map(([currency, rate]) => [currency, new Decimal(rate)]));

/** Converts with `demoExchangeRates`, unrounded. */
export const demoToNational: ToNational = (amount, currency) => {
  const rate = demoRates.get(currency);
  return rate === undefined ? undefined : new Decimal(amount).times(rate);
};
