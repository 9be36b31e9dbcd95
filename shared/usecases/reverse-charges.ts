/**
 * A declaration cancelled or rejected after its duties were secured owes nothing (no goods were
 * released, so no customs debt stands: UCC Art. 124(1)(b) read with Art. 174 for an invalidated
 * declaration, and a rejected one was never accepted for release): what was drawn is given back,
 * charge by charge, once (docs/revenue.md, "Cancelling a declaration with duties secured").
 *
 * - drawn on a cash or deferment account (`CHARGE`): a `CREDIT` entry (source `CANCEL#<charge
 *   source>`), at most what the declaration's charges drew on that account less what an
 *   inspection credited back; a deferment credit names the period the charge was made in;
 * - held under a guarantee (`SECURITY`): a `SECURITY_RELEASED` entry lowering `secured`;
 * - paid on a payment request: a payout of the amount paid (reference `<payment reference>`),
 *   handed to the payment provider (shared/usecases/payouts.ts);
 * - still only asked for: nothing (the provider's confirmation of it is refused: PAYMENT_NOT_DUE).
 *
 * The reversals are added to the declaration's charges with one DUTIES_REVERSED event.
 */

import type { DeclarationState } from '#shared/domain/declaration-record.ts';
import type { Duties, DutyCharge } from '#shared/domain/duties.ts';
import { nextEvent } from '#shared/domain/history.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter } from '#shared/ports/declarations.ts';
import type { PaymentRequests } from '#shared/ports/payments.ts';
import type { PayoutProvider, Payouts } from '#shared/ports/repayments.ts';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import { bookOnAccount } from './book-on-account.ts';
import { sendPayout } from './payouts.ts';
import { writePendingEvent } from './pipeline-stage.ts';

export interface ReverseChargesDeps {
  repository: DeclarationReader & DeclarationWriter;
  accounts: AccountLedger;
  payments: Pick<PaymentRequests, 'get'>;
  payouts: Payouts;
  payoutProvider: PayoutProvider;
  clock: Clock;
}

const reversalSource = (charge: DutyCharge) => `CANCEL#${charge.source}`;
const isReversal = (charge: DutyCharge) => charge.source.startsWith('CANCEL#');
const PAID_BACK_BY_PAYOUT = 'paid back by payout';
const ATTEMPTS = 5;

/** The final statuses without a release, whose secured duties are given back. */
const unreleased = ['CANCELLED', 'REJECTED'] as const;
type Unreleased = (typeof unreleased)[number];
const isUnreleased = (status: string | undefined): status is Unreleased => (unreleased as readonly string[]).includes(status ?? '');

/**
 * Gives back what a CANCELLED or REJECTED declaration's charges drew; once (a repeat finds the
 * reversals on its charges, and sends the payouts among them that were not sent yet).
 */
export async function reverseUnreleasedCharges(declarationId: string, deps: ReverseChargesDeps): Promise<void> {
  await reverseCharges(declarationId, deps);
  const charges = (await deps.repository.getState(declarationId))?.duties?.charges ?? [];
  for (const reversal of charges.filter((charge) => isReversal(charge) && charge.reason === PAID_BACK_BY_PAYOUT))
    if (reversal.reference) await sendPayout(reversal.reference, { ...deps, provider: deps.payoutProvider });
}

async function reverseCharges(declarationId: string, deps: ReverseChargesDeps): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const state = await deps.repository.getState(declarationId);
    const duties = state?.duties;
    if (!state || !isUnreleased(state.status) || !duties || duties.charges.some(isReversal)) return;
    const status = state.status;
    const by = status === 'CANCELLED' ? 'cancellation' : 'rejection';
    const at = deps.clock.now().toISOString();
    const reversals = await reversalsOf(state, duties, at, by, deps);
    if (reversals.length === 0) return;
    await writePendingEvent(state, deps.repository);
    const event = nextEvent(state, {
      type: 'DUTIES_REVERSED',
      status,
      at,
      actor: { kind: 'system', id: by },
      detail: `${status === 'CANCELLED' ? 'cancelled' : 'rejected'}: ${reversals.map(describe).join('; ')}`,
    });
    const outcome = await deps.repository.transition({
      id: state.id,
      from: status,
      expectedVersion: state.version,
      to: status,
      at,
      set: { duties: { ...duties, charges: [...duties.charges, ...reversals] }, lastEvent: event },
    });
    if (outcome === 'applied') {
      await deps.repository.appendEvent(event);
      return;
    }
  }
}

async function reversalsOf(
  state: DeclarationState,
  duties: Duties,
  at: string,
  by: 'cancellation' | 'rejection',
  deps: ReverseChargesDeps,
): Promise<DutyCharge[]> {
  const charges = duties.charges;
  // What may still be credited on each account: its charges less the credits an inspection gave back.
  const creditable = new Map<string, Dec>();
  for (const charge of charges) {
    if (charge.status !== 'SECURED' || !charge.account) continue;
    const sign = charge.account.kind === 'CHARGE' ? 1 : charge.account.kind === 'CREDIT' ? -1 : 0;
    const left = creditable.get(charge.account.number) ?? ZERO;
    creditable.set(charge.account.number, left.plus(new Dec(charge.amount).abs().times(sign)));
  }
  const reversals: DutyCharge[] = [];
  for (const charge of charges) {
    if (charge.status !== 'SECURED' || !new Dec(charge.amount).greaterThan(ZERO)) continue;
    const base = { source: reversalSource(charge), at, status: 'SECURED' as const };
    if (charge.account?.kind === 'CHARGE') {
      const number = charge.account.number;
      const credit = Dec.min(new Dec(charge.amount), Dec.max(ZERO, creditable.get(number) ?? ZERO));
      if (!credit.greaterThan(ZERO)) continue;
      creditable.set(number, (creditable.get(number) ?? ZERO).minus(credit));
      const drawn = await deps.accounts.findBySource(number, charge.source);
      const full = credit.equals(new Dec(charge.amount));
      const booked = await bookOnAccount(deps.accounts, number, {
        kind: 'CREDIT',
        at,
        amount: fixed2(credit),
        ...(drawn?.period ? { period: drawn.period } : {}),
        source: base.source,
        declarationId: state.id,
        byTaxType: full ? negated(charge.byTaxType) : {},
        by,
      });
      reversals.push(
        booked.ok
          ? {
              ...base,
              amount: `-${fixed2(credit)}`,
              byTaxType: full ? negated(charge.byTaxType) : {},
              account: accountOf(booked.entry, 'CREDIT'),
            }
          : { ...base, amount: `-${fixed2(credit)}`, byTaxType: {}, reason: `to repay: ${booked.reason}` },
      );
    } else if (charge.account?.kind === 'SECURITY') {
      const booked = await bookOnAccount(deps.accounts, charge.account.number, {
        kind: 'SECURITY_RELEASED',
        at,
        amount: charge.amount,
        source: base.source,
        declarationId: state.id,
        byTaxType: negated(charge.byTaxType),
        by,
      });
      reversals.push({
        ...base,
        amount: `-${charge.amount}`,
        byTaxType: negated(charge.byTaxType),
        ...(booked.ok ? { account: accountOf(booked.entry, 'SECURITY_RELEASED') } : { reason: `security not released: ${booked.reason}` }),
      });
    } else if (charge.reference && !charge.account && (await deps.payments.get(charge.reference))?.status === 'PAID') {
      await deps.payouts.requestPayout({
        reference: charge.reference,
        declarationId: state.id,
        payeeId: state.declarantId,
        amount: charge.amount,
        byTaxType: charge.byTaxType,
        currency: duties.currency,
        status: 'REQUESTED',
        createdAt: at,
      });
      reversals.push({
        ...base,
        amount: `-${charge.amount}`,
        byTaxType: negated(charge.byTaxType),
        reference: charge.reference,
        reason: PAID_BACK_BY_PAYOUT,
      });
    }
  }
  return reversals;
}

const accountOf = (entry: { accountNumber: string; sequence: number }, kind: 'CREDIT' | 'SECURITY_RELEASED') => ({
  number: entry.accountNumber,
  sequence: entry.sequence,
  kind,
});

const negated = (byTaxType: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(byTaxType).map(([type, amount]) => [type, amount.startsWith('-') ? amount.slice(1) : `-${amount}`]));

function describe(reversal: DutyCharge): string {
  const amount = reversal.amount.slice(1);
  if (reversal.account?.kind === 'CREDIT') return `${amount} credited back to account ${reversal.account.number}`;
  if (reversal.account?.kind === 'SECURITY_RELEASED') return `security of ${amount} released on account ${reversal.account.number}`;
  if (reversal.reference) return `${amount} paid on ${reversal.reference} to be paid back by payout`;
  return `${amount} ${reversal.reason ?? 'to repay'}`;
}
