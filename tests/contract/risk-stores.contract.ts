/**
 * What the risk stores must do (profiles, trader profiles, selection statistics, the selection
 * secret): run against the in-memory fakes (fakes.test.ts) and the DynamoDB adapter and the local
 * Secrets Manager (adapters.test.ts). Every test uses ids, parties and offices of its own.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { demoProfiles, demoTraders } from '#demo/risk-seed.ts';
import type { RiskProfileStore, SecretSource, SelectionStatsStore, TraderProfileStore } from '#shared/ports/risk-stores.ts';
import type { RiskProfile } from '#shared/risk/profile.ts';
import { newParty } from '#tests/integration/support.ts';

export interface RiskStoresSubject {
  profiles: () => RiskProfileStore;
  traders: () => TraderProfileStore;
  selectionStats: () => SelectionStatsStore;
  secrets: () => SecretSource;
}

/** A version of a demo profile (real criteria) under an id of this run. */
const version = (id: string, number: number, change: Partial<RiskProfile> = {}): RiskProfile => ({
  ...(demoProfiles[0] as RiskProfile),
  id,
  version: number,
  createdAt: `2026-01-0${Math.min(number, 9)}T09:00:00.000Z`,
  ...change,
});

const office = () => `XX${randomUUID().slice(0, 8).toUpperCase()}`;

export function riskStoresContract(name: string, subject: RiskStoresSubject): void {
  describe(`Risk stores contract: ${name}`, () => {
    it('stores each profile version once and lists versions in order, by number not by text', async () => {
      // Prepare
      const profiles = subject.profiles();
      const run = `C${randomInt(1e9)}`;
      const [a, b] = [`${run}-A`, `${run}-B`];
      const saved = [version(a, 2), version(a, 10, { enabled: false }), version(b, 1), version(a, 1, { owner: undefined })];

      // Act
      const results = [];
      for (const profile of saved) results.push(await profiles.saveVersion(profile));
      const concurrentEdit = await profiles.saveVersion(version(a, 2, { name: 'A concurrent edit' }));
      const ofA = await profiles.versions(a);
      const all = (await profiles.allVersions()).filter((profile) => profile.id === a || profile.id === b);

      // Assess
      expect(results).toEqual([true, true, true, true]);
      expect(concurrentEdit).toBe(false);
      expect(ofA.map((profile) => [profile.version, profile.name, profile.enabled])).toEqual([
        [1, demoProfiles[0]?.name, true],
        [2, demoProfiles[0]?.name, true],
        [10, demoProfiles[0]?.name, false],
      ]);
      expect(ofA[1]).toEqual(version(a, 2));
      expect(ofA[0]).not.toHaveProperty('owner');
      expect(all.map((profile) => `${profile.id}@${profile.version}`)).toEqual([`${a}@1`, `${a}@2`, `${a}@10`, `${b}@1`]);
      expect(await profiles.versions(`C${randomInt(1e9)}-none`)).toEqual([]);
    });

    it('counts each version saved, not one refused, with the time of the last save (pattern 111)', async () => {
      // Prepare
      const profiles = subject.profiles();
      const id = `C${randomInt(1e9)}-COUNTED`;
      const before = await profiles.saved();

      // Act
      const results = [
        await profiles.saveVersion(version(id, 1)),
        await profiles.saveVersion(version(id, 2)),
        await profiles.saveVersion(version(id, 2, { name: 'A concurrent edit' })),
      ];
      const after = await profiles.saved();

      // Assess
      expect(results).toEqual([true, true, false]);
      expect((after?.count ?? 0) - (before?.count ?? 0)).toBe(2);
      expect(after?.lastAt).toBe(version(id, 2).createdAt);
    });

    it('reads back a trader profile as put, and a put replaces the whole profile', async () => {
      // Prepare
      const traders = subject.traders();
      const trader = { ...(demoTraders[0] as (typeof demoTraders)[number]), partyId: newParty() };
      const { name: _name, ...unnamed } = trader;

      // Act
      const before = await traders.get(trader.partyId);
      await traders.put(trader);
      const read = await traders.get(trader.partyId);
      await traders.put({ ...unnamed, declarationsCount: 7 });
      const replaced = await traders.get(trader.partyId);

      // Assess
      expect(before).toBeUndefined();
      expect(read).toEqual(trader);
      expect(replaced).toEqual({ ...unnamed, declarationsCount: 7 });
    });

    it('reads a trader profile eventually consistent when asked to, as stored once the write has settled', async () => {
      // Prepare
      const traders = subject.traders();
      const trader = { ...(demoTraders[0] as (typeof demoTraders)[number]), partyId: newParty() };
      await traders.put(trader);
      await traders.countDeclaration(trader.partyId, '2026-11-27T10:00:00.000Z');

      // Act
      const eventually = await traders.get(trader.partyId, { consistent: false });

      // Assess
      expect(eventually).toEqual(await traders.get(trader.partyId));
      expect(eventually?.declarationsCount).toBe(trader.declarationsCount + 1);
    });

    it('sets a status on a party never seen as a plain profile, and on a known one keeps its history', async () => {
      // Prepare
      const traders = subject.traders();
      const known = { ...(demoTraders[1] as (typeof demoTraders)[number]), partyId: newParty() };
      await traders.put(known);
      const unknown = newParty();

      // Act
      const created = await traders.setStatus(unknown, { aeo: 'AEOC', trusted: false });
      const changed = await traders.setStatus(known.partyId, { aeo: 'AEOF', trusted: true });
      const renamed = await traders.setStatus(known.partyId, { aeo: null, trusted: true, name: 'Acme Renamed Ltd' });

      // Assess
      expect(created).toEqual({
        partyId: unknown,
        aeo: 'AEOC',
        trusted: false,
        declarationsCount: 0,
        inspections: 0,
        discrepancies: 0,
        firstSeen: null,
        lastSeen: null,
      });
      expect(await traders.get(unknown)).toEqual(created);
      expect(changed).toEqual({ ...known, aeo: 'AEOF', trusted: true });
      expect(renamed).toEqual({ ...known, aeo: null, trusted: true, name: 'Acme Renamed Ltd' });
      expect(await traders.get(known.partyId)).toEqual(renamed);
    });

    it('counts declarations: a first one creates a plain profile, later ones keep first seen and the status', async () => {
      // Prepare
      const traders = subject.traders();
      const [fresh, withStatus] = [newParty(), newParty()];
      await traders.setStatus(withStatus, { aeo: 'AEOS', trusted: true, name: 'Status First Ltd' });

      // Act
      await traders.countDeclaration(fresh, '2026-11-20T10:00:00.000Z');
      const afterOne = await traders.get(fresh);
      await traders.countDeclaration(fresh, '2026-11-21T10:00:00.000Z');
      await traders.countDeclaration(fresh, '2026-11-21T18:00:00.000Z');
      const afterThree = await traders.get(fresh);
      await traders.countDeclaration(withStatus, '2026-11-22T10:00:00.000Z');
      const statusThenCount = await traders.get(withStatus);

      // Assess: first and last seen are the first and last time counted (the stage counts with its clock)
      expect(afterOne).toEqual({
        partyId: fresh,
        aeo: null,
        trusted: false,
        declarationsCount: 1,
        inspections: 0,
        discrepancies: 0,
        firstSeen: '2026-11-20T10:00:00.000Z',
        lastSeen: '2026-11-20T10:00:00.000Z',
      });
      expect(afterThree).toMatchObject({
        declarationsCount: 3,
        firstSeen: '2026-11-20T10:00:00.000Z',
        lastSeen: '2026-11-21T18:00:00.000Z',
      });
      expect(statusThenCount).toEqual({
        partyId: withStatus,
        name: 'Status First Ltd',
        aeo: 'AEOS',
        trusted: true,
        declarationsCount: 1,
        inspections: 0,
        discrepancies: 0,
        firstSeen: '2026-11-22T10:00:00.000Z',
        lastSeen: '2026-11-22T10:00:00.000Z',
      });
    });

    it("counts a profile's selections, inspections and hits, each profile once per call", async () => {
      // Prepare
      const profiles = subject.profiles();
      const [first, second] = [`C${randomInt(1e9)}`, `C${randomInt(1e9)}`];

      // Act
      const never = await profiles.effectiveness(first);
      await profiles.countEffectiveness([first, second, first], { selections: 1 });
      await profiles.countEffectiveness([first], { inspections: 1, hits: 1 });
      await profiles.countEffectiveness([second], { inspections: 1, hits: 0 });
      await profiles.countEffectiveness([second], {});

      // Assess
      expect(never).toEqual({ selections: 0, inspections: 0, hits: 0 });
      expect(await profiles.effectiveness(first)).toEqual({ selections: 1, inspections: 1, hits: 1 });
      expect(await profiles.effectiveness(second)).toEqual({ selections: 1, inspections: 1, hits: 0 });
      // Counts live apart from the versions.
      expect(await profiles.versions(first)).toEqual([]);
    });

    it('sums counts added many times at once (the adapter spreads them over shards)', async () => {
      // Prepare
      const profiles = subject.profiles();
      const traders = subject.traders();
      const profile = `C${randomInt(1e9)}`;
      const party = newParty();
      const times = Array.from({ length: 24 }, (_, index) => `2026-11-27T10:${String(index).padStart(2, '0')}:00.000Z`);

      // Act
      await Promise.all(times.map(() => profiles.countEffectiveness([profile], { selections: 1 })));
      await Promise.all(times.map((at) => traders.countDeclaration(party, at)));
      await profiles.countEffectiveness([profile], { inspections: 2, hits: 1 });

      // Assess
      expect(await profiles.effectiveness(profile)).toEqual({ selections: 24, inspections: 2, hits: 1 });
      expect(await traders.get(party)).toMatchObject({ declarationsCount: 24, aeo: null, trusted: false });
    });

    it("records inspections in a trader's compliance history, creating a plain profile on first sight", async () => {
      // Prepare
      const traders = subject.traders();
      const [fresh, counted] = [newParty(), newParty()];
      await traders.countDeclaration(counted, '2026-11-27T10:00:00.000Z');

      // Act
      await traders.recordInspection(fresh, true);
      await traders.recordInspection(counted, false);
      await traders.recordInspection(counted, true);

      // Assess
      expect(await traders.get(fresh)).toMatchObject({
        partyId: fresh,
        aeo: null,
        trusted: false,
        declarationsCount: 0,
        inspections: 1,
        discrepancies: 1,
      });
      expect(await traders.get(counted)).toMatchObject({
        declarationsCount: 1,
        inspections: 2,
        discrepancies: 1,
        firstSeen: '2026-11-27T10:00:00.000Z',
      });
    });

    it('sums the selection figures of one office over the days asked for', async () => {
      // Prepare
      const stats = subject.selectionStats();
      const [here, elsewhere] = [office(), office()];
      const recorded: [string, string, 'GREEN' | 'BLUE' | 'YELLOW' | 'RED'][] = [
        [here, '2026-11-18', 'RED'],
        [here, '2026-11-19', 'GREEN'],
        [here, '2026-11-20', 'GREEN'],
        [here, '2026-11-20', 'YELLOW'],
        [here, '2026-11-21', 'BLUE'],
        [here, '2026-11-22', 'GREEN'],
        [elsewhere, '2026-11-20', 'RED'],
      ];

      // Act
      await Promise.all(recorded.map(([at, day, lane]) => stats.record(at, day, lane)));
      const week = await stats.recent(here, ['2026-11-21', '2026-11-20', '2026-11-19']);
      const quiet = await stats.recent(here, ['2026-11-23', '2026-11-24']);
      const none = await stats.recent(here, []);

      // Assess
      expect(week).toEqual({ declarations: 4, lanes: { GREEN: 2, BLUE: 1, YELLOW: 1, RED: 0 } });
      expect(quiet).toEqual({ declarations: 0, lanes: { GREEN: 0, BLUE: 0, YELLOW: 0, RED: 0 } });
      expect(none).toEqual(quiet);
    });

    it('gives the same selection secret every time, long enough to key the draw', async () => {
      // Act
      const secrets = subject.secrets();
      const [first, second] = [await secrets.selectionSecret(), await secrets.selectionSecret()];

      // Assess
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(second).toBe(first);
    });
  });
}
