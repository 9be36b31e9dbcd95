/**
 * Every branch of the officer review queue (shared/usecases/review-queue.ts) on the fakes:
 * officers and admins only, every review lane and office merged RED first and each oldest first
 * unless narrowed to an office of the region, those waiting longer than some hours, one FAILED
 * queue for the region, one page at a time (consistent across pages), counts per lane.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth.ts';
import type { DeclarationRepository } from '#shared/ports/declarations.ts';
import { markProcessingFailed } from '#shared/usecases/processing-failures.ts';
import { listReviewQueue } from '#shared/usecases/review-queue.ts';
import { newParty } from '#tests/integration/support.ts';
import { fakePlatform, region } from '#tests/support/fake-platform.ts';
import { overridden } from '#tests/support/overridden.ts';
import { ferroSilicon, refusal } from '#tests/support/scenarios.ts';

const officer: Principal = { subject: 'officer-1', roles: ['officer'], partyId: undefined };
const admin: Principal = { subject: 'admin-1', roles: ['admin'], partyId: undefined };

/** Three RED declarations at GBLHR queued a minute apart, one at GBDVR, one PROCESSING_FAILED before scoring. */
async function queued() {
  const platform = await fakePlatform();
  const red: string[] = [];
  for (let index = 0; index < 3; index += 1) {
    red.push(await platform.submit(platform.declaration(newParty(), ferroSilicon)));
    await platform.runThrough('release');
    platform.clock.advance(60_000);
  }
  const dover = await platform.submit(
    platform.declaration(newParty(), (d) => {
      ferroSilicon(d);
      d.office = 'GBDVR';
    }),
  );
  await platform.runThrough('release');
  const failed = await platform.submit(platform.declaration(newParty()));
  platform.queues.validation.sent.splice(0); // its validation never runs
  await markProcessingFailed(
    { declarationId: failed, version: 1, reason: 'stopped', actor: 'validation' },
    { repository: platform.repository, clock: platform.clock },
  );
  const deps = { repository: platform.repository, customsOffices: region.customsOffices, clock: platform.clock };
  return { ...platform, red, dover, failed, deps };
}

/** As `queued`, with two YELLOW declarations (GBDVR, GBLHR) queued 2 h and 1 h before the first RED one. */
async function withYellow() {
  const platform = await queued();
  const firstRed = Date.parse((await platform.record(platform.red[0]!)).queuedAt ?? '');
  const yellow: string[] = [];
  for (const [office, hoursBefore] of [
    ['GBDVR', 2],
    ['GBLHR', 1],
  ] as const) {
    const id = await platform.submit(platform.declaration(newParty()));
    const queuedAt = new Date(firstRed - hoursBefore * 3_600_000).toISOString();
    await platform.repository.transition({
      id,
      from: 'SUBMITTED',
      expectedVersion: 1,
      to: 'UNDER_REVIEW',
      at: queuedAt,
      set: { queuedAt, lane: 'YELLOW' },
      reviewQueue: { lane: 'YELLOW', office, queuedAt },
    });
    yellow.push(id);
  }
  platform.queues.validation.sent.splice(0);
  return { ...platform, yellow, firstRed };
}

/** Every page of a listing, following the cursor. */
async function allPages(query: Parameters<typeof listReviewQueue>[0], deps: Parameters<typeof listReviewQueue>[1]) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await listReviewQueue({ ...query, cursor }, deps);
    pages.push(page.items.map((item) => item.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && pages.length < 20);
  return pages;
}

describe('listReviewQueue', () => {
  it('lists the UNDER_REVIEW declarations of a lane and office oldest first, with lane, queue time and score', async () => {
    // Prepare
    const { deps, red, record } = await queued();

    // Act
    const page = await listReviewQueue({ principal: officer, lane: 'RED', office: 'GBLHR', limit: 10 }, deps);

    // Assess
    expect(page.items.map((item) => item.id)).toEqual(red);
    const first = await record(red[0]!);
    expect(page.items[0]).toMatchObject({
      id: red[0],
      status: 'UNDER_REVIEW',
      lane: 'RED',
      queuedAt: first.queuedAt,
      score: first.risk?.score,
    });
    expect(typeof page.items[0]?.score).toBe('number');
    expect(page.items[0]?.claim).toBeNull();
    expect(page.nextCursor).toBeNull();
    expect(page.counts).toEqual({ RED: 3 });
  });

  it('merges every review lane and office oldest first when not narrowed, with counts per lane', async () => {
    // Prepare
    const { deps, red, dover } = await queued();

    // Act
    const all = await listReviewQueue({ principal: officer, limit: 10 }, deps);
    const firstTwo = await listReviewQueue({ principal: officer, limit: 2 }, deps);
    const nextTwo = await listReviewQueue({ principal: officer, limit: 2, cursor: firstTwo.nextCursor ?? undefined }, deps);

    // Assess
    expect(all.items.map((item) => item.id)).toEqual([...red, dover]);
    expect(all.counts).toEqual({ RED: 4, YELLOW: 0 });
    expect(all.nextCursor).toBeNull();
    expect([...firstTwo.items, ...nextTwo.items].map((item) => item.id)).toEqual([...red, dover]);
    expect(firstTwo.nextCursor).not.toBeNull();
    // Each queue gave fewer than asked and all of it is on the page: the end is known, no cursor.
    expect(nextTwo.nextCursor).toBeNull();
  });

  it('lists RED before YELLOW, each oldest first, when no lane is named, and pages consistently in that order', async () => {
    // Prepare: the YELLOW ones waited longest, yet come after every RED one
    const { deps, red, dover, yellow } = await withYellow();
    const expected = [...red, dover, ...yellow];

    // Act
    const whole = await listReviewQueue({ principal: officer, limit: 10 }, deps);
    const byOne = await allPages({ principal: officer, limit: 1 }, deps);
    const byTwo = await allPages({ principal: officer, limit: 2 }, deps);
    const byFour = await allPages({ principal: officer, limit: 4 }, deps);

    // Assess
    expect(whole.items.map((item) => item.id)).toEqual(expected);
    expect(whole.items.map((item) => item.lane)).toEqual(['RED', 'RED', 'RED', 'RED', 'YELLOW', 'YELLOW']);
    expect(whole.counts).toEqual({ RED: 4, YELLOW: 2 });
    for (const pages of [byOne, byTwo, byFour]) expect(pages.flat()).toEqual(expected);
    expect(byTwo).toEqual([
      [red[0], red[1]],
      [red[2], dover],
      [yellow[0], yellow[1]],
    ]);
  });

  it('narrows to those waiting longer than some hours, a prefix of each queue, across pages; the counts stay whole', async () => {
    // Prepare: now is 2 h after the second RED one was queued (and a millisecond)
    const { deps, red, yellow, clock, record } = await withYellow();
    const secondRed = Date.parse((await record(red[1]!)).queuedAt ?? '');
    clock.advance(secondRed + 2 * 3_600_000 + 1 - clock.now().getTime());

    // Act
    const twoHours = await listReviewQueue({ principal: officer, minAgeHours: 2, limit: 10 }, deps);
    const paged = await allPages({ principal: officer, minAgeHours: 2, limit: 1 }, deps);
    const redOnly = await listReviewQueue({ principal: officer, lane: 'RED', office: 'GBLHR', minAgeHours: 2, limit: 10 }, deps);
    const longer = await listReviewQueue({ principal: officer, minAgeHours: 4, limit: 10 }, deps);
    const nobody = await listReviewQueue({ principal: officer, minAgeHours: 24, limit: 10 }, deps);

    // Assess
    expect(twoHours.items.map((item) => item.id)).toEqual([red[0], red[1], ...yellow]);
    expect(twoHours.nextCursor).toBeNull();
    expect(twoHours.counts).toEqual({ RED: 4, YELLOW: 2 });
    expect(paged.flat()).toEqual([red[0], red[1], ...yellow]);
    expect(redOnly.items.map((item) => item.id)).toEqual([red[0], red[1]]);
    expect(longer.items.map((item) => item.id)).toEqual([yellow[0]]); // 2 h before the first RED: over 4 h ago
    expect(nobody.items).toEqual([]);
    expect(nobody.nextCursor).toBeNull();
  });

  it('keeps the offices apart', async () => {
    // Prepare
    const { deps, dover } = await queued();

    // Act
    const page = await listReviewQueue({ principal: admin, lane: 'RED', office: 'GBDVR', limit: 10 }, deps);
    const yellow = await listReviewQueue({ principal: admin, lane: 'YELLOW', office: 'GBLHR', limit: 10 }, deps);

    // Assess
    expect(page.items.map((item) => item.id)).toEqual([dover]);
    expect(yellow.items).toEqual([]);
  });

  it('has one FAILED queue for the region, whatever office is named; a declaration failed before scoring has no lane or score', async () => {
    // Prepare
    const { deps, failed } = await queued();

    // Act
    const withoutOffice = await listReviewQueue({ principal: officer, lane: 'FAILED', limit: 10 }, deps);
    const anyOffice = await listReviewQueue({ principal: officer, lane: 'FAILED', office: 'XXNOPE', limit: 10 }, deps);

    // Assess
    expect(withoutOffice.items).toEqual([expect.objectContaining({ id: failed, status: 'PROCESSING_FAILED', lane: null, score: null })]);
    expect(withoutOffice.items[0]?.queuedAt).toBeNull(); // the failure time is on `failure.at`, not `queuedAt`
    expect(withoutOffice.counts).toEqual({ FAILED: 1 });
    expect(anyOffice).toEqual(withoutOffice);
  });

  it('pages with a cursor, and refuses a cursor of another queue as a bad request', async () => {
    // Prepare
    const { deps, red } = await queued();

    // Act
    const first = await listReviewQueue({ principal: officer, lane: 'RED', office: 'GBLHR', limit: 2 }, deps);
    const second = await listReviewQueue(
      { principal: officer, lane: 'RED', office: 'GBLHR', limit: 2, cursor: first.nextCursor ?? undefined },
      deps,
    );
    const foreign = await refusal(
      listReviewQueue({ principal: officer, lane: 'RED', office: 'GBDVR', limit: 2, cursor: first.nextCursor ?? undefined }, deps),
    );

    // Assess
    expect([...first.items, ...second.items].map((item) => item.id)).toEqual(red);
    expect(foreign).toMatchObject({ kind: 'BAD_REQUEST', code: 'INVALID_CURSOR' });
  });

  it('refuses an office that is not one of the region', async () => {
    // Prepare
    const { deps } = await queued();

    // Act
    const unknown = await refusal(listReviewQueue({ principal: officer, lane: 'RED', office: 'FRCDG', limit: 10 }, deps));
    const forged = await refusal(
      listReviewQueue(
        { principal: officer, lane: 'RED', limit: 10, cursor: Buffer.from(JSON.stringify({ 'RED#FRCDG': 'done' })).toString('base64url') },
        deps,
      ),
    );

    // Assess
    expect(forged).toMatchObject({ kind: 'BAD_REQUEST', code: 'INVALID_CURSOR' });
    expect(unknown).toMatchObject({ kind: 'BAD_REQUEST', code: 'UNKNOWN_OFFICE' });
    expect(unknown.message).toContain(region.customsOffices.join(', '));
  });

  it('refuses traders', async () => {
    // Prepare
    const { deps } = await queued();
    const trader: Principal = { subject: 'trader-1', roles: ['trader'], partyId: newParty() };

    // Act
    const refused = await refusal(listReviewQueue({ principal: trader, lane: 'RED', office: 'GBLHR', limit: 10 }, deps));

    // Assess
    expect(refused).toMatchObject({ kind: 'FORBIDDEN', code: 'ROLE_REQUIRED' });
  });

  it('lets a failure of the store other than a bad cursor through', async () => {
    // Prepare
    const { deps, repository } = await queued();
    const throttled = overridden<DeclarationRepository>(repository, {
      listReviewQueue: async () => {
        throw new Error('throttled');
      },
    });

    // Act
    const failing = listReviewQueue({ principal: officer, lane: 'RED', office: 'GBLHR', limit: 10 }, { ...deps, repository: throttled });

    // Assess
    await expect(failing).rejects.toThrow('throttled');
  });
});
