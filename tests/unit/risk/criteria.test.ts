import { describe, expect, it } from 'vitest';
import { demoTraders } from '#demo/risk-seed.ts';
import type { Criterion } from '#shared/risk/profile.ts';
import type { TraderProfile } from '#shared/risk/trader.ts';
import { fixture, matches, profileText, variant } from './support.ts';

const borealis = demoTraders.find((t) => t.partyId === 'GB987654321000')!;
const acme = demoTraders.find((t) => t.partyId === 'GB123456789000')!;

describe('criterion kinds', () => {
  // Each row: a criterion, a declaration it matches, one it does not.
  const cases: Array<{
    name: string;
    criterion: Criterion;
    yes: () => ReturnType<typeof fixture>;
    no: () => ReturnType<typeof fixture>;
    trader?: TraderProfile;
  }> = [
    {
      name: 'commodityCode (prefix of any length)',
      criterion: { kind: 'commodityCode', prefixes: ['7202', '851090'] },
      yes: () => fixture('ferro-silicon-cn'),
      no: () => fixture('cigarettes-via-ae'),
    },
    {
      name: 'commodityCode (full 10 digits)',
      criterion: { kind: 'commodityCode', prefixes: ['8510900000'] },
      yes: () => fixture('shaver-parts-undervalued'),
      no: () => variant('shaver-parts-undervalued', (d) => (d.items[0]!.commodityCode = '8510900010')),
    },
    {
      name: 'origin',
      criterion: { kind: 'origin', countries: ['CN', 'RU'] },
      yes: () => fixture('ferro-silicon-cn'),
      no: () => fixture('cigarettes-via-ae'),
    },
    {
      name: 'exporterCountry',
      criterion: { kind: 'exporterCountry', countries: ['AE'] },
      yes: () => fixture('cigarettes-via-ae'),
      no: () => fixture('ferro-silicon-cn'),
    },
    {
      name: 'loadingCountry',
      criterion: { kind: 'loadingCountry', countries: ['AE'] },
      yes: () => fixture('cigarettes-via-ae'),
      no: () => fixture('ferro-silicon-cn'),
    },
    {
      name: 'declarant',
      criterion: { kind: 'declarant', ids: ['GB444444444000'] },
      yes: () => fixture('cigarettes-via-ae'),
      no: () => fixture('ferro-silicon-cn'),
    },
    {
      name: 'importer',
      criterion: { kind: 'importer', ids: ['GB333333333000'] },
      yes: () => fixture('cigarettes-via-ae'),
      // The declarant is not the importer: only the importer's id counts.
      no: () => variant('cigarettes-via-ae', (d) => (d.importer.id = undefined)),
    },
    {
      name: 'office',
      criterion: { kind: 'office', offices: ['GBSOU', 'GBDVR'] },
      yes: () => fixture('cigarettes-via-ae'),
      no: () => fixture('ferro-silicon-cn'),
    },
    {
      name: 'procedureCode (4 digits)',
      criterion: { kind: 'procedureCode', codes: ['4071'] },
      yes: () => variant('ferro-silicon-cn', (d) => (d.procedureCode = '4071')),
      no: () => fixture('ferro-silicon-cn'),
    },
    {
      name: 'procedureCode (2-digit requested procedure)',
      criterion: { kind: 'procedureCode', codes: ['10'] },
      yes: () => fixture('export-machinery'),
      no: () => fixture('ferro-silicon-cn'),
    },
    {
      name: 'transportMode',
      criterion: { kind: 'transportMode', modes: ['4', '5'] },
      yes: () => fixture('shaver-parts-undervalued'),
      no: () => fixture('ferro-silicon-cn'),
    },
    {
      name: 'declarationType',
      criterion: { kind: 'declarationType', types: ['EX'] },
      yes: () => fixture('export-machinery'),
      no: () => fixture('ferro-silicon-cn'),
    },
    {
      name: 'preferenceClaimed',
      criterion: { kind: 'preferenceClaimed' },
      yes: () => fixture('shared/valid-import-preference'),
      no: () => fixture('ferro-silicon-cn'),
    },
    {
      name: 'additionalCode',
      criterion: { kind: 'additionalCode', codes: ['C999', 'B999'] },
      yes: () => fixture('mixed-items'),
      no: () => fixture('ferro-silicon-cn'),
    },
    {
      name: 'valuePerKg below (national currency)',
      criterion: { kind: 'valuePerKg', below: '1.00' },
      yes: () => fixture('shaver-parts-undervalued'), // 0.42 GBP/kg
      no: () => fixture('ferro-silicon-cn'), // 26,400 USD * 0.79 / 20,000 kg = 1.0428 GBP/kg
    },
    {
      name: 'valuePerKg above',
      criterion: { kind: 'valuePerKg', above: '20.00' },
      yes: () => fixture('cigarettes-via-ae'), // 152,000 USD * 0.79 / 4,000 kg = 30.02 GBP/kg
      no: () => fixture('ferro-silicon-cn'),
    },
    {
      name: 'valueToReference',
      criterion: { kind: 'valueToReference', belowPercent: 50 },
      yes: () => fixture('shaver-parts-undervalued'), // 14% of 3.10
      no: () => fixture('ferro-silicon-cn'), // 99% of 1.05
    },
    {
      name: 'traderDeclarations (unknown trader counts 0)',
      criterion: { kind: 'traderDeclarations', fewerThan: 1 },
      yes: () => fixture('shaver-parts-undervalued'),
      no: () => fixture('shared/valid-import'),
      trader: acme,
    },
    {
      name: 'trustedTrader',
      criterion: { kind: 'trustedTrader' },
      yes: () => fixture('ferro-silicon-cn'),
      no: () => fixture('shaver-parts-undervalued'),
      trader: borealis,
    },
  ];

  for (const { name, criterion, yes, no, trader } of cases) {
    it(`${name}: matches and does not match`, () => {
      // Prepare
      const matching = yes();
      const other = no();
      const traderOf = (d: ReturnType<typeof fixture>) => (trader !== undefined && d.importer.id === trader.partyId ? trader : undefined);

      // Act
      const matched = matches(criterion, matching, { trader: traderOf(matching) });
      const notMatched = matches(criterion, other, { trader: traderOf(other) });

      // Assess
      expect(matched).toBe(true);
      expect(notMatched).toBe(false);
    });
  }

  it('valueToReference never matches an item without a reference', () => {
    // Prepare
    const declaration = fixture('export-machinery'); // 8479899700: no reference in the demo table

    // Act
    const matched = matches({ kind: 'valueToReference', belowPercent: 1000 }, declaration);

    // Assess
    expect(matched).toBe(false);
  });

  it('valuePerKg never matches without an exchange rate', () => {
    // Prepare
    const declaration = variant('shaver-parts-undervalued', (d) => (d.valuation.currency = 'JPY'));

    // Act
    const matched = matches({ kind: 'valuePerKg', below: '1000' }, declaration);

    // Assess
    expect(matched).toBe(false);
  });
});

describe('combinations', () => {
  const fesi: Criterion = {
    kind: 'and',
    of: [
      { kind: 'commodityCode', prefixes: ['7202'] },
      { kind: 'origin', countries: ['CN', 'RU'] },
    ],
  };

  it('and: every criterion must hold', () => {
    // Prepare
    const fromChina = fixture('ferro-silicon-cn');
    const fromIndia = variant('ferro-silicon-cn', (d) => (d.items[0]!.origin = 'IN'));

    // Act
    const results = [matches(fesi, fromChina), matches(fesi, fromIndia)];

    // Assess
    expect(results).toEqual([true, false]);
  });

  it('and: item criteria must hold on the same item', () => {
    // Prepare: item 1 is ferro-silicon from India, item 2 shaver parts from China
    const declaration = fixture('mixed-items');

    // Act
    const matched = matches(fesi, declaration);

    // Assess
    expect(matched).toBe(false);
  });

  it('or: one criterion is enough', () => {
    // Prepare
    const criterion: Criterion = {
      kind: 'or',
      of: [
        { kind: 'origin', countries: ['AE'] },
        { kind: 'loadingCountry', countries: ['AE'] },
      ],
    };

    // Act
    const results = [matches(criterion, fixture('cigarettes-via-ae')), matches(criterion, fixture('ferro-silicon-cn'))];

    // Assess
    expect(results).toEqual([true, false]);
  });

  it('not: inverts, per item', () => {
    // Prepare: "an item of chapter 72 not from China"
    const criterion: Criterion = {
      kind: 'and',
      of: [
        { kind: 'commodityCode', prefixes: ['72'] },
        { kind: 'not', of: { kind: 'origin', countries: ['CN'] } },
      ],
    };

    // Act
    const results = [matches(criterion, fixture('mixed-items')), matches(criterion, fixture('ferro-silicon-cn'))];

    // Assess
    expect(results).toEqual([true, false]);
  });

  it('nested: declaration-level and item-level criteria mix', () => {
    // Prepare: (sea or road) and not trusted and (shaver parts or ferro-silicon from CN)
    const criterion: Criterion = {
      kind: 'and',
      of: [
        { kind: 'transportMode', modes: ['1', '3'] },
        { kind: 'not', of: { kind: 'trustedTrader' } },
        {
          kind: 'or',
          of: [
            { kind: 'commodityCode', prefixes: ['8510'] },
            {
              kind: 'and',
              of: [
                { kind: 'commodityCode', prefixes: ['7202'] },
                { kind: 'origin', countries: ['CN'] },
              ],
            },
          ],
        },
      ],
    };

    // Act
    const acmeMixed = matches(criterion, fixture('mixed-items'), { trader: acme });
    const borealisFesi = matches(criterion, fixture('ferro-silicon-cn'), { trader: borealis });
    const unknownFesi = matches(criterion, fixture('ferro-silicon-cn'));

    // Assess
    expect([acmeMixed, borealisFesi, unknownFesi]).toEqual([true, false, true]);
  });
});

describe('what matched, in words', () => {
  it('names the item, the field, the value and the list', () => {
    // Prepare
    const criterion: Criterion = {
      kind: 'and',
      of: [
        { kind: 'commodityCode', prefixes: ['720221', '720229'] },
        { kind: 'origin', countries: ['CN', 'RU'] },
        { kind: 'transportMode', modes: ['1'] },
      ],
    };

    // Act
    const text = profileText(criterion, fixture('ferro-silicon-cn'));

    // Assess
    expect(text).toBe(
      'Profile P-TEST v1 "Profile P-TEST" selects RED: item 1 commodity code 7202210000 starts with 720221; ' +
        'item 1 origin is CN, one of CN, RU; transport mode is 1 (sea). Why: Reason for P-TEST.',
    );
  });

  it('explains not and or by the facts that decided them', () => {
    // Prepare
    const criterion: Criterion = {
      kind: 'and',
      of: [
        { kind: 'not', of: { kind: 'origin', countries: ['CN'] } },
        {
          kind: 'or',
          of: [
            { kind: 'loadingCountry', countries: ['AE'] },
            { kind: 'exporterCountry', countries: ['AE'] },
          ],
        },
        { kind: 'not', of: { kind: 'trustedTrader' } },
      ],
    };

    // Act
    const text = profileText(criterion, fixture('cigarettes-via-ae'));

    // Assess
    expect(text).toContain(
      'item 1 origin is IN, not CN; country of loading is AE; importer GB333333333000 is neither an AEO nor a trusted trader (unknown to the platform)',
    );
  });

  it('lists the other matching items', () => {
    // Prepare
    const declaration = variant('mixed-items', (d) => {
      d.items.push(structuredClone(d.items[1]!), structuredClone(d.items[1]!));
    });

    // Act
    const text = profileText({ kind: 'origin', countries: ['CN'] }, declaration);

    // Assess
    expect(text).toContain('item 2 origin is CN (also items 3, 4).');
  });

  it('shows the figures of value criteria', () => {
    // Prepare
    const declaration = fixture('shaver-parts-undervalued');

    // Act
    const perKg = profileText({ kind: 'valuePerKg', below: '1' }, declaration);
    const toReference = profileText({ kind: 'valueToReference', belowPercent: 40 }, declaration);

    // Assess
    expect(perKg).toContain('item 1 declared 0.42 GBP/kg is below 1.00 GBP/kg');
    expect(toReference).toContain(
      'item 1 declared 0.42 GBP/kg for 8510900000 from CN, reference median 3.10 GBP/kg (n=125): 14% of reference, below 40%',
    );
  });

  it('says how many declarations a trader has', () => {
    // Prepare
    const criterion: Criterion = { kind: 'traderDeclarations', fewerThan: 1 };

    // Act
    const text = profileText(criterion, fixture('shaver-parts-undervalued'));

    // Assess
    expect(text).toContain('importer GB555555555000 has 0 previous declarations (unknown to the platform), fewer than 1');
  });

  it('names the exporter as the trader of an export', () => {
    // Prepare
    const criterion: Criterion = { kind: 'trustedTrader' };

    // Act
    const text = profileText(criterion, fixture('export-machinery'), { trader: borealis });

    // Assess
    expect(text).toContain('exporter GB987654321000 is AEOF');
  });
});
