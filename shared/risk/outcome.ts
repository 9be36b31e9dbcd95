/**
 * The result of risk scoring: lane, score and the reasons an officer reads.
 */
import * as z from 'zod';

/** RED physical inspection, YELLOW documentary check, BLUE release then post-clearance audit, GREEN release. */
export const lanes = ['GREEN', 'BLUE', 'YELLOW', 'RED'] as const;
export const laneSchema = z.enum(lanes);
export type Lane = z.infer<typeof laneSchema>;

export const riskReasonSchema = z
  .object({
    /** PROFILE, TRADER, VALUATION, RANDOM, THRESHOLD; CARGO: the carrier's arrival report differs (added at release). */
    kind: z.enum(['PROFILE', 'TRADER', 'VALUATION', 'RANDOM', 'THRESHOLD', 'CARGO']),
    profileId: z.string().optional(),
    profileVersion: z.number().int().optional(),
    lane: laneSchema.optional(),
    scoreDelta: z.number().optional(),
    /** What matched and the figures, in plain language. */
    text: z.string(),
  })
  .meta({ id: 'RiskReason' });
export type RiskReason = z.infer<typeof riskReasonSchema>;

export const riskOutcomeSchema = z
  .object({
    lane: laneSchema,
    score: z.number(),
    reasons: z.array(riskReasonSchema),
    /** Profile ids and versions in force when scored, so an audit can reproduce it. */
    profileVersions: z.record(z.string(), z.number().int()),
    scoredAt: z.string(),
    postClearanceAudit: z.boolean(),
    /**
     * How the lane came about, for audit and for the worker's recent-rate counts (added by the
     * risk domain; optional so outcomes stored before it still parse).
     */
    selection: z
      .object({
        office: z.string(),
        /** The HMAC draw in [0, 1), reproducible from the region secret and the declaration id. */
        draw: z.number(),
        /** Lane from profiles, valuation, trader and score thresholds, before random selection. */
        criteriaLane: laneSchema,
        /** Lane drawn by the office's minimum random rate, if any. */
        randomLane: laneSchema.nullable(),
        /** Lane a would-be-green declaration was topped up to by the expected rate, if any. */
        topUpLane: laneSchema.nullable(),
        /** The office's recent counts (lanes before top-up) the top-up used, so an audit can reproduce it. */
        recent: z
          .object({
            declarations: z.number().int().nonnegative(),
            lanes: z.object({ GREEN: z.number().int(), BLUE: z.number().int(), YELLOW: z.number().int(), RED: z.number().int() }),
          })
          .optional(),
      })
      .optional(),
  })
  .meta({ id: 'RiskOutcome' });
export type RiskOutcome = z.infer<typeof riskOutcomeSchema>;
