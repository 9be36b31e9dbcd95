/** Cargo reports (docs/single-window.md): carriers' arrival manifests, and the goods not declared in time. */
import * as z from 'zod';
import {
  MAX_MANIFEST_BYTES,
  manifestIdSchema,
  manifestInputSchema,
  manifestReceiptSchema,
  manifestViewSchema,
  undeclaredGoodsPageSchema,
} from '#shared/domain/cargo-reports.ts';
import { cursorParameter, defineOperation, queryInteger } from '#shared/http/operation-spec.ts';
import { customsOfficeCode } from './parameters.ts';

export const submitManifestOperation = defineOperation({
  operationId: 'submitManifest',
  method: 'POST',
  path: '/v1/manifests',
  summary:
    'Report an arrival manifest: the goods of each transport document arrived; declarations waiting for them continue to release (carrier, for its own party)',
  roles: ['carrier'],
  body: { kind: 'bytes', documentedAs: manifestInputSchema, maxBytes: MAX_MANIFEST_BYTES },
  responses: {
    201: {
      description: 'Reported: its id (`<carrier>-<voyage>-<arrival day>`), lines, and how many waiting declarations continue',
      schema: manifestReceiptSchema,
    },
    200: { description: 'The same manifest (same bytes) was reported before: the same receipt', schema: manifestReceiptSchema },
  },
  problems: {
    400: 'Invalid manifest (every problem with a JSON pointer, a code and a message; DUPLICATE_TRANSPORT_DOCUMENT within it); nothing is stored',
    403: 'The carrier named is not the party you act for (CARRIER_MISMATCH)',
    409: 'A transport document was reported on another manifest (TRANSPORT_DOCUMENT_ALREADY_REPORTED), or this carrier, voyage and day were reported with other content (MANIFEST_ALREADY_REPORTED)',
    413: 'Body too large',
    415: 'Body is not JSON',
    422: 'Not an office of this region (UNKNOWN_OFFICE), or an arrival later than now (ARRIVAL_IN_FUTURE)',
  },
});

export const getManifestOperation = defineOperation({
  operationId: 'getManifest',
  method: 'GET',
  path: '/v1/manifests/{id}',
  summary: 'A manifest with each line and whether (and when) a declaration discharged it (its carrier, officer, admin)',
  roles: ['carrier', 'officer', 'admin'],
  pathParameters: z.strictObject({ id: manifestIdSchema }),
  responses: { 200: { description: 'The manifest', schema: manifestViewSchema } },
  problems: { 404: 'No such manifest (or not yours)' },
});

export const listUndeclaredGoodsOperation = defineOperation({
  operationId: 'listUndeclaredGoods',
  method: 'GET',
  path: '/v1/review/undeclared-goods',
  summary:
    "Manifest lines of an office that arrived longer ago than the region's time limit for declaring them and that no declaration discharged, oldest first (officer, admin)",
  roles: ['officer', 'admin'],
  query: z.strictObject({
    office: customsOfficeCode,
    cursor: cursorParameter.optional(),
    limit: queryInteger(1, 100).default(25),
  }),
  responses: { 200: { description: 'A page of undeclared goods', schema: undeclaredGoodsPageSchema } },
});
