/** Statistics for the administration, read from pre-aggregated counters (never by scanning declarations). */
import * as z from 'zod';
import { clearanceStatisticsSchema, profileSelectionSchema } from '#shared/domain/clearance-statistics.ts';
import { defineOperation, queryInteger } from '#shared/http/operation-spec.ts';

export const clearanceStatisticsOperation = defineOperation({
  operationId: 'clearanceStatistics',
  method: 'GET',
  path: '/v1/stats/clearance',
  summary:
    'Declarations per day by lane, time from lodgement to release per lane (median, 90th percentile), revenue per day by tax type; at most 31 days, the last 7 by default (officer, admin)',
  roles: ['officer', 'admin'],
  query: z
    .strictObject({
      from: z.iso.date().optional().meta({ description: 'First UTC day (YYYY-MM-DD); 6 days before `to` by default' }),
      to: z.iso.date().optional().meta({ description: 'Last UTC day (YYYY-MM-DD); today by default' }),
    })
    .refine((period) => !period.from || !period.to || period.from <= period.to, { path: ['from'], message: 'must not be after to' }),
  responses: { 200: { description: 'The statistics of the period', schema: clearanceStatisticsSchema } },
});

export const profileSelectionsOperation = defineOperation({
  operationId: 'profileSelections',
  method: 'GET',
  path: '/v1/stats/risk-profiles',
  summary: 'The risk profiles that select most, with their inspections, hits and hit rates (officer, admin)',
  roles: ['officer', 'admin'],
  query: z.strictObject({ limit: queryInteger(1, 100).default(10) }),
  responses: {
    200: {
      description: 'Profiles by selections, most first',
      schema: z.object({ items: z.array(profileSelectionSchema) }).meta({ id: 'ProfileSelections' }),
    },
  },
});
