/**
 * Revenue per day and tax type on the statistics page comes from the ledger the reconciliation
 * reads (docs/revenue.md, "Revenue per day"), end to end on the local cloud: after a GREEN release
 * on a deferment account, a RED one whose inspection adds duty, an immediate payment confirmed
 * through the provider simulator and a repayment into a cash account, what the statistics added
 * for the day per tax type is what the reconciliation found booked, less what was repaid; a
 * repayment paid by a payout is taken off the day the provider confirms it paid, once.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { sendConfirmation, signedConfirmation, signedPayoutSettlement, simulatorKey } from '#local/payment-simulator.ts';
import { loadConfig } from '#shared/config.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import { ferroSiliconCif } from '#tests/support/scenarios.ts';
import { startSeededCloud } from '#tests/support/seeded-cloud.ts';
import { type apiClient, declarationFor, eventually, newParty } from './support.ts';

/** The demo's trusted trader: its clean declarations go GREEN with random selection off. */
const trustedTrader = 'GB987654321000';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let admin: string;
let officer: string;

interface View {
  id: string;
  status: string;
  paymentsDue: { reference: string; amount: string; currency: string }[];
  duties: { charges: { amount: string; byTaxType: Record<string, string> }[] } | null;
}
interface Statistics {
  days: { day: string; revenue: Record<string, string> }[];
}
interface Reconciliation {
  totals: { booked: Record<string, string> };
  differences: unknown[];
}

beforeAll(async () => {
  ({ cloud, api } = await startSeededCloud());
  admin = cloud.mintToken({ role: 'admin' });
  officer = cloud.mintToken({ role: 'officer', sub: 'officer-ledger-revenue' });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

/** The party's declaration, waited for until it settles in one of `statuses`. */
async function settled(party: string, change: (d: DeclarationInput) => void, statuses: string[]): Promise<View> {
  const trader = cloud.mintToken({ role: 'trader', party });
  const submitted = await api<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declarationFor(party, change) });
  expect(submitted.status).toBe(202);
  return eventually(
    async () => {
      const view = await api<View>('GET', `/v1/declarations/${submitted.body.id}`, { token: trader });
      return statuses.includes(view.body.status) ? view.body : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

async function openCash(owner: string): Promise<string> {
  const number = String(randomInt(1_000_000, 9_999_999));
  expect(
    (await api('POST', '/v1/admin/accounts', { token: admin, body: { kind: 'CASH', number, ownerId: owner, currency: 'GBP' } })).status,
  ).toBe(201);
  const topUp = await api('POST', `/v1/admin/accounts/${number}/top-ups`, {
    token: admin,
    body: { amount: '100000.00', reference: `T-${number}` },
  });
  expect(topUp.status).toBe(200);
  return number;
}

const figures = async (day: string) => {
  const statistics = await api<Statistics>('GET', `/v1/stats/clearance?from=${day}&to=${day}`, { token: officer });
  const reconciliation = await api<Reconciliation>('GET', `/v1/admin/revenue/reconciliation?from=${day}&to=${day}`, { token: admin });
  expect(statistics.status).toBe(200);
  expect(reconciliation.status).toBe(200);
  return { revenue: statistics.body.days[0]?.revenue ?? {}, reconciliation: reconciliation.body };
};

/** after - before (- less), per tax type, to 2 decimals; tax types that come to zero left out. */
function change(after: Record<string, string>, before: Record<string, string>, less: Record<string, string> = {}): Record<string, string> {
  const taxTypes = [...new Set([...Object.keys(after), ...Object.keys(before), ...Object.keys(less)])].sort();
  const result: [string, string][] = [];
  for (const taxType of taxTypes) {
    const amount = new Dec(after[taxType] ?? '0').minus(before[taxType] ?? '0').minus(less[taxType] ?? '0');
    if (!amount.equals(ZERO)) result.push([taxType, fixed2(amount)]);
  }
  return Object.fromEntries(result);
}

describe('revenue per day from the ledger', () => {
  it('adds for the day what the reconciliation finds booked, less the repayment, after each kind of booking', async () => {
    // Prepare: the day's figures before
    const today = new Date().toISOString().slice(0, 10);
    const before = await figures(today);

    // Act: a GREEN release on the trusted trader's deferment account
    await settled(trustedTrader, () => {}, ['RELEASED']);
    // a RED one whose inspection finds more duty (the difference charged), then released
    const red = await settled(newParty(), ferroSiliconCif, ['UNDER_REVIEW']);
    const review = `/v1/review/declarations/${red.id}`;
    expect((await api('POST', `${review}/claim`, { token: officer })).status).toBe(200);
    const inspected = await api<View>('POST', `${review}/inspections`, {
      token: officer,
      body: {
        result: 'DISCREPANCY',
        findings: 'shaver parts, not ferro-silicon',
        corrections: [{ itemIndex: 0, commodityCode: '8510900000', invoiceAmount: '6213.37' }],
      },
    });
    expect((await api<View>('POST', `${review}/decisions`, { token: officer, body: { action: 'RELEASE' } })).body.status).toBe('RELEASED');
    // an immediate payment confirmed through the provider simulator
    const waiting = await settled(
      trustedTrader,
      (d) => {
        d.payment = { method: 'H' };
      },
      ['AWAITING_PAYMENT'],
    );
    const simulator = await simulatorKey({
      secretsEndpoint: cloud.endpoints.secretsManager,
      secretId: loadConfig('paymentCallback').secretId('paymentProviders'),
      region: process.env.AWS_REGION ?? 'eu-west-2',
    });
    const [due] = waiting.paymentsDue;
    if (!due) throw new Error('nothing to pay');
    expect((await sendConfirmation(cloud.apiUrl, signedConfirmation(simulator, due))).status).toBe(200);
    // a release paid from a cash account, part of which an officer approves repaying
    const claimant = newParty();
    const cash = await openCash(claimant);
    const paid = await settled(
      claimant,
      (d) => {
        d.payment = { method: 'P', account: cash };
      },
      ['RELEASED'],
    );
    const [taxType, charged] =
      Object.entries(paid.duties?.charges[0]?.byTaxType ?? {}).find(([, amount]) => new Dec(amount).greaterThan(1)) ?? [];
    if (!taxType || !charged) throw new Error('nothing charged');
    const repaid = { [taxType]: fixed2(new Dec(charged).div(3)) };
    const claimed = await api<{ id: string }>('POST', `/v1/declarations/${paid.id}/repayment-claims`, {
      token: cloud.mintToken({ role: 'trader', party: claimant }),
      body: {
        reason: 'OVERPAID',
        amounts: { [taxType]: charged },
        explanation: 'counted twice',
        documents: [{ type: 'N935', ref: 'INV-1' }],
      },
    });
    const approved = await api<{ repayment?: { method: string } }>('POST', `/v1/review/repayment-claims/${claimed.body.id}/decisions`, {
      token: officer,
      body: { outcome: 'APPROVE', amounts: repaid },
    });
    const after = await figures(today);

    // Assess
    expect(inspected.status).toBe(200);
    expect(inspected.body.duties?.charges).toHaveLength(2);
    expect(approved.body.repayment?.method).toBe('CASH_ACCOUNT');
    expect(after.reconciliation.differences).toEqual([]);
    const added = change(after.revenue, before.revenue);
    expect(Object.keys(added).length).toBeGreaterThan(0);
    expect(added).toEqual(change(after.reconciliation.totals.booked, before.reconciliation.totals.booked, repaid));
  });

  it('takes a repayment paid by payout off the day the provider confirms it, once, and leaves the bookings as they were', async () => {
    // Prepare: a release on a declarant's deferment account (no cash account: repaid by payout), a claim approved
    const today = new Date().toISOString().slice(0, 10);
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const released = await settled(party, () => {}, ['RELEASED']);
    const taxType = Object.keys(released.duties?.charges[0]?.byTaxType ?? {})[0];
    if (!taxType) throw new Error('nothing charged');
    const claimed = await api<{ id: string }>('POST', `/v1/declarations/${released.id}/repayment-claims`, {
      token: trader,
      body: {
        reason: 'OVERPAID',
        amounts: { [taxType]: '0.75' },
        explanation: 'counted twice',
        documents: [{ type: 'N935', ref: 'INV-2' }],
      },
    });
    const approved = await api<{ repayment?: { method: string } }>('POST', `/v1/review/repayment-claims/${claimed.body.id}/decisions`, {
      token: officer,
      body: { outcome: 'APPROVE', amounts: { [taxType]: '0.75' } },
    });
    const simulator = await simulatorKey({
      secretsEndpoint: cloud.endpoints.secretsManager,
      secretId: loadConfig('paymentCallback').secretId('paymentProviders'),
      region: process.env.AWS_REGION ?? 'eu-west-2',
    });
    const payout = { reference: claimed.body.id, amount: '0.75', currency: 'GBP' };
    const before = await figures(today);

    // Act: the provider confirms the payout, then the same confirmation as a new event (already settled)
    const paid = await sendConfirmation(cloud.apiUrl, signedPayoutSettlement(simulator, payout));
    const again = await sendConfirmation(cloud.apiUrl, signedPayoutSettlement(simulator, payout));
    const after = await figures(today);

    // Assess
    expect(approved.body.repayment?.method).toBe('PAYOUT');
    expect(paid).toMatchObject({ status: 200, body: { outcome: 'PAID_OUT' } });
    expect(again).toMatchObject({ status: 200, body: { outcome: 'ALREADY_SETTLED' } });
    expect(change(after.revenue, before.revenue)).toEqual({ [taxType]: '-0.75' });
    expect(after.reconciliation.totals.booked).toEqual(before.reconciliation.totals.booked);
    expect(after.reconciliation.differences).toEqual([]);
  });
});
