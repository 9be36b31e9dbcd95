/**
 * Clearance statistics as the administration reads them: declarations per day by lane, the time
 * from lodgement to release per lane (median and 90th percentile, as the WCO Time Release Study
 * reports it), revenue per day by tax type. The stages add to pre-aggregated counters as
 * declarations move, and the ledger counts each entry that moves revenue on its booking day
 * (shared/domain/ledger-revenue.ts); nothing here ever reads a declaration.
 *
 * Release times are counted in a histogram whose buckets grow by a quarter: a percentile is
 * estimated by interpolating inside its bucket, so it is within 25% of the exact value whatever
 * the volume, and the counters stay a fixed size.
 */
import { Decimal } from 'decimal.js';
import * as z from 'zod';
import { type Lane, laneSchema, lanes } from '#shared/risk/outcome.ts';

/** Upper bounds (milliseconds) of the release-time buckets: 100 ms growing by 25% to past 30 days; the last is open. */
export const releaseBucketBounds: readonly number[] = (() => {
  const bounds: number[] = [];
  let bound = 100;
  do {
    bounds.push(bound);
    bound = Math.ceil(bound * 1.25);
  } while ((bounds.at(-1) ?? 0) <= 31 * 24 * 3600 * 1000);
  return bounds;
})();

/** The bucket a release time falls in (the first whose upper bound holds it; the last bucket is open-ended). */
export function releaseBucketOf(milliseconds: number): number {
  const index = releaseBucketBounds.findIndex((bound) => milliseconds <= bound);
  return index === -1 ? releaseBucketBounds.length : index;
}

/** What one event adds to the counters of a day. */
export type StatisticsIncrement =
  /** A declaration scored into a lane, counted on its day of submission. */
  | { kind: 'lane'; day: string; shardOf: string; lane: Lane }
  /** A declaration released, counted on its day of release. */
  | {
      kind: 'release';
      day: string;
      shardOf: string;
      lane: Lane;
      /** From lodgement (submission) to release. */
      milliseconds: number;
    };

/** The counters of one day, summed over their shards. */
export interface DayCounters {
  day: string;
  lanes: Record<Lane, number>;
  releases: Record<Lane, { count: number; totalMilliseconds: number; buckets: number[] }>;
  /** Booked that day per tax type (the ledger and confirmed immediate payments), decimal strings in the national currency. */
  revenue: Record<string, string>;
}

export const emptyDay = (day: string): DayCounters => ({
  day,
  lanes: { GREEN: 0, BLUE: 0, YELLOW: 0, RED: 0 },
  releases: Object.fromEntries(
    lanes.map((lane) => [lane, { count: 0, totalMilliseconds: 0, buckets: releaseBucketBounds.map(() => 0).concat(0) }]),
  ) as DayCounters['releases'],
  revenue: {},
});

/** Adds one increment to a day's counters (what the fake store does, and what the tests expect). */
export function addIncrement(day: DayCounters, increment: StatisticsIncrement): DayCounters {
  if (increment.kind === 'lane') return { ...day, lanes: { ...day.lanes, [increment.lane]: day.lanes[increment.lane] + 1 } };
  const release = day.releases[increment.lane];
  const buckets = [...release.buckets];
  const bucket = releaseBucketOf(increment.milliseconds);
  buckets[bucket] = (buckets[bucket] ?? 0) + 1;
  return {
    ...day,
    releases: {
      ...day.releases,
      [increment.lane]: { count: release.count + 1, totalMilliseconds: release.totalMilliseconds + increment.milliseconds, buckets },
    },
  };
}

/**
 * The q-quantile (0 < q < 1) of a histogram, interpolated linearly inside its bucket (between the
 * previous bound and this one); null for an empty histogram. The open last bucket answers its
 * lower bound: "at least".
 */
export function estimateQuantile(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let index = 0; index < buckets.length; index++) {
    const count = buckets[index] ?? 0;
    if (count > 0 && below + count >= rank) {
      const lower = index === 0 ? 0 : (releaseBucketBounds[index - 1] ?? 0);
      const upper = releaseBucketBounds[index];
      if (upper === undefined) return lower;
      return Math.round(lower + ((upper - lower) * (rank - below)) / count);
    }
    below += count;
  }
  return releaseBucketBounds.at(-1) ?? null;
}

const day = z.iso.date();

const releaseTimeSchema = z
  .object({
    lane: laneSchema,
    released: z.number().int().meta({ description: 'Declarations of this lane released in the period' }),
    medianSeconds: z.number().nullable().meta({ description: 'Median time from lodgement to release; null when none' }),
    p90Seconds: z.number().nullable().meta({ description: '90th percentile of the time from lodgement to release' }),
    meanSeconds: z.number().nullable(),
  })
  .meta({ id: 'ReleaseTime' });

export const clearanceStatisticsSchema = z
  .object({
    from: day,
    to: day,
    days: z.array(
      z.object({
        day,
        lanes: z.record(laneSchema, z.number().int()).meta({ description: 'Declarations scored into each lane, by day of submission' }),
        released: z.number().int().meta({ description: 'Declarations released that day' }),
        revenue: z.record(z.string(), z.string()).meta({
          description:
            'Duty and tax booked that day (UTC), per tax type (decimal strings): charges, security and credits on the ledger, immediate payments confirmed, less repayments',
        }),
        revenueTotal: z.string(),
      }),
    ),
    releaseTimes: z.array(releaseTimeSchema),
    currency: z.string().meta({ description: 'National currency of the revenue figures' }),
    method: z.string().meta({ description: 'How the release-time percentiles are estimated' }),
  })
  .meta({ id: 'ClearanceStatistics' });
export type ClearanceStatistics = z.infer<typeof clearanceStatisticsSchema>;

export const releaseTimeMethod =
  'Lodgement (submission) to release, estimated from a histogram whose buckets grow by 25% from 100 ms: each figure is within 25% of the exact value.';

const seconds = (milliseconds: number | null): number | null => (milliseconds === null ? null : Math.round(milliseconds / 100) / 10);

/** The statistics of a period from its days' counters (days in order, every day present). */
export function summarise(from: string, to: string, days: readonly DayCounters[], nationalCurrency: string): ClearanceStatistics {
  const releaseTimes = lanes.map((lane) => {
    const buckets = releaseBucketBounds.map(() => 0).concat(0);
    let released = 0;
    let total = 0;
    for (const counters of days) {
      const release = counters.releases[lane];
      released += release.count;
      total += release.totalMilliseconds;
      release.buckets.forEach((count, index) => {
        buckets[index] = (buckets[index] ?? 0) + count;
      });
    }
    return {
      lane,
      released,
      medianSeconds: seconds(estimateQuantile(buckets, 0.5)),
      p90Seconds: seconds(estimateQuantile(buckets, 0.9)),
      meanSeconds: released === 0 ? null : seconds(total / released),
    };
  });
  return {
    from,
    to,
    days: days.map((counters) => ({
      day: counters.day,
      lanes: counters.lanes,
      released: lanes.reduce((sum, lane) => sum + counters.releases[lane].count, 0),
      revenue: Object.fromEntries(Object.entries(counters.revenue).map(([taxType, amount]) => [taxType, new Decimal(amount).toFixed(2)])),
      revenueTotal: Object.values(counters.revenue)
        .reduce((sum, amount) => sum.plus(amount), new Decimal(0))
        .toFixed(2),
    })),
    releaseTimes,
    currency: nationalCurrency,
    method: releaseTimeMethod,
  };
}

export const profileSelectionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    enabled: z.boolean(),
    lane: z.string().nullable().meta({ description: 'The lane the profile asks for, if any' }),
    selections: z.number().int().meta({ description: 'Declarations whose scoring this profile matched (all time)' }),
    inspections: z.number().int().meta({ description: 'Of those, inspections an officer recorded' }),
    hits: z.number().int().meta({ description: 'Inspections that found a discrepancy' }),
    hitRate: z.number().nullable().meta({ description: 'hits / inspections, 0 to 1; null before the first inspection' }),
  })
  .meta({ id: 'ProfileSelection' });
export type ProfileSelection = z.infer<typeof profileSelectionSchema>;
