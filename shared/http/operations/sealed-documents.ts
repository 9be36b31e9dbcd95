/** The documents customs issues under its seal: read one, the published keys, verify one. */
import * as z from 'zod';
import { sealedDocumentSchema, verificationSchema } from '#shared/domain/sealed-documents.ts';
import { defineOperation } from '#shared/http/operation-spec.ts';
import { declarationPath } from './parameters.ts';

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
  summary: 'Whether a sealed document (e.g. a release note) is genuine: which key sealed it and when (public)',
  roles: 'public',
  body: { kind: 'json', schema: sealedDocumentSchema, maxBytes: 256 * 1024 },
  responses: { 200: { description: 'The verdict (genuine or not, and why)', schema: verificationSchema } },
  problems: { 413: 'Body too large', 415: 'Body is not JSON' },
});
