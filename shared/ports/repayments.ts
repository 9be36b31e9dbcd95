/**
 * Repayment claims (docs/revenue.md, "Repayments"): numbered per declaration, each created once;
 * a decision moves a PENDING claim to APPROVED or REFUSED in one conditional write (a decision is
 * final), and the repayment that pays an approved claim is recorded on it once.
 */
import type { Payout, Repayment, RepaymentClaim } from '#shared/domain/repayments.ts';

export interface RepaymentClaims {
  /** Stores a new claim under its id; false if the id is taken (another claim got the number first). */
  create(claim: RepaymentClaim): Promise<boolean>;
  get(claimId: string): Promise<RepaymentClaim | undefined>;
  /** A declaration's claims, by number. */
  listByDeclaration(declarationId: string): Promise<RepaymentClaim[]>;
  /** Claims waiting for an officer, oldest first (at most `limit`). */
  listPending(limit: number): Promise<RepaymentClaim[]>;
  /** PENDING to the decision's status, only if still PENDING: 'conflict' when it was decided meanwhile. */
  decide(claimId: string, decision: NonNullable<RepaymentClaim['decision']>): Promise<'applied' | 'conflict'>;
  /** Records how an approved claim was paid, once: false if a repayment is recorded already. */
  recordRepayment(claimId: string, repayment: Repayment): Promise<boolean>;
}

export type SettleOutcome =
  | { outcome: 'settled'; payout: Payout }
  /** This provider event was accepted before: nothing changes. */
  | { outcome: 'replayed' }
  /** Paid or failed already (by another event): nothing changes. */
  | { outcome: 'already-settled'; payout: Payout }
  | { outcome: 'not-found' };

/**
 * Payouts the payment provider makes to traders (a repayment to one without a cash account, a
 * cancelled declaration's immediate payment paid back): REQUESTED -> SENT -> PAID or FAILED, each
 * move one conditional write.
 */
export interface Payouts {
  /** Requests a payout once per reference; false if one with this reference exists already. */
  requestPayout(payout: Payout): Promise<boolean>;
  getPayout(reference: string): Promise<Payout | undefined>;
  /** REQUESTED -> SENT once it was handed to the provider; false if it was not REQUESTED (sent or settled already, or unknown). */
  markSent(reference: string, at: string): Promise<boolean>;
  /** References of REQUESTED payouts due to be sent before `before` (oldest first, at most `limit`; eventually consistent). */
  listDue(before: string, limit: number): Promise<string[]>;
  /** A REQUESTED payout the provider did not take: due again at `dueAt`; false if it is no longer REQUESTED. */
  deferDue(reference: string, dueAt: string): Promise<boolean>;
  /**
   * An administrator's resend: FAILED at `attempt` -> REQUESTED at attempt + 1 (the failure kept in
   * `failures`, due now); false if it is not FAILED at that attempt (resent or changed meanwhile).
   */
  resend(reference: string, attempt: number, at: string): Promise<boolean>;
  /**
   * REQUESTED or SENT -> PAID or FAILED by a provider's event, and the event recorded (once): a
   * replayed event and a payout settled twice change nothing.
   */
  settle(
    reference: string,
    settlement: { status: 'PAID' | 'FAILED'; failureReason?: string; provider: string; eventId: string; at: string },
  ): Promise<SettleOutcome>;
}

/** The payment provider's payout side: it is handed a payout to pay and confirms it later by a signed callback. */
export interface PayoutProvider {
  /**
   * Hands the payout to the provider; idempotent per payout reference (the provider pays a
   * reference once). 'not-taken' when the stage has no provider that takes payouts: the payout
   * stays REQUESTED. A provider that cannot be reached throws.
   */
  send(payout: Payout): Promise<'taken' | 'not-taken'>;
}
