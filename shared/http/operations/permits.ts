/** Single window: permits partner agencies issue (docs/single-window.md). */
import * as z from 'zod';
import { partyId } from '#shared/domain/declaration.ts';
import {
  agencyId,
  permitApplicationSchema,
  permitDecisionInputSchema,
  permitId,
  permitListSchema,
  permitSchema,
  permitViewSchema,
} from '#shared/domain/permits.ts';
import { defineOperation } from '#shared/http/operation-spec.ts';

const permitPath = z.strictObject({ id: permitId });

export const applyForPermitOperation = defineOperation({
  operationId: 'applyForPermit',
  method: 'POST',
  path: '/v1/permits',
  summary: "Apply for a permit of a type the region's permit rules define; the application goes to the agency that issues it (trader)",
  roles: ['trader'],
  body: { kind: 'json', schema: permitApplicationSchema, maxBytes: 8 * 1024 },
  responses: { 201: { description: 'Applied for: the permit, APPLIED', schema: permitSchema } },
  problems: { 413: 'Body too large', 415: 'Body is not JSON', 422: 'No such permit type (UNKNOWN_PERMIT_TYPE)' },
});

export const listPermitsOperation = defineOperation({
  operationId: 'listPermits',
  method: 'GET',
  path: '/v1/permits',
  summary: "Your permits (trader), your agency's (agency); an agency's or a holder's with ?agency= or ?holder= (officer, admin)",
  roles: ['trader', 'agency', 'officer', 'admin'],
  query: z.strictObject({ agency: agencyId.optional(), holder: partyId.optional() }),
  responses: { 200: { description: 'The permits, oldest first', schema: permitListSchema } },
  problems: { 400: 'Customs named neither agency nor holder (FILTER_REQUIRED)', 403: 'Not your permits (FILTER_NOT_YOURS)' },
});

export const getPermitOperation = defineOperation({
  operationId: 'getPermit',
  method: 'GET',
  path: '/v1/permits/{id}',
  summary: 'A permit with the declarations that drew on it (its holder, its agency, officer, admin)',
  roles: ['trader', 'agency', 'officer', 'admin'],
  pathParameters: permitPath,
  responses: { 200: { description: 'The permit and its drawings', schema: permitViewSchema } },
  problems: { 404: 'No such permit that you may see' },
});

export const decidePermitOperation = defineOperation({
  operationId: 'decidePermit',
  method: 'POST',
  path: '/v1/permits/{id}/decision',
  summary: 'Approve an application with conditions (quantity, validity) or refuse it, once (the issuing agency)',
  roles: ['agency'],
  pathParameters: permitPath,
  body: { kind: 'json', schema: permitDecisionInputSchema, maxBytes: 8 * 1024 },
  responses: { 200: { description: 'The permit, APPROVED or REFUSED', schema: permitSchema } },
  problems: {
    404: 'No such permit of your agency',
    409: 'Decided already (PERMIT_ALREADY_DECIDED)',
    413: 'Body too large',
    415: 'Body is not JSON',
    422: 'Another unit, more than applied for, or a validity the permit type does not allow',
  },
});
