/**
 * The risk stage's profile versions kept per execution environment (shared/adapters/cached-risk-profiles.ts):
 * the list is read again when the count of versions saved moved; while the count settles (the index may
 * still lack the last save) a list is reused for a second only; no list is kept longer than a minute.
 * On the in-memory store, whose contract the DynamoDB adapter shares (tests/contract/risk-stores.contract.ts).
 */
import { describe, expect, it } from 'vitest';
import { demoProfiles } from '#demo/risk-seed.ts';
import { CachedRiskProfiles, MAX_KEEP_MS, SETTLE_MS, SHORT_KEEP_MS } from '#shared/adapters/cached-risk-profiles.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemoryRiskProfileStore } from '#shared/ports/fakes/risk-stores.ts';
import type { RiskProfile } from '#shared/risk/profile.ts';
import { withSharedReads } from '#shared/workers/invocation-reads.ts';

/** The store, counting how often the whole list is read; `lagging` lists leave out the newest version (the index behind). */
function countingStore() {
  const store = new InMemoryRiskProfileStore();
  const state = { lists: 0, lagging: 0 };
  const allVersions = store.allVersions.bind(store);
  store.allVersions = async () => {
    state.lists += 1;
    const all = await allVersions();
    if (state.lagging === 0) return all;
    state.lagging -= 1;
    return all.filter(
      (profile) =>
        profile.createdAt !==
        all
          .map((each) => each.createdAt)
          .sort()
          .at(-1),
    );
  };
  return { store, state };
}

const profileAt = (id: string, createdAt: string): RiskProfile => ({ ...(demoProfiles[0] as RiskProfile), id, version: 1, createdAt });
const ids = (profiles: RiskProfile[]) => profiles.map((profile) => profile.id);

/** One profile saved long ago, the kept list's count seen for SETTLE_MS already; the store's list reads counted from here. */
async function settledCache() {
  const clock = new ManualClock(new Date('2026-11-28T10:00:00.000Z'));
  const { store, state } = countingStore();
  await store.saveVersion(profileAt('RP-A', '2026-11-28T09:00:00.000Z'));
  const cached = new CachedRiskProfiles(store, clock);
  await cached.allVersions();
  clock.advance(SETTLE_MS);
  state.lists = 0;
  return { clock, store, state, cached };
}

describe('risk profiles kept behind the count of versions saved', () => {
  it('reuses the list while the count stays, and reads it again as soon as a version is saved', async () => {
    // Prepare: one profile saved long ago, its count settled
    const { clock, store, state, cached } = await settledCache();

    // Act
    const settled = [await cached.allVersions(), await cached.allVersions()];
    clock.advance(1_000);
    const unchanged = await cached.allVersions();
    await store.saveVersion(profileAt('RP-B', '2026-11-28T09:30:00.000Z'));
    const afterSave = await cached.allVersions();

    // Assess: one read for the three scorings of an unchanged count, one when it moved
    expect([...settled, unchanged].map(ids)).toEqual([['RP-A'], ['RP-A'], ['RP-A']]);
    expect(ids(afterSave)).toEqual(['RP-A', 'RP-B']);
    expect(state.lists).toBe(2);
  });

  it('reads again, a second apart, while the count settles, so a list the index left a version out of is soon replaced', async () => {
    // Prepare: a version saved; the first list read after it lacks it (the index behind)
    const clock = new ManualClock(new Date('2026-11-28T10:00:00.000Z'));
    const { store, state } = countingStore();
    await store.saveVersion(profileAt('RP-A', '2026-11-28T09:00:00.000Z'));
    await store.saveVersion(profileAt('RP-B', '2026-11-28T09:59:59.000Z'));
    state.lagging = 1;
    const cached = new CachedRiskProfiles(store, clock);

    // Act
    const first = await cached.allVersions();
    clock.advance(SHORT_KEEP_MS / 2);
    const reused = await cached.allVersions();
    clock.advance(SHORT_KEEP_MS);
    const readAgain = await cached.allVersions();

    // Assess
    expect([first, reused, readAgain].map(ids)).toEqual([['RP-A'], ['RP-A'], ['RP-A', 'RP-B']]);
    expect(state.lists).toBe(2);
  });

  it('keeps a list read after the count settled for a minute at most, whatever the count says', async () => {
    // Prepare: a list read after the count settled
    const { clock, state, cached } = await settledCache();
    await cached.allVersions();
    state.lists = 0;

    // Act
    clock.advance(MAX_KEEP_MS - 1);
    await cached.allVersions();
    clock.advance(1);
    await cached.allVersions();

    // Assess: kept until the minute was over, then read again
    expect(state.lists).toBe(1);
  });

  it('reuses a list for a second only while no save was ever counted (versions saved before the count began)', async () => {
    // Prepare
    const clock = new ManualClock(new Date('2026-11-28T10:00:00.000Z'));
    const { store, state } = countingStore();
    const cached = new CachedRiskProfiles(store, clock);

    // Act
    await cached.allVersions();
    await cached.allVersions();
    clock.advance(SHORT_KEEP_MS);
    await cached.allVersions();

    // Assess
    expect(await store.saved()).toBeUndefined();
    expect(state.lists).toBe(2);
  });

  it('lets the records of one SQS invocation share one look: one count read and one list read for five scorings', async () => {
    // Prepare: a version saved since the kept list was read, so the next look reads the list again
    const { store, state, cached } = await settledCache();
    await store.saveVersion(profileAt('RP-B', '2026-11-28T09:30:00.000Z'));
    let counts = 0;
    const saved = store.saved.bind(store);
    store.saved = async () => {
      counts += 1;
      return saved();
    };

    // Act: five records of one invocation at once, then one outside any invocation
    const shared = await withSharedReads(() => Promise.all(Array.from({ length: 5 }, () => cached.allVersions())));
    const [sharedCounts, sharedLists] = [counts, state.lists];
    await cached.allVersions();

    // Assess: the same list for all five; outside, a count read of its own
    expect(shared.map(ids)).toEqual(Array(5).fill(['RP-A', 'RP-B']));
    expect([sharedCounts, sharedLists]).toEqual([1, 1]);
    expect(counts).toBe(2);
  });
});
