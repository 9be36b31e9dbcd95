/**
 * Every risk profile version, kept per execution environment behind the count of versions saved
 * (pattern 111): the risk stage reads the count (one small item, 0.5 RRU) for each scoring and the
 * whole list (GSI5, every version of every profile: about 25 RRU, eventually consistent, with 200
 * profiles of two versions) only when the count moved or the kept list is old. Without it, every
 * scoring read the whole list from the one GSI5 partition: at 1,000 declarations a second, 200
 * profiles were some 25,000 RCU/s on one key, eight times DynamoDB's 3,000 a partition.
 *
 * GSI5 shows a version a moment after the transaction that saved and counted it, so a list read
 * just after the count moved may lack that version. Time is measured from when this environment
 * first saw the count (always after the save was written; never from the save's own timestamp,
 * which another clock set before the write): for SETTLE_MS from then, a list is kept for
 * SHORT_KEEP_MS only (a second's reuse, so a save does not send every scoring back to the hot
 * partition); after it, for MAX_KEEP_MS, which bounds how long any kept list can be behind.
 */
import type { Clock } from '#shared/ports/clock.ts';
import type { RiskProfileStore } from '#shared/ports/risk-stores.ts';
import type { RiskProfile } from '#shared/risk/profile.ts';
import { readShared } from '#shared/workers/invocation-reads.ts';

/** Well over the time an index takes to show a write (usually under a second), from when the count was first seen. */
export const SETTLE_MS = 10_000;
/** How long a list read while the count settles (or with no count at all) is reused. */
export const SHORT_KEEP_MS = 1_000;
/** The longest a list is kept, whatever the count says: one list read per environment a minute. */
export const MAX_KEEP_MS = 60_000;

export class CachedRiskProfiles implements RiskProfileStore {
  #kept: { count: number | undefined; profiles: RiskProfile[]; until: number } | undefined;
  #firstSeen: { count: number; at: number } | undefined;

  constructor(
    private readonly store: RiskProfileStore,
    private readonly clock: Clock,
  ) {}

  async allVersions(): Promise<RiskProfile[]> {
    // The records of one SQS invocation share one look (shared/workers/invocation-reads.ts): one
    // count read, and at most one list read when the count moved, where each would have read both.
    return readShared('riskProfileVersions', () => this.#allVersions());
  }

  async #allVersions(): Promise<RiskProfile[]> {
    const saved = await this.store.saved();
    const now = this.clock.now().getTime();
    if (saved && this.#firstSeen?.count !== saved.count) this.#firstSeen = { count: saved.count, at: now };
    if (this.#kept && this.#kept.count === saved?.count && now < this.#kept.until) return this.#kept.profiles;
    const profiles = await this.store.allVersions();
    const settled = saved !== undefined && this.#firstSeen !== undefined && now - this.#firstSeen.at >= SETTLE_MS;
    this.#kept = { count: saved?.count, profiles, until: now + (settled ? MAX_KEEP_MS : SHORT_KEEP_MS) };
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
