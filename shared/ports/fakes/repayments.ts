/** In-memory repayment claims and payouts; the contract suite holds them to the DynamoDB adapters. */
import type { Payout, Repayment, RepaymentClaim } from '#shared/domain/repayments.ts';
import type { PayoutProvider, Payouts, RepaymentClaims, SettleOutcome } from '#shared/ports/repayments.ts';

export class InMemoryRepaymentClaims implements RepaymentClaims {
  readonly #claims = new Map<string, RepaymentClaim>();

  async create(claim: RepaymentClaim): Promise<boolean> {
    if (this.#claims.has(claim.id)) return false;
    this.#claims.set(claim.id, structuredClone(claim));
    return true;
  }

  async get(claimId: string): Promise<RepaymentClaim | undefined> {
    const claim = this.#claims.get(claimId);
    return claim ? structuredClone(claim) : undefined;
  }

  async listByDeclaration(declarationId: string): Promise<RepaymentClaim[]> {
    return [...this.#claims.values()]
      .filter((claim) => claim.declarationId === declarationId)
      .sort((a, b) => numberOf(a) - numberOf(b))
      .map((claim) => structuredClone(claim));
  }

  async listPending(limit: number): Promise<RepaymentClaim[]> {
    return [...this.#claims.values()]
      .filter((claim) => claim.status === 'PENDING')
      .sort((a, b) => `${a.claimedAt}#${a.id}`.localeCompare(`${b.claimedAt}#${b.id}`))
      .slice(0, limit)
      .map((claim) => structuredClone(claim));
  }

  async decide(claimId: string, decision: NonNullable<RepaymentClaim['decision']>): Promise<'applied' | 'conflict'> {
    const claim = this.#claims.get(claimId);
    if (claim?.status !== 'PENDING') return 'conflict';
    Object.assign(claim, { status: decision.outcome === 'APPROVE' ? 'APPROVED' : 'REFUSED', decision: structuredClone(decision) });
    return 'applied';
  }

  async recordRepayment(claimId: string, repayment: Repayment): Promise<boolean> {
    const claim = this.#claims.get(claimId);
    if (claim?.status !== 'APPROVED' || claim.repayment) return false;
    claim.repayment = structuredClone(repayment);
    return true;
  }
}

const numberOf = (claim: RepaymentClaim): number => Number(claim.id.split('-R')[1]);

export class InMemoryPayouts implements Payouts {
  readonly #payouts = new Map<string, Payout>();
  readonly #events = new Set<string>();
  /** When each REQUESTED payout is due to be sent (again). */
  readonly #due = new Map<string, string>();

  async requestPayout(payout: Payout): Promise<boolean> {
    if (this.#payouts.has(payout.reference)) return false;
    this.#payouts.set(payout.reference, structuredClone(payout));
    if (payout.status === 'REQUESTED') this.#due.set(payout.reference, payout.createdAt);
    return true;
  }

  async listDue(before: string, limit: number): Promise<string[]> {
    return [...this.#due]
      .map(([reference, dueAt]) => `${dueAt}#${reference}`)
      .filter((key) => key < before)
      .sort()
      .slice(0, limit)
      .map((key) => key.slice(key.indexOf('#') + 1));
  }

  async deferDue(reference: string, dueAt: string): Promise<boolean> {
    if (this.#payouts.get(reference)?.status !== 'REQUESTED') return false;
    this.#due.set(reference, dueAt);
    return true;
  }

  async resend(reference: string, attempt: number, at: string): Promise<boolean> {
    const payout = this.#payouts.get(reference);
    if (payout?.status !== 'FAILED' || (payout.attempt ?? 1) !== attempt) return false;
    const failure = { attempt, reason: payout.failureReason ?? 'no reason given', settledAt: payout.settledAt ?? at };
    const { sentAt: _sent, settledAt: _settled, settledBy: _by, failureReason: _reason, ...rest } = payout;
    this.#payouts.set(reference, { ...rest, status: 'REQUESTED', attempt: attempt + 1, failures: [...(payout.failures ?? []), failure] });
    this.#due.set(reference, at);
    return true;
  }

  async getPayout(reference: string): Promise<Payout | undefined> {
    const payout = this.#payouts.get(reference);
    return payout ? structuredClone(payout) : undefined;
  }

  async markSent(reference: string, at: string): Promise<boolean> {
    const payout = this.#payouts.get(reference);
    if (payout?.status !== 'REQUESTED') return false;
    Object.assign(payout, { status: 'SENT', sentAt: at });
    this.#due.delete(reference);
    return true;
  }

  async settle(
    reference: string,
    settlement: { status: 'PAID' | 'FAILED'; failureReason?: string; provider: string; eventId: string; at: string },
  ): Promise<SettleOutcome> {
    const event = `${settlement.provider}#${settlement.eventId}`;
    if (this.#events.has(event)) return { outcome: 'replayed' };
    const payout = this.#payouts.get(reference);
    if (!payout) return { outcome: 'not-found' };
    if (payout.status === 'PAID' || payout.status === 'FAILED') return { outcome: 'already-settled', payout: structuredClone(payout) };
    this.#events.add(event);
    this.#due.delete(reference);
    Object.assign(payout, {
      status: settlement.status,
      settledAt: settlement.at,
      settledBy: { provider: settlement.provider, eventId: settlement.eventId },
      ...(settlement.failureReason ? { failureReason: settlement.failureReason } : {}),
    });
    return { outcome: 'settled', payout: structuredClone(payout) };
  }
}

/** A provider that takes every payout and remembers what it was sent (a reference is paid once, however often sent). */
export class RecordingPayoutProvider implements PayoutProvider {
  readonly sent = new Map<string, Payout>();
  /** How often `send` was called, per reference. */
  readonly calls = new Map<string, number>();
  /** The next send throws, as a provider that cannot be reached. */
  failNext = false;

  async send(payout: Payout): Promise<'taken'> {
    this.calls.set(payout.reference, (this.calls.get(payout.reference) ?? 0) + 1);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('provider unavailable');
    }
    if (!this.sent.has(payout.reference)) this.sent.set(payout.reference, structuredClone(payout));
    return 'taken';
  }
}
