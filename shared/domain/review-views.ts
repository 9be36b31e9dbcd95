/**
 * What officers see of the review queue: each entry with its lane, place in the queue, score,
 * who holds it and until when, and the latest decision; a page of the merged queues with counts.
 */
import * as z from 'zod';
import { type Lane, laneSchema } from '#shared/risk/outcome.ts';
import { type DeclarationState, declarationSummarySchema, toSummary } from './declaration-record.ts';
import { officerDecisionSchema, reviewClaimSchema } from './review.ts';

export const reviewLanes = ['RED', 'YELLOW'] as const;
export type ReviewLane = (typeof reviewLanes)[number];

/**
 * The officers' queue a declaration of this risk lane waits in: its own for RED and YELLOW; GREEN
 * and BLUE ones (reviewed because their duties could not be calculated) wait in YELLOW, and one
 * with no lane in RED.
 */
export const reviewLaneOf = (lane: Lane | undefined): ReviewLane => (lane === 'GREEN' || lane === 'BLUE' ? 'YELLOW' : (lane ?? 'RED'));
export const queueLanes = [...reviewLanes, 'FAILED'] as const;

export const reviewEntrySchema = declarationSummarySchema
  .extend({
    lane: laneSchema.nullable(),
    queuedAt: z.string().nullable(),
    score: z.number().nullable(),
    claim: reviewClaimSchema.nullable().meta({ description: 'The officer working on it and until when; null when nobody is' }),
    decision: officerDecisionSchema.nullable(),
  })
  .meta({ id: 'ReviewEntry' });
export type ReviewEntry = z.infer<typeof reviewEntrySchema>;

export const reviewQueuePageSchema = z
  .object({
    items: z.array(reviewEntrySchema),
    nextCursor: z.string().nullable(),
    counts: z.partialRecord(z.enum(queueLanes), z.number().int().nonnegative()).meta({
      description: 'How many declarations each listed lane holds (over the offices listed), whatever the page',
    }),
  })
  .meta({ id: 'ReviewQueuePage' });
export type ReviewQueuePage = z.infer<typeof reviewQueuePageSchema>;

export function toReviewEntry(state: DeclarationState): ReviewEntry {
  return {
    ...toSummary(state),
    lane: state.lane ?? null,
    queuedAt: state.queuedAt ?? null,
    score: state.riskScore ?? null,
    claim: state.claim ?? null,
    decision: state.decision ?? null,
  };
}
