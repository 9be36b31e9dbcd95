/** Pre-aggregated clearance counters: the stages add to them, the statistics read them by day. */
import type { DayCounters, StatisticsIncrement } from '#shared/domain/clearance-statistics.ts';

export interface ClearanceCounters {
  /** Adds one event to its day's counters (not idempotent: callers count each event once). */
  add(increment: StatisticsIncrement): Promise<void>;
  /** The counters of each day asked for, in the order asked (zeros for a day with nothing). */
  readDays(days: readonly string[]): Promise<DayCounters[]>;
}
