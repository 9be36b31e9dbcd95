/** Operations of the officers' review. */
import { z } from 'zod';
import { cursorParameter, defineOperation, queryInteger } from '#shared/http/operation.ts';
import { customsOfficeCode } from './parameters.ts';

export const reviewQueueOperation = defineOperation({
  operationId: 'listReviewQueue',
  method: 'GET',
  path: '/v1/review/queue',
  summary:
    'Declarations waiting for an officer in one lane and office, oldest first; lane FAILED (no office: one queue for the region) lists those that could not be processed (officer, admin)',
  roles: ['officer', 'admin'],
  query: z.strictObject({
    lane: z.enum(['RED', 'YELLOW', 'FAILED']),
    office: customsOfficeCode.optional(),
    cursor: cursorParameter.optional(),
    limit: queryInteger(1, 100).default(25),
  }),
  responses: { 200: { description: 'A page of the queue' } },
});
