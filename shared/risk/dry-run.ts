/**
 * Dry run: "how many of these recent declarations would this profile have selected?" before
 * saving or enabling it. The profile is evaluated as if enabled and in force (its dates and
 * `enabled` flag are ignored); random selection is left out, since it does not depend on
 * criteria. Pure: the caller loads the recent declarations (and their traders) and passes them.
 */
import type { Declaration } from '#shared/domain/declaration.ts';
import { DeclarationFacts } from './declaration-facts.ts';
import type { DryRunResult } from './dry-run-result.ts';
import { matchProfile } from './match-profile.ts';
import { lanes as allLanes, type Lane } from './outcome.ts';
import type { RiskProfile, RiskProfileInput } from './profile.ts';
import { compileProfiles } from './profile-set.ts';
import { assessCriteria, type RiskThresholds } from './score.ts';
import type { TraderProfile, TraderWeights } from './trader.ts';
import type { ValuationContext } from './valuation.ts';

export interface DryRunSample {
  /** Declaration id. */
  id: string;
  declaration: Declaration;
  /** Trader profile of `traderParty(declaration)`, for trader criteria and weights. */
  trader?: TraderProfile | undefined;
}

export interface DryRunOptions {
  /**
   * The profiles in force (current versions); the lanes then show the whole effect, and `changed`
   * compares with them (for an edit, with the version in force). Default: none.
   */
  profiles?: readonly RiskProfile[];
  /** Without it, value criteria never match and the valuation rule does not apply. */
  valuation?: ValuationContext;
  thresholds?: RiskThresholds;
  traderWeights?: TraderWeights;
  /** Most ids listed in `matchedIds`; default 1000. */
  maxIds?: number;
}

export { type DryRunResult, dryRunResultSchema } from './dry-run-result.ts';

export const DRY_RUN_PROFILE_ID = 'DRY-RUN';

const emptyLanes = (): Record<Lane, number> => Object.fromEntries(allLanes.map((lane) => [lane, 0])) as Record<Lane, number>;

/** Evaluates a profile (stored version, or an unsaved input) against declarations. */
export function dryRun(
  profile: RiskProfile | RiskProfileInput,
  declarations: Iterable<DryRunSample>,
  options: DryRunOptions = {},
): DryRunResult {
  const candidate: RiskProfile =
    'id' in profile && 'version' in profile
      ? { ...profile, enabled: true }
      : { ...profile, enabled: true, id: DRY_RUN_PROFILE_ID, version: 0, createdAt: '1970-01-01T00:00:00Z', createdBy: 'dry-run' };
  const inForce = (options.profiles ?? []).filter((p) => p.enabled);
  const others = inForce.filter((p) => p.id !== candidate.id);
  // Baseline: the profiles in force as given (for an edit, with the current version of this profile).
  const baseline = compileProfiles(inForce, { ignoreValidity: true }).activeAt(0);
  const withProfile = compileProfiles([...others, candidate], { ignoreValidity: true }).activeAt(0);
  const compiled = withProfile.profiles.find((c) => c.id === candidate.id)!;
  const maxIds = options.maxIds ?? 1000;
  const assessOptions = { thresholds: options.thresholds, traderWeights: options.traderWeights };

  const result: DryRunResult = { evaluated: 0, matched: 0, matchedIds: [], matchedIdsTruncated: false, lanes: emptyLanes(), changed: 0 };
  for (const sample of declarations) {
    result.evaluated += 1;
    const facts = new DeclarationFacts(sample.declaration, sample.trader, options.valuation);
    const lane = assessCriteria(withProfile, facts, assessOptions).criteriaLane;
    result.lanes[lane] += 1;
    if (assessCriteria(baseline, facts, assessOptions).criteriaLane !== lane) result.changed += 1;
    if (matchProfile(compiled, facts) < 0) continue;
    result.matched += 1;
    if (result.matchedIds.length < maxIds) result.matchedIds.push(sample.id);
    else result.matchedIdsTruncated = true;
  }
  return result;
}
