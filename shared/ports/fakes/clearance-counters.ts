/** In-memory clearance counters; the contract suite holds them to what the DynamoDB adapter does. */
import { addIncrement, type DayCounters, emptyDay, type StatisticsIncrement } from '#shared/domain/clearance-statistics.ts';
import type { ClearanceCounters } from '#shared/ports/clearance-counters.ts';

export class InMemoryClearanceCounters implements ClearanceCounters {
  readonly #days = new Map<string, DayCounters>();

  async add(increment: StatisticsIncrement): Promise<void> {
    this.#days.set(increment.day, addIncrement(this.#days.get(increment.day) ?? emptyDay(increment.day), increment));
  }

  async readDays(days: readonly string[]): Promise<DayCounters[]> {
    return days.map((day) => structuredClone(this.#days.get(day) ?? emptyDay(day)));
  }
}
