import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultAlcoholDutyRates } from '#demo/gb-tariff-pack.ts';
import { regions } from '#infra/config/regions.ts';
import { type Declaration, declarationSchema } from '#shared/domain/declaration.ts';
import type { Problem } from '#shared/domain/problems.ts';
import {
  ARRIVAL_MAX_DAYS_AHEAD,
  ARRIVAL_MAX_DAYS_PAST,
  type ValidationContext,
  validateDeclarationRules,
} from '#shared/domain/validation-rules.ts';
import { referenceData } from '#shared/reference/index.ts';

const fixture = (name: string): Declaration =>
  declarationSchema.parse(JSON.parse(readFileSync(new URL(`../fixtures/declarations/${name}.json`, import.meta.url), 'utf8')));

const context: ValidationContext = {
  today: '2026-11-18',
  customsOffices: regions['eu-west-2'].customsOffices,
  nationalCountry: regions['eu-west-2'].country,
  preLodgementAllowed: true,
};

/** A copy of a fixture with some changes applied. */
function variant(name: string, change: (d: Declaration) => void): Declaration {
  const declaration = structuredClone(fixture(name));
  change(declaration);
  return declaration;
}

const validate = (declaration: Declaration, ctx: ValidationContext = context): Problem[] =>
  validateDeclarationRules(declaration, referenceData(), ctx);

const codesAndPointers = (problems: Problem[]): string[] => problems.map((p) => `${p.code} ${p.pointer}`);

/** The valid import fixture with one item changed. */
const itemVariant = (change: (item: Declaration['items'][number], d: Declaration) => void): Declaration =>
  variant('valid-import', (d) => change(d.items[0]!, d));

describe('validateDeclarationRules', () => {
  describe('valid declarations', () => {
    it('accepts the DESIGN.md example (made consistent)', () => {
      // Prepare
      const declaration = fixture('valid-import');

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it('accepts a preference claim with a proof of origin and several items', () => {
      // Prepare
      const declaration = fixture('valid-import-preference');

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it('does not change the declaration it checks', () => {
      // Prepare
      const declaration = fixture('invalid-consistency');
      const before = structuredClone(declaration);

      // Act
      validate(declaration);

      // Assess
      expect(declaration).toEqual(before);
    });

    it('takes a declaration lodged before arrival (D) only where the region allows pre-lodgement', () => {
      // Prepare
      const preLodged = variant('valid-import', (d) => {
        d.additionalType = 'D';
      });

      // Act
      const allowed = validate(preLodged);
      const refused = validate(preLodged, { ...context, preLodgementAllowed: false });
      const arrivedInRefusingRegion = validate(fixture('valid-import'), { ...context, preLodgementAllowed: false });

      // Assess
      expect(allowed).toEqual([]);
      expect(codesAndPointers(refused)).toEqual(['PRE_LODGEMENT_NOT_ALLOWED /additionalType']);
      expect(arrivedInRefusingRegion).toEqual([]);
    });
  });

  describe('all problems, in body order', () => {
    it('lists every unknown reference code of a declaration', () => {
      // Prepare
      const declaration = fixture('invalid-reference-codes');

      // Act
      const problems = validate(declaration);

      // Assess
      expect(codesAndPointers(problems)).toEqual([
        'UNKNOWN_PROCEDURE_CODE /procedureCode',
        'UNKNOWN_OFFICE /office',
        'UNKNOWN_COUNTRY /importer/country',
        'UNKNOWN_COUNTRY /exporter/country',
        'UNKNOWN_LOCATION /consignment/loadingLocation',
        'UNKNOWN_CURRENCY /valuation/currency',
        'UNKNOWN_COMMODITY_CODE /items/0/commodityCode',
        'UNKNOWN_COUNTRY /items/0/origin',
        'UNKNOWN_PREFERENCE /items/0/preference',
      ]);
    });

    it('lists every inconsistency of a declaration', () => {
      // Prepare
      const declaration = fixture('invalid-consistency');

      // Act
      const problems = validate(declaration);

      // Assess
      expect(codesAndPointers(problems)).toEqual([
        'ARRIVAL_DATE_IMPLAUSIBLE /consignment/arrivalDate',
        'NET_MASS_ABOVE_GROSS /consignment/grossMassKg',
        'INVOICE_TOTAL_MISMATCH /valuation/invoiceTotal',
        'PREFERENCE_WITHOUT_PROOF /items/0/preference',
        'NET_MASS_ABOVE_GROSS /items/0/netMassKg',
      ]);
    });

    it('orders problems by the position of their field in the body', () => {
      // Prepare: the same declaration with `items` first in the body
      const { items, ...header } = fixture('invalid-consistency');
      const reordered = { items, ...header } as Declaration;

      // Act
      const problems = validate(reordered);

      // Assess
      expect(problems.map((p) => p.pointer)).toEqual([
        '/items/0/preference',
        '/items/0/netMassKg',
        '/consignment/arrivalDate',
        '/consignment/grossMassKg',
        '/valuation/invoiceTotal',
      ]);
    });
  });

  describe('UNKNOWN_COMMODITY_CODE', () => {
    it.each(['8510900000', '85109000', '851090'])('accepts %s, whose first 6 digits are an HS 2022 subheading', (code) => {
      // Prepare
      const declaration = itemVariant((item) => (item.commodityCode = code));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it('rejects a subheading that does not exist under an existing heading, naming the heading', () => {
      // Prepare
      const declaration = itemVariant((item) => (item.commodityCode = '8510990000'));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([
        {
          pointer: '/items/0/commodityCode',
          code: 'UNKNOWN_COMMODITY_CODE',
          message: expect.stringMatching(/'8510990000'.*heading 8510 .*no subheading 851099.*expected/),
        },
      ]);
    });

    it.each([
      ['7700000000', /there is no chapter 77/],
      ['9999990000', /there is no chapter 99/],
      ['0199000000', /chapter 01 has no heading 0199/],
    ])('rejects %s', (code, message) => {
      // Prepare
      const declaration = itemVariant((item) => (item.commodityCode = code));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ code: 'UNKNOWN_COMMODITY_CODE', message: expect.stringMatching(message) });
    });
  });

  describe('UNKNOWN_COUNTRY', () => {
    it.each(['US', 'XK', 'XS', 'RS', 'ZU'])('accepts %s as origin (ISO 3166-1 or HMRC code)', (country) => {
      // Prepare
      const declaration = itemVariant((item) => (item.origin = country));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it('reports the origin, importer and exporter countries separately', () => {
      // Prepare
      const declaration = itemVariant((item, d) => {
        item.origin = 'EU';
        d.importer.country = 'UK';
        d.exporter.country = 'QQ';
      });

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([
        { pointer: '/importer/country', code: 'UNKNOWN_COUNTRY', message: expect.stringContaining("importer country 'UK'") },
        { pointer: '/exporter/country', code: 'UNKNOWN_COUNTRY', message: expect.stringContaining("exporter country 'QQ'") },
        { pointer: '/items/0/origin', code: 'UNKNOWN_COUNTRY', message: expect.stringContaining("country of origin 'EU'") },
      ]);
    });
  });

  describe('UNKNOWN_CURRENCY', () => {
    it.each(['USD', 'EUR', 'GBP', 'JPY', 'KWD', 'CNY'])('accepts %s', (currency) => {
      // Prepare
      const declaration = variant('valid-import', (d) => (d.valuation.currency = currency));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it.each([
      ['XYZ', /not a current ISO 4217/],
      ['BGN', /not a current ISO 4217/], // withdrawn 2026-01 (Bulgaria adopted the euro)
      ['HRK', /not a current ISO 4217/], // withdrawn 2023-01
      ['XAU', /without minor units/], // gold
      ['XXX', /without minor units/], // "no currency involved"
    ])('rejects %s', (currency, message) => {
      // Prepare
      const declaration = variant('valid-import', (d) => (d.valuation.currency = currency));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([{ pointer: '/valuation/currency', code: 'UNKNOWN_CURRENCY', message: expect.stringMatching(message) }]);
    });
  });

  describe('UNKNOWN_LOCATION', () => {
    it.each(['CNSZX', 'DEHAM', 'XZAAA', 'GBLHR', 'GBFXT', 'IMDGS'])('accepts %s', (location) => {
      // Prepare
      const declaration = variant('valid-import', (d) => (d.consignment.loadingLocation = location));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it('rejects a national (GB) location that is not in the HMRC goods-location lists', () => {
      // Prepare
      const declaration = variant('valid-import', (d) => (d.consignment.loadingLocation = 'GBZZZ'));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([
        {
          pointer: '/consignment/loadingLocation',
          code: 'UNKNOWN_LOCATION',
          message: expect.stringContaining("'GBZZZ' is not a known GB location"),
        },
      ]);
    });

    it('checks only the shape and country of locations outside the national territory', () => {
      // Prepare: the same location in a region whose national country is not GB
      const declaration = variant('valid-import', (d) => {
        d.consignment.loadingLocation = 'GBZZZ';
        d.importer.country = 'FR';
      });

      // Act
      const problems = validate(declaration, { ...context, nationalCountry: 'FR' });

      // Assess
      expect(problems).toEqual([]);
    });

    it('rejects a location whose country part is not a UN/LOCODE country', () => {
      // Prepare
      const declaration = variant('valid-import', (d) => (d.consignment.loadingLocation = 'QQSZX'));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([
        {
          pointer: '/consignment/loadingLocation',
          code: 'UNKNOWN_LOCATION',
          message: expect.stringContaining("'QQ', which is not a UN/LOCODE country"),
        },
      ]);
    });
  });

  describe('UNKNOWN_OFFICE', () => {
    it('accepts any office of the region', () => {
      // Prepare
      const declarations = context.customsOffices.map((office) => variant('valid-import', (d) => (d.office = office)));

      // Act
      const problems = declarations.flatMap((d) => validate(d));

      // Assess
      expect(problems).toEqual([]);
    });

    it('rejects another office and lists the expected ones', () => {
      // Prepare
      const declaration = variant('valid-import', (d) => (d.office = 'GBABD001'));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([
        {
          pointer: '/office',
          code: 'UNKNOWN_OFFICE',
          message:
            "office 'GBABD001' is not a customs office of this region; expected one of GBLHR, GBFXT, GBDVR, GBSOU, GBMAN, GBBHX, GBLGP, GBIMM",
        },
      ]);
    });
  });

  describe('UNKNOWN_PROCEDURE_CODE and PROCEDURE_CODE_TYPE_MISMATCH', () => {
    it.each(['4000', '4071', '4051', '4054', '5100', '5111', '5300', '7100', '7121', '0100'])(
      'accepts import procedure code %s',
      (code) => {
        // Prepare
        const declaration = variant('valid-import', (d) => (d.procedureCode = code));

        // Act
        const problems = validate(declaration);

        // Assess
        expect(problems).toEqual([]);
      },
    );

    it.each(['1040', '2100', '3171', '0012'])('accepts export procedure code %s on an export declaration', (code) => {
      // Prepare
      const declaration = variant('valid-import', (d) => {
        d.type = 'EX';
        d.procedureCode = code;
      });

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it.each(['4010', '4600', '9999'])('rejects %s, which is not a CDS procedure code', (code) => {
      // Prepare
      const declaration = variant('valid-import', (d) => (d.procedureCode = code));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([
        {
          pointer: '/procedureCode',
          code: 'UNKNOWN_PROCEDURE_CODE',
          message: expect.stringContaining(`procedure code '${code}' is not a known CDS import procedure code`),
        },
      ]);
    });

    it('rejects an export procedure code on an import declaration, and the reverse', () => {
      // Prepare
      const exportCodeOnImport = variant('valid-import', (d) => (d.procedureCode = '1040'));
      const importCodeOnExport = variant('valid-import', (d) => (d.type = 'EX'));

      // Act
      const problems = [...validate(exportCodeOnImport), ...validate(importCodeOnExport)];

      // Assess
      expect(problems).toEqual([
        {
          pointer: '/procedureCode',
          code: 'PROCEDURE_CODE_TYPE_MISMATCH',
          message: expect.stringMatching(/'1040' .* is an export procedure code, but the declaration type is 'IM'/),
        },
        {
          pointer: '/procedureCode',
          code: 'PROCEDURE_CODE_TYPE_MISMATCH',
          message: expect.stringMatching(/'4000' .* is an import procedure code, but the declaration type is 'EX'/),
        },
      ]);
    });
  });

  describe('NET_MASS_ABOVE_GROSS', () => {
    it('accepts a net mass equal to the gross mass, whatever the notation', () => {
      // Prepare
      const declaration = itemVariant((item, d) => {
        item.netMassKg = '2100.000000';
        d.consignment.grossMassKg = '2100';
      });

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it('rejects an item whose net mass is above the gross mass by the smallest step', () => {
      // Prepare
      const declaration = itemVariant((item) => (item.netMassKg = '2100.000001'));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([
        {
          pointer: '/items/0/netMassKg',
          code: 'NET_MASS_ABOVE_GROSS',
          message: 'net mass 2100.000001 kg is more than the consignment gross mass of 2100 kg; expected at most 2100 kg',
        },
      ]);
    });

    it('rejects items whose net masses add up to more than the gross mass', () => {
      // Prepare: each item is below the gross mass, the sum is not
      const declaration = variant('valid-import-preference', (d) => (d.consignment.grossMassKg = '750.999999'));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([
        {
          pointer: '/consignment/grossMassKg',
          code: 'NET_MASS_ABOVE_GROSS',
          message:
            'the net masses of the 2 items add up to 751.00 kg, more than the consignment gross mass of 750.999999 kg; expected a gross mass of at least 751.00 kg',
        },
      ]);
    });

    it('adds decimals exactly: 0.1 + 0.2 is not above 0.3', () => {
      // Prepare: in binary floating point 0.1 + 0.2 = 0.30000000000000004 > 0.3
      const declaration = variant('valid-import-preference', (d) => {
        d.consignment.grossMassKg = '0.3';
        d.items[0]!.netMassKg = '0.1';
        d.items[1]!.netMassKg = '0.2';
      });

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it('adds the largest allowed masses without rounding (21 significant digits)', () => {
      // Prepare: the sum equals the gross mass exactly; at 20 digits it would round up above it
      const declaration = variant('valid-import-preference', (d) => {
        d.consignment.grossMassKg = '999999999999999.999999';
        d.items[0]!.netMassKg = '499999999999999.999998';
        d.items[1]!.netMassKg = '500000000000000.000001';
      });

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });
  });

  describe('INVOICE_TOTAL_MISMATCH', () => {
    it.each([
      ['USD', '5000.00', '5000.01'],
      ['USD', '5000.00', '4999.99'],
      ['JPY', '5000', '5001'],
      ['KWD', '5000.000', '5000.001'],
    ])('accepts a difference of one minor unit for one item (%s %s vs %s)', (currency, itemAmount, total) => {
      // Prepare
      const declaration = itemVariant((item, d) => {
        d.valuation.currency = currency;
        item.invoiceAmount = itemAmount;
        d.valuation.invoiceTotal = total;
      });

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it.each([
      ['USD', '5000.00', '5000.02', '0.02', '0.01'],
      ['JPY', '5000', '5002', '2', '1'],
      ['KWD', '5000.000', '5000.002', '0.002', '0.001'],
    ])('rejects a larger difference (%s %s vs %s), showing both figures', (currency, itemAmount, total, difference, tolerance) => {
      // Prepare
      const declaration = itemVariant((item, d) => {
        d.valuation.currency = currency;
        item.invoiceAmount = itemAmount;
        d.valuation.invoiceTotal = total;
      });

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([
        {
          pointer: '/valuation/invoiceTotal',
          code: 'INVOICE_TOTAL_MISMATCH',
          message: `the item invoice amounts add up to ${itemAmount} ${currency}, but the invoice total is ${total} ${currency} (difference ${difference}); expected them to agree within ${tolerance} ${currency} (one minor unit per item)`,
        },
      ]);
    });

    it('allows one minor unit per item', () => {
      // Prepare: 2 items, 0.02 apart is fine, 0.03 is not
      const within = variant('valid-import-preference', (d) => (d.valuation.invoiceTotal = '18450.02'));
      const beyond = variant('valid-import-preference', (d) => (d.valuation.invoiceTotal = '18450.03'));

      // Act
      const problems = [...validate(within), ...validate(beyond)];

      // Assess
      expect(codesAndPointers(problems)).toEqual(['INVOICE_TOTAL_MISMATCH /valuation/invoiceTotal']);
    });

    it('adds amounts exactly: 0.1 + 0.2 equals 0.3, and the message shows 0.30', () => {
      // Prepare
      const exact = variant('valid-import-preference', (d) => {
        d.items[0]!.invoiceAmount = '0.1';
        d.items[1]!.invoiceAmount = '0.2';
        d.valuation.invoiceTotal = '0.3';
      });
      const off = variant('valid-import-preference', (d) => {
        d.items[0]!.invoiceAmount = '0.1';
        d.items[1]!.invoiceAmount = '0.2';
        d.valuation.invoiceTotal = '0.35';
      });

      // Act
      const exactProblems = validate(exact);
      const offProblems = validate(off);

      // Assess
      expect(exactProblems).toEqual([]);
      expect(offProblems).toEqual([
        {
          pointer: '/valuation/invoiceTotal',
          code: 'INVOICE_TOTAL_MISMATCH',
          message:
            'the item invoice amounts add up to 0.30 EUR, but the invoice total is 0.35 EUR (difference 0.05); expected them to agree within 0.02 EUR (one minor unit per item)',
        },
      ]);
    });
  });

  describe('UNKNOWN_PREFERENCE and PREFERENCE_WITHOUT_PROOF', () => {
    it.each([
      ['300', 'U112'],
      ['300', 'N954'],
      ['300', 'U088'],
      ['300', 'U116'], // not listed by name, but certificate type U is "Proofs of origin"
      ['320', 'N954'],
      ['200', 'N865'],
    ])('accepts preference %s with a %s proof of origin', (preference, proof) => {
      // Prepare
      const declaration = itemVariant((item) => {
        item.preference = preference;
        item.documents.push({ type: proof, ref: 'PROOF-1' });
      });

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it.each(['100', '110', '400'])('accepts preference %s without a proof of origin', (preference) => {
      // Prepare
      const declaration = itemVariant((item) => {
        item.preference = preference;
        item.documents = [];
      });

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it.each(['300', '200', '320'])('rejects preference %s without a proof of origin on that item', (preference) => {
      // Prepare: the proof is on another item, which does not count
      const declaration = variant('valid-import-preference', (d) => {
        d.items[0]!.preference = '100';
        d.items[1]!.preference = preference;
        d.items[0]!.documents.push({ type: 'N954', ref: 'EUR1-1' });
      });

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([
        {
          pointer: '/items/1/preference',
          code: 'PREFERENCE_WITHOUT_PROOF',
          message: expect.stringMatching(new RegExp(`preference '${preference}' .* no proof-of-origin document \\(found only N935\\)`)),
        },
      ]);
    });

    it('rejects a preference code that is not a CDS preference code', () => {
      // Prepare
      const declaration = itemVariant((item) => (item.preference = '301'));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([
        {
          pointer: '/items/0/preference',
          code: 'UNKNOWN_PREFERENCE',
          message: expect.stringContaining("preference '301' is not a CDS preference code"),
        },
      ]);
    });
  });

  describe('ARRIVAL_DATE_IMPLAUSIBLE', () => {
    it.each([
      ['2026-08-20', `${ARRIVAL_MAX_DAYS_PAST} days past`],
      ['2026-11-18', 'today'],
      ['2026-12-18', `${ARRIVAL_MAX_DAYS_AHEAD} days ahead`],
    ])('accepts %s (%s)', (arrivalDate) => {
      // Prepare
      const declaration = variant('valid-import', (d) => (d.consignment.arrivalDate = arrivalDate));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([]);
    });

    it.each([
      ['2026-08-19', '91 days before'],
      ['2026-12-19', '31 days after'],
      ['2016-11-20', '3650 days before'],
    ])('rejects %s (%s today)', (arrivalDate, distance) => {
      // Prepare
      const declaration = variant('valid-import', (d) => (d.consignment.arrivalDate = arrivalDate));

      // Act
      const problems = validate(declaration);

      // Assess
      expect(problems).toEqual([
        {
          pointer: '/consignment/arrivalDate',
          code: 'ARRIVAL_DATE_IMPLAUSIBLE',
          message: `arrival date ${arrivalDate} is ${distance} today (2026-11-18); expected a date from 2026-08-20 to 2026-12-18 (at most 90 days past, 30 days ahead)`,
        },
      ]);
    });

    it('counts calendar days across a leap day', () => {
      // Prepare: 2028-02-29 exists; 2028-03-30 is 30 days after 2028-02-29
      const declaration = variant('valid-import', (d) => (d.consignment.arrivalDate = '2028-03-30'));

      // Act
      const problems = validate(declaration, { ...context, today: '2028-02-29' });

      // Assess
      expect(problems).toEqual([]);
    });

    it('refuses a context date that is not a calendar date (a programming error)', () => {
      // Prepare
      const declaration = fixture('valid-import');

      // Act
      const act = () => validate(declaration, { ...context, today: '2026-02-30' });

      // Assess
      expect(act).toThrow(RangeError);
    });
  });

  describe('SMALL_PRODUCER_RATE_OUT_OF_RANGE (Alcohol Duty, docs/alcohol-duty.md)', () => {
    /** Beer 4.5% vol under small producer band 366 (core 321: 22.58 in 2026-2), with HMRC's rate table. */
    const withRates: ValidationContext = { ...context, alcoholDutyRates: defaultAlcoholDutyRates() };
    const beerAt = (rate: string): Declaration =>
      variant('alcohol-beer-small-producer-import', (d) => (d.items[0]!.alcohol = { smallProducerReliefRate: rate }));

    it('accepts a stated rate below the full rate of the standard band', () => {
      // Prepare
      const declaration = fixture('alcohol-beer-small-producer-import');

      // Act
      const problems = validate(declaration, withRates);

      // Assess
      expect(problems).toEqual([]);
    });

    it.each(['0', '22.59'])('refuses a stated rate of %s, pointing at it', (rate) => {
      // Prepare
      const declaration = beerAt(rate);

      // Act
      const problems = validate(declaration, withRates);

      // Assess
      expect(codesAndPointers(problems)).toEqual(['SMALL_PRODUCER_RATE_OUT_OF_RANGE /items/0/alcohol/smallProducerReliefRate']);
    });

    it('names the allowed maximum', () => {
      // Prepare
      const declaration = beerAt('30');

      // Act
      const [problem] = validate(declaration, withRates);

      // Assess
      expect(problem?.message).toContain('at most 22.58, the full rate of tax type 321');
    });
  });
});
