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

/** Payouts the payment provider makes to traders (a repayment to one without a cash account). */
export interface Payouts {
  /** Requests a payout once per reference; false if one with this reference exists already. */
  requestPayout(payout: Payout): Promise<boolean>;
  getPayout(reference: string): Promise<Payout | undefined>;
}
