/**
 * Random selection, after ASYCUDA's selectivity module.
 *
 * Our reading of ASYCUDA's selectivity (from its general description, not its source or
 * manuals): targeted criteria send declarations to lanes; besides them, each office sets a
 * random percentage per lane so that some declarations no criterion selects are still checked
 * (deterrence, and an unbiased sample to measure how well the criteria work). We apply that
 * random selection to every declaration and let the strongest lane win: the *minimum random
 * rate*. Administrations also plan an overall control rate per lane (Korea inspects about 3 %
 * physically); when the criteria select fewer than planned, the *expected rate* tops the lane up
 * with declarations that would otherwise go GREEN.
 *
 * One draw per declaration, u = HMAC-SHA256(region secret, declaration id) read as a number in
 * [0, 1) (first 52 bits). The declaration id is assigned by the platform, and without the secret
 * nobody can tell which ids will be drawn; with it, an audit recomputes every draw:
 * `printf %s "$ID" | openssl dgst -sha256 -hmac "$SECRET"`, first 13 hex digits / 2^52.
 *
 * 1. Minimum random: [0, 1) is cut into segments of the minimum rates,
 *    [0, mR) RED, [mR, mR + mY) YELLOW, [mR + mY, m) BLUE with m = mR + mY + mB.
 *    A declaration whose draw falls in a segment is randomly selected for that lane, whatever
 *    the criteria say (the strongest lane wins, so a RED profile keeps it RED).
 * 2. Top-up: a declaration that would be GREEN (criteria GREEN and u >= m) is topped up to lane
 *    L when v = (u - m) / (1 - m) falls in L's top-up segment of length t_L, laid out in the
 *    order RED, YELLOW, BLUE. Given u >= m, v is uniform on [0, 1), so a would-be-green
 *    declaration is topped up to L with probability t_L, with
 *        t_L = max(0, e_L - o_L) / g
 *    where e_L is the expected rate, o_L the share of recent declarations at the office in lane
 *    L before top-up, and g the share that were GREEN before top-up. Overall, L then receives
 *    o_L + g * t_L = e_L. o_L and g come in as input (`RecentSelectionRates`, counted by the
 *    worker from recent outcomes with `laneBeforeTopUp`), so scoring stays pure: no global state,
 *    the same inputs always give the same lane. Without enough recent figures the rule assumes
 *    the criteria select nothing (o_L = mL, g = 1 - m), i.e. a fixed second threshold on the
 *    draw; then the lane rate is exactly e_L when criteria select nothing and at most e_L plus
 *    the criteria's own rate otherwise. If the t_L add up to more than 1 they are scaled down.
 */
import * as z from 'zod';
import { keyedHmacSha256 } from './hmac.ts';
import type { Lane, RiskOutcome, RiskReason } from './outcome.ts';

export const selectableLanes = ['RED', 'YELLOW', 'BLUE'] as const;
export type SelectableLane = (typeof selectableLanes)[number];

const rate = z.number().min(0, 'must be at least 0').max(1, 'must be at most 1');
const laneRates = z.strictObject({ RED: rate, YELLOW: rate, BLUE: rate });
export type LaneRates = z.infer<typeof laneRates>;
const sum = (r: LaneRates): number => r.RED + r.YELLOW + r.BLUE;

export const officeSelectionSchema = z
  .strictObject({
    /** Share of all declarations drawn at random for each lane (0.01 = 1 %). */
    minimumRandom: laneRates,
    /** Planned overall share per lane; would-be-green declarations top it up when criteria select too few. */
    expected: laneRates,
  })
  .refine((o) => sum(o.minimumRandom) <= 1, { message: 'minimum random rates must add up to at most 1', path: ['minimumRandom'] })
  .refine((o) => sum(o.expected) <= 1, { message: 'expected rates must add up to at most 1', path: ['expected'] })
  .meta({ id: 'OfficeSelection' });
export type OfficeSelection = z.infer<typeof officeSelectionSchema>;

export const selectionConfigSchema = z
  .strictObject({
    /** For offices without their own entry. */
    default: officeSelectionSchema,
    offices: z.record(z.string().regex(/^[A-Z]{2}[A-Z0-9]{3,6}$/), officeSelectionSchema),
    /** Recent declarations needed before the top-up uses observed rates; default 100. */
    minRecentDeclarations: z.number().int().min(1).optional(),
  })
  .meta({ id: 'SelectionConfig', description: 'Random selection rates per customs office' });
export type SelectionConfig = z.infer<typeof selectionConfigSchema>;

/** Counts at one office over a recent window, by lane BEFORE top-up (see `laneBeforeTopUp`). */
export const recentSelectionRatesSchema = z
  .object({
    declarations: z.number().int().nonnegative(),
    lanes: z.object({
      GREEN: z.number().int().nonnegative(),
      BLUE: z.number().int().nonnegative(),
      YELLOW: z.number().int().nonnegative(),
      RED: z.number().int().nonnegative(),
    }),
  })
  .meta({ id: 'RecentSelectionRates' });
export type RecentSelectionRates = z.infer<typeof recentSelectionRatesSchema>;

export const DEFAULT_MIN_RECENT_DECLARATIONS = 100;

export const officeSelection = (config: SelectionConfig, office: string): OfficeSelection => config.offices[office] ?? config.default;

// ---- the draw ------------------------------------------------------------------------------------

const keys = new Map<string, (message: string) => Buffer>();
const hmacFor = (secret: string) => {
  let hmac = keys.get(secret);
  if (hmac === undefined) {
    if (keys.size > 16) keys.clear();
    hmac = keyedHmacSha256(secret);
    keys.set(secret, hmac);
  }
  return hmac;
};

/**
 * The random draw of a declaration: HMAC-SHA256 keyed with the region secret (UTF-8) over the
 * declaration id (UTF-8), first 52 bits big-endian, divided by 2^52. In [0, 1), deterministic, so
 * an auditor can recompute it with any HMAC implementation.
 */
export function randomDraw(secret: string, declarationId: string): number {
  if (secret.length === 0) throw new Error('randomDraw: the selection secret must not be empty');
  const digest = hmacFor(secret)(declarationId);
  // 32 bits of the first word, then the top 20 bits of the second: 52 bits, exact in a double.
  return (digest.readUInt32BE(0) * 2 ** 20 + (digest.readUInt32BE(4) >>> 12)) / 2 ** 52;
}

// ---- selection -----------------------------------------------------------------------------------

/** Conditional top-up probabilities t_L for would-be-green declarations (see the module comment). */
export function topUpProbabilities(
  office: OfficeSelection,
  recent: RecentSelectionRates | undefined,
  minRecent = DEFAULT_MIN_RECENT_DECLARATIONS,
): LaneRates {
  const m = sum(office.minimumRandom);
  const useRecent = recent !== undefined && recent.declarations >= minRecent && recent.declarations > 0;
  const observed = (lane: SelectableLane): number => (useRecent ? recent.lanes[lane] / recent.declarations : office.minimumRandom[lane]);
  const green = useRecent ? recent.lanes.GREEN / recent.declarations : 1 - m;
  const t: LaneRates = { RED: 0, YELLOW: 0, BLUE: 0 };
  if (green <= 0) return t;
  for (const lane of selectableLanes) t[lane] = Math.max(0, office.expected[lane] - observed(lane)) / green;
  const total = sum(t);
  if (total > 1) for (const lane of selectableLanes) t[lane] /= total;
  return t;
}

export interface SelectionResult {
  /** Lane the minimum random rate drew, if any. */
  randomLane: SelectableLane | null;
  /** Lane the expected-rate top-up drew, if any (only for would-be-green declarations). */
  topUpLane: SelectableLane | null;
  reasons: RiskReason[];
}

const pct = (r: number): string => `${(r * 100).toFixed(2)}%`;
const drawText = (u: number): string => u.toFixed(6);

/**
 * Random selection for one declaration, given its draw and the lane its criteria (profiles,
 * valuation, trader, thresholds) gave it.
 */
export function selectRandomly(input: {
  draw: number;
  office: string;
  criteriaLane: Lane;
  config: SelectionConfig;
  recent?: RecentSelectionRates | undefined;
}): SelectionResult {
  const { draw: u, office, criteriaLane, config, recent } = input;
  const rates = officeSelection(config, office);
  const minimum = rates.minimumRandom;
  let edge = 0;
  for (const lane of selectableLanes) {
    const start = edge;
    edge += minimum[lane];
    if (u < edge) {
      return {
        randomLane: lane,
        topUpLane: null,
        reasons: [
          {
            kind: 'RANDOM',
            lane,
            text: `Random selection for ${lane} at ${office}: minimum random rate ${pct(minimum[lane])} (draw ${drawText(u)} in [${start.toFixed(4)}, ${edge.toFixed(4)}))`,
          },
        ],
      };
    }
  }
  if (criteriaLane !== 'GREEN' || edge >= 1) return { randomLane: null, topUpLane: null, reasons: [] };

  const minRecent = config.minRecentDeclarations ?? DEFAULT_MIN_RECENT_DECLARATIONS;
  const t = topUpProbabilities(rates, recent, minRecent);
  const v = (u - edge) / (1 - edge);
  const useRecent = recent !== undefined && recent.declarations >= minRecent;
  let cumulative = 0;
  for (const lane of selectableLanes) {
    cumulative += t[lane];
    if (t[lane] > 0 && v < cumulative) {
      const basis = useRecent
        ? `criteria and minimum random selected ${pct(recent.lanes[lane] / recent.declarations)} of the last ${recent.declarations} declarations for ${lane}, expected ${pct(rates.expected[lane])}`
        : `expected rate ${pct(rates.expected[lane])} for ${lane}, minimum random ${pct(minimum[lane])}`;
      return {
        randomLane: null,
        topUpLane: lane,
        reasons: [
          {
            kind: 'RANDOM',
            lane,
            text: `Random top-up to ${lane} at ${office}: ${basis}; this would-be-green declaration was drawn (top-up probability ${pct(t[lane])}, draw ${drawText(u)})`,
          },
        ],
      };
    }
  }
  return { randomLane: null, topUpLane: null, reasons: [] };
}

/** The lane an outcome had before any top-up: what the worker counts into `RecentSelectionRates`. */
export function laneBeforeTopUp(outcome: Pick<RiskOutcome, 'lane' | 'selection'>): Lane {
  return outcome.selection?.topUpLane ? 'GREEN' : outcome.lane;
}

/** Tallies recent outcomes (one office, a recent window) into the top-up input. */
export function tallyRecent(outcomes: Iterable<Pick<RiskOutcome, 'lane' | 'selection'>>): RecentSelectionRates {
  const tally: RecentSelectionRates = { declarations: 0, lanes: { GREEN: 0, BLUE: 0, YELLOW: 0, RED: 0 } };
  for (const outcome of outcomes) {
    tally.declarations += 1;
    tally.lanes[laneBeforeTopUp(outcome)] += 1;
  }
  return tally;
}
