/**
 * Pre-aggregated clearance counters: the stages add to them, the ledger and the payment callbacks
 * count revenue into them, the statistics read them by day.
 */

import type { LedgerEntry } from '#shared/domain/accounts.ts';
import type { DayCounters, StatisticsIncrement } from '#shared/domain/clearance-statistics.ts';

/** How a ledger entry comes to be counted. */
export interface LedgerCount {
  /**
   * The entry was put by another writer, who may have stopped after counting it: also look where
   * counts were kept before each ledger had its own item of the day (pattern 106). An entry the
   * caller has just put itself was counted by no one.
   */
  finishing?: boolean;
}

export interface ClearanceCounters {
  /** Adds one event to its day's counters (not idempotent: callers count each event once). */
  add(increment: StatisticsIncrement): Promise<void>;
  /**
   * Adds what a ledger entry moves (`revenueOfEntry`) to its booking day's revenue, once per entry:
   * an account's entries are counted in sequence order (the ledger counts each before its account
   * moves past it), so an entry at or below the account's last counted sequence of that day is
   * not counted again. False when nothing was added (counted before, or no revenue).
   */
  countLedgerEntry(entry: LedgerEntry, count?: LedgerCount): Promise<boolean>;
  /** Adds a confirmed immediate payment to the day it was paid, once per reference; false when counted before. */
  countPaidPayment(payment: { reference: string; paidAt: string; byTaxType: Record<string, string> }): Promise<boolean>;
  /**
   * Takes a payout the provider confirmed paid off the day it was paid (its tax types negated), once
   * per reference (a payout and the payment it gives back may share a reference: counted apart).
   */
  countPaidPayout(payout: { reference: string; paidAt: string; byTaxType: Record<string, string> }): Promise<boolean>;
  /** The counters of each day asked for, in the order asked (zeros for a day with nothing). */
  readDays(days: readonly string[]): Promise<DayCounters[]>;
}
