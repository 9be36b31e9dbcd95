/**
 * A payment provider confirms that a payment request was paid, or that a payout was paid or failed
 * (docs/revenue.md). The callback is authenticated before its body is read (HMAC over timestamp
 * and body, timestamp window), its event accepted once, and the amount must be the one asked for
 * (payouts: shared/usecases/payouts.ts). The declaration then continues:
 * one waiting for payment is released once all its charges are secured; one under review keeps its
 * status with its duties secured (the officer's release then releases it).
 */
import type { DeclarationState } from '#shared/domain/declaration-record.ts';
import { allSecured, declarationOfReference, type PaymentConfirmation } from '#shared/domain/duties.ts';
import { nextEvent } from '#shared/domain/history.ts';
import { parseJsonBytes } from '#shared/domain/json-text.ts';
import { verifyCallbackSignature } from '#shared/domain/payment-signature.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import { providerCallbackSchema } from '#shared/domain/provider-callbacks.ts';
import type { ClearanceCounters } from '#shared/ports/clearance-counters.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter } from '#shared/ports/declarations.ts';
import type { PaymentProviderSecrets, PaymentRequests } from '#shared/ports/payments.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import type { Payouts } from '#shared/ports/repayments.ts';
import { countRelease } from './clearance-statistics.ts';
import { type PayoutSettlementResult, settlePayout } from './payouts.ts';
import { writePendingEvent } from './pipeline-stage.ts';

export interface PaymentCallbackDeps {
  payments: PaymentRequests;
  payouts: Payouts;
  secrets: PaymentProviderSecrets;
  repository: DeclarationReader & DeclarationWriter;
  counters: ClearanceCounters;
  documentsQueue: PipelineQueue;
  clock: Clock;
}

export interface CallbackResult {
  reference: string;
  outcome: 'CONFIRMED' | 'ALREADY_PAID';
  declarationStatus: string;
}

export async function acceptPaymentCallback(
  command: { provider: string; signature: string | undefined; body: Uint8Array },
  deps: PaymentCallbackDeps,
): Promise<CallbackResult | PayoutSettlementResult> {
  const secret = await deps.secrets.secretFor(command.provider);
  if (!secret)
    throw new DomainError('NOT_FOUND', 'Unknown provider', [problem('', 'UNKNOWN_PROVIDER', `no payment provider ${command.provider}`)]);
  const now = deps.clock.now();
  const verdict = verifyCallbackSignature(command.signature, secret, command.body, Math.floor(now.getTime() / 1000));
  if (!verdict.ok) throw new DomainError('UNAUTHENTICATED', 'Callback refused', [problem('', verdict.code, verdict.message)]);
  const parsed = providerCallbackSchema.safeParse(parseJsonBytes(command.body), { reportInput: true });
  if (!parsed.success) throw DomainError.fromZod('BAD_REQUEST', 'Invalid body', parsed.error);
  const callback = parsed.data;
  if (callback.type !== 'payment.succeeded')
    return settlePayout({ provider: command.provider, settlement: callback, at: now.toISOString() }, deps);
  return confirmPayment(command.provider, callback, now, deps);
}

async function confirmPayment(
  provider: string,
  confirmation: PaymentConfirmation,
  now: Date,
  deps: PaymentCallbackDeps,
): Promise<CallbackResult> {
  const request = await deps.payments.get(confirmation.reference);
  if (!request)
    throw new DomainError('NOT_FOUND', 'Unknown reference', [
      problem('/reference', 'PAYMENT_REFERENCE_NOT_FOUND', `no payment request ${confirmation.reference}`),
    ]);
  if (request.amount !== confirmation.amount || request.currency !== confirmation.currency)
    throw new DomainError('UNPROCESSABLE', 'Amount mismatch', [
      problem('/amount', 'PAYMENT_AMOUNT_MISMATCH', `reference ${request.reference} asks for ${request.amount} ${request.currency}`),
    ]);
  // A request whose declaration no longer asks for it (its duties gone, or cancelled or rejected
  // before it was paid) takes no money for nothing.
  const declarationId = declarationOfReference(request.reference) ?? request.declarationId;
  const declaration = await deps.repository.getState(declarationId);
  const charge = declaration?.duties?.charges.find((candidate) => candidate.reference === request.reference);
  const ended = declaration?.status === 'CANCELLED' || declaration?.status === 'REJECTED';
  if (!charge || (ended && charge.status === 'PENDING'))
    throw new DomainError('CONFLICT', 'Not due', [
      problem('/reference', 'PAYMENT_NOT_DUE', `declaration ${declarationId} no longer asks for payment ${request.reference}`),
    ]);
  const at = now.toISOString();
  const confirmed = await deps.payments.confirm(request.reference, { provider: provider, eventId: confirmation.eventId, at });
  if (confirmed.outcome === 'not-found')
    throw new DomainError('NOT_FOUND', 'Unknown reference', [
      problem('/reference', 'PAYMENT_REFERENCE_NOT_FOUND', `no payment request ${request.reference}`),
    ]);
  // Whatever the outcome, the payment is counted (once) and the declaration brought up to date: a
  // confirmation that stopped before doing so is finished here.
  await countPayment(request.reference, charge.byTaxType, deps);
  const state = await continueAfterPayment(declarationId, request.reference, at, deps);
  if (confirmed.outcome === 'replayed')
    throw new DomainError('CONFLICT', 'Replayed', [
      problem('', 'CALLBACK_REPLAYED', `event ${confirmation.eventId} of ${provider} was accepted before`),
    ]);
  return {
    reference: request.reference,
    outcome: confirmed.outcome === 'confirmed' ? 'CONFIRMED' : 'ALREADY_PAID',
    declarationStatus: state?.status ?? 'UNKNOWN',
  };
}

/**
 * Counts a paid request's tax types into the revenue of the day it was paid (the statistics; it has
 * no ledger entry): once per reference, however many callbacks confirm it.
 */
async function countPayment(
  reference: string,
  byTaxType: Record<string, string>,
  deps: Pick<PaymentCallbackDeps, 'payments' | 'counters'>,
) {
  const paid = await deps.payments.get(reference);
  if (paid?.status === 'PAID' && paid.paidAt) await deps.counters.countPaidPayment({ reference, paidAt: paid.paidAt, byTaxType });
}

/** Marks the declaration's charge paid (one conditional write); releases it if it was waiting only for that. */
export async function continueAfterPayment(
  declarationId: string,
  reference: string,
  at: string,
  deps: Pick<PaymentCallbackDeps, 'repository' | 'counters' | 'documentsQueue' | 'clock'>,
): Promise<DeclarationState | undefined> {
  for (;;) {
    const state = await deps.repository.getState(declarationId);
    const duties = state?.duties;
    const charge = duties?.charges.find((candidate) => candidate.reference === reference);
    if (!state || !duties || !charge) return state;
    if (charge.status === 'SECURED') {
      if (state.status === 'RELEASED') await afterRelease(state, deps);
      return state;
    }
    await writePendingEvent(state, deps.repository);
    const charges = duties.charges.map((candidate) => (candidate === charge ? { ...candidate, status: 'SECURED' as const } : candidate));
    const secured = allSecured(charges);
    const release = secured && state.status === 'AWAITING_PAYMENT';
    const to = release ? 'RELEASED' : state.status;
    const event = nextEvent(state, {
      type: release ? 'RELEASED' : 'DUTIES_BOOKED',
      status: to,
      at,
      actor: { kind: 'system', id: 'payments' },
      detail: `payment of ${charge.amount} ${duties.currency} confirmed (reference ${reference})${release ? ': released' : ''}`,
    });
    const outcome = await deps.repository.transition({
      id: state.id,
      from: state.status,
      expectedVersion: state.version,
      to,
      at,
      set: {
        duties: { ...duties, charges, status: secured ? 'SECURED' : 'AWAITING_PAYMENT' },
        lastEvent: event,
        ...(release ? { releasedAt: at } : {}),
      },
    });
    if (outcome === 'conflict') continue;
    await deps.repository.appendEvent(event);
    const after = await deps.repository.getState(declarationId);
    if (after?.status === 'RELEASED') await afterRelease(after, deps);
    return after;
  }
}

/** The statistics count the release (once), the documents queue issues its release note (once). */
async function afterRelease(
  state: DeclarationState,
  deps: Pick<PaymentCallbackDeps, 'repository' | 'counters' | 'documentsQueue' | 'clock'>,
): Promise<void> {
  await countRelease(state, deps);
  await deps.documentsQueue.send({ declarationId: state.id, version: state.version });
}
