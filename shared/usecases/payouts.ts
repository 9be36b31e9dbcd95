/**
 * Payouts through the payment provider (docs/revenue.md, "Payouts"): a payout recorded REQUESTED
 * (a repayment to a trader without a cash account, a cancelled declaration's paid immediate
 * payment) is handed to the provider and marked SENT; the provider's signed callback then marks it
 * PAID or FAILED, once, and the declaration's history records it. A payout the provider did not
 * take stays REQUESTED and is sent again by the scheduled `sendDuePayouts`; a FAILED one stays FAILED
 * and visible until an administrator resends it (`resendPayout`: FAILED -> REQUESTED -> SENT).
 */

import { DomainError, problem } from '#shared/domain/problems.ts';
import { attemptOf, type Payout, type PayoutProgress, type PayoutSettlement, progressOf } from '#shared/domain/repayments.ts';
import type { ClearanceCounters } from '#shared/ports/clearance-counters.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter } from '#shared/ports/declarations.ts';
import type { PayoutProvider, Payouts } from '#shared/ports/repayments.ts';
import { recordInHistory } from './record-in-history.ts';

export interface SendPayoutDeps {
  payouts: Payouts;
  provider: PayoutProvider;
  clock: Clock;
}

/**
 * Hands a REQUESTED payout to the provider, then REQUESTED -> SENT. However often asked, the
 * provider is sent each reference for as long as it is REQUESTED (it pays a reference once), and a
 * payout SENT or settled is left alone. A provider failure leaves it REQUESTED and is thrown: the
 * caller's repeat (the decision, the cancellation) sends it again. A stage without a provider
 * taking payouts leaves it REQUESTED.
 */
export async function sendPayout(reference: string, deps: SendPayoutDeps): Promise<Payout | undefined> {
  const payout = await deps.payouts.getPayout(reference);
  if (payout?.status !== 'REQUESTED') return payout;
  if ((await deps.provider.send(payout)) === 'not-taken') return payout;
  await deps.payouts.markSent(reference, deps.clock.now().toISOString());
  return deps.payouts.getPayout(reference);
}

/** How long a payout the provider did not take waits before the sweeper sends it again. */
export const RESEND_AFTER_MINUTES = 5;
/** Payouts in a row the provider does not take before a run stops: it is down, the next run tries again. */
export const STOP_AFTER_NOT_TAKEN = 3;

/**
 * The sweeper (scheduled): every REQUESTED payout due is sent again, so none is silently stuck when
 * the provider was down or the request that recorded it stopped. Sending is idempotent per reference
 * (sendPayout; the provider pays an idempotency key once), so a payout being sent by its request
 * at the same moment is harmless. One the provider does not take is due again later; a run stops
 * after a few in a row (the provider is down) and the next run goes on.
 */
export async function sendDuePayouts(
  command: { now: Date; limit: number },
  deps: SendPayoutDeps,
): Promise<{ sent: number; notTaken: number; errors: number }> {
  const due = await deps.payouts.listDue(command.now.toISOString(), command.limit);
  const result = { sent: 0, notTaken: 0, errors: 0 };
  let notTakenInARow = 0;
  for (const reference of due) {
    if (notTakenInARow >= STOP_AFTER_NOT_TAKEN) break;
    try {
      const payout = await sendPayout(reference, deps);
      if (payout?.status !== 'REQUESTED') {
        // Sent now, or sent or settled meanwhile (the index is eventually consistent): no longer listed.
        if (payout?.status === 'SENT') result.sent += 1;
        notTakenInARow = 0;
        continue;
      }
      result.notTaken += 1;
      notTakenInARow += 1;
      await deps.payouts.deferDue(reference, new Date(command.now.getTime() + RESEND_AFTER_MINUTES * 60_000).toISOString());
    } catch {
      // One that cannot be handled this time does not stop the others: it stays listed for the next run.
      result.errors += 1;
    }
  }
  return result;
}

export interface ResendPayoutDeps extends SendPayoutDeps {
  repository: DeclarationReader & DeclarationWriter;
}

/**
 * An administrator resends a FAILED payout (e.g. once the trader's bank details are right):
 * FAILED -> REQUESTED at the next attempt (a conditional write naming the attempt it saw), a
 * `PAYOUT_RESENT` event in the declaration's history, then sent as any payout (REQUESTED -> SENT;
 * one the provider does not take now is sent by the sweeper). The provider is sent a new
 * idempotency key per attempt, so it pays the resent payout anew. Any other state: 409.
 */
export async function resendPayout(
  command: { reference: string; reason: string; adminId: string },
  deps: ResendPayoutDeps,
): Promise<PayoutProgress> {
  const payout = await deps.payouts.getPayout(command.reference);
  if (!payout) throw unknownPayout(command.reference);
  const notFailed = (status: string) =>
    new DomainError('CONFLICT', 'Payout not failed', [
      problem('', 'PAYOUT_NOT_FAILED', `payout ${command.reference} is ${status}: only a FAILED payout is resent`),
    ]);
  if (payout.status !== 'FAILED') throw notFailed(payout.status);
  const at = deps.clock.now().toISOString();
  const attempt = attemptOf(payout) + 1;
  if (!(await deps.payouts.resend(payout.reference, attemptOf(payout), at))) {
    const now = await deps.payouts.getPayout(payout.reference);
    throw notFailed(now?.status === 'FAILED' ? 'FAILED at another attempt' : (now?.status ?? 'gone'));
  }
  await recordInHistory(
    {
      declarationId: payout.declarationId,
      type: 'PAYOUT_RESENT',
      mark: `payout ${payout.reference} attempt ${attempt} `,
      detail: `payout ${payout.reference} attempt ${attempt} resent: ${payout.amount} ${payout.currency} to ${payout.payeeId} (${command.reason}; attempt ${attempt - 1} failed: ${payout.failureReason ?? 'no reason given'})`,
      at,
      actor: { kind: 'officer', id: command.adminId },
    },
    deps.repository,
  );
  const sent = await sendPayout(payout.reference, deps);
  if (!sent) throw unknownPayout(payout.reference);
  return progressOf(sent);
}

export interface PayoutSettlementDeps {
  payouts: Payouts;
  repository: DeclarationReader & DeclarationWriter;
  counters: ClearanceCounters;
}

export interface PayoutSettlementResult {
  reference: string;
  outcome: 'PAID_OUT' | 'PAYOUT_FAILED' | 'ALREADY_SETTLED';
  declarationStatus: string;
}

const unknownPayout = (reference: string) =>
  new DomainError('NOT_FOUND', 'Unknown reference', [problem('/reference', 'PAYOUT_REFERENCE_NOT_FOUND', `no payout ${reference}`)]);

/**
 * A provider's authenticated `payout.succeeded` or `payout.failed` (the signature was checked by
 * the caller): the amount must be the payout's; the payout is settled once; the history records it.
 */
export async function settlePayout(
  command: { provider: string; settlement: PayoutSettlement; at: string },
  deps: PayoutSettlementDeps,
): Promise<PayoutSettlementResult> {
  const { settlement } = command;
  const payout = await deps.payouts.getPayout(settlement.reference);
  if (!payout) throw unknownPayout(settlement.reference);
  if (payout.amount !== settlement.amount || payout.currency !== settlement.currency)
    throw new DomainError('UNPROCESSABLE', 'Amount mismatch', [
      problem('/amount', 'PAYOUT_AMOUNT_MISMATCH', `payout ${payout.reference} is of ${payout.amount} ${payout.currency}`),
    ]);
  const settled = await deps.payouts.settle(payout.reference, {
    status: settlement.type === 'payout.succeeded' ? 'PAID' : 'FAILED',
    ...(settlement.type === 'payout.failed' ? { failureReason: settlement.reason } : {}),
    provider: command.provider,
    eventId: settlement.eventId,
    at: command.at,
  });
  if (settled.outcome === 'not-found') throw unknownPayout(payout.reference);
  // Whatever the outcome, the history is brought up to date: a settlement that stopped before recording it is finished here.
  const final = await deps.payouts.getPayout(payout.reference);
  if (final) await recordSettlement(final, deps.repository);
  // A paid payout gives revenue back: taken off the statistics of the day it was paid, once (also finished by a repeat).
  if (final?.status === 'PAID' && final.settledAt)
    await deps.counters.countPaidPayout({ reference: final.reference, paidAt: final.settledAt, byTaxType: final.byTaxType });
  if (settled.outcome === 'replayed')
    throw new DomainError('CONFLICT', 'Replayed', [
      problem('', 'CALLBACK_REPLAYED', `event ${settlement.eventId} of ${command.provider} was accepted before`),
    ]);
  const state = await deps.repository.getState(payout.declarationId);
  return {
    reference: payout.reference,
    outcome: settled.outcome === 'already-settled' ? 'ALREADY_SETTLED' : settled.payout.status === 'PAID' ? 'PAID_OUT' : 'PAYOUT_FAILED',
    declarationStatus: state?.status ?? 'UNKNOWN',
  };
}

/** `REPAYMENT_PAID_OUT` or `PAYOUT_FAILED` in the declaration's history, once per payout. */
async function recordSettlement(payout: Payout, repository: DeclarationReader & DeclarationWriter): Promise<void> {
  if (payout.status !== 'PAID' && payout.status !== 'FAILED') return;
  const progress = progressOf(payout);
  const paid = payout.status === 'PAID';
  // Once per attempt: the first attempt's events keep their wording; a resent payout's name its attempt.
  const name = attemptOf(payout) === 1 ? `payout ${payout.reference}` : `payout ${payout.reference} attempt ${attemptOf(payout)}`;
  await recordInHistory(
    {
      declarationId: payout.declarationId,
      type: paid ? 'REPAYMENT_PAID_OUT' : 'PAYOUT_FAILED',
      mark: `${name} `,
      detail: paid
        ? `${name} paid: ${payout.amount} ${payout.currency} to ${payout.payeeId}`
        : `${name} failed: ${progress.failureReason ?? 'no reason given'}`,
      at: payout.settledAt ?? payout.createdAt,
      actor: { kind: 'system', id: 'payments' },
    },
    repository,
  );
}
