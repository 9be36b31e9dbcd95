/** One UCR to track a consignment (docs/single-window.md): its manifest lines, declarations and timeline. */
import * as z from 'zod';
import { consignmentViewSchema, ucrSchema } from '#shared/domain/consignments.ts';
import { defineOperation } from '#shared/http/operation-spec.ts';

export const getConsignmentOperation = defineOperation({
  operationId: 'getConsignment',
  method: 'GET',
  path: '/v1/consignments/{ucr}',
  summary:
    'A consignment by its UCR: the manifest lines, declarations (with amendments, permits, lane, release) and a timeline, each party seeing its part (trader, carrier, agency, officer, admin)',
  roles: ['trader', 'carrier', 'agency', 'officer', 'admin'],
  pathParameters: z.strictObject({ ucr: ucrSchema }),
  responses: { 200: { description: 'What the caller may see of the consignment', schema: consignmentViewSchema } },
  problems: { 404: 'Nothing names this UCR that you may see (no existence oracle)' },
});
