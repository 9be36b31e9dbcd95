/**
 * The assessment engine on hand-made packs: each expression kind, quantities, preferences,
 * trade remedies, conditions, excise, VAT, currency conversion, incoterms, rounding, de minimis,
 * measure layers and problems.
 */
import { describe, expect, it } from 'vitest';
import { type AssessmentContext, type AssessmentResult, assessDeclaration } from '#shared/tariff/assess-declaration.ts';
import type { Assessment } from '#shared/tariff/assessment.ts';
import type { Measure, TariffPack } from '#shared/tariff/model.ts';
import { ACCEPTED, declaration, duty, type ItemInput, makePack, makeRates, measure } from './support.ts';

const rates = makeRates([
  { currency: 'EUR', period: '2021-06', rate: '0.85765' },
  { currency: 'USD', period: '2021-06', rate: '0.7271783' },
]);
const CODE = '1234567890';

function run(
  measures: Measure[],
  items: ItemInput[],
  options: { valuation?: Parameters<typeof declaration>[1]; ctx?: Partial<AssessmentContext>; pack?: TariffPack } = {},
): AssessmentResult {
  const pack = options.pack ?? makePack({ [CODE]: measures });
  const decl = declaration(
    items.map((i) => ({ commodityCode: CODE, ...i })),
    options.valuation,
  );
  return assessDeclaration(decl, { pack, rates, acceptanceDate: ACCEPTED, nationalCurrency: 'GBP', ...options.ctx });
}

function ok(result: AssessmentResult): Assessment {
  if (!result.ok) throw new Error(`expected an assessment, got ${JSON.stringify(result.problems)}`);
  return result.assessment;
}

const dutyLines = (a: Assessment, item = 0) => a.items[item]!.lines.filter((l) => l.taxType !== 'B00');
const lineOf = (a: Assessment, taxType: string, item = 0) => a.items[item]!.lines.find((l) => l.taxType === taxType);
const zeroVat = (): Measure => measure({ id: 'vatz', type: '305', additionalCode: 'VATZ', duty: duty('0.00%') });

describe('expression kinds', () => {
  it.each([
    ['34.00 GBP / 100 kg from the net mass', '34.00 GBP/100kg', { netMassKg: '250' }, '85.00', '34.00 GBP / 100 kg * 2.5'],
    [
      'per tonne from a declared KGM quantity (preferred to the net mass)',
      '20.00 GBP / 1000kg',
      { netMassKg: '250', quantities: [{ value: '300', unit: 'KGM' }] },
      '6.00',
      '20.00 GBP / 1000 kg * 0.3',
    ],
    ['per hectolitre from litres', '10.00 GBP / hl', { quantities: [{ value: '250', unit: 'LTR' }] }, '25.00', '10.00 GBP / hl * 2.5'],
    ['per item', '0.20 GBP/ item', { quantities: [{ value: '1500', unit: 'NAR' }] }, '300.00', '0.20 GBP / item * 1,500'],
    [
      'per 1000 items from items',
      '43.00 GBP/1000 items',
      { quantities: [{ value: '2500', unit: 'NAR' }] },
      '107.50',
      '43.00 GBP / 1000 items * 2.5',
    ],
    [
      'per % vol per hl',
      '1.40 GBP / % vol / hl',
      {
        quantities: [
          { value: '40', unit: 'ASV' },
          { value: '700', unit: 'LTR' },
        ],
      },
      '392.00',
      '1.40 GBP / % vol / hl * 40 % vol * 7 hl',
    ],
  ])('specific duty %s', (_name, text, item, amount, calculation) => {
    // Act
    const a = ok(run([measure({ duty: duty(text) }), zeroVat()], [item]));

    // Assess
    expect(dutyLines(a)[0]).toMatchObject({ amount, calculation });
  });

  it('ad valorem plus specific: 10.00% + 77.00 GBP / 100 kg on £1,000 and 250 kg', () => {
    // Act
    const a = ok(run([measure({ duty: duty('10.00% + 77.00 GBP/100kg') }), zeroVat()], [{ netMassKg: '250' }]));

    // Assess
    expect(dutyLines(a)[0]).toMatchObject({
      amount: '292.50',
      calculation: '10.00% * £1,000.00 + 77.00 GBP / 100 kg * 2.5',
      rate: '10.00% + 77.00 GBP / 100 kg',
      base: { amount: '1000.00', unit: 'GBP' },
    });
  });

  it('MIN raises the duty to the minimum only when the percentage is lower', () => {
    // Prepare
    const m = [measure({ duty: duty('5.00% MIN 20.00 GBP / 100 kg') }), zeroVat()];

    // Act
    const high = ok(run(m, [{ invoiceAmount: '1000', netMassKg: '100' }]));
    const low = ok(run(m, [{ invoiceAmount: '100', netMassKg: '100' }]));

    // Assess
    expect(dutyLines(high)[0]!.amount).toBe('50.00');
    expect(dutyLines(low)[0]!.amount).toBe('20.00');
  });

  it('MAX caps the duty; the terms after MAX form the cap', () => {
    // Prepare
    const m = [measure({ duty: duty('20.00% MAX 30.00 GBP / 100 kg + 5.00 GBP / 100 kg') }), zeroVat()];

    // Act
    const capped = ok(run(m, [{ invoiceAmount: '1000', netMassKg: '100' }]));
    const under = ok(run(m, [{ invoiceAmount: '100', netMassKg: '100' }]));

    // Assess
    expect(dutyLines(capped)[0]!.amount).toBe('35.00');
    expect(dutyLines(under)[0]!.amount).toBe('20.00');
  });

  it('a minus term that drives the duty below zero owes 0, with a note', () => {
    // Act
    const a = ok(run([measure({ duty: duty('1.00% - 7.00 GBP / 100 kg') }), zeroVat()], [{ invoiceAmount: '100', netMassKg: '100' }]));

    // Assess
    expect(dutyLines(a)[0]).toMatchObject({ amount: '0.00', exactAmount: '0' });
    expect(a.items[0]!.notes?.join(' ')).toContain('never negative');
  });

  it('converts a specific amount in EUR at the month of acceptance and says so', () => {
    // Act
    const a = ok(run([measure({ duty: duty('93.10 EUR / 100 kg') }), zeroVat()], [{ netMassKg: '100' }]));

    // Assess
    expect(dutyLines(a)[0]).toMatchObject({
      exactAmount: '79.847215',
      amount: '79.85',
      calculation: '93.10 EUR / 100 kg * 1 * 0.85765 GBP/EUR',
    });
    expect(a.otherExchangeRates).toEqual([{ from: 'EUR', to: 'GBP', rate: '0.85765', period: '2021-06' }]);
  });

  it('retail-price excise with a minimum per 1000 items, under the X-code tax type', () => {
    // Prepare
    const excise = measure({
      id: 'excise',
      type: '306',
      additionalCode: 'X611',
      duty: duty('16.50% / Retail Price + 244.78 GBP / 1000 p/st MIN 320.90 GBP / 1000 p/st'),
    });

    // Act
    const a = ok(
      run(
        [measure({ duty: duty('0.00%') }), excise, zeroVat()],
        [
          {
            quantities: [
              { value: '300', unit: 'RET' },
              { value: '1000', unit: 'NAR' },
            ],
          },
        ],
      ),
    );

    // Assess
    expect(lineOf(a, '611')).toMatchObject({
      amount: '320.90',
      calculation: '16.50% * £300.00 (retail price) + 244.78 GBP / 1000 items * 1 MIN 320.90 GBP / 1000 items * 1',
    });
  });

  it('needs a declared quantity for a qualified unit and never takes it from the net mass', () => {
    // Prepare
    const m = [measure({ duty: duty('4.00% + 7.80 GBP/100kg eda') }), zeroVat()];

    // Act
    const missing = run(m, [{ netMassKg: '500' }]);
    const given = ok(run(m, [{ netMassKg: '500', quantities: [{ value: '200', unit: 'KGM', qualifier: 'E' }] }]));

    // Assess
    expect(missing).toEqual({
      ok: false,
      problems: [
        {
          pointer: '/items/0/quantities',
          code: 'MISSING_QUANTITY',
          message: expect.stringContaining('100 kg/net eda (unit DTN, qualifier E: drained net weight)'),
        },
      ],
    });
    expect(dutyLines(given)[0]).toMatchObject({ amount: '55.60', calculation: '4.00% * £1,000.00 + 7.80 GBP / 100 kg/net eda * 2' });
  });

  it('reports a missing quantity at the item, once per unit', () => {
    // Act
    const result = run(
      [measure({ duty: duty('1.00 GBP / hl + 2.00 GBP / hl') }), zeroVat()],
      [{}, { quantities: [{ value: '1', unit: 'HLT' }] }],
    );

    // Assess
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => [p.pointer, p.code])).toEqual([['/items/0/quantities', 'MISSING_QUANTITY']]);
  });
});

describe('preferences', () => {
  const measures = (): Measure[] => [
    measure({ id: 'mfn', duty: duty('12.00%') }),
    measure({ id: 'pref-jp', type: '142', area: 'JP', duty: duty('2.00%') }),
    measure({ id: 'pref-eu', type: '142', area: '1013', excluded: ['FR'], duty: duty('0.00%') }),
    zeroVat(),
  ];
  const proof = [{ type: 'U112', ref: 'ORIGIN-1' }];

  it('applies the preference for a 300 claim, an origin in the area and a proof of origin', () => {
    // Act
    const a = ok(run(measures(), [{ origin: 'JP', preference: '300', documents: proof }]));

    // Assess
    expect(dutyLines(a)[0]).toMatchObject({ measureId: 'pref-jp', amount: '20.00' });
    expect(a.items[0]!.notes).toContain('tariff preference pref-jp (area JP) applies for origin JP');
  });

  it('applies a group preference to a member country, not to an excluded one', () => {
    // Act
    const member = ok(run(measures(), [{ origin: 'DE', preference: '300', documents: proof }]));
    const excluded = ok(run(measures(), [{ origin: 'FR', preference: '300', documents: proof }]));

    // Assess
    expect(dutyLines(member)[0]!.measureId).toBe('pref-eu');
    expect(dutyLines(excluded)[0]!.measureId).toBe('mfn');
  });

  it('charges the third-country duty without a proof of origin', () => {
    // Act
    const a = ok(run(measures(), [{ origin: 'JP', preference: '300', documents: [{ type: 'N935', ref: 'INV' }] }]));

    // Assess
    expect(dutyLines(a)[0]).toMatchObject({ measureId: 'mfn', amount: '120.00' });
    expect(a.items[0]!.notes?.[0]).toContain('without a proof of origin');
  });

  it('charges the third-country duty for an origin outside every preference area', () => {
    // Act
    const a = ok(run(measures(), [{ origin: 'CN', preference: '300', documents: proof }]));

    // Assess
    expect(dutyLines(a)[0]!.measureId).toBe('mfn');
    expect(a.items[0]!.notes?.[0]).toContain('no tariff preference covers origin CN');
  });

  it('ignores the preference when 100 is declared, proof or not', () => {
    // Act
    const a = ok(run(measures(), [{ origin: 'JP', preference: '100', documents: proof }]));

    // Assess
    expect(dutyLines(a)[0]!.measureId).toBe('mfn');
  });

  it('takes the lowest of several preferences the origin qualifies for', () => {
    // Prepare
    const m = [...measures(), measure({ id: 'pref-jp-2', type: '145', area: 'JP', duty: duty('1.00%') })];

    // Act
    const a = ok(run(m, [{ origin: 'JP', preference: '310', documents: proof }]));

    // Assess
    expect(dutyLines(a)[0]).toMatchObject({ measureId: 'pref-jp-2', amount: '10.00' });
  });
});

describe('trade remedies', () => {
  const company = (code: string, id: string): Measure =>
    measure({
      id,
      type: '552',
      area: 'CA',
      additionalCode: code,
      conditions: [
        { code: 'A', document: 'D008', action: '01', duty: duty('0.00 GBP / 1000 kg') },
        { code: 'A', action: '01', duty: duty('144.10 GBP / 1000 kg') },
      ],
    });
  const measures = (): Measure[] => [
    measure({ id: 'mfn', duty: duty('0.00%') }),
    company('B107', 'ad-b107'),
    measure({ id: 'ad-b999', type: '552', area: 'CA', additionalCode: 'B999', duty: duty('144.10 GBP / 1000 kg') }),
    measure({ id: 'cvd', type: '554', area: 'CA', additionalCode: 'B999', duty: duty('198.33 GBP / 1000 kg') }),
    zeroVat(),
  ];

  it('takes the declared company code, whose rate depends on the D008 invoice declaration', () => {
    // Act
    const withInvoice = ok(
      run(measures(), [{ origin: 'CA', netMassKg: '2000', additionalCodes: ['B107'], documents: [{ type: 'D008', ref: 'X' }] }]),
    );
    const without = ok(run(measures(), [{ origin: 'CA', netMassKg: '2000', additionalCodes: ['B107'] }]));

    // Assess
    expect(lineOf(withInvoice, 'A30')).toMatchObject({ measureId: 'ad-b107', amount: '0.00' });
    expect(lineOf(without, 'A30')).toMatchObject({ measureId: 'ad-b107', amount: '288.20' });
  });

  it('takes the residual code (999) when no code is declared, per measure type', () => {
    // Act
    const a = ok(run(measures(), [{ origin: 'CA', netMassKg: '2000' }]));

    // Assess
    expect(lineOf(a, 'A30')).toMatchObject({ measureId: 'ad-b999', amount: '288.20' });
    expect(lineOf(a, 'A40')).toMatchObject({ measureId: 'cvd', amount: '396.66' });
  });

  it('does not apply to origins outside the area', () => {
    // Act
    const a = ok(run(measures(), [{ origin: 'CN', netMassKg: '2000' }]));

    // Assess
    expect(lineOf(a, 'A30')).toBeUndefined();
  });

  it('asks for an additional code when several apply and none is residual', () => {
    // Prepare
    const m = [measure({ duty: duty('0.00%') }), company('B107', 'a'), company('B108', 'b'), zeroVat()];

    // Act
    const result = run(m, [{ origin: 'CA', netMassKg: '2000' }]);

    // Assess
    expect(result).toMatchObject({
      ok: false,
      problems: [{ pointer: '/items/0/additionalCodes', code: 'ADDITIONAL_CODE_REQUIRED', message: expect.stringContaining('B107, B108') }],
    });
  });

  it('applies additional (safeguard) duties to origins in their area', () => {
    // Prepare
    const m = [measure({ duty: duty('2.00%') }), measure({ id: 'safeguard', type: '696', area: '1013', duty: duty('25.00%') }), zeroVat()];

    // Act
    const inArea = ok(run(m, [{ origin: 'DE' }]));
    const outside = ok(run(m, [{ origin: 'CN' }]));

    // Assess
    expect(lineOf(inArea, 'A20')).toMatchObject({ measureId: 'safeguard', amount: '250.00' });
    expect(lineOf(outside, 'A20')).toBeUndefined();
  });
});

describe('entry price conditions', () => {
  const entryPrice = measure({
    id: 'entry',
    conditions: [
      { code: 'V', action: '01', threshold: { amount: '52.6', currency: 'EUR', unit: 'DTN' }, duty: duty('14.40%') },
      { code: 'V', action: '01', threshold: { amount: '51.5', currency: 'EUR', unit: 'DTN' }, duty: duty('14.40% + 1.10 EUR / 100 kg') },
      { code: 'V', action: '01', threshold: { amount: '0', currency: 'EUR', unit: 'DTN' }, duty: duty('14.40% + 29.80 EUR / 100 kg') },
    ],
  });

  it('takes the first step the unit price reaches (thresholds converted from EUR)', () => {
    // Act
    const high = ok(run([entryPrice, zeroVat()], [{ invoiceAmount: '1000', netMassKg: '1000' }]));
    const low = ok(run([entryPrice, zeroVat()], [{ invoiceAmount: '400', netMassKg: '1000' }]));

    // Assess: £100 / 100 kg reaches 52.6 EUR (£45.11); £40 / 100 kg reaches only the last step.
    expect(dutyLines(high)[0]).toMatchObject({ amount: '144.00', expression: '14.40%' });
    expect(dutyLines(low)[0]).toMatchObject({ exactAmount: '313.1797', amount: '313.18' });
  });
});

describe('VAT', () => {
  it('uses the pack standard rate when the commodity lists no VAT measure, and a declared VAT code', () => {
    // Prepare
    const m = [measure({ duty: duty('10.00%') })];

    // Act
    const standard = ok(run(m, [{}]));
    const zero = ok(run(m, [{ additionalCodes: ['VATZ'] }]));

    // Assess
    expect(lineOf(standard, 'B00')).toMatchObject({ amount: '220.00', calculation: '20.00% * £1,100.00', measureId: 'vat-default-VAT' });
    expect(lineOf(zero, 'B00')).toMatchObject({ amount: '0.00', measureId: 'vat-default-VATZ' });
  });

  it('offers only the commodity VAT options: the single one, or standard unless a code is declared', () => {
    // Prepare
    const onlyZero = [measure({ duty: duty('0%') }), zeroVat()];
    const both = [measure({ duty: duty('0%') }), zeroVat(), measure({ id: 'vat-std', type: '305', duty: duty('20.00%') })];

    // Act
    const single = ok(run(onlyZero, [{}]));
    const standard = ok(run(both, [{}]));
    const claimed = ok(run(both, [{ additionalCodes: ['VATZ'] }]));
    const refused = run(onlyZero, [{ additionalCodes: ['VATR'] }]);

    // Assess
    expect(lineOf(single, 'B00')!.measureId).toBe('vatz');
    expect(lineOf(standard, 'B00')!.measureId).toBe('vat-std');
    expect(lineOf(claimed, 'B00')!.measureId).toBe('vatz');
    expect(refused).toMatchObject({ ok: false, problems: [{ pointer: '/items/0/additionalCodes', code: 'VAT_CODE_NOT_APPLICABLE' }] });
  });

  it('charges VAT on the customs value plus every unrounded duty and excise', () => {
    // Prepare
    const m = [
      measure({ duty: duty('2.70%') }),
      measure({ type: '306', additionalCode: 'X411', duty: duty('0.333 GBP / l') }),
      measure({ type: '305', duty: duty('20.00%') }),
    ];

    // Act
    const a = ok(run(m, [{ invoiceAmount: '1260.89', quantities: [{ value: '1', unit: 'LTR' }] }]));

    // Assess: 1260.89 + 34.04403 + 0.333 = 1295.26703
    expect(lineOf(a, 'B00')).toMatchObject({ base: { amount: '1295.26703', unit: 'GBP' }, exactAmount: '259.053406', amount: '259.05' });
  });
});

describe('customs value', () => {
  it('converts the invoice currency at the rate for the month of acceptance', () => {
    // Act
    const a = ok(run([measure({ duty: duty('10.00%') }), zeroVat()], [{ invoiceAmount: '1000' }], { valuation: { currency: 'USD' } }));

    // Assess
    expect(a.items[0]!.customsValue).toBe('727.18');
    expect(a.exchangeRate).toEqual({ from: 'USD', to: 'GBP', rate: '0.7271783', period: '2021-06' });
    expect(dutyLines(a)[0]!.calculation).toBe('10.00% * £727.18');
  });

  it('refuses a currency without a rate for the month', () => {
    // Act
    const result = run([measure({ duty: duty('10.00%') })], [{}], { valuation: { currency: 'CNY' } });

    // Assess
    expect(result).toMatchObject({ ok: false, problems: [{ pointer: '/valuation/currency', code: 'EXCHANGE_RATE_NOT_FOUND' }] });
  });

  it.each([
    ['FOB', '1110.00'],
    ['EXW', '1110.00'],
    ['CFR', '1010.00'],
    ['CPT', '1010.00'],
    ['CIF', '1000.00'],
    ['CIP', '1000.00'],
    ['DAP', '1000.00'],
    ['DDP', '1000.00'],
  ] as const)('adds freight and insurance by incoterm: %s -> %s', (incoterm, customsValue) => {
    // Act
    const a = ok(run([measure({ duty: duty('0%') }), zeroVat()], [{}], { valuation: { incoterm, freight: '100', insurance: '10' } }));

    // Assess
    expect(a.items[0]!.customsValue).toBe(customsValue);
  });

  it('apportions freight and insurance by invoice value', () => {
    // Act
    const a = ok(
      run([measure({ duty: duty('0%') }), zeroVat()], [{ invoiceAmount: '1000' }, { invoiceAmount: '3000' }], {
        valuation: { freight: '100', insurance: '0.01' },
      }),
    );

    // Assess: shares 25.0025 and 75.0075
    expect(a.items.map((i) => i.customsValue)).toEqual(['1025.00', '3075.01']);
  });
});

describe('rounding', () => {
  it('rounds each line half-up and each total from the unrounded lines', () => {
    // Prepare: three items each owe 0.004 (4% of 0.10)
    const items = [{ invoiceAmount: '0.10' }, { invoiceAmount: '0.10' }, { invoiceAmount: '0.10' }];

    // Act
    const a = ok(run([measure({ duty: duty('4.00%') }), zeroVat()], items));

    // Assess
    expect(a.items.map((i) => i.lines[0]!.amount)).toEqual(['0.00', '0.00', '0.00']);
    expect(a.totals.byTaxType.A00).toBe('0.01'); // 0.012
    expect(a.totals.total).toBe('0.01');
  });

  it('rounds exactly half a penny up', () => {
    // Act: 0.5% of 1.00 = 0.005; 0.4999% of 1.00 = 0.004999
    const half = ok(run([measure({ duty: duty('0.50%') }), zeroVat()], [{ invoiceAmount: '1' }]));
    const under = ok(run([measure({ duty: duty('0.4999%') }), zeroVat()], [{ invoiceAmount: '1' }]));

    // Assess
    expect(dutyLines(half)[0]).toMatchObject({ exactAmount: '0.005', amount: '0.01' });
    expect(dutyLines(under)[0]).toMatchObject({ exactAmount: '0.004999', amount: '0.00' });
  });

  it('has no float error: 0.1 + 0.2 and 0.1 x 3 are exact', () => {
    // Act
    const a = ok(
      run(
        [measure({ duty: duty('0.10 GBP / kg') }), measure({ type: '305', duty: duty('20.00%') })],
        [{ invoiceAmount: '0.1', netMassKg: '3' }],
        {
          valuation: { freight: '0.2' },
        },
      ),
    );

    // Assess
    expect(a.items[0]!.customsValue).toBe('0.30');
    expect(dutyLines(a)[0]!.exactAmount).toBe('0.3');
    expect(lineOf(a, 'B00')!.exactAmount).toBe('0.12');
  });
});

describe('de minimis', () => {
  const deMinimis = { thresholdValue: '135', currency: 'GBP', appliesTo: ['A00'] };
  const m = (): Measure[] => [measure({ duty: duty('10.00%') }), measure({ type: '305', duty: duty('20.00%') })];

  it('relieves the configured tax types when the intrinsic value does not exceed the threshold', () => {
    // Act: freight is not part of the intrinsic value
    const a = ok(run(m(), [{ invoiceAmount: '135' }], { valuation: { freight: '50' }, ctx: { deMinimis } }));

    // Assess
    expect(lineOf(a, 'A00')).toMatchObject({
      amount: '0.00',
      exactAmount: '0',
      calculation: expect.stringContaining('relieved (de minimis)'),
    });
    expect(lineOf(a, 'B00')).toMatchObject({ calculation: '20.00% * £185.00', amount: '37.00' });
    expect(a.reliefs).toEqual(['de minimis: intrinsic value £135.00 does not exceed £135.00; relieved: A00']);
  });

  it('relieves nothing above the threshold, which may be in another currency', () => {
    // Act
    const above = ok(run(m(), [{ invoiceAmount: '135.01' }], { ctx: { deMinimis } }));
    const euroThreshold = ok(
      run(m(), [{ invoiceAmount: '128' }], { ctx: { deMinimis: { ...deMinimis, thresholdValue: '150', currency: 'EUR' } } }),
    );

    // Assess: 150 EUR = £128.6475
    expect(lineOf(above, 'A00')!.amount).toBe('13.50');
    expect(above.reliefs).toEqual([]);
    expect(lineOf(euroThreshold, 'A00')!.amount).toBe('0.00');
  });
});

describe('measure layers and dates', () => {
  const pack = makePack({
    '07020000': [
      measure({ id: 'ukgt-s1', source: 'ukgt', season: { from: '11-01', to: '05-14' }, duty: duty('8.00%') }),
      measure({ id: 'ukgt-s2', source: 'ukgt', season: { from: '05-15', to: '10-31' }, duty: duty('14.00%') }),
    ],
    '0702000007': [measure({ id: 'doc', to: '2021-05-14', duty: duty('9.00%') }), zeroVat()],
  });
  const assess = (code: string, date: string) =>
    assessDeclaration(declaration([{ commodityCode: code }]), { pack, rates, acceptanceDate: date, nationalCurrency: 'GBP' });

  it('lets the document override the UKGT line while in force, and falls back after', () => {
    // Act
    const during = ok(assess('0702000007', '2021-03-01'));
    const after = ok(assess('0702000007', '2021-06-15'));

    // Assess
    expect(dutyLines(during)[0]!.measureId).toBe('doc');
    expect(dutyLines(after)[0]).toMatchObject({ measureId: 'ukgt-s2', amount: '140.00' });
  });

  it('follows seasons across the year end and resolves a 10-digit code to its 8-digit line', () => {
    // Act
    const winter = ok(assess('0702000099', '2021-12-24'));
    const summer = ok(assess('0702000099', '2021-07-01'));

    // Assess
    expect(dutyLines(winter)[0]!.measureId).toBe('ukgt-s1');
    expect(dutyLines(summer)[0]!.measureId).toBe('ukgt-s2');
  });

  it('reports no duty before the tariff applies', () => {
    // Act
    const result = assess('07020000', '2020-12-31');

    // Assess
    expect(result).toMatchObject({ ok: false, problems: [{ pointer: '/items/0/commodityCode', code: 'NO_THIRD_COUNTRY_DUTY' }] });
  });
});

describe('problems and versions', () => {
  it('refuses an unknown commodity code at its pointer', () => {
    // Act
    const result = run([measure({ duty: duty('1%') })], [{}, { commodityCode: '9999999999' }, { commodityCode: '999999' }]);

    // Assess
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => [p.pointer, p.code])).toEqual([
      ['/items/1/commodityCode', 'UNKNOWN_TARIFF_CODE'],
      ['/items/2/commodityCode', 'UNKNOWN_TARIFF_CODE'],
    ]);
  });

  it('records the pack version, and a new pack never changes an assessment already made', () => {
    // Prepare
    const oldPack = makePack({ [CODE]: [measure({ id: 'x', duty: duty('5.00%') }), zeroVat()] });
    const newPack = makePack({ [CODE]: [measure({ id: 'x', duty: duty('7.00%') }), zeroVat()] });
    const decl = declaration([{ commodityCode: CODE }]);
    const ctx = { rates, acceptanceDate: ACCEPTED, nationalCurrency: 'GBP' };
    const before = ok(assessDeclaration(decl, { ...ctx, pack: oldPack }));
    const snapshot = JSON.stringify(before);

    // Act
    const withNew = ok(assessDeclaration(decl, { ...ctx, pack: newPack }));
    const again = ok(assessDeclaration(decl, { ...ctx, pack: oldPack }));

    // Assess
    expect(oldPack.version).not.toBe(newPack.version);
    expect(before.tariffPackVersion).toBe(oldPack.version);
    expect(withNew.tariffPackVersion).toBe(newPack.version);
    expect(dutyLines(withNew)[0]!.amount).toBe('70.00');
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(JSON.stringify(again)).toBe(snapshot);
  });

  it('says which pack line a 10-digit code resolved to', () => {
    // Prepare
    const pack = makePack({ '12345678': [measure({ duty: duty('1%') }), zeroVat()] });

    // Act
    const a = ok(run([], [{ commodityCode: '1234567800' }], { pack }));

    // Assess
    expect(a.items[0]).toMatchObject({ commodityCode: '1234567800', resolvedCommodityCode: '12345678' });
  });

  it('assesses imports only', () => {
    // Prepare
    const pack = makePack({ [CODE]: [measure({ duty: duty('1%') })] });
    const decl = { ...declaration([{ commodityCode: CODE }]), type: 'EX' as const };

    // Act
    const result = assessDeclaration(decl, { pack, rates, acceptanceDate: ACCEPTED, nationalCurrency: 'GBP' });

    // Assess
    expect(result).toMatchObject({ ok: false, problems: [{ pointer: '/type', code: 'NOT_AN_IMPORT' }] });
  });

  it('refuses a context whose currencies disagree', () => {
    // Act
    const result = run([measure({ duty: duty('1%') })], [{}], { ctx: { nationalCurrency: 'EUR' } });

    // Assess
    expect(result).toMatchObject({ ok: false, problems: [{ code: 'PACK_CURRENCY_MISMATCH' }, { code: 'RATES_CURRENCY_MISMATCH' }] });
  });
});
