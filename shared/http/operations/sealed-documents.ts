/** The documents customs issues under its seal and a declaration's documents: list, download, the published keys, verify one. */
import * as z from 'zod';
import { declarationDocumentListSchema, documentDownloadSchema, documentIdParameter } from '#shared/domain/declaration-documents.ts';
import { documentReferenceSchema, sealedDocumentSchema, verificationSchema } from '#shared/domain/sealed-document-schemas.ts';
import { defineOperation } from '#shared/http/operation-spec.ts';
import { declarationPath } from './parameters.ts';

export const listDeclarationDocumentsOperation = defineOperation({
  operationId: 'listDeclarationDocuments',
  method: 'GET',
  path: '/v1/declarations/{id}/documents',
  summary: "A declaration's documents: those customs issued under its seal and those the trader uploaded, with their hashes",
  roles: ['trader', 'officer', 'admin'],
  pathParameters: declarationPath,
  responses: { 200: { description: 'Oldest first', schema: declarationDocumentListSchema } },
  problems: { 404: 'No such declaration (or not yours)' },
});

export const getDocumentOperation = defineOperation({
  operationId: 'getDocument',
  method: 'GET',
  path: '/v1/documents/{docId}',
  summary:
    "Short-lived links to a document's archived files (the declarant, officer, admin); an issued document's PDF not printed yet is asked for and answered as printing",
  roles: ['trader', 'officer', 'admin'],
  pathParameters: z.strictObject({ docId: documentIdParameter }),
  responses: {
    200: {
      description:
        'A presigned GET link per archived file, valid for minutes; while an issued document’s PDF is printing, the sealed JSON’s link and `pdf.status` printing',
      schema: documentDownloadSchema,
      headers: { 'Retry-After': 'While the PDF is printing: seconds after which to GET this again' },
    },
  },
  problems: { 404: 'No such document (or not yours)' },
});

export const getReleaseNoteOperation = defineOperation({
  operationId: 'getReleaseNote',
  method: 'GET',
  path: '/v1/declarations/{id}/release-note',
  summary: "A released declaration's release note under the customs seal (the declarant, officer, admin)",
  roles: ['trader', 'officer', 'admin'],
  pathParameters: declarationPath,
  responses: {
    200: { description: 'The sealed release note: the document and its seal (compact JWS, ES256)', schema: sealedDocumentSchema },
  },
  problems: { 404: 'No such declaration, or its release note is not issued yet' },
});

export const sealKeySetOperation = defineOperation({
  operationId: 'getSealKeys',
  method: 'GET',
  path: '/.well-known/jwks.json',
  summary: 'The public keys of the customs seal (JWKS, RFC 7517), every key ever used: verify a sealed document offline (public)',
  roles: 'public',
  responses: {
    200: {
      description: 'The key set',
      schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).meta({ id: 'JsonWebKeySet' }),
    },
  },
});

export const verifyDocumentOperation = defineOperation({
  operationId: 'verifyDocument',
  method: 'POST',
  path: '/v1/verify',
  summary:
    'Whether a sealed document (a release note, an assessment notice) is genuine: which key sealed it and when; sent whole, or by the reference its printed copy’s QR code carries (public)',
  roles: 'public',
  body: { kind: 'json', schema: z.union([sealedDocumentSchema, documentReferenceSchema]), maxBytes: 256 * 1024 },
  responses: {
    200: {
      description: 'The verdict (genuine or not, and why); asked by reference, with the sealed document to compare with the paper',
      schema: verificationSchema,
    },
  },
  problems: { 404: 'No document with this reference', 413: 'Body too large', 415: 'Body is not JSON' },
});
