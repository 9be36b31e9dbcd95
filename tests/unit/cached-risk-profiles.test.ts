/**
 * The risk stage's profile versions kept per execution environment (shared/adapters/cached-risk-profiles.ts):
 * the list is read again only when the count of versions saved moved, and a list read while the index
 * may still lack the last save is used but not kept. On the in-memory store, whose contract the
 * DynamoDB adapter shares (tests/contract/risk-stores.contract.ts).
 */
import { describe, expect, it } from 'vitest';
import { demoProfiles } from '#demo/risk-seed.ts';
import { CachedRiskProfiles, SETTLE_MS } from '#shared/adapters/cached-risk-profiles.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemoryRiskProfileStore } from '#shared/ports/fakes/risk-stores.ts';
import type { RiskProfile } from '#shared/risk/profile.ts';

/** The store, counting how often the whole list is read. */
function countingStore() {
  const store = new InMemoryRiskProfileStore();
  let lists = 0;
  const allVersions = store.allVersions.bind(store);
  store.allVersions = async () => {
    lists += 1;
    return allVersions();
  };
  return { store, lists: () => lists };
}

const profileAt = (id: string, createdAt: string): RiskProfile => ({ ...(demoProfiles[0] as RiskProfile), id, version: 1, createdAt });

describe('risk profiles kept behind the count of versions saved', () => {
  it('reads the list once while the count stays, and again when a version is saved', async () => {
    // Prepare: one profile saved well before now
    const clock = new ManualClock(new Date('2026-11-28T10:00:00.000Z'));
    const { store, lists } = countingStore();
    await store.saveVersion(profileAt('RP-A', '2026-11-28T09:00:00.000Z'));
    const cached = new CachedRiskProfiles(store, clock);

    // Act
    const first = await cached.allVersions();
    const second = await cached.allVersions();
    await store.saveVersion(profileAt('RP-B', '2026-11-28T09:30:00.000Z'));
    const third = await cached.allVersions();
    const fourth = await cached.allVersions();

    // Assess
    expect([first, second].map((list) => list.map((profile) => profile.id))).toEqual([['RP-A'], ['RP-A']]);
    expect([third, fourth].map((list) => list.map((profile) => profile.id))).toEqual([
      ['RP-A', 'RP-B'],
      ['RP-A', 'RP-B'],
    ]);
    expect(lists()).toBe(2);
  });

  it('does not keep a list read within the settling time of the last save (the index may lack it), and keeps it after', async () => {
    // Prepare: a version saved just now
    const clock = new ManualClock(new Date('2026-11-28T10:00:00.000Z'));
    const { store, lists } = countingStore();
    await store.saveVersion(profileAt('RP-A', clock.now().toISOString()));
    const cached = new CachedRiskProfiles(store, clock);

    // Act
    await cached.allVersions();
    await cached.allVersions();
    clock.advance(SETTLE_MS + 1);
    await cached.allVersions();
    await cached.allVersions();

    // Assess: read twice while settling, once after
    expect(lists()).toBe(3);
  });

  it('reads the list every time while no save was ever counted (versions saved before the count began)', async () => {
    // Prepare
    const clock = new ManualClock(new Date('2026-11-28T10:00:00.000Z'));
    const { store, lists } = countingStore();
    const cached = new CachedRiskProfiles(store, clock);

    // Act
    await cached.allVersions();
    await cached.allVersions();

    // Assess
    expect(await store.saved()).toBeUndefined();
    expect(lists()).toBe(2);
  });
});
