/** In-memory clearance counters; the contract suite holds them to what the DynamoDB adapter does. */
import { Decimal } from 'decimal.js';
import { type LedgerEntry, ledgerOf } from '#shared/domain/accounts.ts';
import { addIncrement, type DayCounters, emptyDay, type StatisticsIncrement } from '#shared/domain/clearance-statistics.ts';
import { type RevenueCount, revenueOfEntry, revenueOfPayment, revenueOfPayout } from '#shared/domain/ledger-revenue.ts';
import type { ClearanceCounters, LedgerCount } from '#shared/ports/clearance-counters.ts';

export class InMemoryClearanceCounters implements ClearanceCounters {
  readonly #days = new Map<string, DayCounters>();
  /** Per day and account, the last sequence counted. */
  readonly #countedSequences = new Map<string, number>();
  readonly #countedPayments = new Set<string>();
  readonly #countedPayouts = new Set<string>();

  async add(increment: StatisticsIncrement): Promise<void> {
    this.#days.set(increment.day, addIncrement(this.#days.get(increment.day) ?? emptyDay(increment.day), increment));
  }

  /** Each ledger's last sequence counted per day, as its own item of the day keeps it (the fake keeps no older items to finish from). */
  async countLedgerEntry(entry: LedgerEntry, _count?: LedgerCount): Promise<boolean> {
    const revenue = revenueOfEntry(entry);
    if (!revenue) return false;
    const guard = `${revenue.day}#${ledgerOf(entry)}`;
    if ((this.#countedSequences.get(guard) ?? 0) >= entry.sequence) return false;
    this.#countedSequences.set(guard, entry.sequence);
    this.#addRevenue(revenue);
    return true;
  }

  async countPaidPayment(payment: { reference: string; paidAt: string; byTaxType: Record<string, string> }): Promise<boolean> {
    const revenue = revenueOfPayment(payment);
    if (!revenue || this.#countedPayments.has(payment.reference)) return false;
    this.#countedPayments.add(payment.reference);
    this.#addRevenue(revenue);
    return true;
  }

  async countPaidPayout(payout: { reference: string; paidAt: string; byTaxType: Record<string, string> }): Promise<boolean> {
    const revenue = revenueOfPayout(payout);
    if (!revenue || this.#countedPayouts.has(payout.reference)) return false;
    this.#countedPayouts.add(payout.reference);
    this.#addRevenue(revenue);
    return true;
  }

  async readDays(days: readonly string[]): Promise<DayCounters[]> {
    return days.map((day) => structuredClone(this.#days.get(day) ?? emptyDay(day)));
  }

  #addRevenue({ day, byTaxType }: RevenueCount): void {
    const counters = this.#days.get(day) ?? emptyDay(day);
    for (const [taxType, amount] of Object.entries(byTaxType))
      counters.revenue[taxType] = new Decimal(counters.revenue[taxType] ?? '0').plus(amount).toFixed();
    this.#days.set(day, counters);
  }
}
