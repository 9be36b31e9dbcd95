/**
 * Every branch of the release decision (shared/usecases/decide-release.ts) on the fakes: release
 * by lane, officer review by lane and office, and review whenever the duty could not be
 * calculated. The last tests take declarations through the whole pipeline on the fakes.
 */
import { describe, expect, it } from 'vitest';
import { openAccount, periodOf } from '#shared/domain/accounts.ts';
import type { Lane } from '#shared/risk/outcome.ts';
import { reserveOnEveryShard } from '#shared/usecases/account-shards.ts';
import { decideRelease } from '#shared/usecases/decide-release.ts';
import { defermentAccountOf, newParty } from '#tests/integration/support.ts';
import { counted } from '#tests/support/counted.ts';
import { fakePlatform, trustedTrader } from '#tests/support/fake-platform.ts';
import { storeSubmitted } from '#tests/support/stored-declaration.ts';

const problem = { pointer: '/items/0/quantities', code: 'MISSING_QUANTITY', message: 'a quantity is needed' };

/** A declaration ASSESSED with the given lane and assessment problems; its release message. */
async function assessed(options: { lane: Lane | undefined; problems?: (typeof problem)[] }) {
  const platform = await fakePlatform();
  const stored = await storeSubmitted(
    { repository: platform.repository, archive: platform.archive },
    { at: platform.clock.now().toISOString() },
  );
  const at = platform.clock.now().toISOString();
  await platform.repository.transition({
    id: stored.id,
    from: 'SUBMITTED',
    expectedVersion: 1,
    to: 'ASSESSED',
    at,
    set: { lane: options.lane, assessmentProblems: options.problems },
  });
  // The stored record's office, as intake sets it from the declaration.
  const record = await platform.record(stored.id);
  platform.clock.advance(1_000);
  return { ...platform, id: stored.id, office: record.office, message: { declarationId: stored.id, version: 2 } };
}

const reviewQueue = async (platform: Awaited<ReturnType<typeof assessed>>, lane: string) =>
  (await platform.repository.listReviewQueue(lane, platform.office, { limit: 10 })).map((item) => item.id);

describe('decideRelease', () => {
  it.each([
    ['GREEN', 'released (GREEN lane)'],
    ['BLUE', 'released (BLUE lane): selected for post-clearance audit'],
  ] as const)('releases a %s declaration whose duty was calculated', async (lane, detail) => {
    // Prepare
    const platform = await assessed({ lane });

    // Act
    const result = await decideRelease(platform.message, platform.deps.release);

    // Assess
    const at = platform.clock.now().toISOString();
    expect(result).toMatchObject({ outcome: 'moved', to: 'RELEASED' });
    const released = await platform.record(platform.id);
    expect(released).toMatchObject({ status: 'RELEASED', version: 3, releasedAt: at });
    expect(released.queuedAt).toBeUndefined();
    expect((await platform.record(platform.id)).lastEvent).toMatchObject({ type: 'RELEASED', detail, actor: { id: 'release' } });
    expect([...(await reviewQueue(platform, 'YELLOW')), ...(await reviewQueue(platform, lane))]).toEqual([]);
  });

  it.each([
    ['YELLOW', 'YELLOW'],
    ['RED', 'RED'],
    [undefined, 'RED'],
  ] as const)('puts a declaration of lane %s UNDER_REVIEW in the %s queue of its office', async (lane, queue) => {
    // Prepare
    const platform = await assessed({ lane });

    // Act
    const result = await decideRelease(platform.message, platform.deps.release);

    // Assess
    const at = platform.clock.now().toISOString();
    expect(result).toMatchObject({ outcome: 'moved', to: 'UNDER_REVIEW' });
    const queued = await platform.record(platform.id);
    expect(queued).toMatchObject({ status: 'UNDER_REVIEW', queuedAt: at });
    expect(queued.releasedAt).toBeUndefined();
    expect((await platform.record(platform.id)).lastEvent?.detail).toBe(`queued for officer review (${queue} lane at ${platform.office})`);
    expect(await reviewQueue(platform, queue)).toEqual([platform.id]);
  });

  it.each([
    ['GREEN', 'YELLOW'],
    ['BLUE', 'YELLOW'],
    ['YELLOW', 'YELLOW'],
    ['RED', 'RED'],
  ] as const)('sends a %s declaration whose duty could not be calculated to the %s queue', async (lane, queue) => {
    // Prepare
    const platform = await assessed({ lane, problems: [problem] });

    // Act
    const result = await decideRelease(platform.message, platform.deps.release);

    // Assess
    expect(result).toMatchObject({ outcome: 'moved', to: 'UNDER_REVIEW' });
    expect((await platform.record(platform.id)).lastEvent?.detail).toBe(
      `queued for officer review (${queue}): duties could not be calculated`,
    );
    expect(await reviewQueue(platform, queue)).toEqual([platform.id]);
  });

  it('releases a declaration whose problem list is empty', async () => {
    // Prepare
    const platform = await assessed({ lane: 'GREEN', problems: [] });

    // Act
    const result = await decideRelease(platform.message, platform.deps.release);

    // Assess
    expect(result).toMatchObject({ outcome: 'moved', to: 'RELEASED' });
  });

  it('on redelivery leaves a decided declaration as it is and queues it only once', async () => {
    // Prepare
    const platform = await assessed({ lane: 'RED' });
    await decideRelease(platform.message, platform.deps.release);
    const decided = await platform.record(platform.id);
    platform.clock.advance(60_000);

    // Act
    const again = await decideRelease(platform.message, platform.deps.release);

    // Assess
    expect(again).toEqual({ outcome: 'skipped', status: 'UNDER_REVIEW' });
    expect(await platform.record(platform.id)).toEqual(decided);
    expect(await reviewQueue(platform, 'RED')).toEqual([platform.id]);
  });

  it("books a GREEN declaration's duties on a shard of its sharded account reading the charge's guard once", async () => {
    // Prepare: the trusted trader's deferment account opened with 4 allowance shards, the declaration assessed
    const platform = await fakePlatform();
    const number = defermentAccountOf(trustedTrader);
    const deferment = { monthlyLimit: '10000000.00', guarantee: { amount: '10000000.00', guarantor: 'Test Bank plc' } };
    const at = platform.clock.now().toISOString();
    const opened = openAccount({ kind: 'DEFERMENT', number, ownerId: trustedTrader, currency: 'GBP', deferment, shards: 4 }, at, 'admin');
    await platform.accounts.open(opened.account, opened.entry);
    // Past their first reservation, as a busy account's shards are (a first charge on a shard reserves, then tries again).
    await reserveOnEveryShard(platform.accounts, opened.account, periodOf(at), { at, by: 'admin' });
    const id = await platform.submit(platform.declaration(trustedTrader));
    await platform.runThrough('duty');
    const [message] = platform.queues.release.sent.splice(0);
    const accounts = counted(platform.accounts);

    // Act
    const result = await decideRelease(message!, { ...platform.deps.release, accounts: accounts.port });

    // Assess
    expect(result).toMatchObject({ outcome: 'moved', to: 'RELEASED' });
    const [charge] = (await platform.record(id)).duties?.charges ?? [];
    expect(charge).toMatchObject({ status: 'SECURED', account: { number, kind: 'CHARGE' } });
    expect(charge?.account?.shard).toBeDefined();
    expect(accounts.calls.chargeGuard).toBe(1);
  });

  it('counts a release and asks for its release note from the record it stored: one read of the declaration, no second', async () => {
    // Prepare
    const platform = await assessed({ lane: 'GREEN' });
    const reads = counted(platform.repository);

    // Act
    await decideRelease(platform.message, { ...platform.deps.release, repository: reads.port });

    // Assess
    expect(reads.calls.getWithEvents).toBe(1);
    expect((reads.calls.get ?? 0) + (reads.calls.getState ?? 0) + (reads.calls.hasEvent ?? 0)).toBe(0);
    const released = await platform.record(platform.id);
    expect(platform.queues.documents.sent).toEqual([{ declarationId: platform.id, version: released.version }]);
    const [day] = await platform.counters.readDays([released.releasedAt?.slice(0, 10) ?? '']);
    expect(day?.releases.GREEN?.count).toBe(1);
  });
});

describe('the pipeline on the fakes', () => {
  it('releases a clean declaration of the trusted trader in the GREEN lane, with its assessment and every event', async () => {
    // Prepare
    const platform = await fakePlatform();
    const id = await platform.submit(platform.declaration(trustedTrader));

    // Act
    await platform.runThrough('release');

    // Assess
    const record = await platform.record(id);
    expect(record).toMatchObject({ status: 'RELEASED', lane: 'GREEN', assessment: { currency: 'GBP' } });
    expect((await platform.repository.listEvents(id)).map((event) => event.type)).toEqual([
      'SUBMITTED',
      'VALIDATED',
      'SCORED',
      'ASSESSED',
      'RELEASED',
    ]);
  });

  it('puts ferro-silicon from China (the demo anti-dumping profile) UNDER_REVIEW in the RED queue of its office', async () => {
    // Prepare
    const platform = await fakePlatform();
    const id = await platform.submit(
      platform.declaration(newParty(), (d) => {
        d.items[0] = {
          ...d.items[0]!,
          commodityCode: '7202210000',
          description: 'Ferro-silicon, containing by weight more than 55% of silicon',
        };
      }),
    );

    // Act
    await platform.runThrough('release');

    // Assess
    const record = await platform.record(id);
    expect(record).toMatchObject({ status: 'UNDER_REVIEW', lane: 'RED' });
    expect(record.risk?.reasons).toContainEqual(
      expect.objectContaining({ kind: 'PROFILE', profileId: 'RP-GB-FESI-AD', profileVersion: 1 }),
    );
    const queue = await platform.repository.listReviewQueue('RED', record.office, { limit: 10 });
    expect(queue.map((item) => item.id)).toEqual([id]);
  });
});
