/**
 * Clearance statistics on the fakes (shared/usecases/clearance-statistics.ts): the risk stage
 * counts lanes, the release stage and the officers' releases count release times and revenue,
 * each once however often a message or a decision is repeated; the period read is checked.
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth.ts';
import { readClearanceStatistics, readProfileSelections } from '#shared/usecases/clearance-statistics.ts';
import { decideRelease } from '#shared/usecases/decide-release.ts';
import { claimDeclaration, decideOnDeclaration } from '#shared/usecases/review-decisions.ts';
import { newParty } from '#tests/integration/support.ts';
import { fakePlatform, trustedTrader } from '#tests/support/fake-platform.ts';
import { ferroSilicon, refusal } from '#tests/support/scenarios.ts';

const officer: Principal = { subject: 'officer-a', roles: ['officer'], partyId: undefined };
const admin: Principal = { subject: 'admin', roles: ['admin'], partyId: undefined };

describe('counting', () => {
  it('counts lanes by day of submission, and releases with their time and revenue, once each', async () => {
    // Prepare: two GREEN declarations of the trusted trader and one RED one
    const platform = await fakePlatform();
    const deps = { counters: platform.counters, documentsQueue: platform.queues.documents, clock: platform.clock, nationalCurrency: 'GBP' };
    const green = [await platform.submit(platform.declaration(trustedTrader)), await platform.submit(platform.declaration(trustedTrader))];
    const red = await platform.submit(platform.declaration(newParty(), ferroSilicon));
    platform.clock.advance(90_000);

    // Act: the pipeline, then every release message again (a redelivery)
    await platform.runThrough('release');
    for (const id of [...green, red]) {
      const record = await platform.record(id);
      await decideRelease({ declarationId: id, version: record.version }, platform.deps.release);
    }
    const statistics = await readClearanceStatistics({ principal: officer }, deps);

    // Assess
    const today = platform.clock.now().toISOString().slice(0, 10);
    const day = statistics.days.find((entry) => entry.day === today);
    expect(day?.lanes).toEqual({ GREEN: 2, YELLOW: 0, RED: 1, BLUE: 0 });
    expect(day?.released).toBe(2);
    const records = await Promise.all(green.map((id) => platform.record(id)));
    const expected = new Map<string, Decimal>();
    for (const record of records) {
      for (const [taxType, amount] of Object.entries(record.assessment?.totals.byTaxType ?? {})) {
        expected.set(taxType, (expected.get(taxType) ?? new Decimal(0)).plus(amount));
      }
    }
    expect(expected.size).toBeGreaterThan(0);
    expect(day?.revenue).toEqual(Object.fromEntries([...expected].map(([taxType, sum]) => [taxType, sum.toFixed(2)])));
    const greenTimes = statistics.releaseTimes.find((entry) => entry.lane === 'GREEN');
    expect(greenTimes?.released).toBe(2);
    // Submitted, then 90 s later the pipeline ran: within the histogram's 25% of 90 s.
    expect(greenTimes?.medianSeconds).toBeGreaterThanOrEqual(90 / 1.25);
    expect(greenTimes?.medianSeconds).toBeLessThanOrEqual(90 * 1.25);
    expect(greenTimes?.meanSeconds).toBe(90);
  });

  it("counts an officer's release once, also when the officer repeats it", async () => {
    // Prepare: a RED declaration under review, claimed
    const platform = await fakePlatform();
    const id = await platform.submit(platform.declaration(newParty(), ferroSilicon));
    await platform.runThrough('release');
    const reviewDeps = platform.deps.review;
    await claimDeclaration({ principal: officer, id }, reviewDeps);
    platform.clock.advance(3_600_000);

    // Act
    const release = { action: 'RELEASE', message: 'Checked' } as const;
    await decideOnDeclaration({ principal: officer, id, expectedVersion: undefined, decision: release }, reviewDeps);
    await decideOnDeclaration({ principal: officer, id, expectedVersion: undefined, decision: release }, reviewDeps);
    const statistics = await readClearanceStatistics({ principal: admin }, { ...reviewDeps, nationalCurrency: 'GBP' });

    // Assess
    const red = statistics.releaseTimes.find((entry) => entry.lane === 'RED');
    expect(red?.released).toBe(1);
    expect(red?.meanSeconds).toBe(3600);
    const revenue = statistics.days.at(-1)?.revenue ?? {};
    const record = await platform.record(id);
    expect(revenue).toEqual(
      Object.fromEntries(
        Object.entries(record.assessment?.totals.byTaxType ?? {}).map(([taxType, amount]) => [taxType, new Decimal(amount).toFixed(2)]),
      ),
    );
    expect(statistics.days.at(-1)?.revenueTotal).toBe(record.assessment?.totals.total);
  });
});

describe('reading a period', () => {
  it('defaults to the last 7 days and refuses reversed or over-long periods and traders', async () => {
    // Prepare
    const platform = await fakePlatform();
    const deps = { counters: platform.counters, documentsQueue: platform.queues.documents, clock: platform.clock, nationalCurrency: 'GBP' };
    const trader: Principal = { subject: 'trader', roles: ['trader'], partyId: trustedTrader };

    // Act
    const week = await readClearanceStatistics({ principal: officer }, deps);
    const reversed = await refusal(readClearanceStatistics({ principal: officer, from: '2026-11-10', to: '2026-11-01' }, deps));
    const tooLong = await refusal(readClearanceStatistics({ principal: officer, from: '2026-10-01', to: '2026-11-01' }, deps));
    const month = await readClearanceStatistics({ principal: officer, from: '2026-10-02', to: '2026-11-01' }, deps);
    const forbidden = await refusal(readClearanceStatistics({ principal: trader }, deps));

    // Assess
    expect(week.days.map((day) => day.day)).toEqual([
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
    ]);
    expect(week).toMatchObject({ from: '2026-11-21', to: '2026-11-27', currency: 'GBP' });
    expect(week.releaseTimes.every((entry) => entry.released === 0 && entry.medianSeconds === null)).toBe(true);
    expect(reversed).toMatchObject({ kind: 'BAD_REQUEST', code: 'PERIOD_REVERSED' });
    expect(tooLong).toMatchObject({ kind: 'BAD_REQUEST', code: 'PERIOD_TOO_LONG' });
    expect(month.days).toHaveLength(31);
    expect(forbidden).toMatchObject({ kind: 'FORBIDDEN' });
  });
});

describe('profiles that select most', () => {
  it('lists current profiles by selections, most first, with hit rates', async () => {
    // Prepare: the demo profiles; two selections and one inspection with a hit for the first, one selection for the second
    const platform = await fakePlatform();
    const [first, second] = (await platform.profiles.allVersions()).map((profile) => profile.id);
    await platform.profiles.countEffectiveness([first ?? '', second ?? ''], { selections: 1 });
    await platform.profiles.countEffectiveness([first ?? ''], { selections: 1, inspections: 1, hits: 1 });

    // Act
    const top = await readProfileSelections({ principal: officer, limit: 2 }, { profiles: platform.profiles });
    const forbidden = await refusal(
      readProfileSelections(
        { principal: { subject: 't', roles: ['trader'], partyId: trustedTrader }, limit: 2 },
        { profiles: platform.profiles },
      ),
    );

    // Assess
    expect(top.items.map((item) => [item.id, item.selections, item.inspections, item.hits, item.hitRate])).toEqual([
      [first, 2, 1, 1, 1],
      [second, 1, 0, 0, null],
    ]);
    expect(forbidden).toMatchObject({ kind: 'FORBIDDEN' });
  });
});
