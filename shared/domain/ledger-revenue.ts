/**
 * Revenue per day and tax type as the ledger books it (docs/revenue.md, "Revenue per day"): the
 * statistics page and the reconciliation read the same entries. What an entry moves counts on its
 * booking day (the UTC day of its `at`), whatever period or declaration it belongs to: revenue is
 * counted when it is secured, not when it was made due.
 */
import { Dec } from '#shared/tariff/money.ts';
import type { LedgerEntry } from './accounts.ts';

/** What one booking adds to its day's revenue: signed decimal strings per tax type. */
export interface RevenueCount {
  /** The UTC day it counts for (`yyyy-mm-dd`). */
  day: string;
  byTaxType: Record<string, string>;
}

/** The UTC booking day of a time. */
export const bookingDayOf = (at: string): string => new Date(at).toISOString().slice(0, 10);

const negated = (byTaxType: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(byTaxType).map(([taxType, amount]) => [taxType, new Dec(amount).negated().toFixed()]));

/**
 * What a ledger entry moves, or undefined for one that moves no revenue (an opening, a top-up, a
 * direct debit: money between the trader and its own account). Charges and security count as
 * booked; credits and security released carry their tax types negative already; a repayment's are
 * positive (what was paid back), so they count negated.
 */
export function revenueOfEntry(entry: LedgerEntry): RevenueCount | undefined {
  const byTaxType = entry.byTaxType ?? {};
  if (Object.keys(byTaxType).length === 0) return undefined;
  switch (entry.kind) {
    case 'CHARGE':
    case 'SECURITY':
    case 'CREDIT':
    case 'SECURITY_RELEASED':
      return { day: bookingDayOf(entry.at), byTaxType };
    case 'REPAYMENT':
      return { day: bookingDayOf(entry.at), byTaxType: negated(byTaxType) };
    default:
      return undefined;
  }
}

/**
 * A payout the provider confirmed paid (a repayment or a cancelled declaration's paid payment given
 * back: no ledger entry), counted negated on the day it was paid, as a repayment entry is.
 */
export const revenueOfPayout = (payout: { paidAt: string; byTaxType: Record<string, string> }): RevenueCount | undefined =>
  Object.keys(payout.byTaxType).length === 0 ? undefined : { day: bookingDayOf(payout.paidAt), byTaxType: negated(payout.byTaxType) };

/** A confirmed immediate payment (a paid payment request: no ledger entry), counted on the day it was paid. */
export const revenueOfPayment = (payment: { paidAt: string; byTaxType: Record<string, string> }): RevenueCount | undefined =>
  Object.keys(payment.byTaxType).length === 0 ? undefined : { day: bookingDayOf(payment.paidAt), byTaxType: payment.byTaxType };
