/** Operations on declarations: intake, reads, history, cancel, the trader's documents. */
import * as z from 'zod';
import { declarationSchema, declarationStatus, maxDeclarationBytes, partyId } from '#shared/domain/declaration.ts';
import {
  declarationPageSchema,
  declarationSummarySchema,
  declarationViewSchema,
  historyPageSchema,
  submissionReceiptSchema,
} from '#shared/domain/declaration-record.ts';
import { documentUploadRequestSchema, documentUploadTicketSchema } from '#shared/domain/documents.ts';
import { cancelRequestSchema } from '#shared/domain/review.ts';
import { cursorParameter, defineOperation, queryInteger } from '#shared/http/operation-spec.ts';
import { declarationIdParameter, declarationPath, idempotencyKeyHeader, ifMatchHeader, signatureHeader } from './parameters.ts';

export const submitDeclarationOperation = defineOperation({
  operationId: 'submitDeclaration',
  method: 'POST',
  path: '/v1/declarations',
  summary: 'Submit a declaration (trader)',
  roles: ['trader'],
  headers: [idempotencyKeyHeader, signatureHeader],
  body: { kind: 'bytes', documentedAs: declarationSchema, maxBytes: maxDeclarationBytes },
  responses: { 202: { description: 'Accepted for processing', schema: submissionReceiptSchema } },
  problems: {
    400: 'Invalid request (every problem with a JSON pointer, a code and a message); also when the Signature does not verify (SIGNATURE_INVALID), names an unknown or revoked key (SIGNING_KEY_UNKNOWN, SIGNING_KEY_REVOKED) or another algorithm than ES256 / EdDSA (SIGNATURE_ALGORITHM_NOT_ALLOWED), or is missing where signatures are required (SIGNATURE_REQUIRED); nothing is stored',
    409: 'The LRN is already used by another declaration of this declarant, or a submission with it is in progress',
    413: 'Body too large',
    415: 'Body is not JSON, or has a Content-Encoding other than identity',
    422: 'Idempotency-Key reused with a different body',
  },
});

export const listDeclarationsOperation = defineOperation({
  operationId: 'listDeclarations',
  method: 'GET',
  path: '/v1/declarations',
  summary: "List the caller's declarations, newest first (officers and admins name a declarant)",
  roles: ['trader', 'officer', 'admin'],
  query: z.strictObject({
    status: declarationStatus.optional(),
    cursor: cursorParameter.optional(),
    limit: queryInteger(1, 100).default(25),
    declarant: partyId.optional(),
  }),
  responses: { 200: { description: 'A page', schema: declarationPageSchema } },
});

export const getDeclarationOperation = defineOperation({
  operationId: 'getDeclaration',
  method: 'GET',
  path: '/v1/declarations/{id}',
  summary: 'Read a declaration (owner, officer, admin; an agency user if it cites a permit of its agency)',
  roles: ['trader', 'officer', 'admin', 'agency'],
  pathParameters: declarationPath,
  responses: { 200: { description: 'The declaration', schema: declarationViewSchema } },
  problems: { 404: 'No such declaration that you may see' },
});

export const listDeclarationEventsOperation = defineOperation({
  operationId: 'listDeclarationEvents',
  method: 'GET',
  path: '/v1/declarations/{id}/events',
  summary: 'History of a declaration, oldest first',
  roles: ['trader', 'officer', 'admin'],
  pathParameters: declarationPath,
  responses: { 200: { description: 'The history', schema: historyPageSchema } },
  problems: { 404: 'No such declaration that you may see' },
});

export const amendDeclarationOperation = defineOperation({
  operationId: 'amendDeclaration',
  method: 'PUT',
  path: '/v1/declarations/{id}',
  summary:
    'Amend your declaration before release: the full new body, same LRN, with If-Match; it goes through validation, risk and duty again (trader, owner)',
  roles: ['trader'],
  pathParameters: declarationPath,
  headers: [ifMatchHeader, signatureHeader],
  body: { kind: 'bytes', documentedAs: declarationSchema, maxBytes: maxDeclarationBytes },
  responses: {
    202: {
      description: 'Accepted as amendment n + 1 (or the same amendment repeated)',
      schema: submissionReceiptSchema.extend({ amendment: z.number().int() }).meta({ id: 'AmendmentReceipt' }),
    },
  },
  problems: {
    400: 'Invalid body (every problem with a JSON pointer); also a Signature that does not verify against your keys, or none where signatures are required (the codes of POST /v1/declarations); nothing is changed',
    404: 'No such declaration that you may see',
    409: 'Already released, rejected, cancelled or failed',
    412: 'If-Match names a version that is no longer current',
    413: 'Body too large',
    415: 'Body is not JSON',
    428: 'If-Match is required',
  },
});

export const getDeclarationAmendmentOperation = defineOperation({
  operationId: 'getDeclarationAmendment',
  method: 'GET',
  path: '/v1/declarations/{id}/amendments/{n}',
  summary: 'The declaration as it stood as amendment n (0: as first submitted): body and outcomes (owner, officer, admin)',
  roles: ['trader', 'officer', 'admin'],
  pathParameters: z.strictObject({ id: declarationIdParameter, n: queryInteger(0, 9999) }),
  responses: {
    200: {
      description: 'That amendment',
      schema: declarationViewSchema,
    },
  },
  problems: { 404: 'No such declaration that you may see, or no such amendment' },
});

export const cancelDeclarationOperation = defineOperation({
  operationId: 'cancelDeclaration',
  method: 'POST',
  path: '/v1/declarations/{id}/cancel',
  summary: 'Withdraw your declaration before release, with a reason (trader, owner)',
  roles: ['trader'],
  pathParameters: declarationPath,
  body: { kind: 'json', schema: cancelRequestSchema, maxBytes: 4 * 1024 },
  responses: { 200: { description: 'CANCELLED (or the same cancellation repeated)', schema: declarationSummarySchema } },
  problems: {
    404: 'No such declaration that you may see',
    409: 'Already released, rejected or cancelled',
    413: 'Body too large',
    415: 'Body is not JSON',
  },
});

export const requestDocumentUploadOperation = defineOperation({
  operationId: 'requestDocumentUpload',
  method: 'POST',
  path: '/v1/declarations/{id}/documents',
  summary:
    'Answer a document request: an upload URL for one document customs asked for, signed for its exact size, media type and SHA-256 (trader, owner)',
  roles: ['trader'],
  pathParameters: declarationPath,
  body: { kind: 'json', schema: documentUploadRequestSchema, maxBytes: 4 * 1024 },
  responses: {
    201: {
      description:
        'PUT the exact bytes to uploadUrl with these headers before expiresAt; the document counts once its bytes are checked (see documents on the declaration)',
      schema: documentUploadTicketSchema,
    },
  },
  problems: {
    404: 'No such declaration that you may see',
    409: 'Customs is not waiting for documents (NOT_AWAITING_DOCUMENTS), did not request this type (DOCUMENT_NOT_REQUESTED), or the declaration holds too many uploads (TOO_MANY_UPLOADS)',
    413: 'Body too large',
    415: 'Body is not JSON',
  },
});
