/**
 * Risk scoring: one declaration in, a lane, a score and the reasons out. Pure: everything it
 * needs comes in as input (profiles, trader profile, value references, selection rates, secret),
 * so the same input always gives the same outcome and an audit can replay it.
 *
 * 1. Profiles in force at `at` (enabled, validFrom <= at < validTo) are matched; a lane profile
 *    sets at least its lane, a score profile adds its contribution.
 * 2. Valuation: the worst undervalued item adds its tier's points (valuation.ts).
 * 3. Trader: AEO / trusted status and compliance history add or subtract points (trader.ts).
 * 4. Thresholds: a score at or above a lane's threshold sets at least that lane.
 *    The lane so far is the *criteria lane*: the strongest of profile lanes and threshold lane.
 * 5. Random selection (selection.ts): the minimum random rate may draw any declaration, and the
 *    expected-rate top-up may draw a would-be-green one.
 * The strongest lane wins (RED > YELLOW > BLUE > GREEN); BLUE means release, then post-clearance audit.
 */
import * as z from 'zod';
import type { Declaration } from '#shared/domain/declaration.ts';
import { DeclarationFacts } from './declaration-facts.ts';
import { strongerLane } from './lane-rank.ts';
import { explainMatch, matchProfile } from './match-profile.ts';
import type { Lane, RiskOutcome, RiskReason } from './outcome.ts';
import type { RiskProfile } from './profile.ts';
import { type ActiveProfiles, type CompiledProfiles, compileProfiles, isCompiled } from './profile-set.ts';
import { type RecentSelectionRates, randomDraw, type SelectionConfig, selectRandomly } from './selection.ts';
import { defaultTraderWeights, type TraderProfile, type TraderWeights, traderAdjustment } from './trader.ts';
import { defaultValuationRule, describeValuation, ruleTiers, type ValuationContext } from './valuation.ts';

export { type CompiledProfiles, compileProfiles } from './profile-set.ts';

export const riskThresholdsSchema = z
  .strictObject({ BLUE: z.number(), YELLOW: z.number(), RED: z.number() })
  .refine((t) => t.BLUE <= t.YELLOW && t.YELLOW <= t.RED, { message: 'thresholds must rise from BLUE to YELLOW to RED' })
  .meta({ id: 'RiskThresholds', description: 'Score at or above which a declaration goes at least to the lane' });
export type RiskThresholds = z.infer<typeof riskThresholdsSchema>;

/** Default score thresholds: 30 BLUE, 50 YELLOW, 80 RED. */
export const defaultThresholds: RiskThresholds = { BLUE: 30, YELLOW: 50, RED: 80 };

export interface ScoreInput {
  /** The platform's declaration id (a ULID): the random draw is keyed on it. */
  declarationId: string;
  declaration: Declaration;
  /** ISO date-time of scoring: selects the profiles in force, and is recorded as `scoredAt`. */
  at: string;
  /** The current version of each profile (disabled and out-of-date ones are ignored), or their compiled form. */
  profiles: readonly RiskProfile[] | CompiledProfiles;
  /** Trader profile of `traderParty(declaration)`, if the platform has one. */
  trader: TraderProfile | undefined;
  valuation: ValuationContext;
  selection: SelectionConfig;
  /** The region's selectivity secret (HMAC key of the random draw). */
  secret: string;
  /** Counts at the office before top-up over a recent window (see selection.ts); without them the top-up uses fixed rates. */
  recent?: RecentSelectionRates;
  thresholds?: RiskThresholds;
  traderWeights?: TraderWeights;
}

/** Lane, score and reasons from criteria alone (no random selection). */
export interface CriteriaAssessment {
  score: number;
  criteriaLane: Lane;
  reasons: RiskReason[];
  /** Profiles that matched, with the first matching item. */
  matched: Array<{ id: string; version: number; item: number }>;
}

const MAX_VALUATION_REASONS = 5;

/** Steps 1 to 4: profiles, valuation, trader, thresholds. */
export function assessCriteria(
  active: ActiveProfiles,
  facts: DeclarationFacts,
  options: { thresholds?: RiskThresholds | undefined; traderWeights?: TraderWeights | undefined } = {},
): CriteriaAssessment {
  const reasons: RiskReason[] = [];
  const matched: CriteriaAssessment['matched'] = [];
  let score = 0;
  let lane: Lane = 'GREEN';

  // 1. Profiles.
  for (const compiled of active.candidates(facts)) {
    const item = matchProfile(compiled, facts);
    if (item < 0) continue;
    matched.push({ id: compiled.id, version: compiled.version, item });
    const reason: RiskReason = {
      kind: 'PROFILE',
      profileId: compiled.id,
      profileVersion: compiled.version,
      text: explainMatch(compiled, facts, item),
    };
    if (compiled.lane !== undefined) {
      reason.lane = compiled.lane;
      lane = strongerLane(lane, compiled.lane);
    } else {
      reason.scoreDelta = compiled.scoreDelta;
      score += compiled.scoreDelta;
    }
    reasons.push(reason);
  }

  // 2. Valuation: the worst item counts; every anomalous item is named (up to a few).
  if (facts.valuation !== undefined) {
    const tiers = ruleTiers(facts.valuation.rule ?? defaultValuationRule);
    const anomalies: Array<{ index: number; belowPercent: number; scoreDelta: number; text: string }> = [];
    for (let index = 0; index < facts.items.length; index += 1) {
      const valuation = facts.valuationOf(index);
      if (valuation.ratio === undefined) continue;
      let tier: (typeof tiers)[number] | undefined;
      for (const candidate of tiers) {
        if (valuation.ratio.lt(candidate.limit)) {
          tier = candidate;
          break;
        }
      }
      if (tier === undefined) continue;
      const item = facts.items[index]!.item;
      anomalies.push({
        index,
        belowPercent: tier.belowPercent,
        scoreDelta: tier.scoreDelta,
        text: `Valuation: item ${index + 1} ${describeValuation(item, valuation, facts.valuation.references.currency)}, under ${tier.belowPercent}%`,
      });
    }
    if (anomalies.length > 0) {
      const worst = anomalies.reduce((a, b) => (b.scoreDelta > a.scoreDelta ? b : a));
      score += worst.scoreDelta;
      for (const anomaly of anomalies.slice(0, MAX_VALUATION_REASONS)) {
        reasons.push(
          anomaly === worst
            ? { kind: 'VALUATION', scoreDelta: worst.scoreDelta, text: `${anomaly.text}: +${worst.scoreDelta}` }
            : { kind: 'VALUATION', text: `${anomaly.text} (the score counts the worst item only)` },
        );
      }
      if (anomalies.length > MAX_VALUATION_REASONS) {
        reasons.push({
          kind: 'VALUATION',
          text: `Valuation: ${anomalies.length - MAX_VALUATION_REASONS} more items below their reference`,
        });
      }
      // Keep the scored reason even if it is past the first few.
      if (anomalies.indexOf(worst) >= MAX_VALUATION_REASONS) {
        reasons.push({ kind: 'VALUATION', scoreDelta: worst.scoreDelta, text: `${worst.text}: +${worst.scoreDelta}` });
      }
    }
  }

  // 3. Trader.
  const trader = traderAdjustment(facts.trader, facts.traderRole, options.traderWeights ?? defaultTraderWeights);
  score += trader.scoreDelta;
  reasons.push(...trader.reasons);

  // 4. Thresholds.
  const thresholds = options.thresholds ?? defaultThresholds;
  const thresholdLane: Lane =
    score >= thresholds.RED ? 'RED' : score >= thresholds.YELLOW ? 'YELLOW' : score >= thresholds.BLUE ? 'BLUE' : 'GREEN';
  if (thresholdLane !== 'GREEN') {
    reasons.push({
      kind: 'THRESHOLD',
      lane: thresholdLane,
      text: `Score ${score} reaches the ${thresholdLane} threshold (${thresholds[thresholdLane]})`,
    });
    lane = strongerLane(lane, thresholdLane);
  }
  return { score, criteriaLane: lane, reasons, matched };
}

const compiledCache = new WeakMap<readonly RiskProfile[], CompiledProfiles>();

/** The compiled form of a profile list, compiled once per array (keep the same array to reuse it). */
export function compiledFor(profiles: readonly RiskProfile[] | CompiledProfiles): CompiledProfiles {
  if (isCompiled(profiles)) return profiles;
  let compiled = compiledCache.get(profiles);
  if (compiled === undefined) {
    compiled = compileProfiles(profiles);
    compiledCache.set(profiles, compiled);
  }
  return compiled;
}

/** Scores one declaration. Pure and deterministic; see the module comment for the steps. */
export function scoreDeclaration(input: ScoreInput): RiskOutcome {
  const atMs = Date.parse(input.at);
  if (Number.isNaN(atMs)) throw new Error(`scoreDeclaration: 'at' must be an ISO date-time, got '${input.at}'`);
  const active = compiledFor(input.profiles).activeAt(atMs);
  const facts = new DeclarationFacts(input.declaration, input.trader, input.valuation);
  const criteria = assessCriteria(active, facts, { thresholds: input.thresholds, traderWeights: input.traderWeights });

  const draw = randomDraw(input.secret, input.declarationId);
  const office = input.declaration.office;
  const random = selectRandomly({ draw, office, criteriaLane: criteria.criteriaLane, config: input.selection, recent: input.recent });

  let lane = criteria.criteriaLane;
  if (random.randomLane !== null) lane = strongerLane(lane, random.randomLane);
  if (random.topUpLane !== null) lane = strongerLane(lane, random.topUpLane);

  return {
    lane,
    score: criteria.score,
    reasons: random.reasons.length === 0 ? criteria.reasons : [...criteria.reasons, ...random.reasons],
    profileVersions: active.profileVersions,
    scoredAt: input.at,
    postClearanceAudit: lane === 'BLUE',
    selection: { office, draw, criteriaLane: criteria.criteriaLane, randomLane: random.randomLane, topUpLane: random.topUpLane },
  };
}
