/**
 * Alcohol Duty end to end against the local cloud (issue 16): HMRC's rate table seeded as the
 * alcohol-duty-rates reference document, a wine declaration assessed through POST
 * /v1/declarations, a wrong band refused at validation with nothing assessed, the look-up and the
 * estimate showing the same, and a rate period loaded through the admin API applying from its start.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAlcoholDutyRates } from '#demo/gb-tariff-pack.ts';
import type { LocalCloud } from '#local/cloud.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import type { AlcoholDutyRates } from '#shared/tariff/alcohol-duty-rates.ts';
import { startSeededCloud } from '#tests/support/seeded-cloud.ts';
import { type apiClient, eventually } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let admin: string;
let trader: string;

const party = 'GB987654321000';

interface Line {
  taxType: string;
  amount: string;
  rate: string;
  base: { amount: string; unit: string };
  measureId: string;
}
interface View {
  status: string;
  validation: { problems: { pointer: string; code: string }[] } | null;
  assessment: { totals: { total: string; byTaxType: Record<string, string> }; items: { lines: Line[] }[] } | null;
}

/** A declaration fixture for the demo trader, deferred on its account, arriving today. */
function forTrader(name: string, change: (d: DeclarationInput) => void = () => {}): DeclarationInput {
  const fixture = JSON.parse(readFileSync(new URL(`../fixtures/declarations/${name}.json`, import.meta.url), 'utf8')) as DeclarationInput;
  fixture.declarant.id = party;
  fixture.importer.id = party;
  // The demo trader's duty deferment account (demo/accounts-seed.ts).
  fixture.payment = { method: 'E', account: '7654321' };
  fixture.lrn = `ALC-${randomInt(1_000_000, 9_999_999)}`;
  fixture.consignment.arrivalDate = new Date().toISOString().slice(0, 10);
  change(fixture);
  return fixture;
}

/** The wine fixture: 13% vol, 1,000 litres, X333. */
const wine = (change?: (d: DeclarationInput) => void) => forTrader('alcohol-wine-import', change);
/** The small producer beer fixture: 4.5% vol, 2,000 litres, X366 at a stated 15.10 GBP per LPA. */
const beer = (change?: (d: DeclarationInput) => void) => forTrader('alcohol-beer-small-producer-import', change);

async function submit(declaration: DeclarationInput): Promise<string> {
  const response = await api<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declaration });
  expect(response.status).toBe(202);
  return response.body.id;
}

async function settled(id: string): Promise<View> {
  return eventually(
    async () => {
      const response = await api<View>('GET', `/v1/declarations/${id}`, { token: trader });
      return response.body.assessment || response.body.status === 'REJECTED' ? response.body : undefined;
    },
    { timeoutMs: 30_000 },
  );
}

const excise = (view: View) => view.assessment?.items[0]?.lines.find((line) => line.taxType === '333');

beforeAll(async () => {
  ({ cloud, api } = await startSeededCloud());
  admin = cloud.mintToken({ role: 'admin' });
  trader = cloud.mintToken({ role: 'trader', party });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

describe('Alcohol Duty through the API', () => {
  it('assesses a wine declaration: 130 LPA x 30.62 = 3,980.60 of tax type 333, VAT on value + duty + excise', async () => {
    // Act
    const view = await settled(await submit(wine()));

    // Assess: duty 10.00 GBP / hl x 10 hl = 100.00; VAT 20% x (4,000.00 + 100.00 + 3,980.60) = 1,616.12.
    expect(excise(view)).toMatchObject({ amount: '3980.60', base: { amount: '130', unit: 'LPA' }, measureId: 'alcohol-duty/2026-2/333' });
    expect(view.assessment?.totals).toMatchObject({ total: '5696.72', byTaxType: { A00: '100.00', '333': '3980.60', B00: '1616.12' } });
  });

  it('refuses wine declared under a beer band at validation, pointing at the X-code, and assesses nothing', async () => {
    // Act
    const view = await settled(
      await submit(
        wine((d) => {
          d.items[0]!.additionalCodes = ['X321'];
        }),
      ),
    );

    // Assess
    expect(view.status).toBe('REJECTED');
    expect(view.validation?.problems.map((p) => [p.pointer, p.code])).toEqual([['/items/0/additionalCodes/0', 'ALCOHOL_BAND_MISMATCH']]);
    expect(view.assessment).toBeNull();
  });

  it('shows the same in the look-up (the wine bands of the day) and the estimate (the same excise line)', async () => {
    // Act
    const lookup = await api<{ alcoholDuty: { bands: { taxType: string; rate?: string }[] } }>('GET', '/v1/tariff/commodities/2204219811', {
      token: trader,
    });
    const estimate = await api<{ items: { lines: Line[] }[] }>('POST', '/v1/duty-estimates', { token: trader, body: wine() });

    // Assess
    expect(lookup.status).toBe(200);
    expect(lookup.body.alcoholDuty.bands.find((band) => band.taxType === '333')?.rate).toBe('30.62');
    expect(estimate.status).toBe(200);
    expect(estimate.body.items[0]?.lines.find((line) => line.taxType === '333')).toMatchObject({
      amount: '3980.60',
      rate: '30.62 GBP / l alc. 100%',
    });
  });

  it('refuses a stated small producer rate of 0 at validation, pointing at it, and assesses nothing', async () => {
    // Act
    const view = await settled(
      await submit(
        beer((d) => {
          d.items[0]!.alcohol = { smallProducerReliefRate: '0' };
        }),
      ),
    );

    // Assess
    expect(view.status).toBe('REJECTED');
    expect(view.validation?.problems.map((p) => [p.pointer, p.code])).toEqual([
      ['/items/0/alcohol/smallProducerReliefRate', 'SMALL_PRODUCER_RATE_OUT_OF_RANGE'],
    ]);
    expect(view.assessment).toBeNull();
  });

  it('estimates a plausible stated small producer rate, and refuses one above the core rate with the maximum named', async () => {
    // Act
    const plausible = await api<{ items: { lines: (Line & { calculation: string })[] }[] }>('POST', '/v1/duty-estimates', {
      token: trader,
      body: beer(),
    });
    const above = await api<{ code: string; problems: { pointer: string; code: string; message: string }[] }>(
      'POST',
      '/v1/duty-estimates',
      {
        token: trader,
        body: beer((d) => {
          d.items[0]!.alcohol = { smallProducerReliefRate: '30.00' };
        }),
      },
    );

    // Assess: 90 LPA x 15.10 = 1,359.00; 30.00 is above core 321 (22.58 in 2026-2).
    expect(plausible.status).toBe(200);
    const line = plausible.body.items[0]?.lines.find((l) => l.taxType === '366');
    expect(line).toMatchObject({ amount: '1359.00', rate: '15.10 GBP / l alc. 100%' });
    expect(line?.calculation).toContain('rate stated by the declarant');
    expect(above.status).toBe(422);
    expect(above.body.problems).toEqual([
      expect.objectContaining({ pointer: '/items/0/alcohol/smallProducerReliefRate', code: 'SMALL_PRODUCER_RATE_OUT_OF_RANGE' }),
    ]);
    expect(above.body.problems[0]?.message).toContain('at most 22.58');
  });

  it('applies a rate period loaded through the admin API from its start, not before it', async () => {
    // Prepare: HMRC's table with an uplift (333 at 31.75) from next month, then one from this month.
    const now = new Date();
    const month = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
    const upliftFrom = (from: string): AlcoholDutyRates => {
      const table = structuredClone(defaultAlcoholDutyRates());
      table.at(-1)!.validityEndDate = from;
      const uplift = structuredClone(table.at(-1)!);
      Object.assign(uplift, { name: 'uplift', validityStartDate: from });
      delete uplift.validityEndDate;
      uplift.rateBands.find((band) => band.taxTypeCode === '333')!.rate = 31.75;
      return [...table, uplift];
    };
    const nextMonth = await api('PUT', '/v1/admin/reference-documents/alcohol-duty-rates', { token: admin, body: upliftFrom(month(1)) });
    const earlier = await settled(await submit(wine()));

    // Act
    const thisMonth = await api('PUT', '/v1/admin/reference-documents/alcohol-duty-rates', { token: admin, body: upliftFrom(month(0)) });
    const later = await settled(await submit(wine()));

    // Assess: 130 LPA x 30.62 = 3,980.60 before the period starts; 130 x 31.75 = 4,127.50 once it has.
    expect([nextMonth.status, thisMonth.status]).toEqual([200, 200]);
    expect(excise(earlier)).toMatchObject({ amount: '3980.60', measureId: 'alcohol-duty/2026-2/333' });
    expect(excise(later)).toMatchObject({ amount: '4127.50', measureId: 'alcohol-duty/uplift/333' });
    const history = await api<{ items: { kind: string }[] }>('GET', '/v1/admin/reference-documents/alcohol-duty-rates', { token: admin });
    expect(history.body.items.map((item) => item.kind)).toEqual(['alcoholDutyRates', 'alcoholDutyRates', 'alcoholDutyRates']);
  });
});
