import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { demoToNational } from '#demo/risk-seed.ts';
import {
  buildReferenceTable,
  buildValuationReferences,
  describeValuation,
  formatAmount,
  formatPercent,
  valuationReferenceTableSchema,
  valueItem,
} from '#shared/risk/valuation.ts';
import { demoValuation, fixture, variant } from './support.ts';

describe('reference lookup', () => {
  const references = buildValuationReferences(
    valuationReferenceTableSchema.parse({
      currency: 'GBP',
      entries: [
        { commodity: '8510', origin: 'CN', median: '2.00', count: 10 },
        { commodity: '851090', origin: 'CN', median: '3.10', count: 125 },
        { commodity: '851090', origin: '*', median: '4.20', count: 310 },
        { commodity: '85', origin: '*', median: '9.99', count: 1000 },
      ],
    }),
  );

  it('takes the longest prefix for the origin, then the longest for any origin', () => {
    // Prepare
    const queries: Array<[string, string]> = [
      ['8510900000', 'CN'],
      ['8510100000', 'CN'],
      ['8510900000', 'VN'],
      ['8517130000', 'CN'],
      ['0101210000', 'CN'],
    ];

    // Act
    const found = queries.map(([code, origin]) => {
      const reference = references.lookup(code, origin);
      return reference === undefined ? '-' : `${reference.commodity}|${reference.origin} ${reference.median.toFixed(2)}`;
    });

    // Assess
    expect(found).toEqual(['851090|CN 3.10', '8510|CN 2.00', '851090|* 4.20', '85|* 9.99', '-']);
  });

  it('answers the same from its memo', () => {
    // Prepare
    const first = references.lookup('8510900000', 'CN');

    // Act
    const again = references.lookup('8510900000', 'CN');

    // Assess
    expect(again).toBe(first);
  });

  it('defaults the unit to KGM and refuses a zero median', () => {
    // Prepare
    const raw = { currency: 'GBP', entries: [{ commodity: '851090', origin: 'CN', median: '0', count: 5 }] };

    // Act
    const parsed = valuationReferenceTableSchema.safeParse(raw);
    const unit = valuationReferenceTableSchema.parse({ ...raw, entries: [{ ...raw.entries[0], median: '1' }] }).entries[0]?.unit;

    // Assess
    expect(parsed.success).toBe(false);
    expect(unit).toBe('KGM');
  });
});

describe('figures as people read them', () => {
  it('writes the reason text of the issue', () => {
    // Prepare
    const declaration = fixture('shaver-parts-undervalued');
    const item = declaration.items[0]!;

    // Act
    const text = describeValuation(item, valueItem(item, declaration.valuation.currency, demoValuation), 'GBP');

    // Assess
    expect(text).toBe('declared 0.42 GBP/kg for 8510900000 from CN, reference median 3.10 GBP/kg (n=125): 14% of reference');
  });

  it('rounds amounts half-up to 2 decimals, keeps 2 significant digits under 0.01, and percentages', () => {
    // Prepare
    const amounts = ['0.425', '3.1', '1234.5', '0.0042', '0'];
    const ratios = ['0.135483', '0.0751', '0.5', '1.25', '0.001'];

    // Act
    const formatted = [amounts.map((a) => formatAmount(new Decimal(a))), ratios.map((r) => formatPercent(new Decimal(r)))];

    // Assess
    expect(formatted).toEqual([
      ['0.43', '3.10', '1234.50', '0.0042', '0.00'],
      ['14%', '7.5%', '50%', '125%', '0.1%'],
    ]);
  });

  it('computes value per kg, per unit and the ratio with decimals', () => {
    // Prepare: 26,400 USD * 0.79 = 20,856 GBP for 20,000 kg; median 1.05
    const declaration = fixture('ferro-silicon-cn');
    const item = declaration.items[0]!;

    // Act
    const valuation = valueItem(item, 'USD', demoValuation);

    // Assess
    expect(valuation.national?.toFixed()).toBe('20856');
    expect(valuation.perKg?.toFixed()).toBe('1.0428');
    expect(valuation.perUnit?.toFixed()).toBe('1.0428');
    expect(valuation.ratio?.toFixed(6)).toBe('0.993143');
  });

  it('has no figures without an exchange rate', () => {
    // Prepare
    const declaration = variant('ferro-silicon-cn', (d) => (d.valuation.currency = 'JPY'));

    // Act
    const valuation = valueItem(declaration.items[0]!, 'JPY', demoValuation);

    // Assess
    expect([valuation.perKg, valuation.ratio]).toEqual([undefined, undefined]);
  });
});

describe('buildReferenceTable', () => {
  it('takes the median value per kg per HS subheading and origin, and for any origin', () => {
    // Prepare: five declarations of 8510900000 from CN at 1, 2, 3, 4, 100 GBP/kg, one from VN at 6
    const perKg = ['1', '2', '3', '4', '100'];
    const declarations = perKg.map((value) =>
      variant('shaver-parts-undervalued', (d) => {
        d.items[0]!.netMassKg = '10';
        d.items[0]!.invoiceAmount = new Decimal(value).times(10).toFixed(2);
      }),
    );
    declarations.push(
      variant('shaver-parts-undervalued', (d) => {
        d.items[0]!.origin = 'VN';
        d.items[0]!.netMassKg = '10';
        d.items[0]!.invoiceAmount = '60.00';
      }),
    );

    // Act
    const table = buildReferenceTable(declarations, { currency: 'GBP', toNational: demoToNational, minCount: 5, period: '2026' });

    // Assess: VN has 1 observation (< 5); any origin has 6: median of 1,2,3,4,6,100 = 3.5
    expect(table).toEqual({
      currency: 'GBP',
      period: '2026',
      entries: [
        { commodity: '851090', origin: '*', unit: 'KGM', median: '3.5', count: 6 },
        { commodity: '851090', origin: 'CN', unit: 'KGM', median: '3', count: 5 },
      ],
    });
    expect(valuationReferenceTableSchema.safeParse(table).success).toBe(true);
  });
});
