/**
 * Alcohol Duty from HMRC's own rate table (issue 16): the worked examples of the 2026-02 and
 * 2025-02 rate periods against the committed GB tariff pack, each VAT line checked to the penny by
 * hand, and every way a declaration can fail to say what the duty needs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultAlcoholDutyRates, defaultTariffPack } from '#demo/gb-tariff-pack.ts';
import { type Declaration, type DeclarationInput, declarationSchema } from '#shared/domain/declaration.ts';
import { alcoholDutyProblems } from '#shared/tariff/alcohol-duty.ts';
import { alcoholDutyRatesSchema } from '#shared/tariff/alcohol-duty-rates.ts';
import { assessDeclaration } from '#shared/tariff/assess-declaration.ts';
import { lookupCommodity } from '#shared/tariff/lookup.ts';
import { makeRates } from './support.ts';

const fixture = (name: string): DeclarationInput =>
  JSON.parse(readFileSync(new URL(`../../fixtures/declarations/${name}.json`, import.meta.url), 'utf8')) as DeclarationInput;
const wine = () => fixture('alcohol-wine-import');
const spirits = () => fixture('alcohol-spirits-import');
/** Beer 4.5% vol, 2,000 litres, tax type 366 (small producer relief) at a stated 15.10 GBP per LPA. */
const beer = () => fixture('alcohol-beer-small-producer-import');

/** The fixture with changes to its first item. */
function withItem(input: DeclarationInput, change: (item: DeclarationInput['items'][number]) => void): Declaration {
  change(input.items[0]!);
  return declarationSchema.parse(input);
}

const assess = (declaration: Declaration, acceptanceDate: string, alcoholDutyRates = defaultAlcoholDutyRates()) =>
  assessDeclaration(declaration, {
    pack: defaultTariffPack(),
    rates: makeRates(),
    acceptanceDate,
    nationalCurrency: 'GBP',
    alcoholDutyRates,
  });

describe('Alcohol Duty worked examples (rate period 2026-2, GB pack)', () => {
  it('still wine, 13% vol, 1,000 litres: LPA 130, tax type 333 at 30.62 = 3,980.60, VAT on value + duty + excise', () => {
    // Prepare
    const declaration = declarationSchema.parse(wine());

    // Act
    const result = assess(declaration, '2026-11-27');

    // Assess
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const item = result.assessment.items[0]!;
    expect(item.customsValue).toBe('4000.00');
    const [customsDuty, excise, vat] = item.lines;
    // Customs duty, 2204 21 98 11 (wine not produced in the EU, <= 13% vol): 10.00 GBP / hl x 10 hl = 100.00.
    expect(customsDuty).toMatchObject({ taxType: 'A00', amount: '100.00' });
    // LPA = 1,000 l x 13 / 100 = 130; 130 x 30.62 = 3,980.60.
    expect(excise).toMatchObject({
      taxType: '333',
      base: { amount: '130', unit: 'LPA' },
      rate: '30.62 GBP / l alc. 100%',
      amount: '3980.60',
      exactAmount: '3980.6',
      measureId: 'alcohol-duty/2026-2/333',
      calculation: '30.62 GBP / l alc. 100% * 130 LPA (1,000 l * 13% vol / 100 = 130 LPA), rounded down to the penny',
    });
    // VAT: 20% x (4,000.00 + 100.00 + 3,980.60) = 20% x 8,080.60 = 1,616.12.
    expect(vat).toMatchObject({ taxType: 'B00', base: { amount: '8080.6', unit: 'GBP' }, amount: '1616.12' });
    // Total: 100.00 + 3,980.60 + 1,616.12 = 5,696.72.
    expect(result.assessment.totals).toMatchObject({
      total: '5696.72',
      byCategory: { duty: '100.00', excise: '3980.60', vat: '1616.12' },
      byTaxType: { A00: '100.00', '333': '3980.60', B00: '1616.12' },
    });
  });

  it('spirits, 40% vol, 700 litres: LPA 280, tax type 345 at 33.99 = 9,517.20, VAT on value + duty + excise', () => {
    // Prepare
    const declaration = declarationSchema.parse(spirits());

    // Act
    const result = assess(declaration, '2026-11-27');

    // Assess
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const [customsDuty, excise, vat] = result.assessment.items[0]!.lines;
    // Customs duty, whisky 2208 30 82: 0.00% x 10,000.00 = 0.00.
    expect(customsDuty).toMatchObject({ taxType: 'A00', amount: '0.00' });
    // LPA = 700 l x 40 / 100 = 280; 280 x 33.99 = 9,517.20.
    expect(excise).toMatchObject({
      taxType: '345',
      base: { amount: '280', unit: 'LPA' },
      rate: '33.99 GBP / l alc. 100%',
      amount: '9517.20',
    });
    // VAT: 20% x (10,000.00 + 0.00 + 9,517.20) = 20% x 19,517.20 = 3,903.44.
    expect(vat).toMatchObject({ taxType: 'B00', base: { amount: '19517.2', unit: 'GBP' }, amount: '3903.44' });
    // Total: 0.00 + 9,517.20 + 3,903.44 = 13,420.64.
    expect(result.assessment.totals.total).toBe('13420.64');
  });

  it('the same wine accepted in March 2025 uses the 2025-2 rate, 29.54: 3,840.20', () => {
    // Prepare
    const declaration = declarationSchema.parse(wine());

    // Act
    const result = assess(declaration, '2025-03-14');

    // Assess
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const [, excise, vat] = result.assessment.items[0]!.lines;
    // 130 LPA x 29.54 = 3,840.20.
    expect(excise).toMatchObject({
      taxType: '333',
      rate: '29.54 GBP / l alc. 100%',
      amount: '3840.20',
      measureId: 'alcohol-duty/2025-2/333',
    });
    // VAT: 20% x (4,000.00 + 100.00 + 3,840.20) = 20% x 7,940.20 = 1,588.04.
    expect(vat).toMatchObject({ amount: '1588.04' });
    // Total: 100.00 + 3,840.20 + 1,588.04 = 5,528.24.
    expect(result.assessment.totals.total).toBe('5528.24');
  });

  it('declared litres of pure alcohol are used as given, and the duty is rounded down to the penny', () => {
    // Prepare: a sample of 2.565 litres whose pure alcohol the declarant measured as 0.333 LPA.
    const declaration = withItem(wine(), (item) => {
      item.quantities = [
        { value: '13', unit: 'ASV' },
        { value: '2.565', unit: 'LTR' },
        { value: '0.333', unit: 'LPA' },
      ];
    });

    // Act
    const result = assess(declaration, '2026-11-27');

    // Assess: 0.333 x 30.62 = 10.19646, rounded down to 10.19 (half-up would be 10.20).
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const excise = result.assessment.items[0]!.lines[1]!;
    expect(excise).toMatchObject({ base: { amount: '0.333', unit: 'LPA' }, amount: '10.19', exactAmount: '10.19' });
    expect(excise.calculation).toBe('30.62 GBP / l alc. 100% * 0.333 LPA (declared), rounded down to the penny');
  });

  it('a small producer relief band takes the rate the declarant states, and the line says so', () => {
    // Prepare: beer, 4.5% vol, 2,000 litres, tax type 366 at a stated 15.10 GBP per LPA (core 321: 22.58).
    const declaration = declarationSchema.parse(beer());

    // Act
    const result = assess(declaration, '2026-11-27');

    // Assess: LPA 2,000 x 4.5 / 100 = 90; 90 x 15.10 = 1,359.00.
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const excise = result.assessment.items[0]!.lines.find((line) => line.taxType === '366')!;
    expect(excise).toMatchObject({ amount: '1359.00', rate: '15.10 GBP / l alc. 100%', measureId: 'alcohol-duty/2026-2/366' });
    expect(excise.expression).toBe(
      'Alcohol Duty 366 (Beer from 3.5 to 8.4 percent, eligible for small producer relief), rate period 2026-2: small producer rate',
    );
    expect(excise.calculation).toBe(
      '15.10 GBP / l alc. 100% (rate stated by the declarant from its small producer relief calculation) * 90 LPA (2,000 l * 4.5% vol / 100 = 90 LPA), rounded down to the penny',
    );
  });

  it('accepts a stated small producer rate equal to the full rate of the standard band (no relief earned)', () => {
    // Prepare: 366 at 22.58, the 2026-2 core rate of 321 (beer 3.5 to 8.4%).
    const declaration = withItem(beer(), (item) => {
      item.alcohol = { smallProducerReliefRate: '22.58' };
    });

    // Act
    const result = assess(declaration, '2026-11-27');

    // Assess: 90 LPA x 22.58 = 2,032.20.
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.assessment.items[0]!.lines.find((line) => line.taxType === '366')?.amount).toBe('2032.20');
  });

  it('a draught relief band applies to containers of at least 20 litres', () => {
    // Prepare: beer, 4.5% vol, 1,000 litres in 50-litre kegs, tax type 356 (2026-2: 19.45).
    const declaration = withItem(wine(), (item) => {
      item.commodityCode = '2203001000';
      item.additionalCodes = ['X356'];
      item.quantities = [
        { value: '4.5', unit: 'ASV' },
        { value: '1000', unit: 'LTR' },
      ];
      item.alcohol = { containerLitres: '50' };
    });

    // Act
    const result = assess(declaration, '2026-11-27');

    // Assess: LPA 45; 45 x 19.45 = 875.25.
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.assessment.items[0]!.lines.find((line) => line.taxType === '356')?.amount).toBe('875.25');
  });
});

describe('Alcohol Duty problems: pointed, and nothing assessed', () => {
  const refused = (declaration: Declaration, date = '2026-11-27') => {
    const result = assess(declaration, date);
    if (result.ok) throw new Error('expected problems, got an assessment');
    return result.problems;
  };

  it('refuses wine at 13% declared under a beer band, naming the band that fits', () => {
    // Prepare
    const declaration = withItem(wine(), (item) => {
      item.additionalCodes = ['X331'];
    });

    // Act
    const problems = refused(declaration);

    // Assess
    expect(problems).toEqual([
      {
        pointer: '/items/0/additionalCodes/0',
        code: 'ALCOHOL_BAND_MISMATCH',
        message: 'tax type 331 is for Beer from 8.5 to 22 percent, not wine (heading 2204) at 13% vol; use X333',
      },
    ]);
  });

  it('refuses a band whose strength range the product is outside', () => {
    // Prepare: wine at 13% under 323 (wine 3.5 to 8.4%).
    const declaration = withItem(wine(), (item) => {
      item.additionalCodes = ['X323'];
    });

    // Act
    const problems = refused(declaration);

    // Assess
    expect(problems.map((p) => [p.pointer, p.code])).toEqual([['/items/0/additionalCodes/0', 'ALCOHOL_BAND_MISMATCH']]);
    expect(problems[0]!.message).toContain('use X333');
  });

  it('refuses a chapter 22 item without its strength, naming the ASV quantity', () => {
    // Prepare
    const declaration = withItem(wine(), (item) => {
      item.quantities = [{ value: '1000', unit: 'LTR' }];
    });

    // Act
    const problems = refused(declaration);

    // Assess
    expect(problems.map((p) => [p.pointer, p.code])).toEqual([['/items/0/quantities', 'ALCOHOL_STRENGTH_REQUIRED']]);
    expect(problems[0]!.message).toContain('unit ASV');
  });

  it('refuses a chapter 22 item without its tax type, naming the X-code', () => {
    // Prepare
    const declaration = withItem(wine(), (item) => {
      item.additionalCodes = [];
    });

    // Act
    const problems = refused(declaration);

    // Assess
    expect(problems.map((p) => [p.pointer, p.code])).toEqual([['/items/0/additionalCodes', 'ALCOHOL_TAX_TYPE_REQUIRED']]);
    expect(problems[0]!.message).toContain('X311 ... X380');
  });

  it('refuses a date before the reform of 1 August 2023: no guess from the table', () => {
    // Prepare
    const declaration = declarationSchema.parse(wine());

    // Act
    const problems = refused(declaration, '2023-07-31');

    // Assess
    expect(problems.map((p) => [p.pointer, p.code])).toEqual([['/items/0/additionalCodes/0', 'ALCOHOL_DUTY_BEFORE_REFORM']]);
    expect(problems[0]!.message).toContain('2023-08-01');
  });

  it('refuses a small producer relief band without a stated rate', () => {
    // Prepare
    const declaration = withItem(wine(), (item) => {
      item.commodityCode = '2203000100';
      item.additionalCodes = ['X366'];
      item.quantities = [
        { value: '4.5', unit: 'ASV' },
        { value: '2000', unit: 'LTR' },
      ];
    });

    // Act
    const problems = refused(declaration);

    // Assess
    expect(problems.map((p) => [p.pointer, p.code])).toEqual([['/items/0/alcohol', 'SMALL_PRODUCER_RATE_REQUIRED']]);
  });

  it('refuses a stated small producer rate of 0, with or without the rate table', () => {
    // Prepare
    const declaration = withItem(beer(), (item) => {
      item.alcohol = { smallProducerReliefRate: '0.00' };
    });

    // Act
    const problems = refused(declaration);
    const withoutTable = alcoholDutyProblems(declaration, undefined, '2026-11-27');

    // Assess
    const expected = [['/items/0/alcohol/smallProducerReliefRate', 'SMALL_PRODUCER_RATE_OUT_OF_RANGE']];
    expect(problems.map((p) => [p.pointer, p.code])).toEqual(expected);
    expect(withoutTable.map((p) => [p.pointer, p.code])).toEqual(expected);
    expect(problems[0]!.message).toContain('more than 0');
  });

  it('refuses a stated small producer rate above the full rate of the corresponding core band, naming the maximum', () => {
    // Prepare: 366 (beer 3.5 to 8.4%, small producer) at 22.59; core 321 is 22.58 in 2026-2.
    const declaration = withItem(beer(), (item) => {
      item.alcohol = { smallProducerReliefRate: '22.59' };
    });

    // Act
    const problems = refused(declaration);

    // Assess
    expect(problems).toEqual([
      {
        pointer: '/items/0/alcohol/smallProducerReliefRate',
        code: 'SMALL_PRODUCER_RATE_OUT_OF_RANGE',
        message:
          'small producer relief reduces the rate of tax type 366: the stated rate 22.59 GBP per LPA must be more than 0 and at most 22.58, the full rate of tax type 321 (Beer from 3.5 to 8.4 percent) in rate period 2026-2',
      },
    ]);
  });

  it('bounds a stated small producer rate by the rate period in force: 22.00 is within 2026-2 (22.58), above 2025-2 (21.78)', () => {
    // Prepare
    const declaration = withItem(beer(), (item) => {
      item.alcohol = { smallProducerReliefRate: '22.00' };
    });

    // Act
    const in2026 = assess(declaration, '2026-11-27');
    const in2025 = refused(declaration, '2025-03-10');

    // Assess
    expect(in2026.ok).toBe(true);
    expect(in2025.map((p) => p.code)).toEqual(['SMALL_PRODUCER_RATE_OUT_OF_RANGE']);
    expect(in2025[0]!.message).toContain('at most 21.78, the full rate of tax type 321');
  });

  it('bounds a draught small producer rate by the draught relief band, not the core band', () => {
    // Prepare: 376 (beer 3.5 to 8.4%, draught and small producer) in 50-litre kegs at 20.00: under core
    // 321 (22.58) but over draught relief 356 (19.45) in 2026-2.
    const declaration = withItem(beer(), (item) => {
      item.additionalCodes = ['X376'];
      item.alcohol = { containerLitres: '50', smallProducerReliefRate: '20.00' };
    });

    // Act
    const problems = refused(declaration);

    // Assess
    expect(problems.map((p) => [p.pointer, p.code])).toEqual([
      ['/items/0/alcohol/smallProducerReliefRate', 'SMALL_PRODUCER_RATE_OUT_OF_RANGE'],
    ]);
    expect(problems[0]!.message).toContain(
      'at most 19.45, the full rate of tax type 356 (Beer from 3.5 to 8.4 percent, eligible for draught relief)',
    );
  });

  it('refuses draught relief for containers under 20 litres', () => {
    // Prepare
    const declaration = withItem(wine(), (item) => {
      item.commodityCode = '2203000100';
      item.additionalCodes = ['X356'];
      item.quantities = [
        { value: '4.5', unit: 'ASV' },
        { value: '1000', unit: 'LTR' },
      ];
      item.alcohol = { containerLitres: '0.33' };
    });

    // Act
    const problems = refused(declaration);

    // Assess
    expect(problems.map((p) => [p.pointer, p.code])).toEqual([['/items/0/alcohol/containerLitres', 'DRAUGHT_CONTAINER_TOO_SMALL']]);
  });

  it('refuses wine when the region has no rate table loaded', () => {
    // Prepare
    const declaration = declarationSchema.parse(wine());

    // Act
    const result = assessDeclaration(declaration, {
      pack: defaultTariffPack(),
      rates: makeRates(),
      acceptanceDate: '2026-11-27',
      nationalCurrency: 'GBP',
    });

    // Assess
    expect(result.ok ? [] : result.problems.map((p) => p.code)).toEqual(['ALCOHOL_DUTY_RATES_NOT_LOADED']);
  });

  it('the validation stage finds what is missing without the table, and the band once it has it', () => {
    // Prepare
    const missing = withItem(wine(), (item) => {
      item.additionalCodes = [];
      item.quantities = [];
    });
    const wrongBand = withItem(wine(), (item) => {
      item.additionalCodes = ['X311'];
    });

    // Act
    const withoutTable = alcoholDutyProblems(missing, undefined, '2026-11-27');
    const bandWithoutTable = alcoholDutyProblems(wrongBand, undefined, '2026-11-27');
    const bandWithTable = alcoholDutyProblems(wrongBand, defaultAlcoholDutyRates(), '2026-11-27');

    // Assess
    expect(withoutTable.map((p) => p.code)).toEqual(['ALCOHOL_STRENGTH_REQUIRED', 'ALCOHOL_TAX_TYPE_REQUIRED', 'ALCOHOL_VOLUME_REQUIRED']);
    expect(bandWithoutTable).toEqual([]);
    expect(bandWithTable.map((p) => p.code)).toEqual(['ALCOHOL_BAND_MISMATCH']);
  });
});

describe('the commodity look-up lists the tax types of a chapter 22 commodity', () => {
  it('lists the wine bands of the period in force with their rates, SPR bands without one', () => {
    // Act
    const found = lookupCommodity(defaultTariffPack(), '2204219811', { date: '2026-11-27', alcoholDutyRates: defaultAlcoholDutyRates() });

    // Assess
    const view = found?.alcoholDuty;
    expect(view?.ratePeriod).toEqual({ name: '2026-2', from: '2026-02' });
    expect(view?.alcoholTypes).toEqual(['Wine']);
    expect(view?.bands.map((b) => b.taxType)).toEqual(['313', '323', '333', '343', '353', '358', '363', '368', '373', '378']);
    expect(view?.bands.find((b) => b.taxType === '333')).toEqual({
      taxType: '333',
      description: 'Wine (including sparkling wine) from 8.5 to 22 percent',
      rateType: 'Core',
      rate: '30.62',
      abvRanges: [{ alcoholType: 'Wine', minABV: '8.5', maxABV: '22' }],
    });
    expect(view?.bands.find((b) => b.taxType === '368')?.rate).toBeUndefined();
  });

  it('says there is no rate before the reform, and lists nothing for goods that are not alcohol', () => {
    // Act
    const before = lookupCommodity(defaultTariffPack(), '2204219811', { date: '2023-07-31', alcoholDutyRates: defaultAlcoholDutyRates() });
    const vinegar = lookupCommodity(defaultTariffPack(), '2209001100', { date: '2026-11-27', alcoholDutyRates: defaultAlcoholDutyRates() });

    // Assess
    expect(before?.alcoholDuty).toMatchObject({ bands: [], note: expect.stringContaining('2023-08-01') });
    expect(vinegar?.alcoholDuty).toBeUndefined();
  });
});

describe("HMRC's rate table as a reference document", () => {
  it('loads the published file: 3 periods of 48 bands, SPR bands without a rate', () => {
    // Prepare
    const raw = JSON.parse(
      readFileSync(new URL('../../../data/uk-tariff/alcohol-duty-rates/alcohol-duty-rates.json', import.meta.url), 'utf8'),
    );

    // Act
    const table = alcoholDutyRatesSchema.parse(raw);

    // Assess
    expect(table.map((p) => [p.name, p.validityStartDate, p.validityEndDate, p.rateBands.length])).toEqual([
      ['2023-1', '2023-01', '2025-02', 48],
      ['2025-2', '2025-02', '2026-02', 48],
      ['2026-2', '2026-02', undefined, 48],
    ]);
    expect(table[2]!.rateBands.filter((b) => b.rate === undefined).map((b) => b.taxTypeCode)).toHaveLength(20);
  });

  it('refuses overlapping periods and a rate that is not a plain decimal', () => {
    // Prepare
    const table = structuredClone(defaultAlcoholDutyRates()) as unknown as Array<Record<string, unknown>>;
    table[1]!.validityStartDate = '2024-06';
    (table[2]!.rateBands as Array<Record<string, unknown>>)[0]!.rate = 9.961234;

    // Act
    const parsed = alcoholDutyRatesSchema.safeParse(table);

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('/'))).toEqual(['2/rateBands/0/rate', '1/validityStartDate']);
  });
});
