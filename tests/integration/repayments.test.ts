/**
 * Repayment claims end to end on the local cloud (docs/revenue.md, "Repayments"): a declarant
 * claims on a released import paid from its cash account, an officer approves in part (credited
 * exactly) or refuses (nothing credited), a decision repeated changes nothing and concurrent
 * approvals credit once; claims over the charge and other parties are refused; a declarant
 * without a cash account is paid by a payout the provider simulator pays (PAID, visible to it);
 * and a declaration cancelled after its duties were drawn gets them back.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { sendConfirmation, signedConfirmation, signedPayoutSettlement, simulatorKey } from '#local/payment-simulator.ts';
import { loadConfig } from '#shared/config.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { Dec, fixed2 } from '#shared/tariff/money.ts';
import { ferroSiliconCif } from '#tests/support/scenarios.ts';
import { startSeededCloud } from '#tests/support/seeded-cloud.ts';
import { type apiClient, declarationFor, eventually, newParty } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let admin: string;
let officer: string;
let simulator: Buffer;

interface Claim {
  id: string;
  status: string;
  amounts: Record<string, string>;
  repayment?: { method: string; amount: string; account?: { number: string; sequence: number } };
}
interface Problems {
  problems: { pointer: string; code: string }[];
}
interface Ledger {
  balance: string;
  entries: { kind: string; amount: string; source: string; byTaxType?: Record<string, string> }[];
}

beforeAll(async () => {
  ({ cloud, api } = await startSeededCloud());
  admin = cloud.mintToken({ role: 'admin' });
  officer = cloud.mintToken({ role: 'officer' });
  simulator = await simulatorKey({
    secretsEndpoint: cloud.endpoints.secretsManager,
    secretId: loadConfig('paymentCallback').secretId('paymentProviders'),
    region: process.env.AWS_REGION ?? 'eu-west-2',
  });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

async function openCash(owner: string, balance: string): Promise<string> {
  const number = String(randomInt(1_000_000, 9_999_999));
  const opened = await api('POST', '/v1/admin/accounts', { token: admin, body: { kind: 'CASH', number, ownerId: owner, currency: 'GBP' } });
  expect(opened.status).toBe(201);
  const topUp = await api('POST', `/v1/admin/accounts/${number}/top-ups`, {
    token: admin,
    body: { amount: balance, reference: `T-${number}` },
  });
  expect(topUp.status).toBe(200);
  return number;
}

const ledger = async (number: string): Promise<Ledger> => (await api<Ledger>('GET', `/v1/accounts/${number}`, { token: admin })).body;

/** A declaration of a new party paid from its own cash account, settled in one of `statuses`. */
async function paidFromCash(statuses: string[], change: (d: DeclarationInput) => void = () => {}) {
  const party = newParty();
  const trader = cloud.mintToken({ role: 'trader', party });
  const cash = await openCash(party, '100000.00');
  const submitted = await api<{ id: string }>('POST', '/v1/declarations', {
    token: trader,
    body: declarationFor(party, (d) => {
      change(d);
      d.payment = { method: 'P', account: cash };
    }),
  });
  expect(submitted.status).toBe(202);
  const id = submitted.body.id;
  const view = await eventually(
    async () => {
      const read = await api<{ status: string; duties: { charges: { byTaxType: Record<string, string> }[] } }>(
        'GET',
        `/v1/declarations/${id}`,
        {
          token: trader,
        },
      );
      return statuses.includes(read.body.status) ? read.body : undefined;
    },
    { timeoutMs: 60_000 },
  );
  const [taxType, charged] =
    Object.entries(view.duties.charges[0]?.byTaxType ?? {}).find(([, amount]) => new Dec(amount).greaterThan(1)) ?? [];
  if (!taxType || !charged) throw new Error('nothing charged');
  return { party, trader, cash, id, taxType, charged, status: view.status };
}

const claim = (trader: string, id: string, amounts: Record<string, string>, explanation = 'the invoice was counted twice') =>
  api<Claim & Problems>('POST', `/v1/declarations/${id}/repayment-claims`, {
    token: trader,
    body: { reason: 'OVERPAID', amounts, explanation, documents: [{ type: 'N935', ref: 'INV-2026-7' }] },
  });

const decide = (claimId: string, body: Record<string, unknown>) =>
  api<Claim & Problems>('POST', `/v1/review/repayment-claims/${claimId}/decisions`, { token: officer, body });

describe('repayment claims', () => {
  it('credits a claim approved in part exactly, to the penny, and records claimed, approved and paid in the history', async () => {
    // Prepare
    const { trader, cash, id, taxType, charged } = await paidFromCash(['RELEASED']);
    const before = await ledger(cash);
    const claimed = await claim(trader, id, { [taxType]: charged });
    const part = fixed2(new Dec(charged).div(3));
    const pending = await api<{ items: Claim[] }>('GET', '/v1/review/repayment-claims?limit=100', { token: officer });

    // Act
    const approved = await decide(claimed.body.id, { outcome: 'APPROVE', amounts: { [taxType]: part } });

    // Assess
    expect(claimed.status).toBe(201);
    expect(pending.body.items.map((item) => item.id)).toContain(claimed.body.id);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'APPROVED',
      repayment: { method: 'CASH_ACCOUNT', amount: part, account: { number: cash } },
    });
    const after = await ledger(cash);
    expect(after.balance).toBe(fixed2(new Dec(before.balance).plus(part)));
    expect(after.entries.at(-1)).toMatchObject({
      kind: 'REPAYMENT',
      amount: part,
      source: `REPAY#${claimed.body.id}`,
      byTaxType: { [taxType]: part },
    });
    const events = await api<{ items: { type: string; status: string }[] }>('GET', `/v1/declarations/${id}/events`, { token: trader });
    expect(events.body.items.slice(-3)).toMatchObject([
      { type: 'REPAYMENT_CLAIMED', status: 'RELEASED' },
      { type: 'REPAYMENT_APPROVED', status: 'RELEASED' },
      { type: 'REPAYMENT_PAID', status: 'RELEASED' },
    ]);
  });

  it('refuses a claim over the amount charged for its tax type (422, pointing at it) and stores nothing', async () => {
    // Prepare
    const { trader, id, taxType, charged } = await paidFromCash(['RELEASED']);

    // Act
    const over = await claim(trader, id, { [taxType]: fixed2(new Dec(charged).plus('0.01')) });
    const listed = await api<{ items: Claim[] }>('GET', `/v1/declarations/${id}/repayment-claims`, { token: trader });

    // Assess
    expect(over.status).toBe(422);
    expect(over.body.problems).toEqual([expect.objectContaining({ pointer: `/amounts/${taxType}`, code: 'CLAIM_EXCEEDS_CHARGED' })]);
    expect(listed.body.items).toEqual([]);
  });

  it('lets no other trader claim on a declaration or read its claims (404)', async () => {
    // Prepare
    const { trader, id, taxType } = await paidFromCash(['RELEASED']);
    await claim(trader, id, { [taxType]: '1.00' });
    const other = cloud.mintToken({ role: 'trader', party: newParty() });

    // Act
    const claimed = await claim(other, id, { [taxType]: '1.00' });
    const read = await api<Problems>('GET', `/v1/declarations/${id}/repayment-claims`, { token: other });
    const own = await api<{ items: Claim[] }>('GET', `/v1/declarations/${id}/repayment-claims`, { token: trader });

    // Assess
    expect([claimed.status, read.status]).toEqual([404, 404]);
    expect(own.body.items).toHaveLength(1);
  });

  it('credits nothing for a refused claim; the decision repeated changes nothing, a different one is refused (409)', async () => {
    // Prepare
    const { trader, cash, id, taxType } = await paidFromCash(['RELEASED']);
    const claimed = await claim(trader, id, { [taxType]: '5.00' });
    const before = await ledger(cash);
    const refuse = { outcome: 'REFUSE', reason: 'the invoice was counted once' };

    // Act
    const refused = await decide(claimed.body.id, refuse);
    const events = await api<{ items: unknown[] }>('GET', `/v1/declarations/${id}/events`, { token: trader });
    const again = await decide(claimed.body.id, refuse);
    const approve = await decide(claimed.body.id, { outcome: 'APPROVE', amounts: { [taxType]: '5.00' } });

    // Assess
    expect([refused.status, refused.body.status]).toEqual([200, 'REFUSED']);
    expect(again).toMatchObject({ status: 200, body: refused.body });
    expect([approve.status, approve.body.problems[0]?.code]).toEqual([409, 'CLAIM_ALREADY_DECIDED']);
    expect(await ledger(cash)).toEqual(before);
    const eventsAfter = await api<{ items: unknown[] }>('GET', `/v1/declarations/${id}/events`, { token: trader });
    expect(eventsAfter.body.items).toHaveLength(events.body.items.length);
  });

  it('credits once when the same approval is sent five times at once, and a repeat afterwards changes nothing', async () => {
    // Prepare
    const { trader, cash, id, taxType } = await paidFromCash(['RELEASED']);
    const claimed = await claim(trader, id, { [taxType]: '3.33' });
    const before = await ledger(cash);
    const approve = { outcome: 'APPROVE', amounts: { [taxType]: '3.33' } };

    // Act
    const answers = await Promise.all(Array.from({ length: 5 }, () => decide(claimed.body.id, approve)));
    const repeated = await decide(claimed.body.id, approve);

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(repeated.body).toMatchObject({ status: 'APPROVED', repayment: { amount: '3.33' } });
    const after = await ledger(cash);
    expect(after.balance).toBe(fixed2(new Dec(before.balance).plus('3.33')));
    expect(after.entries.filter((entry) => entry.kind === 'REPAYMENT')).toHaveLength(1);
  });
});

describe('repayment without a cash account', () => {
  it('pays an approved claim by a payout the provider is sent and confirms: PAID once, in the history, visible to the declarant', async () => {
    // Prepare: drawn on the declarant's deferment account (the test client opens it), no cash account
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const submitted = await api<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declarationFor(party) });
    const view = await eventually(async () => {
      const read = await api<{ status: string; duties: { charges: { byTaxType: Record<string, string> }[] } }>(
        'GET',
        `/v1/declarations/${submitted.body.id}`,
        { token: trader },
      );
      return read.body.status === 'RELEASED' ? read.body : undefined;
    });
    const taxType = Object.keys(view.duties.charges[0]?.byTaxType ?? {})[0] ?? 'A00';
    const claimed = await claim(trader, submitted.body.id, { [taxType]: '0.50' });

    type Listed = { items: { id: string; payout?: { reference: string; status: string; sentAt?: string; settledAt?: string } }[] };
    const listed = async () =>
      (await api<Listed>('GET', `/v1/declarations/${submitted.body.id}/repayment-claims`, { token: trader })).body.items[0]?.payout;

    // Act
    const approved = await decide(claimed.body.id, { outcome: 'APPROVE', amounts: { [taxType]: '0.50' } });
    const sent = await listed();
    const payout = { reference: claimed.body.id, amount: '0.50', currency: 'GBP' };
    const paid = await sendConfirmation(cloud.apiUrl, signedPayoutSettlement(simulator, { ...payout, eventId: `evt_${party}` }));
    const replayed = await sendConfirmation(cloud.apiUrl, signedPayoutSettlement(simulator, { ...payout, eventId: `evt_${party}` }));

    // Assess
    expect(approved.body).toMatchObject({
      status: 'APPROVED',
      repayment: { method: 'PAYOUT', payoutReference: claimed.body.id, amount: '0.50' },
    });
    expect(sent).toMatchObject({ reference: claimed.body.id, status: 'SENT' });
    expect(cloud.paymentSimulator.taken(claimed.body.id)).toMatchObject({ amount: '0.50', currency: 'GBP', payee: party });
    expect(paid).toMatchObject({ status: 200, body: { reference: claimed.body.id, outcome: 'PAID_OUT', declarationStatus: 'RELEASED' } });
    expect(replayed).toMatchObject({ status: 409, body: { problems: [{ code: 'CALLBACK_REPLAYED' }] } });
    expect(await listed()).toMatchObject({ reference: claimed.body.id, status: 'PAID', settledAt: expect.any(String) });
    const history = await api<{ items: { type: string; detail?: string }[] }>('GET', `/v1/declarations/${submitted.body.id}/events`, {
      token: trader,
    });
    expect(history.body.items.filter((event) => event.type === 'REPAYMENT_PAID_OUT')).toEqual([
      expect.objectContaining({ detail: `payout ${claimed.body.id} paid: 0.50 GBP to ${party}` }),
    ]);
  });
});

describe('cancellation after duties were drawn', () => {
  it('pays back by payout what was paid on a payment request (immediate payment) before the cancellation', async () => {
    // Prepare: RED-lane goods paid immediately, the payment confirmed while under review
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const submitted = await api<{ id: string }>('POST', '/v1/declarations', {
      token: trader,
      body: declarationFor(party, (d) => {
        ferroSiliconCif(d);
        d.payment = { method: 'H', postponedVat: false };
      }),
    });
    const id = submitted.body.id;
    type View = { status: string; paymentsDue: { reference: string; amount: string; currency: string }[]; duties: { status: string } };
    const read = () => api<View>('GET', `/v1/declarations/${id}`, { token: trader });
    const waiting = await eventually(async () => ((await read()).body.paymentsDue.length > 0 ? (await read()).body : undefined));
    const due = waiting.paymentsDue[0];
    if (!due) throw new Error('nothing to pay');
    expect((await sendConfirmation(cloud.apiUrl, signedConfirmation(simulator, due))).status).toBe(200);
    await eventually(async () => ((await read()).body.duties.status === 'SECURED' ? true : undefined));

    // Act
    const cancelled = await api<{ status: string }>('POST', `/v1/declarations/${id}/cancel`, {
      token: trader,
      body: { reason: 'order withdrawn' },
    });

    // Assess
    expect(cancelled.status).toBe(200);
    const after = await api<{ duties: { charges: { source: string; amount: string; reference?: string; reason?: string }[] } }>(
      'GET',
      `/v1/declarations/${id}`,
      { token: trader },
    );
    expect(after.body.duties.charges.at(-1)).toMatchObject({
      amount: `-${due.amount}`,
      reference: due.reference,
      reason: 'paid back by payout',
    });
    const paidBack = await sendConfirmation(cloud.apiUrl, signedPayoutSettlement(simulator, due));
    expect(paidBack).toMatchObject({
      status: 200,
      body: { reference: due.reference, outcome: 'PAID_OUT', declarationStatus: 'CANCELLED' },
    });
  });

  it('credits the charge back to the cash account once: the balance is what it was before the declaration', async () => {
    // Prepare: RED-lane goods, under review with the duties drawn from the cash account
    const { trader, cash, id } = await paidFromCash(['UNDER_REVIEW'], ferroSiliconCif);
    const drawn = await ledger(cash);

    // Act
    const cancelled = await api<{ status: string }>('POST', `/v1/declarations/${id}/cancel`, {
      token: trader,
      body: { reason: 'order withdrawn' },
    });
    const again = await api<{ status: string }>('POST', `/v1/declarations/${id}/cancel`, {
      token: trader,
      body: { reason: 'order withdrawn' },
    });

    // Assess
    expect([cancelled.status, again.status]).toEqual([200, 200]);
    expect(drawn.balance).not.toBe('100000.00');
    const after = await ledger(cash);
    expect(after.balance).toBe('100000.00');
    expect(after.entries.filter((entry) => entry.kind === 'CREDIT').map((entry) => entry.source)).toEqual([
      expect.stringMatching(/^CANCEL#DECL#/),
    ]);
    const events = await api<{ items: { type: string }[] }>('GET', `/v1/declarations/${id}/events`, { token: trader });
    expect(events.body.items.slice(-2).map((event) => event.type)).toEqual(['CANCELLED', 'DUTIES_REVERSED']);
  });
});

describe('payouts never silently stuck', () => {
  type Progress = { reference: string; status: string; attempt?: number; failureReason?: string };
  type Listed = { items: { id: string; payout?: Progress }[] };

  /** A released import of a new party without a cash account (drawn on its deferment account), and its claim of `amount`, approved. */
  async function approvedPayout(amount: string) {
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const submitted = await api<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declarationFor(party) });
    const id = submitted.body.id;
    const view = await eventually(async () => {
      const read = await api<{ status: string; duties: { charges: { byTaxType: Record<string, string> }[] } }>(
        'GET',
        `/v1/declarations/${id}`,
        { token: trader },
      );
      return read.body.status === 'RELEASED' ? read.body : undefined;
    });
    const taxType = Object.keys(view.duties.charges[0]?.byTaxType ?? {})[0] ?? 'A00';
    const claimed = await claim(trader, id, { [taxType]: amount });
    const approved = await decide(claimed.body.id, { outcome: 'APPROVE', amounts: { [taxType]: amount } });
    expect(approved.status).toBe(200);
    const payout = async () =>
      (await api<Listed>('GET', `/v1/declarations/${id}/repayment-claims`, { token: trader })).body.items[0]?.payout;
    const history = async () =>
      (await api<{ items: { type: string; detail?: string }[] }>('GET', `/v1/declarations/${id}/events`, { token: trader })).body.items;
    return { party, trader, id, reference: claimed.body.id, payout, history };
  }

  it('sends a payout left REQUESTED while the provider was down once the scheduled sweeper runs', async () => {
    // Prepare: the provider is down when the claim is approved
    cloud.paymentSimulator.available = false;
    const approved = await approvedPayout('0.40').finally(() => {
      cloud.paymentSimulator.available = true;
    });
    const stuck = await approved.payout();

    // Act
    await cloud.runScheduled('sendDuePayouts');

    // Assess
    expect(stuck).toMatchObject({ reference: approved.reference, status: 'REQUESTED' });
    expect(await approved.payout()).toMatchObject({ reference: approved.reference, status: 'SENT' });
    expect(cloud.paymentSimulator.taken(approved.reference)).toMatchObject({ amount: '0.40', currency: 'GBP', payee: approved.party });
  });

  it('lets only an administrator resend a payout, only a FAILED one: FAILED -> resent -> PAID through the simulator', async () => {
    // Prepare: a payout sent to the provider
    const approved = await approvedPayout('0.30');
    const path = `/v1/admin/payouts/${approved.reference}/resend`;
    const payout = { reference: approved.reference, amount: '0.30', currency: 'GBP' };

    // Act: refused roles (a body the route would refuse: the role is checked first), a SENT payout, then FAILED and resent
    const byTrader = await api<Problems>('POST', path, { token: approved.trader, body: { unexpected: true } });
    const byOfficer = await api<Problems>('POST', path, { token: officer, body: { unexpected: true } });
    const whileSent = await api<Problems>('POST', path, { token: admin, body: { reason: 'bank details corrected' } });
    const unknown = await api<Problems>('POST', `/v1/admin/payouts/${approved.id}-R9/resend`, { token: admin, body: { reason: 'x' } });
    const failed = await sendConfirmation(cloud.apiUrl, signedPayoutSettlement(simulator, { ...payout, failureReason: 'account closed' }));
    const resent = await api<Progress>('POST', path, { token: admin, body: { reason: 'bank details corrected' } });
    const resentAgain = await api<Problems>('POST', path, { token: admin, body: { reason: 'bank details corrected' } });
    const paid = await sendConfirmation(cloud.apiUrl, signedPayoutSettlement(simulator, payout));

    // Assess
    expect([byTrader.status, byOfficer.status]).toEqual([403, 403]);
    expect(whileSent).toMatchObject({ status: 409, body: { problems: [{ code: 'PAYOUT_NOT_FAILED' }] } });
    expect(unknown).toMatchObject({ status: 404, body: { problems: [{ code: 'PAYOUT_REFERENCE_NOT_FOUND' }] } });
    expect(failed).toMatchObject({ status: 200, body: { outcome: 'PAYOUT_FAILED' } });
    expect(resent).toMatchObject({ status: 200, body: { reference: approved.reference, status: 'SENT', attempt: 2 } });
    expect(resentAgain).toMatchObject({ status: 409, body: { problems: [{ code: 'PAYOUT_NOT_FAILED' }] } });
    expect(cloud.paymentSimulator.taken(approved.reference)).toMatchObject({ amount: '0.30', attempt: 2 });
    expect(paid).toMatchObject({ status: 200, body: { reference: approved.reference, outcome: 'PAID_OUT' } });
    expect(await approved.payout()).toMatchObject({ status: 'PAID', attempt: 2 });
    const events = (await approved.history()).filter((event) => /PAYOUT|REPAYMENT_PAID/.test(event.type));
    expect(events.map((event) => event.type)).toEqual(['REPAYMENT_PAID', 'PAYOUT_FAILED', 'PAYOUT_RESENT', 'REPAYMENT_PAID_OUT']);
    expect(events[0]?.detail).toContain(`payout requested: 0.30 GBP by payout ${approved.reference}`);
    expect(events[2]?.detail).toContain('attempt 2 resent: 0.30 GBP');
    expect(events[3]?.detail).toBe(`payout ${approved.reference} attempt 2 paid: 0.30 GBP to ${approved.party}`);
  });
});
