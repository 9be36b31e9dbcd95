/**
 * Repayment claims on the fakes (docs/revenue.md, "Repayments"): a claim is capped per tax type
 * at what was charged less what is repaid or claimed, only the declarant claims and reads, an
 * officer's decision is final and its repeat changes nothing, an approval pays exactly once (into
 * the declarant's cash account, or by payout without one), and a cancellation gives back what
 * its charges drew.
 */
import { describe, expect, it } from 'vitest';
import { applyEntry, openAccount } from '#shared/domain/accounts.ts';
import type { Principal } from '#shared/domain/auth.ts';
import { Dec, fixed2 } from '#shared/tariff/money.ts';
import { cancelDeclaration } from '#shared/usecases/cancel-declaration.ts';
import { listDeclarationEvents } from '#shared/usecases/read-declarations.ts';
import { claimRepayment, decideRepaymentClaim, listDeclarationClaims, listPendingClaims } from '#shared/usecases/repayment-claims.ts';
import { secureAssessment } from '#shared/usecases/secure-duties.ts';
import { newParty } from '#tests/integration/support.ts';
import { type FakePlatform, fakePlatform } from '#tests/support/fake-platform.ts';
import { refusal } from '#tests/support/scenarios.ts';

const officer: Principal = { subject: 'officer-repayments', roles: ['officer'], partyId: undefined };
const traderOf = (party: string): Principal => ({ subject: `trader-${party}`, roles: ['trader'], partyId: party });

async function openCash(platform: FakePlatform, ownerId: string, balance: string): Promise<string> {
  const number = String(2_000_000 + Math.floor(Math.random() * 7_000_000));
  const opened = openAccount({ kind: 'CASH', number, ownerId, currency: 'GBP' }, platform.clock.now().toISOString(), 'test-admin');
  await platform.accounts.open(opened.account, opened.entry);
  const toppedUp = applyEntry(opened.account, {
    kind: 'TOP_UP',
    at: opened.account.openedAt,
    amount: balance,
    source: 'TOPUP#T1',
    by: 'test-admin',
  });
  if (!toppedUp.ok) throw new Error('top-up refused');
  await platform.accounts.post({ account: toppedUp.account, expectedVersion: 1, entry: toppedUp.entry });
  return number;
}

/** A GREEN import of a new party, paid from its cash account (method P) and released. */
async function releasedOnCash() {
  const platform = await fakePlatform();
  const party = newParty();
  const cash = await openCash(platform, party, '100000.00');
  const id = await platform.submit(platform.declaration(party, (d) => (d.payment = { method: 'P', account: cash })));
  await platform.runThrough('release');
  const record = await platform.record(id);
  const charge = record.duties?.charges[0];
  if (record.status !== 'RELEASED' || !charge) throw new Error(`not released with a charge: ${record.status}`);
  const [taxType, charged] = Object.entries(charge.byTaxType).find(([, amount]) => new Dec(amount).greaterThan(1)) ?? [];
  if (!taxType || !charged) throw new Error('no tax type charged');
  return { platform, party, cash, id, taxType, charged, deps: platform.deps.repayments };
}

const balanceOf = async (platform: FakePlatform, number: string) => (await platform.accounts.get(number))?.balance;

describe('repayment claims', () => {
  it('credits an approval in part exactly, to the penny, with a REPAYMENT entry per tax type, and records each step', async () => {
    // Prepare
    const { platform, party, cash, id, taxType, charged, deps } = await releasedOnCash();
    const before = await balanceOf(platform, cash);
    const { claim } = await claimRepayment(
      {
        principal: traderOf(party),
        declarationId: id,
        input: {
          reason: 'OVERPAID',
          amounts: { [taxType]: charged },
          explanation: 'wrong value',
          documents: [{ type: 'N935', ref: 'INV-2' }],
        },
      },
      deps,
    );
    const part = fixed2(new Dec(charged).div(3));

    // Act
    const decided = await decideRepaymentClaim(
      { principal: officer, claimId: claim.id, decision: { outcome: 'APPROVE', amounts: { [taxType]: part } } },
      deps,
    );

    // Assess
    expect(decided).toMatchObject({ status: 'APPROVED', repayment: { method: 'CASH_ACCOUNT', account: { number: cash }, amount: part } });
    expect(await balanceOf(platform, cash)).toBe(fixed2(new Dec(before ?? '0').plus(part)));
    const entry = (await platform.accounts.entries(cash)).at(-1);
    expect(entry).toMatchObject({
      kind: 'REPAYMENT',
      amount: part,
      source: `REPAY#${claim.id}`,
      declarationId: id,
      byTaxType: { [taxType]: part },
    });
    const history = await listDeclarationEvents({ principal: traderOf(party), id }, { repository: platform.repository });
    expect(history.items.slice(-3).map((event) => event.type)).toEqual(['REPAYMENT_CLAIMED', 'REPAYMENT_APPROVED', 'REPAYMENT_PAID']);
    expect(history.items.at(-1)?.status).toBe('RELEASED');
  });

  it('refuses a claim over what was charged (or repaid or claimed already), pointing at the tax type, and stores nothing', async () => {
    // Prepare
    const { party, id, taxType, charged, deps, platform } = await releasedOnCash();
    const half = fixed2(new Dec(charged).div(2));
    await claimRepayment(
      {
        principal: traderOf(party),
        declarationId: id,
        input: { reason: 'OVERPAID', amounts: { [taxType]: half }, explanation: 'a', documents: [] },
      },
      deps,
    );
    const over = fixed2(new Dec(charged).minus(half).plus('0.01'));

    // Act
    const tooMuch = await refusal(
      claimRepayment(
        {
          principal: traderOf(party),
          declarationId: id,
          input: { reason: 'GOODS_REJECTED', amounts: { [taxType]: over }, explanation: 'b', documents: [] },
        },
        deps,
      ),
    );
    const notCharged = await refusal(
      claimRepayment(
        {
          principal: traderOf(party),
          declarationId: id,
          input: { reason: 'OVERPAID', amounts: { Z99: '1.00' }, explanation: 'c', documents: [] },
        },
        deps,
      ),
    );

    // Assess
    expect(tooMuch).toMatchObject({ kind: 'UNPROCESSABLE', code: 'CLAIM_EXCEEDS_CHARGED', pointer: `/amounts/${taxType}` });
    expect(notCharged).toMatchObject({ kind: 'UNPROCESSABLE', code: 'TAX_TYPE_NOT_CHARGED', pointer: '/amounts/Z99' });
    expect(await platform.repaymentClaims.listByDeclaration(id)).toHaveLength(1);
  });

  it("lets only the declarant claim and read; another trader's attempt finds no declaration", async () => {
    // Prepare
    const { party, id, taxType, deps } = await releasedOnCash();
    const other = traderOf(newParty());
    const input = { reason: 'OVERPAID' as const, amounts: { [taxType]: '1.00' }, explanation: 'mine', documents: [] };
    await claimRepayment({ principal: traderOf(party), declarationId: id, input }, deps);

    // Act
    const claimed = await refusal(claimRepayment({ principal: other, declarationId: id, input }, deps));
    const read = await refusal(listDeclarationClaims({ principal: other, declarationId: id }, deps));
    const own = await listDeclarationClaims({ principal: traderOf(party), declarationId: id }, deps);

    // Assess
    expect(claimed).toMatchObject({ kind: 'NOT_FOUND', code: 'DECLARATION_NOT_FOUND' });
    expect(read).toMatchObject({ kind: 'NOT_FOUND', code: 'DECLARATION_NOT_FOUND' });
    expect(own.map((claim) => claim.claimantId)).toEqual([party]);
  });

  it('credits nothing for a refusal; the same decision again changes nothing, another decision is refused', async () => {
    // Prepare
    const { platform, party, cash, id, taxType, deps } = await releasedOnCash();
    const input = { reason: 'OVERPAID' as const, amounts: { [taxType]: '1.00' }, explanation: 'x', documents: [] };
    const { claim } = await claimRepayment({ principal: traderOf(party), declarationId: id, input }, deps);
    const before = await platform.accounts.entries(cash);
    const refuse = { outcome: 'REFUSE' as const, reason: 'no overpayment found' };

    // Act
    const refused = await decideRepaymentClaim({ principal: officer, claimId: claim.id, decision: refuse }, deps);
    const eventsAfterFirst = (await platform.repository.listEvents(id)).length;
    const again = await decideRepaymentClaim({ principal: officer, claimId: claim.id, decision: refuse }, deps);
    const other = await refusal(
      decideRepaymentClaim(
        { principal: officer, claimId: claim.id, decision: { outcome: 'APPROVE', amounts: { [taxType]: '1.00' } } },
        deps,
      ),
    );

    // Assess
    expect(refused.status).toBe('REFUSED');
    expect(again).toEqual(refused);
    expect(other).toMatchObject({ kind: 'CONFLICT', code: 'CLAIM_ALREADY_DECIDED' });
    expect(await platform.accounts.entries(cash)).toEqual(before);
    expect(await platform.repository.listEvents(id)).toHaveLength(eventsAfterFirst);
    expect(await listPendingClaims({ principal: officer, limit: 10 }, deps)).toEqual([]);
  });

  it('pays once when the same approval arrives twice at the same moment, and by payout for a trader without a cash account', async () => {
    // Prepare
    const { platform, party, cash, id, taxType, deps } = await releasedOnCash();
    const input = { reason: 'OVERPAID' as const, amounts: { [taxType]: '2.00' }, explanation: 'x', documents: [] };
    const { claim } = await claimRepayment({ principal: traderOf(party), declarationId: id, input }, deps);
    const approve = { outcome: 'APPROVE' as const, amounts: { [taxType]: '2.00' } };
    const noCash = await fakePlatform();
    const payee = newParty();
    const paidByDeferment = await noCash.submit(noCash.declaration(payee));
    await noCash.runThrough('release');
    const payoutTaxType = Object.keys((await noCash.record(paidByDeferment)).duties?.charges[0]?.byTaxType ?? {})[0] ?? 'A00';
    const { claim: payoutClaim } = await claimRepayment(
      { principal: traderOf(payee), declarationId: paidByDeferment, input: { ...input, amounts: { [payoutTaxType]: '0.50' } } },
      noCash.deps.repayments,
    );

    // Act
    await Promise.all([
      decideRepaymentClaim({ principal: officer, claimId: claim.id, decision: approve }, deps),
      decideRepaymentClaim({ principal: officer, claimId: claim.id, decision: approve }, deps),
    ]);
    const paidOut = await decideRepaymentClaim(
      { principal: officer, claimId: payoutClaim.id, decision: { outcome: 'APPROVE', amounts: { [payoutTaxType]: '0.50' } } },
      noCash.deps.repayments,
    );

    // Assess
    expect((await platform.accounts.entries(cash)).filter((entry) => entry.kind === 'REPAYMENT').map((entry) => entry.amount)).toEqual([
      '2.00',
    ]);
    expect(paidOut.repayment).toMatchObject({ method: 'PAYOUT', payoutReference: payoutClaim.id, amount: '0.50' });
    expect(await noCash.payouts.getPayout(payoutClaim.id)).toMatchObject({
      payeeId: payee,
      amount: '0.50',
      byTaxType: { [payoutTaxType]: '0.50' },
    });
  });
});

describe('cancellation after duties were drawn', () => {
  it('credits each charge back once: the balance is restored, a repeat books nothing more', async () => {
    // Prepare: the release stage drew the duties and stopped before releasing it (the declaration is still ASSESSED)
    const platform = await fakePlatform();
    const party = newParty();
    const cash = await openCash(platform, party, '100000.00');
    const id = await platform.submit(platform.declaration(party, (d) => (d.payment = { method: 'P', account: cash })));
    await platform.runThrough('duty');
    const record = await platform.record(id);
    const duties = await secureAssessment(record, platform.clock.now().toISOString(), platform.deps.release);
    await platform.repository.transition({
      id,
      from: record.status,
      expectedVersion: record.version,
      to: record.status,
      at: platform.clock.now().toISOString(),
      set: { duties },
    });
    const drawn = await balanceOf(platform, cash);

    // Act
    await cancelDeclaration({ principal: traderOf(party), id, reason: 'order withdrawn' }, platform.deps.cancel);
    await cancelDeclaration({ principal: traderOf(party), id, reason: 'order withdrawn' }, platform.deps.cancel);

    // Assess
    expect(drawn).not.toBe('100000.00');
    expect(await balanceOf(platform, cash)).toBe('100000.00');
    const entries = await platform.accounts.entries(cash);
    expect(entries.filter((entry) => entry.kind === 'CREDIT').map((entry) => entry.source)).toEqual([
      `CANCEL#${duties?.charges[0]?.source}`,
    ]);
    const state = await platform.repository.getState(id);
    expect(state).toMatchObject({ status: 'CANCELLED', lastEvent: { type: 'DUTIES_REVERSED' } });
  });
});
