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
import type { ChargeGuard } from '#shared/domain/account-shards.ts';
import { type Account, applyEntry, type EntryDraft, type LedgerEntry, periodOf } from '#shared/domain/accounts.ts';
import type { Declaration } from '#shared/domain/declaration.ts';
import type { DeclarationRecord } from '#shared/domain/declaration-record.ts';
import { allSecured, type Duties, type DutyCharge, dueOf, isPositive, paymentReferenceOf } from '#shared/domain/duties.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';
import type { PaymentRequests } from '#shared/ports/payments.ts';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import { bookedEntry, bookedOnShards, chargeOnShards, shardsOf } from './account-shards.ts';

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
export async function secureAssessment(
  record: DeclarationRecord,
  at: string,
  deps: SecureDutiesDeps,
  /** What is secured: the assessment at the release stage, or an inspection's re-assessment of one that could not be assessed. */
  basis: { assessment: DeclarationRecord['assessment']; version: number; by: string } = {
    assessment: (record.assessmentProblems?.length ?? 0) > 0 ? undefined : record.assessment,
    version: record.version,
    by: 'release',
  },
): Promise<Duties | undefined> {
  if (record.duties) return record.duties;
  const payment = record.declaration.payment;
  const assessment = basis.assessment;
  if (record.declaration.type !== 'IM' || !assessment) return undefined;
  const method = payment?.method ?? 'H';
  const due = dueOf(assessment, payment?.postponedVat ?? false);
  const charges = isPositive(due.amount)
    ? [
        await secureCharge(
          {
            declarationId: record.id,
            declarantId: record.declarantId,
            declaration: record.declaration,
            source: chargeSource(record.id, basis.version),
            reference: paymentReferenceOf(record.id, basis.version),
            amount: due.amount,
            byTaxType: due.byTaxType,
            currency: assessment.currency,
            at,
            by: basis.by,
          },
          deps,
        ),
      ]
    : [];
  return {
    method,
    ...(payment?.account ? { account: payment.account } : {}),
    currency: assessment.currency,
    status: allSecured(charges) ? 'SECURED' : 'AWAITING_PAYMENT',
    postponedVat: due.postponedVat,
    charges,
  };
}

export interface ChargeRequest {
  declarationId: string;
  /** The authenticated declarant: the only party whose account the declaration may draw on. */
  declarantId: string;
  declaration: Declaration;
  source: string;
  /** The payment request's reference, should the account not be drawn on. */
  reference: string;
  amount: string;
  byTaxType: Record<string, string>;
  currency: string;
  at: string;
  by: string;
  /** The declaration's charges booked before this one: what a credit may give back. */
  earlier?: readonly DutyCharge[];
}

/**
 * One amount: drawn on the declared account, or asked for. A negative amount (a re-assessment
 * that lowers the duties) is credited back to a cash or deferment account, at most what the
 * declaration's charges drew on that account less what was credited before; the rest (paid
 * immediately, secured under a guarantee, or still asked for) is recorded as owed back (repaid on
 * a claim, or by the payment request's amount being paid in full first).
 */
export async function secureCharge(request: ChargeRequest, deps: SecureDutiesDeps): Promise<DutyCharge> {
  const payment = request.declaration.payment;
  const base = { source: request.source, amount: request.amount, byTaxType: request.byTaxType, at: request.at };
  if (!isPositive(request.amount)) return creditBack(request, base, deps);
  if (payment?.account && payment.method !== 'H') {
    const kind = payment.method === 'M' ? 'SECURITY' : 'CHARGE';
    // A charge is routed by the account as cached, read eventually consistent: at 1,000 charges a
    // second on one sharded account, no strongly consistent read of its one partition per charge
    // (docs/revenue.md). Not yet visible (just opened) or not sharded: read as before.
    const peeked = kind === 'CHARGE' ? await deps.accounts.peek(payment.account) : undefined;
    const sharded = peeked && shardsOf(peeked) > 1 ? peeked : undefined;
    // Its guard across shards, read once: whether it was booked, and where booking it starts (the
    // guard is placed only on a condition that it is as read: account-shards.ts).
    // Read together with the payment request an earlier attempt may have made (both are reads; the
    // writes that follow are conditional): in an SQS invocation the two go in one BatchGetItem.
    const [guard, askedBefore] = await Promise.all([
      sharded ? deps.accounts.chargeGuard(payment.account, request.source) : undefined,
      deps.payments.get(request.reference),
    ]);
    const known = sharded ? { guard } : undefined;
    // A redelivery: the charge booked already (on a shard: rolled forward, so its revenue is counted).
    const booked = sharded
      ? await bookedOnShards(deps.accounts, payment.account, request.source, known)
      : await bookedEntry(deps.accounts, payment.account, request.source);
    if (booked)
      return {
        ...base,
        status: 'SECURED',
        account: entryOf(booked),
      };
    // Asked for already by an attempt that did not finish: the trader may be paying it.
    if (askedBefore) return requested(base, request, 'asked for before');
    const drawn = await drawOnAccount(payment.account, kind, request, deps, sharded, known);
    if (drawn.ok) return { ...base, status: 'SECURED', account: drawn.account };
    return requestPayment(base, request, drawn.reason, deps);
  }
  return requestPayment(base, request, 'immediate payment', deps);
}

/** A lower re-assessment: credited on the account up to what was drawn on it, the rest owed back. */
async function creditBack(
  request: ChargeRequest,
  base: Pick<DutyCharge, 'source' | 'amount' | 'byTaxType' | 'at'>,
  deps: SecureDutiesDeps,
): Promise<DutyCharge> {
  const payment = request.declaration.payment;
  const toRepay = new Dec(request.amount).abs();
  const onRepaymentClaim = 'to repay on a repayment claim';
  if (!payment?.account || (payment.method !== 'P' && payment.method !== 'E'))
    return { ...base, status: 'SECURED', reason: onRepaymentClaim };
  const booked = await deps.accounts.findBySource(payment.account, request.source);
  if (booked) return { ...base, status: 'SECURED', account: entryOf(booked) };
  const drawn = await drawnOn(payment.account, request, deps);
  const credit = Dec.min(toRepay, drawn.creditable);
  if (!credit.greaterThan(ZERO))
    return { ...base, status: 'SECURED', reason: `${onRepaymentClaim}: nothing of it was drawn on account ${payment.account}` };
  const amount = fixed2(credit);
  const creditRequest = {
    ...request,
    amount,
    byTaxType: credit.equals(toRepay) ? negated(request.byTaxType) : {},
    ...(drawn.period ? { period: drawn.period } : {}),
  };
  const credited = await drawOnAccount(payment.account, 'CREDIT', creditRequest, deps);
  if (!credited.ok) return { ...base, status: 'SECURED', reason: `to repay: ${credited.reason}` };
  const rest = toRepay.minus(credit);
  return {
    ...base,
    status: 'SECURED',
    account: credited.account,
    ...(rest.greaterThan(ZERO) ? { reason: `${amount} credited to account ${payment.account}; ${fixed2(rest)} ${onRepaymentClaim}` } : {}),
  };
}

/**
 * What the declaration's secured charges drew on the account less what was credited back (read
 * from their ledger entries), and the deferment period to credit: the one they were charged in
 * when all were charged in one, else the earliest (a closed period: recorded, the current month's
 * use not lowered).
 */
async function drawnOn(number: string, request: ChargeRequest, deps: SecureDutiesDeps): Promise<{ creditable: Dec; period?: string }> {
  let creditable = ZERO;
  const periods = new Set<string>();
  for (const charge of request.earlier ?? []) {
    if (charge.status !== 'SECURED' || charge.account?.number !== number || charge.account.kind === 'SECURITY') continue;
    const entry = await deps.accounts.findBySource(number, charge.source);
    if (!entry) continue;
    if (entry.kind === 'CHARGE') {
      creditable = creditable.plus(entry.amount);
      if (entry.period) periods.add(entry.period);
    }
    if (entry.kind === 'CREDIT') creditable = creditable.minus(entry.amount);
  }
  const period = [...periods].sort()[0];
  return { creditable: Dec.max(ZERO, creditable), ...(period ? { period } : {}) };
}

/** The ledger entry a charge names: the account's, or a shard's of a sharded account. */
const entryOf = (entry: LedgerEntry): NonNullable<DutyCharge['account']> => ({
  number: entry.accountNumber,
  ...(entry.shard === undefined ? {} : { shard: entry.shard }),
  sequence: entry.sequence,
  kind: chargeKind(entry.kind),
});

const chargeKind = (kind: string): 'CHARGE' | 'SECURITY' | 'CREDIT' =>
  kind === 'SECURITY' ? 'SECURITY' : kind === 'CREDIT' ? 'CREDIT' : 'CHARGE';

const negated = (byTaxType: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(byTaxType).map(([taxType, amount]) => [taxType, amount.startsWith('-') ? amount.slice(1) : `-${amount}`]),
  );

async function drawOnAccount(
  number: string,
  kind: 'CHARGE' | 'SECURITY' | 'CREDIT',
  /** A credit names the deferment period of the charges it gives back. */
  request: ChargeRequest & { period?: string },
  deps: SecureDutiesDeps,
  /** A sharded account as peeked: its charge goes to a shard, which reads the account strongly only when it needs allowance. */
  sharded?: Account,
  /** The charge's guard as read with `sharded` (chargeOnShards starts from it). */
  known?: { guard: ChargeGuard | undefined },
): Promise<{ ok: true; account: NonNullable<DutyCharge['account']> } | { ok: false; reason: string }> {
  const method = request.declaration.payment?.method;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const account = attempt === 0 && sharded ? sharded : await deps.accounts.get(number);
    const unusable = account ? whyUnusable(account, request) : `account ${number} does not exist`;
    if (unusable || !account) return { ok: false, reason: unusable ?? `account ${number} does not exist` };
    const draft: EntryDraft = {
      kind,
      at: request.at,
      amount: request.amount,
      ...(account.kind === 'DEFERMENT' && kind !== 'SECURITY' ? { period: request.period ?? periodOf(request.at) } : {}),
      source: request.source,
      declarationId: request.declarationId,
      byTaxType: request.byTaxType,
      by: request.by,
    };
    if ((method === 'P') !== (account.kind === 'CASH'))
      return { ok: false, reason: `method ${method} draws on a ${method === 'P' ? 'cash' : 'deferment'} account; ${number} is not one` };
    if (kind === 'CHARGE' && shardsOf(account) > 1) {
      // A sharded account: booked on one of its allowance shards (shared/usecases/account-shards.ts).
      // The guard as read before only for the account as peeked (the first attempt); a later one reads it again.
      const charged = await chargeOnShards(deps.accounts, account, draft, attempt === 0 ? known : undefined);
      return charged.ok ? { ok: true, account: entryOf(charged.entry) } : charged;
    }
    const applied = applyEntry(account, draft);
    if (!applied.ok) return { ok: false, reason: applied.refusal.message };
    const posted = await deps.accounts.post({ account: applied.account, expectedVersion: account.version, entry: applied.entry });
    if (posted.outcome === 'applied') return { ok: true, account: { number, sequence: applied.entry.sequence, kind } };
    if (posted.outcome === 'duplicate') return { ok: true, account: entryOf(posted.entry) };
    // Another charge took this sequence: try again on the account as it is now, after a short random pause.
    await sleep(Math.floor(Math.random() * Math.min(50, 2 + attempt * 2)));
  }
  throw new Error(`account ${number} is too busy: ${MAX_ATTEMPTS} attempts lost to other charges`);
}

/**
 * Why the declaration may not draw on the account (undefined: it may). Only the authenticated
 * declarant's own account: the importer named in the body is whatever the trader typed. A
 * non-holder learns nothing of the account (neither its balance nor its limit).
 */
function whyUnusable(account: Account, request: ChargeRequest): string | undefined {
  if (account.ownerId !== request.declarantId)
    return `account ${account.number} cannot be drawn on by ${request.declarantId}: ask its holder`;
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
