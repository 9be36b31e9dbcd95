/**
 * What every RepaymentClaims and Payouts must do: run against the in-memory fakes (fakes.test.ts)
 * and the DynamoDB adapter on the local cloud (adapters.test.ts).
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newDeclarationId } from '#shared/domain/ids.ts';
import { type Payout, type RepaymentClaim, repaymentClaimId } from '#shared/domain/repayments.ts';
import type { Payouts, RepaymentClaims } from '#shared/ports/repayments.ts';
import { newParty } from '#tests/integration/support.ts';

const at = '2026-11-27T10:00:00.000Z';

function claimOf(declarationId: string, n: number, claimedAt = at): RepaymentClaim {
  return {
    id: repaymentClaimId(declarationId, n),
    declarationId,
    claimantId: newParty(),
    reason: 'OVERPAID',
    amounts: { A00: '12.50' },
    currency: 'GBP',
    explanation: 'customs value declared twice',
    documents: [{ type: 'N935', ref: 'INV-1' }],
    status: 'PENDING',
    claimedAt,
  };
}

export function repaymentClaimsContract(name: string, subject: { claims: () => RepaymentClaims; payouts: () => Payouts }) {
  describe(`RepaymentClaims contract: ${name}`, () => {
    it('creates a claim once under its number and lists a declaration’s claims by number', async () => {
      // Prepare
      const claims = subject.claims();
      const declarationId = newDeclarationId(new Date());
      const first = claimOf(declarationId, 1);

      // Act
      const created = await claims.create(first);
      const taken = await claims.create({ ...first, explanation: 'another' });
      await claims.create(claimOf(declarationId, 2));

      // Assess
      expect([created, taken]).toEqual([true, false]);
      expect(await claims.get(first.id)).toEqual(first);
      expect((await claims.listByDeclaration(declarationId)).map((claim) => claim.id)).toEqual([
        first.id,
        repaymentClaimId(declarationId, 2),
      ]);
      expect(await claims.get(repaymentClaimId(newDeclarationId(new Date()), 1))).toBeUndefined();
    });

    it('decides a pending claim once, takes it off the pending list, and records its repayment once', async () => {
      // Prepare
      const claims = subject.claims();
      const claim = claimOf(newDeclarationId(new Date()), 1, '2026-11-27T10:00:01.000Z');
      const refused = claimOf(newDeclarationId(new Date()), 1, '2026-11-27T10:00:02.000Z');
      await claims.create(claim);
      await claims.create(refused);
      const pendingBefore = (await claims.listPending(100)).map((pending) => pending.id);
      const approve = { outcome: 'APPROVE' as const, amounts: { A00: '10.00' }, officerId: 'officer-1', at };
      const repayment = {
        method: 'CASH_ACCOUNT' as const,
        account: { number: '1234567', sequence: 3 },
        amount: '10.00',
        byTaxType: { A00: '10.00' },
        at,
      };

      // Act
      const decided = await claims.decide(claim.id, approve);
      const second = await claims.decide(claim.id, { outcome: 'REFUSE', reason: 'late', officerId: 'officer-2', at });
      await claims.decide(refused.id, { outcome: 'REFUSE', reason: 'no proof', officerId: 'officer-1', at });
      const recorded = await claims.recordRepayment(claim.id, repayment);
      const again = await claims.recordRepayment(claim.id, { ...repayment, amount: '99.00' });
      const onRefused = await claims.recordRepayment(refused.id, repayment);

      // Assess
      expect(pendingBefore).toEqual(expect.arrayContaining([claim.id, refused.id]));
      expect(pendingBefore.indexOf(claim.id)).toBeLessThan(pendingBefore.indexOf(refused.id));
      expect([decided, second]).toEqual(['applied', 'conflict']);
      expect([recorded, again, onRefused]).toEqual([true, false, false]);
      expect(await claims.get(claim.id)).toEqual({ ...claim, status: 'APPROVED', decision: approve, repayment });
      expect((await claims.get(refused.id))?.status).toBe('REFUSED');
      const pendingAfter = (await claims.listPending(100)).map((pending) => pending.id);
      expect(pendingAfter).not.toContain(claim.id);
      expect(pendingAfter).not.toContain(refused.id);
    });
  });

  describe(`Payouts contract: ${name}`, () => {
    it('requests a payout once per reference and reads it back', async () => {
      // Prepare
      const payouts = subject.payouts();
      const payout: Payout = {
        reference: repaymentClaimId(newDeclarationId(new Date()), 1),
        declarationId: newDeclarationId(new Date()),
        payeeId: newParty(),
        amount: '7.25',
        byTaxType: { B00: '7.25' },
        currency: 'GBP',
        status: 'REQUESTED',
        createdAt: at,
      };

      // Act
      const requested = await payouts.requestPayout(payout);
      const again = await payouts.requestPayout({ ...payout, amount: '1.00' });

      // Assess
      expect([requested, again]).toEqual([true, false]);
      expect(await payouts.getPayout(payout.reference)).toEqual(payout);
      expect(await payouts.getPayout('no-such-reference')).toBeUndefined();
    });

    it('moves a payout REQUESTED -> SENT once, then PAID by one provider event once (a replay or another event changes nothing)', async () => {
      // Prepare
      const payouts = subject.payouts();
      const payout = payoutOf('3.10');
      await payouts.requestPayout(payout);
      const settledAt = '2026-11-27T10:05:00.000Z';
      const eventId = `evt_${payout.reference.slice(-8)}`;

      // Act
      const sent = [await payouts.markSent(payout.reference, at), await payouts.markSent(payout.reference, settledAt)];
      const paid = await payouts.settle(payout.reference, { status: 'PAID', provider: 'simulator', eventId, at: settledAt });
      const replayed = await payouts.settle(payout.reference, { status: 'PAID', provider: 'simulator', eventId, at: settledAt });
      const other = await payouts.settle(payout.reference, {
        status: 'FAILED',
        failureReason: 'late',
        provider: 'simulator',
        eventId: `${eventId}b`,
        at: settledAt,
      });
      const unknown = await payouts.settle('no-such-reference', { status: 'PAID', provider: 'simulator', eventId: `${eventId}c`, at });

      // Assess
      const settled = { ...payout, status: 'PAID', sentAt: at, settledAt, settledBy: { provider: 'simulator', eventId } };
      expect(sent).toEqual([true, false]);
      expect(paid).toEqual({ outcome: 'settled', payout: settled });
      expect(replayed).toEqual({ outcome: 'replayed' });
      expect(other).toEqual({ outcome: 'already-settled', payout: settled });
      expect(unknown).toEqual({ outcome: 'not-found' });
      expect(await payouts.getPayout(payout.reference)).toEqual(settled);
      expect(await payouts.markSent('no-such-reference', at)).toBe(false);
    });

    it('lists a REQUESTED payout as due until it is sent; one deferred is due only from its new time', async () => {
      // Prepare: requested at a moment of its own (the table is shared), so that "due before" names it alone
      const payouts = subject.payouts();
      const requestedAt = new Date(Date.UTC(2001, 0, 1) + randomInt(1_000_000_000));
      const later = (ms: number) => new Date(requestedAt.getTime() + ms).toISOString();
      const sent = { ...payoutOf('5.10'), createdAt: requestedAt.toISOString() };
      const deferred = { ...payoutOf('5.20'), createdAt: requestedAt.toISOString() };
      await payouts.requestPayout(sent);
      await payouts.requestPayout(deferred);

      // Act
      const dueFirst = await payouts.listDue(later(1), 100);
      await payouts.markSent(sent.reference, later(2));
      const deferredNow = await payouts.deferDue(deferred.reference, later(60_000));
      const dueThen = await payouts.listDue(later(3), 100);
      const dueLater = await payouts.listDue(later(60_001), 100);
      const deferSent = await payouts.deferDue(sent.reference, later(60_000));

      // Assess
      expect(dueFirst).toEqual(expect.arrayContaining([sent.reference, deferred.reference]));
      expect(deferredNow).toBe(true);
      expect(dueThen).not.toContain(sent.reference);
      expect(dueThen).not.toContain(deferred.reference);
      expect(dueLater).toContain(deferred.reference);
      expect(dueLater).not.toContain(sent.reference);
      expect(deferSent).toBe(false);
      expect(await payouts.getPayout(deferred.reference)).toEqual(deferred);
    });

    it('resends a FAILED payout once per attempt: REQUESTED at the next attempt, its failure kept, due again', async () => {
      // Prepare
      const payouts = subject.payouts();
      const payout = payoutOf('6.00');
      await payouts.requestPayout(payout);
      await payouts.markSent(payout.reference, at);
      const failedAt = '2026-11-27T10:10:00.000Z';
      await payouts.settle(payout.reference, {
        status: 'FAILED',
        failureReason: 'account closed',
        provider: 'simulator',
        eventId: `evt_r${payout.reference.slice(-8)}`,
        at: failedAt,
      });
      const resentAt = '2026-11-27T11:00:00.000Z';

      // Act
      const wrongAttempt = await payouts.resend(payout.reference, 2, resentAt);
      const resent = await payouts.resend(payout.reference, 1, resentAt);
      const again = await payouts.resend(payout.reference, 1, resentAt);
      const requested = await payouts.getPayout(payout.reference);
      const due = await payouts.listDue('2026-11-27T11:00:00.001Z', 1000);

      // Assess
      expect([wrongAttempt, resent, again]).toEqual([false, true, false]);
      expect(requested).toEqual({
        ...payout,
        status: 'REQUESTED',
        attempt: 2,
        failures: [{ attempt: 1, reason: 'account closed', settledAt: failedAt }],
      });
      expect(due).toContain(payout.reference);
      expect(await payouts.resend('no-such-reference', 1, resentAt)).toBe(false);
    });

    it('marks a payout FAILED with the provider’s reason', async () => {
      // Prepare
      const payouts = subject.payouts();
      const payout = payoutOf('4.00');
      await payouts.requestPayout(payout);
      await payouts.markSent(payout.reference, at);
      const eventId = `evt_f${payout.reference.slice(-8)}`;

      // Act
      const failed = await payouts.settle(payout.reference, {
        status: 'FAILED',
        failureReason: 'account closed',
        provider: 'simulator',
        eventId,
        at,
      });

      // Assess
      expect(failed).toMatchObject({ outcome: 'settled', payout: { status: 'FAILED', failureReason: 'account closed', settledAt: at } });
      expect(await payouts.getPayout(payout.reference)).toMatchObject({ status: 'FAILED', failureReason: 'account closed' });
    });
  });
}

function payoutOf(amount: string): Payout {
  return {
    reference: repaymentClaimId(newDeclarationId(new Date()), 1),
    declarationId: newDeclarationId(new Date()),
    payeeId: newParty(),
    amount,
    byTaxType: { B00: amount },
    currency: 'GBP',
    status: 'REQUESTED',
    createdAt: at,
  };
}
