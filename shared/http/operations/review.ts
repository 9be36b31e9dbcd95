/** Operations of the officers' review: the queue, claims, decisions, inspections. */
import * as z from 'zod';
import { declarationViewSchema } from '#shared/domain/declaration-record.ts';
import { inspectionRequestSchema } from '#shared/domain/inspection.ts';
import { decisionRequestSchema } from '#shared/domain/review.ts';
import { queueLanes, reviewEntrySchema, reviewQueuePageSchema } from '#shared/domain/review-views.ts';
import { cursorParameter, defineOperation, queryInteger } from '#shared/http/operation-spec.ts';
import { customsOfficeCode, declarationPath, ifMatchHeader } from './parameters.ts';

export const reviewQueueOperation = defineOperation({
  operationId: 'listReviewQueue',
  method: 'GET',
  path: '/v1/review/queue',
  summary:
    "Declarations waiting for an officer, RED before YELLOW and each oldest first, over every review lane and the region's offices unless narrowed to one, or to those waiting longer than `minAgeHours` (the counts per lane stay the whole queue's); lane FAILED lists those that could not be processed (officer, admin)",
  roles: ['officer', 'admin'],
  query: z.strictObject({
    lane: z.enum(queueLanes).optional(),
    office: customsOfficeCode.optional(),
    /** Only those waiting longer than this many hours (up to 30 days). */
    minAgeHours: queryInteger(1, 720).optional(),
    cursor: cursorParameter.optional(),
    limit: queryInteger(1, 100).default(25),
  }),
  responses: { 200: { description: 'A page of the queue, with counts per lane', schema: reviewQueuePageSchema } },
});

export const claimDeclarationOperation = defineOperation({
  operationId: 'claimDeclaration',
  method: 'POST',
  path: '/v1/review/declarations/{id}/claim',
  summary: 'Claim a declaration under review (or renew your claim): one officer at a time, until the claim expires (officer)',
  roles: ['officer'],
  pathParameters: declarationPath,
  responses: { 200: { description: 'Claimed: the entry with your claim and its expiry', schema: reviewEntrySchema } },
  problems: { 404: 'No such declaration', 409: 'Another officer holds it (named, with the expiry), or it is not under review' },
});

export const releaseClaimOperation = defineOperation({
  operationId: 'releaseDeclarationClaim',
  method: 'DELETE',
  path: '/v1/review/declarations/{id}/claim',
  summary: 'Let go of your claim so a colleague can take the declaration (officer)',
  roles: ['officer'],
  pathParameters: declarationPath,
  responses: { 204: { description: 'Released' } },
  problems: { 404: 'No such declaration', 409: 'You do not hold the claim' },
});

export const decideOnDeclarationOperation = defineOperation({
  operationId: 'decideOnDeclaration',
  method: 'POST',
  path: '/v1/review/declarations/{id}/decisions',
  summary:
    'Release, hold, request documents or reject a declaration under review; `note` is internal, `message` is what the trader reads (officer)',
  roles: ['officer'],
  pathParameters: declarationPath,
  headers: [ifMatchHeader],
  body: { kind: 'json', schema: decisionRequestSchema, maxBytes: 32 * 1024 },
  responses: { 200: { description: 'Decided (or the same decision repeated): the entry as it now stands', schema: reviewEntrySchema } },
  problems: {
    404: 'No such declaration',
    409: 'Another officer holds it, it is not under review, or it changed meanwhile',
    412: 'If-Match names a version that is no longer current',
    413: 'Body too large',
    415: 'Body is not JSON',
  },
});

export const recordInspectionOperation = defineOperation({
  operationId: 'recordInspection',
  method: 'POST',
  path: '/v1/review/declarations/{id}/inspections',
  summary:
    'Record an inspection: the result, internal findings, and corrections to items, which re-assess the declaration with the tariff in force at acceptance (officer)',
  roles: ['officer'],
  pathParameters: declarationPath,
  headers: [ifMatchHeader],
  body: { kind: 'json', schema: inspectionRequestSchema, maxBytes: 64 * 1024 },
  responses: {
    200: {
      description: 'Recorded (or the same inspection repeated): the declaration with its inspection and revised assessment',
      schema: declarationViewSchema,
    },
  },
  problems: {
    404: 'No such declaration',
    409: 'Another officer holds it, it is not under review, or it changed meanwhile',
    412: 'If-Match names a version that is no longer current',
    413: 'Body too large',
    415: 'Body is not JSON',
  },
});
