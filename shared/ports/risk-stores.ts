/** What the risk stage keeps between declarations: profiles, trader profiles, selection statistics, the selection secret. */
import type { Lane } from '#shared/risk/outcome.ts';
import type { RiskProfile } from '#shared/risk/profile.ts';
import type { RecentSelectionRates } from '#shared/risk/selection.ts';
import type { TraderProfile } from '#shared/risk/trader.ts';

/** The count of risk profile versions saved, and the time of the last save. */
export interface ProfilesSaved {
  count: number;
  lastAt: string;
}

export interface RiskProfileStore {
  /** Stores a new version; false if that version of the profile exists already (a concurrent edit). */
  saveVersion(profile: RiskProfile): Promise<boolean>;
  /** Every version of one profile, oldest first. */
  versions(id: string): Promise<RiskProfile[]>;
  /** Every version of every profile (for scoring and listing). */
  allVersions(): Promise<RiskProfile[]>;
  /**
   * How many versions have been saved, and when the last one was; undefined before the first save
   * that counted (versions saved before the count began are listed all the same). A moment behind
   * (an eventually consistent read), like the list itself.
   */
  saved(): Promise<ProfilesSaved | undefined>;
  /** Adds to each profile's effectiveness counts (selections at scoring; inspections and hits when an officer records one). */
  countEffectiveness(profileIds: readonly string[], counts: Partial<ProfileEffectiveness>): Promise<void>;
  /** A profile's effectiveness so far (zeros when it never selected anything). */
  effectiveness(profileId: string): Promise<ProfileEffectiveness>;
}

/** How well a profile selects: declarations it selected, how many of those were inspected, how many inspections found a discrepancy. */
export interface ProfileEffectiveness {
  selections: number;
  inspections: number;
  hits: number;
}

export interface TraderProfileStore {
  /**
   * The profile with its declaration count summed over the shards. Strongly consistent unless
   * `read.consistent` is false (half the read units; a moment behind the last write at most).
   */
  get(partyId: string, read?: { consistent: boolean }): Promise<TraderProfile | undefined>;
  put(profile: TraderProfile): Promise<void>;
  /** Sets AEO / trusted status (and name) only, creating a plain profile on first use. */
  setStatus(partyId: string, status: { aeo: TraderProfile['aeo']; trusted: boolean; name?: string | undefined }): Promise<TraderProfile>;
  /** Counts an inspection an officer recorded, and whether it found a discrepancy (creates a plain profile on first sight). */
  recordInspection(partyId: string, discrepancy: boolean): Promise<void>;
  /** Counts a declaration lodged by the trader (creates a plain profile on first sight). */
  countDeclaration(partyId: string, at: string): Promise<void>;
}

export interface SecretSource {
  selectionSecret(): Promise<string>;
}

/** Per office and day, how many declarations were scored into each lane before top-up. */
export interface SelectionStatsStore {
  record(office: string, day: string, laneBeforeTopUp: Lane): Promise<void>;
  /** Sum over the given days (YYYY-MM-DD). */
  recent(office: string, days: readonly string[]): Promise<RecentSelectionRates>;
}
