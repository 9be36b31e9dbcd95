/** What a dry run answers (schema only: the console parses the answer with it). */
import * as z from 'zod';
import { laneSchema } from './outcome.ts';

export const dryRunResultSchema = z
  .object({
    evaluated: z.number().int(),
    matched: z.number().int(),
    /** Ids of matched declarations, in input order, up to `maxIds`. */
    matchedIds: z.array(z.string()),
    matchedIdsTruncated: z.boolean(),
    /** Criteria lane of every evaluated declaration with the profile in force (no random selection). */
    lanes: z.record(laneSchema, z.number().int()),
    /** Declarations whose criteria lane differs from the one the profiles in force give (for an edit: with its current version). */
    changed: z.number().int(),
  })
  .meta({ id: 'RiskDryRunResult' });
export type DryRunResult = z.infer<typeof dryRunResultSchema>;
