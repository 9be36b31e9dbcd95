/**
 * Every risk profile version, kept per execution environment behind the count of versions saved
 * (pattern 111): the risk stage reads the count (one small item, 0.5 RRU) for each scoring and the
 * whole list (GSI5, every version of every profile: about 25 RRU, eventually consistent, with 200 profiles of two versions)
 * only when the count moved. Without it, every scoring read the whole list from the one GSI5
 * partition: at 1,000 declarations a second, 200 profiles were some 25,000 RCU/s on one key, eight
 * times DynamoDB's 3,000 a partition.
 *
 * GSI5 shows a version a moment after the transaction that saved it and counted it: a list read
 * within SETTLE_MS of the last save may lack that version, so it is used but not kept, and the next
 * scoring reads the list again. Versions saved before the count began are in the list; until a
 * first counted save the list is read every time, as before.
 */
import type { Clock } from '#shared/ports/clock.ts';
import type { RiskProfileStore } from '#shared/ports/risk-stores.ts';
import type { RiskProfile } from '#shared/risk/profile.ts';

/** Well over the time an index takes to show a write (usually under a second). */
export const SETTLE_MS = 10_000;

export class CachedRiskProfiles implements RiskProfileStore {
  #kept: { count: number; profiles: RiskProfile[] } | undefined;

  constructor(
    private readonly store: RiskProfileStore,
    private readonly clock: Clock,
  ) {}

  async allVersions(): Promise<RiskProfile[]> {
    const saved = await this.store.saved();
    if (saved && this.#kept?.count === saved.count) return this.#kept.profiles;
    const profiles = await this.store.allVersions();
    const settled = saved !== undefined && this.clock.now().getTime() - Date.parse(saved.lastAt) > SETTLE_MS;
    this.#kept = settled ? { count: saved.count, profiles } : undefined;
    return profiles;
  }

  saveVersion(profile: RiskProfile): Promise<boolean> {
    return this.store.saveVersion(profile);
  }

  versions(id: string): Promise<RiskProfile[]> {
    return this.store.versions(id);
  }

  saved() {
    return this.store.saved();
  }

  countEffectiveness(...args: Parameters<RiskProfileStore['countEffectiveness']>): Promise<void> {
    return this.store.countEffectiveness(...args);
  }

  effectiveness(profileId: string) {
    return this.store.effectiveness(profileId);
  }
}
