/**
 * The engine and the lookup against the committed GB pack built from the real UK data.
 */
import { describe, expect, it } from 'vitest';
import { defaultExchangeRates, defaultTariffPack } from '#demo/gb-tariff-pack.ts';
import { assessDeclaration } from '#shared/tariff/assess-declaration.ts';
import { lookupCommodity } from '#shared/tariff/lookup.ts';
import { declaration, type ItemInput } from './support.ts';

const pack = defaultTariffPack();
const rates = defaultExchangeRates();
const assess = (items: ItemInput[], date = '2021-06-15', valuation: Parameters<typeof declaration>[1] = {}) =>
  assessDeclaration(declaration(items, valuation), { pack, rates, acceptanceDate: date, nationalCurrency: 'GBP' });

describe('assessing against the GB pack', () => {
  it('reproduces the anti-dumping example on 7202118000 (origin outside the safeguard area)', () => {
    // Act
    const result = assess(
      [{ commodityCode: '7202118000', origin: 'MX', invoiceAmount: '1000', quantities: [{ value: '2', unit: 'TNE', qualifier: 'I' }] }],
      '2021-06-15',
      {
        invoiceTotal: '1000',
        freight: '250.89',
        insurance: '10',
      },
    );

    // Assess
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const lines = result.assessment.items[0]!.lines;
    expect(lines.map((l) => [l.taxType, l.measureId, l.amount, l.exactAmount])).toEqual([
      ['A00', '1881982', '34.04', '34.04403'],
      ['A30', '20041036', '288.20', '288.2'],
      ['B00', '-591133', '316.63', '316.626806'],
    ]);
    expect(result.assessment.totals.byCategory?.duty).toBe('322.24');
    expect(result.assessment.tariffPackVersion).toBe(pack.version);
  });

  it('adds the UK safeguard duty for an origin in area 5050 and asks for the biodiesel tonnage', () => {
    // Act
    const result = assess([{ commodityCode: '7202118000', origin: 'CN', netMassKg: '2000' }]);

    // Assess: the anti-dumping duty is per 1000 kg of biodiesel content (qualifier I), not net mass
    expect(result).toMatchObject({
      ok: false,
      problems: [{ pointer: '/items/0/quantities', code: 'MISSING_QUANTITY', message: expect.stringContaining('biodiesel content') }],
    });
  });

  it("converts the EU-era euro amount of 0102291010 at the month's EUR rate", () => {
    // Act
    const result = assess([{ commodityCode: '0102291010', invoiceAmount: '1000', netMassKg: '150' }]);

    // Assess: 10.20% of 1000 + 93.10 EUR x 1.5 x 0.85765 = 102 + 119.7708225
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.assessment.items[0]!.lines[0]).toMatchObject({
      exactAmount: '221.7708225',
      calculation: '10.20% * £1,000.00 + 93.10 EUR / 100 kg * 1.5 * 0.85765 GBP/EUR',
    });
    expect(result.assessment.items[0]!.lines[1]).toMatchObject({ taxType: 'B00', amount: '0.00' }); // VAT zero rate (VTZ)
  });

  it('grants the Canada preference on 1516209821 and picks the company anti-dumping rate by document', () => {
    // Act
    const result = assess([
      {
        commodityCode: '1516209821',
        origin: 'CA',
        preference: '300',
        additionalCodes: ['B107'],
        quantities: [{ value: '3', unit: 'TNE', qualifier: 'I' }],
        documents: [
          { type: 'U112', ref: 'ORIGIN' },
          { type: 'D008', ref: 'INVOICE-DECL' },
        ],
      },
    ]);

    // Assess
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const lines = result.assessment.items[0]!.lines;
    expect(lines.map((l) => [l.taxType, l.measureId, l.amount])).toEqual([
      ['A00', '20138997', '0.00'], // tariff preference, Canada
      ['A30', '20041389', '0.00'], // anti-dumping B107 with its D008 invoice declaration
      ['A40', '20041350', '0.00'], // countervailing B107, same condition
      ['B00', '-1010373354', '200.00'], // standard VAT (VATZ not declared)
    ]);
  });

  it('applies the entry price steps of 0809400500 in its season and the UKGT rate outside it', () => {
    // Act
    const inSeason = assess([{ commodityCode: '0809400500', invoiceAmount: '1000', netMassKg: '1000' }], '2021-07-01');
    const outside = assess([{ commodityCode: '0809400500', invoiceAmount: '1000', netMassKg: '1000' }], '2021-03-01');

    // Assess
    if (!inSeason.ok || !outside.ok) throw new Error('expected assessments');
    expect(inSeason.assessment.items[0]!.lines[0]).toMatchObject({ measureId: '3788670', expression: '14.40%', amount: '144.00' });
    expect(outside.assessment.items[0]!.lines[0]).toMatchObject({ measureId: 'ukgt-08094005-s1', amount: '60.00' });
  });

  it('assesses a UKGT-only commodity with the pack VAT rate', () => {
    // Act: wine vinegar (wine itself owes Alcohol Duty too: tests/unit/tariff/alcohol-duty.test.ts).
    const result = assess([{ commodityCode: '2209001100', origin: 'US', quantities: [{ value: '75', unit: 'LTR' }] }]);

    // Assess: 5.30 GBP / hl x 0.75 hl = 3.975; VAT 20% x (1,000 + 3.975).
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.assessment.items[0]!.lines.map((l) => [l.taxType, l.calculation])).toEqual([
      ['A00', '5.30 GBP / hl * 0.75'],
      ['B00', '20.00% * £1,003.98'],
    ]);
  });
});

describe('lookupCommodity', () => {
  it('shows what applies to 1516209821 from Canada: duty, preference, every anti-dumping company code, VAT options', () => {
    // Act
    const found = lookupCommodity(pack, '1516209821', { origin: 'CA', date: '2021-06-15' });

    // Assess
    expect(found?.description).toContain('Consigned from Canada');
    const byType = (type: string) => found!.measures.filter((m) => m.type === type).map((m) => m.additionalCode ?? m.duty);
    expect(byType('103')).toEqual(['10.90%']);
    expect(byType('142')).toEqual(['0.00%']);
    expect(byType('552')).toEqual(['B999', 'B107', 'B108', 'C114']);
    expect(found!.measures.filter((m) => m.role === 'vat').map((m) => m.duty)).toEqual(['0.00%', '20.00%']);
    expect(found!.measures.find((m) => m.type === '750')).toMatchObject({ evaluable: false, role: 'listed' });
  });

  it('lists quotas but does not offer them, and leaves out other origins', () => {
    // Act
    const fromMorocco = lookupCommodity(pack, '0702000007', { origin: 'MA', date: '2021-02-15' });
    const fromJapan = lookupCommodity(pack, '0702000007', { origin: 'JP', date: '2021-02-15' });

    // Assess
    expect(fromMorocco!.measures.filter((m) => m.type === '143').map((m) => [m.quota, m.evaluable])).toEqual([
      ['051104', false],
      ['051193', false],
    ]);
    expect(fromJapan!.measures.filter((m) => m.role === 'preference').map((m) => m.area.id)).toEqual(['JP']);
  });

  it('resolves a 10-digit code to its UKGT line and shows the pack VAT rates', () => {
    // Act
    const found = lookupCommodity(pack, '0101210000', { date: '2021-06-15' });

    // Assess
    expect(found).toMatchObject({ resolvedCode: '01012100', description: 'Pure-bred breeding horses' });
    expect(found!.measures.map((m) => [m.type, m.duty, m.source])).toEqual([
      ['103', '0.00%', 'ukgt'],
      ['305', '20.00%', 'pack-default'],
      ['305', '5.00%', 'pack-default'],
      ['305', '0.00%', 'pack-default'],
    ]);
  });

  it('knows nothing of a code outside the pack', () => {
    expect(lookupCommodity(pack, '9999999999', { date: '2021-06-15' })).toBeUndefined();
  });
});
