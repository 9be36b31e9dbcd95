/**
 * Alcohol Duty through the pipeline on the fakes (shared/usecases/, wired as functions/ wires
 * them): the validation stage refuses what the duty cannot be priced from, the duty stage prices
 * with the rate table in force when the declaration was accepted, and a rate period an
 * administrator loads applies from its start and not before.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultAlcoholDutyRates } from '#demo/gb-tariff-pack.ts';
import type { Principal } from '#shared/domain/auth.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { type AlcoholDutyRates, alcoholDutyRatesSchema } from '#shared/tariff/alcohol-duty-rates.ts';
import { loadReferenceDocument } from '#shared/usecases/reference-documents.ts';
import { demoReferenceDocuments, type FakePlatform, fakePlatform, ordinaryImporter } from '#tests/support/fake-platform.ts';

const admin: Principal = { subject: 'admin-1', roles: ['admin'], partyId: undefined };

/** The wine fixture (13% vol, 1,000 litres, X333) as the importer declares it on the clock's day. */
function wine(platform: FakePlatform, change: (d: DeclarationInput) => void = () => {}): DeclarationInput {
  const input = JSON.parse(
    readFileSync(new URL('../../fixtures/declarations/alcohol-wine-import.json', import.meta.url), 'utf8'),
  ) as DeclarationInput;
  input.declarant.id = ordinaryImporter;
  input.importer.id = ordinaryImporter;
  input.lrn = `WINE-${platform.clock.now().getTime()}`;
  input.consignment.arrivalDate = platform.clock.now().toISOString().slice(0, 10);
  change(input);
  return input;
}

/** HMRC's table with a 2027-2 period after 2026-2: every core rate of 2026-2 plus 1.13, as an uplift would. */
function withUplift(from: string): AlcoholDutyRates {
  const table = structuredClone(defaultAlcoholDutyRates());
  const current = table.at(-1)!;
  current.validityEndDate = from;
  const uplift = structuredClone(current);
  uplift.name = '2027-2';
  uplift.validityStartDate = from;
  delete uplift.validityEndDate;
  for (const band of uplift.rateBands) if (band.rate !== undefined) band.rate = Number((band.rate + 1.13).toFixed(2));
  return [...table, uplift];
}

const exciseOf = async (platform: FakePlatform, id: string) =>
  (await platform.record(id)).assessment?.items[0]?.lines.find((line) => line.taxType === '333');

describe('Alcohol Duty in the pipeline', () => {
  it('assesses the wine of the worked example: 3,980.60 of tax type 333 and VAT on value + duty + excise', async () => {
    // Prepare
    const platform = await fakePlatform();
    const id = await platform.submit(wine(platform));

    // Act
    await platform.runThrough('duty');

    // Assess: 130 LPA x 30.62 = 3,980.60; VAT 20% x (4,000.00 + 100.00 + 3,980.60) = 1,616.12.
    const record = await platform.record(id);
    expect(record.status).toBe('ASSESSED');
    expect(await exciseOf(platform, id)).toMatchObject({ amount: '3980.60', base: { amount: '130', unit: 'LPA' } });
    expect(record.amountDue).toEqual({
      amount: '5696.72',
      currency: 'GBP',
      byTaxType: { A00: '100.00', '333': '3980.60', B00: '1616.12' },
    });
  });

  it('rejects wine declared under a beer band at validation, with the pointer to the X-code, and assesses nothing', async () => {
    // Prepare
    const platform = await fakePlatform();
    const id = await platform.submit(
      wine(platform, (d) => {
        d.items[0]!.additionalCodes = ['X321'];
      }),
    );

    // Act
    await platform.runThrough('duty');

    // Assess
    const record = await platform.record(id);
    expect(record.status).toBe('REJECTED');
    expect(record.validation?.problems).toEqual([
      expect.objectContaining({ pointer: '/items/0/additionalCodes/0', code: 'ALCOHOL_BAND_MISMATCH' }),
    ]);
    expect(record.assessment).toBeUndefined();
    expect(platform.queues.risk.sent).toEqual([]);
  });

  it('rejects a chapter 22 item without its strength or its tax type, naming each', async () => {
    // Prepare
    const platform = await fakePlatform();
    const id = await platform.submit(
      wine(platform, (d) => {
        d.items[0]!.additionalCodes = [];
        d.items[0]!.quantities = [{ value: '1000', unit: 'LTR' }];
      }),
    );

    // Act
    await platform.deliver('validation');

    // Assess
    const record = await platform.record(id);
    expect(record.status).toBe('REJECTED');
    expect(record.validation?.problems.map((p) => [p.pointer, p.code])).toEqual([
      ['/items/0/additionalCodes', 'ALCOHOL_TAX_TYPE_REQUIRED'],
      ['/items/0/quantities', 'ALCOHOL_STRENGTH_REQUIRED'],
    ]);
  });

  it('applies a rate period loaded through the admin use case to declarations accepted from its start, and not to earlier ones', async () => {
    // Prepare: the uplift is loaded now (2026-11-27) with a period from February 2027.
    const platform = await fakePlatform({ documents: await demoReferenceDocuments() });
    const loaded = await loadReferenceDocument(
      {
        principal: admin,
        kind: 'alcoholDutyRates',
        schema: alcoholDutyRatesSchema,
        document: withUplift('2027-02'),
        at: platform.clock.now().toISOString(),
      },
      { store: platform.documents },
    );
    platform.clock.advance(1_000);
    const before = await platform.submit(wine(platform));
    await platform.runThrough('duty');

    // Act: a declaration accepted on 3 February 2027.
    platform.clock.advance(68 * 86_400_000);
    const after = await platform.submit(wine(platform));
    await platform.runThrough('duty');

    // Assess: 130 LPA x 30.62 = 3,980.60 before; 130 x 31.75 = 4,127.50 from the start of 2027-2.
    expect(loaded.kind).toBe('alcoholDutyRates');
    expect(platform.clock.now().toISOString().slice(0, 10)).toBe('2027-02-03');
    expect(await exciseOf(platform, before)).toMatchObject({ amount: '3980.60', measureId: 'alcohol-duty/2026-2/333' });
    expect(await exciseOf(platform, after)).toMatchObject({ amount: '4127.50', measureId: 'alcohol-duty/2027-2/333' });
  });
});
