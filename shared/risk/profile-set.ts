/**
 * A compiled profile set: the latest version of each enabled profile compiled once, in
 * evaluation order, with the set in force at an instant (and its profile index) cached per
 * validity window. Build one per set of profile versions and reuse it for every declaration.
 */
import type { DeclarationFacts } from './declaration-facts.ts';
import { laneRank } from './lane-rank.ts';
import { type CompiledProfile, compileProfile } from './match-profile.ts';
import type { RiskProfile } from './profile.ts';
import { indexProfiles } from './profile-index.ts';

export interface ActiveProfiles {
  readonly profiles: readonly CompiledProfile[];
  /** id -> version of every profile in force (frozen, shared between outcomes of the same window). */
  readonly profileVersions: Readonly<Record<string, number>>;
  /** The profiles that can match this declaration (a superset of those that do), in evaluation order. */
  candidates(facts: DeclarationFacts): readonly CompiledProfile[];
}

/** A compiled profile set: build once per set of profile versions, reuse for every declaration. */
export interface CompiledProfiles {
  readonly kind: 'CompiledProfiles';
  readonly all: readonly CompiledProfile[];
  /** The profiles in force at an instant (epoch ms); cached per validity window. */
  activeAt(ms: number): ActiveProfiles;
}

export interface CompileOptions {
  /** Treat every profile as valid whatever its dates (dry runs). */
  ignoreValidity?: boolean;
  /** Keep disabled profiles (dry runs of a profile before enabling it). */
  includeDisabled?: boolean;
}

/**
 * Compiles a set of profile versions. Disabled profiles are dropped; when several versions of
 * one profile are given, only the highest is kept. Profiles are evaluated (and their reasons
 * listed) lanes first, strongest first, then score contributions, largest first, then by id.
 */
export function compileProfiles(profiles: readonly RiskProfile[], options: CompileOptions = {}): CompiledProfiles {
  const latest = new Map<string, RiskProfile>();
  for (const profile of profiles) {
    if (!profile.enabled && !options.includeDisabled) continue;
    const seen = latest.get(profile.id);
    if (seen === undefined || profile.version > seen.version) latest.set(profile.id, profile);
  }
  const all = [...latest.values()].map(compileProfile).sort((a, b) => {
    const rank = (c: CompiledProfile) => (c.lane === undefined ? 0 : laneRank[c.lane]);
    return rank(b) - rank(a) || b.scoreDelta - a.scoreDelta || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });

  const makeActive = (list: readonly CompiledProfile[]): ActiveProfiles => {
    const versions: Record<string, number> = {};
    for (const c of list) versions[c.id] = c.version;
    return { profiles: list, profileVersions: Object.freeze(versions), candidates: indexProfiles(list) };
  };
  if (options.ignoreValidity) {
    const everything = makeActive(all);
    return { kind: 'CompiledProfiles', all, activeAt: () => everything };
  }

  // The set in force only changes at validity bounds: cache one active set per window.
  const bounds = [...new Set(all.flatMap((c) => [c.from, c.to]).filter((ms) => Number.isFinite(ms)))].sort((a, b) => a - b);
  const windows = new Map<number, ActiveProfiles>();
  return {
    kind: 'CompiledProfiles',
    all,
    activeAt(ms) {
      if (Number.isNaN(ms)) throw new Error('activeAt: not a valid instant');
      let low = 0;
      let high = bounds.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (bounds[mid]! <= ms) low = mid + 1;
        else high = mid;
      }
      let active = windows.get(low);
      if (active === undefined) {
        active = makeActive(all.filter((c) => c.from <= ms && ms < c.to));
        windows.set(low, active);
      }
      return active;
    },
  };
}

export const isCompiled = (value: readonly RiskProfile[] | CompiledProfiles): value is CompiledProfiles =>
  !Array.isArray(value) && (value as CompiledProfiles).kind === 'CompiledProfiles';
