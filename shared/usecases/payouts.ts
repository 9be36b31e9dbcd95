/**
 * Payouts through the payment provider (docs/revenue.md, "Payouts"): a payout recorded REQUESTED
 * (a repayment to a trader without a cash account, a cancelled declaration's paid immediate
 * payment) is handed to the provider and marked SENT; the provider's signed callback then marks it
 * PAID or FAILED, once, and the declaration's history records it. A FAILED payout stays FAILED
 * and visible (to the trader on its claim, to customs in the history): it is not sent again.
 */

import { DomainError, problem } from '#shared/domain/problems.ts';
import { type Payout, type PayoutSettlement, progressOf } from '#shared/domain/repayments.ts';
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

export interface PayoutSettlementDeps {
  payouts: Payouts;
  repository: DeclarationReader & DeclarationWriter;
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
  await recordInHistory(
    {
      declarationId: payout.declarationId,
      type: paid ? 'REPAYMENT_PAID_OUT' : 'PAYOUT_FAILED',
      mark: `payout ${payout.reference} `,
      detail: paid
        ? `payout ${payout.reference} paid: ${payout.amount} ${payout.currency} to ${payout.payeeId}`
        : `payout ${payout.reference} failed: ${progress.failureReason ?? 'no reason given'}`,
      at: payout.settledAt ?? payout.createdAt,
      actor: { kind: 'system', id: 'payments' },
    },
    repository,
  );
}
