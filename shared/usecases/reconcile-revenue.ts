/**
 * Revenue reconciliation (docs/revenue.md): the tax lines of every released import equal what the
 * ledger booked for it, per tax type. Expected: the duties of its latest assessment (the inspection's
 * re-assessment when there is one; `amountDue` on its state) less the VAT under postponed VAT accounting, which is recorded
 * (`duties.postponedVat`), not charged, and reconciled as such. Booked: the ledger entries of the
 * accounts it drew on whose source is one of its changes (`DECL#<id>#`: charges, security, credits),
 * and its immediate payments the provider confirmed (a paid payment request, which has no ledger
 * entry). Any difference is listed with the declaration, tax type and both amounts.
 */
import type { LedgerEntry } from '#shared/domain/accounts.ts';
import { type Principal, requireRole } from '#shared/domain/auth.ts';
import type { DeclarationRecord } from '#shared/domain/declaration-record.ts';
import { amountToSecure } from '#shared/domain/duties.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import { POSTPONED_VAT, type Reconciliation, type RevenueDifference } from '#shared/domain/reconciliation.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationListings } from '#shared/ports/declarations.ts';
import type { PaymentRequests } from '#shared/ports/payments.ts';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import { maxStatisticsDays } from './clearance-statistics.ts';

export interface ReconciliationDeps {
  listings: Pick<DeclarationListings, 'listByDay'>;
  accounts: Pick<AccountLedger, 'entriesBySourcePrefix' | 'findBySource'>;
  payments: Pick<PaymentRequests, 'get'>;
  clock: Clock;
}

const PAGE_SIZE = 100;
const dayMilliseconds = 86_400_000;

/** GET /v1/admin/revenue/reconciliation?from=&to=: the released imports lodged from `from` to `to` (UTC days) against the ledger. */
export async function reconcileRevenue(
  query: { principal: Principal; from?: string | undefined; to?: string | undefined },
  deps: ReconciliationDeps,
): Promise<Reconciliation> {
  requireRole(query.principal, 'officer', 'admin');
  const to = query.to ?? deps.clock.now().toISOString().slice(0, 10);
  const from = query.from ?? to;
  if (from > to) throw new DomainError('BAD_REQUEST', 'Invalid period', [problem('/from', 'PERIOD_REVERSED', 'from must not be after to')]);
  const days: string[] = [];
  for (let time = Date.parse(`${from}T00:00:00Z`); time <= Date.parse(`${to}T00:00:00Z`); time += dayMilliseconds)
    days.push(new Date(time).toISOString().slice(0, 10));
  if (days.length > maxStatisticsDays)
    throw new DomainError('BAD_REQUEST', 'Invalid period', [
      problem('/from', 'PERIOD_TOO_LONG', `a period holds at most ${maxStatisticsDays} days; this one holds ${days.length}`),
    ]);

  const expectedTotals = new Map<string, Dec>();
  const bookedTotals = new Map<string, Dec>();
  let postponedTotal = ZERO;
  const differences: RevenueDifference[] = [];
  let declarations = 0;
  let unreadable = 0;
  for (const day of days) {
    let cursor: string | undefined;
    do {
      const page = await deps.listings.listByDay(day, { limit: PAGE_SIZE, cursor, status: 'RELEASED' });
      unreadable += page.unreadable;
      for (const record of page.items) {
        const reconciled = await reconcileDeclaration(record, deps);
        if (!reconciled) continue;
        declarations += 1;
        addInto(expectedTotals, reconciled.expected);
        addInto(bookedTotals, reconciled.booked);
        postponedTotal = postponedTotal.plus(reconciled.postponedVat.expected);
        differences.push(...reconciled.differences);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return {
    from,
    to,
    declarations,
    unreadable,
    totals: { expected: fixedAll(expectedTotals), booked: fixedAll(bookedTotals), postponedVat: fixed2(postponedTotal) },
    differences,
  };
}

interface DeclarationReconciliation {
  expected: Map<string, Dec>;
  booked: Map<string, Dec>;
  postponedVat: { expected: Dec; recorded: Dec };
  differences: RevenueDifference[];
}

/** One released import; undefined for what owes no duties here (an export, or duties never calculated). */
async function reconcileDeclaration(record: DeclarationRecord, deps: ReconciliationDeps): Promise<DeclarationReconciliation | undefined> {
  if (record.declaration.type !== 'IM') return undefined;
  // The latest assessment's (or the inspection's re-assessment's) totals, kept on the state: no parts are read.
  const assessed = record.amountDue;
  if (!assessed?.byTaxType) return undefined;
  const due = amountToSecure({ total: assessed.amount, byTaxType: assessed.byTaxType }, record.declaration.payment?.postponedVat ?? false);
  const expected = new Map(Object.entries(due.byTaxType).map(([taxType, amount]) => [taxType, new Dec(amount)]));
  const booked = await bookedFor(record, deps);
  const differences: RevenueDifference[] = [];
  for (const taxType of [...new Set([...expected.keys(), ...booked.keys()])].sort()) {
    const wanted = expected.get(taxType) ?? ZERO;
    const got = booked.get(taxType) ?? ZERO;
    if (!wanted.equals(got)) differences.push({ declarationId: record.id, taxType, expected: fixed2(wanted), booked: fixed2(got) });
  }
  const postponedVat = { expected: new Dec(due.postponedVat), recorded: new Dec(record.duties?.postponedVat ?? '0') };
  if (!postponedVat.expected.equals(postponedVat.recorded))
    differences.push({
      declarationId: record.id,
      taxType: POSTPONED_VAT,
      expected: fixed2(postponedVat.expected),
      booked: fixed2(postponedVat.recorded),
    });
  return { expected, booked, postponedVat, differences };
}

/** What the ledger booked for the declaration per tax type, and its confirmed immediate payments. */
async function bookedFor(record: DeclarationRecord, deps: ReconciliationDeps): Promise<Map<string, Dec>> {
  const booked = new Map<string, Dec>();
  const charges = record.duties?.charges ?? [];
  const accounts = new Set(charges.flatMap((charge) => (charge.account ? [charge.account.number] : [])));
  if (record.duties?.account) accounts.add(record.duties.account);
  for (const number of accounts) {
    const own = await deps.accounts.entriesBySourcePrefix(number, `DECL#${record.id}#`);
    // A sharded account's charges are on its shards: found by their sources (each charge's guard).
    const sharded = await Promise.all(
      charges
        .filter((charge) => charge.account?.number === number && charge.account.shard !== undefined)
        .map((charge) => deps.accounts.findBySource(number, charge.source)),
    );
    const onShards = sharded.filter((entry): entry is LedgerEntry => entry?.shard !== undefined);
    for (const entry of [...own, ...onShards]) {
      if (entry.kind !== 'CHARGE' && entry.kind !== 'SECURITY' && entry.kind !== 'CREDIT') continue;
      // A credit's tax types are negative already (the re-assessment's difference).
      addInto(booked, new Map(Object.entries(entry.byTaxType ?? {}).map(([taxType, amount]) => [taxType, new Dec(amount)])));
    }
  }
  for (const charge of charges) {
    if (charge.account || !charge.reference) continue;
    const request = await deps.payments.get(charge.reference);
    if (request?.status === 'PAID')
      addInto(booked, new Map(Object.entries(charge.byTaxType).map(([taxType, amount]) => [taxType, new Dec(amount)])));
  }
  return booked;
}

function addInto(totals: Map<string, Dec>, amounts: ReadonlyMap<string, Dec>): void {
  for (const [taxType, amount] of amounts) totals.set(taxType, (totals.get(taxType) ?? ZERO).plus(amount));
}

const fixedAll = (totals: ReadonlyMap<string, Dec>): Record<string, string> =>
  Object.fromEntries([...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([taxType, amount]) => [taxType, fixed2(amount)]));
