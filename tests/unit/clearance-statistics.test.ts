/** The release-time histogram and its percentile estimate (shared/domain/clearance-statistics.ts). */
import { describe, expect, it } from 'vitest';
import { estimateQuantile, releaseBucketBounds, releaseBucketOf } from '#shared/domain/clearance-statistics.ts';

const histogramOf = (milliseconds: readonly number[]): number[] => {
  const buckets = releaseBucketBounds.map(() => 0).concat(0);
  for (const time of milliseconds) buckets[releaseBucketOf(time)] = (buckets[releaseBucketOf(time)] ?? 0) + 1;
  return buckets;
};

const exactQuantile = (sorted: readonly number[], q: number): number => sorted[Math.ceil(q * sorted.length) - 1] ?? Number.NaN;

describe('release-time histogram', () => {
  it('has buckets 25% apart from 100 ms to past 31 days, and puts each time in the first bucket that holds it', () => {
    // Prepare
    const ratios = releaseBucketBounds.slice(1).map((bound, index) => bound / (releaseBucketBounds[index] ?? 1));

    // Act
    const placed = [0, 100, 101, 125, 126, 40 * 86_400_000].map(releaseBucketOf);

    // Assess
    expect(releaseBucketBounds[0]).toBe(100);
    expect(Math.max(...ratios)).toBeLessThanOrEqual(1.25 + 0.01);
    expect(releaseBucketBounds.at(-1)).toBeGreaterThan(30 * 86_400_000);
    expect(placed).toEqual([0, 0, 1, 1, 2, releaseBucketBounds.length]);
  });

  it.each([
    { name: 'uniform seconds', times: Array.from({ length: 1000 }, (_, index) => (index + 1) * 1_000) },
    { name: 'a long tail', times: Array.from({ length: 1000 }, (_, index) => (index < 800 ? 400 + index : 3_600_000 + index * 60_000)) },
    { name: 'one release', times: [42_000] },
  ])('estimates the median and the 90th percentile within 25% of the exact values: $name', ({ times }) => {
    // Prepare
    const sorted = [...times].sort((a, b) => a - b);
    const buckets = histogramOf(times);

    // Act
    const median = estimateQuantile(buckets, 0.5);
    const p90 = estimateQuantile(buckets, 0.9);

    // Assess
    for (const [estimate, exact] of [
      [median, exactQuantile(sorted, 0.5)],
      [p90, exactQuantile(sorted, 0.9)],
    ] as const) {
      expect(estimate).not.toBeNull();
      expect(estimate!).toBeGreaterThanOrEqual(exact / 1.25);
      expect(estimate!).toBeLessThanOrEqual(exact * 1.25);
    }
  });

  it('has no percentile without releases', () => {
    expect(estimateQuantile(histogramOf([]), 0.5)).toBeNull();
  });
});
