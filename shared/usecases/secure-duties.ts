/**
 * Securing duties (docs/revenue.md): an amount a declaration owes is drawn on the account its
 * method of payment names (a cash account's balance, a deferment account's monthly limit, or the
 * guarantee it holds), or, when that is not possible (immediate payment, no such account of the
 * declarant, not enough left), asked for with a payment request the trader pays.
 *
 * Each charge has a source, `DECL#<declaration>#<version>` of the change that made it due: a
 * redelivered message or a retried request finds what the first attempt booked (the ledger entry,
 * or the payment request) and books nothing again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Account, applyEntry, type EntryDraft, periodOf } from '#shared/domain/accounts.ts';
import type { Declaration } from '#shared/domain/declaration.ts';
import type { DeclarationRecord } from '#shared/domain/declaration-record.ts';
import { allSecured, type Duties, type DutyCharge, dueOf, isPositive, paymentReferenceOf } from '#shared/domain/duties.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';
import type { PaymentRequests } from '#shared/ports/payments.ts';

export interface SecureDutiesDeps {
  accounts: AccountLedger;
  payments: PaymentRequests;
}

/** Attempts at drawing on an account that others draw on at the same moment (each loses only to a booking). */
const MAX_ATTEMPTS = 200;

export const chargeSource = (declarationId: string, version: number): string => `DECL#${declarationId}#${version}`;

/**
 * The duties of an assessed import: its total (without postponed VAT) drawn or asked for. Nothing
 * to secure (undefined) for an export, or when the duty could not be calculated (an officer
 * resolves it first).
 */
export async function secureAssessment(record: DeclarationRecord, at: string, deps: SecureDutiesDeps): Promise<Duties | undefined> {
  if (record.duties) return record.duties;
  const payment = record.declaration.payment;
  if (record.declaration.type !== 'IM' || !record.assessment || (record.assessmentProblems?.length ?? 0) > 0) return undefined;
  const method = payment?.method ?? 'H';
  const due = dueOf(record.assessment, payment?.postponedVat ?? false);
  const charges = isPositive(due.amount)
    ? [
        await secureCharge(
          {
            declarationId: record.id,
            declaration: record.declaration,
            source: chargeSource(record.id, record.version),
            reference: paymentReferenceOf(record.id, record.version),
            amount: due.amount,
            byTaxType: due.byTaxType,
            currency: record.assessment.currency,
            at,
            by: 'release',
          },
          deps,
        ),
      ]
    : [];
  return {
    method,
    ...(payment?.account ? { account: payment.account } : {}),
    currency: record.assessment.currency,
    status: allSecured(charges) ? 'SECURED' : 'AWAITING_PAYMENT',
    postponedVat: due.postponedVat,
    charges,
  };
}

export interface ChargeRequest {
  declarationId: string;
  declaration: Declaration;
  source: string;
  /** The payment request's reference, should the account not be drawn on. */
  reference: string;
  amount: string;
  byTaxType: Record<string, string>;
  currency: string;
  at: string;
  by: string;
}

/**
 * One amount: drawn on the declared account, or asked for. A negative amount (a re-assessment
 * that lowers the duties) is credited back to a cash or deferment account; one paid immediately
 * or secured under a guarantee is recorded as owed back (repaid on a claim).
 */
export async function secureCharge(request: ChargeRequest, deps: SecureDutiesDeps): Promise<DutyCharge> {
  const payment = request.declaration.payment;
  const base = { source: request.source, amount: request.amount, byTaxType: request.byTaxType, at: request.at };
  if (!isPositive(request.amount)) {
    const credit = { ...request, amount: request.amount.replace('-', ''), byTaxType: negated(request.byTaxType) };
    if (payment?.account && (payment.method === 'P' || payment.method === 'E')) {
      const credited = await drawOnAccount(payment.account, 'CREDIT', credit, deps);
      if (credited.ok) return { ...base, status: 'SECURED', account: credited.account };
      return { ...base, status: 'SECURED', reason: `to repay: ${credited.reason}` };
    }
    return { ...base, status: 'SECURED', reason: 'to repay on a repayment claim' };
  }
  if (payment?.account && payment.method !== 'H') {
    const booked = await deps.accounts.findBySource(payment.account, request.source);
    if (booked)
      return {
        ...base,
        status: 'SECURED',
        account: { number: booked.accountNumber, sequence: booked.sequence, kind: chargeKind(booked.kind) },
      };
    // Asked for already by an attempt that did not finish: the trader may be paying it.
    if (await deps.payments.get(request.reference)) return requested(base, request, 'asked for before');
    const drawn = await drawOnAccount(payment.account, payment.method === 'M' ? 'SECURITY' : 'CHARGE', request, deps);
    if (drawn.ok) return { ...base, status: 'SECURED', account: drawn.account };
    return requestPayment(base, request, drawn.reason, deps);
  }
  return requestPayment(base, request, 'immediate payment', deps);
}

const chargeKind = (kind: string): 'CHARGE' | 'SECURITY' | 'CREDIT' =>
  kind === 'SECURITY' ? 'SECURITY' : kind === 'CREDIT' ? 'CREDIT' : 'CHARGE';

const negated = (byTaxType: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(byTaxType).map(([taxType, amount]) => [taxType, amount.startsWith('-') ? amount.slice(1) : `-${amount}`]),
  );

async function drawOnAccount(
  number: string,
  kind: 'CHARGE' | 'SECURITY' | 'CREDIT',
  request: ChargeRequest,
  deps: SecureDutiesDeps,
): Promise<{ ok: true; account: NonNullable<DutyCharge['account']> } | { ok: false; reason: string }> {
  const method = request.declaration.payment?.method;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const account = await deps.accounts.get(number);
    const unusable = account ? whyUnusable(account, request) : `account ${number} does not exist`;
    if (unusable || !account) return { ok: false, reason: unusable ?? `account ${number} does not exist` };
    const draft: EntryDraft = {
      kind,
      at: request.at,
      amount: request.amount,
      ...(account.kind === 'DEFERMENT' && kind !== 'SECURITY' ? { period: periodOf(request.at) } : {}),
      source: request.source,
      declarationId: request.declarationId,
      byTaxType: request.byTaxType,
      by: request.by,
    };
    if ((method === 'P') !== (account.kind === 'CASH'))
      return { ok: false, reason: `method ${method} draws on a ${method === 'P' ? 'cash' : 'deferment'} account; ${number} is not one` };
    const applied = applyEntry(account, draft);
    if (!applied.ok) return { ok: false, reason: applied.refusal.message };
    const posted = await deps.accounts.post({ account: applied.account, expectedVersion: account.version, entry: applied.entry });
    if (posted.outcome === 'applied') return { ok: true, account: { number, sequence: applied.entry.sequence, kind } };
    if (posted.outcome === 'duplicate')
      return { ok: true, account: { number, sequence: posted.entry.sequence, kind: chargeKind(posted.entry.kind) } };
    // Another charge took this sequence: try again on the account as it is now, after a short random pause.
    await sleep(Math.floor(Math.random() * Math.min(50, 2 + attempt * 2)));
  }
  throw new Error(`account ${number} is too busy: ${MAX_ATTEMPTS} attempts lost to other charges`);
}

/** Why the declaration may not draw on the account (undefined: it may). */
function whyUnusable(account: Account, request: ChargeRequest): string | undefined {
  const parties = [request.declaration.declarant.id, request.declaration.importer.id];
  if (!parties.includes(account.ownerId)) return `account ${account.number} is not held by the declarant or the importer`;
  if (account.currency !== request.currency)
    return `account ${account.number} is kept in ${account.currency}, the duties are in ${request.currency}`;
  return undefined;
}

async function requestPayment(
  base: Pick<DutyCharge, 'source' | 'amount' | 'byTaxType' | 'at'>,
  request: ChargeRequest,
  reason: string,
  deps: SecureDutiesDeps,
): Promise<DutyCharge> {
  // Issued once per reference: a repeat finds the request it issued.
  await deps.payments.create({
    reference: request.reference,
    declarationId: request.declarationId,
    amount: request.amount,
    currency: request.currency,
    status: 'PENDING',
    createdAt: request.at,
  });
  const existing = await deps.payments.get(request.reference);
  if (existing?.status === 'PAID') return { ...base, status: 'SECURED', reference: request.reference, reason };
  return requested(base, request, reason);
}

const requested = (
  base: Pick<DutyCharge, 'source' | 'amount' | 'byTaxType' | 'at'>,
  request: ChargeRequest,
  reason: string,
): DutyCharge => ({
  ...base,
  status: 'PENDING',
  reference: request.reference,
  reason,
});
