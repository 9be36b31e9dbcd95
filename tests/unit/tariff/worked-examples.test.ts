/**
 * The worked examples of issue 3 (GBP), reproduced exactly: calculation text, line amounts and
 * the unrounded amounts carried into the totals.
 */
import { describe, expect, it } from 'vitest';
import { assessDeclaration } from '#shared/tariff/assess-declaration.ts';
import { ACCEPTED, declaration, duty, makePack, makeRates, measure } from './support.ts';

const rates = makeRates();
const context = (pack: ReturnType<typeof makePack>) => ({ pack, rates, acceptanceDate: ACCEPTED, nationalCurrency: 'GBP' });

describe('worked examples', () => {
  it('ad valorem: value 10 + freight 10 + insurance 10 at 8.00% is "8.00% * £30.00" = 2.40', () => {
    // Prepare
    const pack = makePack({ '1111111111': [measure({ id: 'adv', duty: duty('8.00%') })] });
    const decl = declaration([{ commodityCode: '1111111111', invoiceAmount: '10' }], {
      incoterm: 'FOB',
      invoiceTotal: '10',
      freight: '10',
      insurance: '10',
    });

    // Act
    const result = assessDeclaration(decl, context(pack));

    // Assess
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const item = result.assessment.items[0]!;
    expect(item.customsValue).toBe('30.00');
    expect(item.lines[0]).toMatchObject({
      taxType: 'A00',
      calculation: '8.00% * £30.00',
      rate: '8.00%',
      amount: '2.40',
      exactAmount: '2.4',
      measureId: 'adv',
      base: { amount: '30.00', unit: 'GBP' },
    });
  });

  it('compound: 13.80% MIN 13.00 GBP / 100 kg MAX 15.00 GBP / 100 kg - 7.00 GBP / 100 kg on 1000 and 1 x 100 kg is 8.00', () => {
    // Prepare
    const expression = duty('13.80% MIN 13.00 GBP / 100 kg MAX 15.00 GBP / 100 kg - 7.00 GBP / 100 kg');
    const pack = makePack({ '2222222222': [measure({ id: 'compound', duty: expression })] });
    const decl = declaration([{ commodityCode: '2222222222', invoiceAmount: '1000', quantities: [{ value: '1', unit: 'DTN' }] }]);

    // Act
    const result = assessDeclaration(decl, context(pack));

    // Assess
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const line = result.assessment.items[0]!.lines[0]!;
    expect(expression.text).toBe('13.80% MIN 13.00 GBP / 100 kg MAX 15.00 GBP / 100 kg - 7.00 GBP / 100 kg');
    expect(line.amount).toBe('8.00');
    expect(line.exactAmount).toBe('8');
    expect(line.expression).toBe(expression.text);
    expect(line.calculation).toBe('13.80% * £1,000.00 MIN 13.00 GBP / 100 kg * 1 MAX 15.00 GBP / 100 kg * 1 - 7.00 GBP / 100 kg * 1');
  });

  it('ad valorem plus specific anti-dumping: customs value 1,260.89, 2.7% = 34.04, 144.10 GBP / 1000 kg x 2 = 288.20, duty 322.24', () => {
    // Prepare
    const pack = makePack({
      '7202118000': [
        measure({ id: 'third-country', duty: duty('2.70%') }),
        measure({ id: 'anti-dumping', type: '552', additionalCode: 'C490', duty: duty('144.10 GBP / 1000 kg') }),
      ],
    });
    const decl = declaration([{ commodityCode: '7202118000', invoiceAmount: '1000', netMassKg: '2000' }], {
      invoiceTotal: '1000',
      freight: '250.89',
      insurance: '10',
    });

    // Act
    const result = assessDeclaration(decl, context(pack));

    // Assess
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { items, totals } = result.assessment;
    expect(items[0]!.customsValue).toBe('1260.89');
    const [thirdCountry, antiDumping] = items[0]!.lines;
    expect(thirdCountry).toMatchObject({ taxType: 'A00', calculation: '2.70% * £1,260.89', amount: '34.04', exactAmount: '34.04403' });
    expect(antiDumping).toMatchObject({
      taxType: 'A30',
      rate: '144.10 GBP / 1000 kg',
      calculation: '144.10 GBP / 1000 kg * 2',
      base: { amount: '2', unit: 'TNE' },
      amount: '288.20',
      exactAmount: '288.2',
    });
    expect(totals.byCategory?.duty).toBe('322.24'); // 34.04403 + 288.2 = 322.24403
    expect(totals.byTaxType).toMatchObject({ A00: '34.04', A30: '288.20' });
  });

  it('VAT: customs value 30.00 plus duties of 1000.00 at 8.00% is "8.00% * £1,030.00" = 82.40', () => {
    // Prepare
    const pack = makePack({
      '3333333333': [measure({ id: 'duty', duty: duty('1000.00 GBP / item') }), measure({ id: 'vat', type: '305', duty: duty('8.00%') })],
    });
    const decl = declaration([{ commodityCode: '3333333333', invoiceAmount: '10', quantities: [{ value: '1', unit: 'NAR' }] }], {
      invoiceTotal: '10',
      freight: '10',
      insurance: '10',
    });

    // Act
    const result = assessDeclaration(decl, context(pack));

    // Assess
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const lines = result.assessment.items[0]!.lines;
    expect(lines[0]).toMatchObject({ taxType: 'A00', amount: '1000.00' });
    expect(lines[1]).toMatchObject({
      taxType: 'B00',
      calculation: '8.00% * £1,030.00',
      amount: '82.40',
      measureId: 'vat',
      base: { amount: '1030', unit: 'GBP' },
    });
    expect(result.assessment.totals).toMatchObject({ total: '1082.40', byTaxType: { A00: '1000.00', B00: '82.40' } });
  });
});
