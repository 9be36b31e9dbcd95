/** Path, query and header parameters shared by several operations, checked for shape and length before any use. */
import * as z from 'zod';
import { partyId } from '#shared/domain/declaration.ts';
import { detachedJwsPattern } from '#shared/domain/signing-keys.ts';
import type { HeaderParameter } from '#shared/http/operation-spec.ts';

/** Declaration ids are ULIDs (Crockford base32, 26 characters). */
export const declarationIdParameter = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a declaration id (a 26-character ULID)');

export const declarationPath = z.strictObject({ id: declarationIdParameter });
export const partyPath = z.strictObject({ partyId });
export const customsOfficeCode = z.string().regex(/^[A-Z]{2}[A-Z0-9]{3,6}$/, 'must be a customs office code such as "GBLHR"');

/** `If-Match: "<version>"` (optimistic concurrency): the version the caller read; a stale one is refused (412). */
export const ifMatchHeader = {
  name: 'If-Match',
  description: 'The version you act on, e.g. "3" (the ETag of the read); a stale one is refused (412)',
  schema: z
    .string()
    .trim()
    .regex(/^(?:W\/)?"?[1-9][0-9]{0,8}"?$/)
    .transform((value) => Number(value.replace(/\D/g, ''))),
  invalid: { code: 'INVALID_IF_MATCH', message: 'If-Match must be the version you act on, e.g. "3"' },
} as const satisfies HeaderParameter;

/** `Idempotency-Key`: the same key and body replays the first response. */
export const idempotencyKeyHeader = {
  name: 'Idempotency-Key',
  description: 'Same key and same body replays the first response; same key with another body is refused (422).',
  schema: z.string().regex(/^[\x21-\x7e]{1,255}$/),
  invalid: { code: 'INVALID_IDEMPOTENCY_KEY', message: 'the Idempotency-Key header must be 1 to 255 visible ASCII characters' },
} as const satisfies HeaderParameter;

/**
 * `Signature`: the declarant's detached JWS (RFC 7515 compact serialization, payload detached as in
 * its Appendix F: `<protected header>..<signature>`) over the RFC 8785 canonical JSON of the body,
 * ES256 or EdDSA, with the `kid` of a key registered at POST /v1/traders/me/keys.
 */
export const signatureHeader = {
  name: 'Signature',
  description:
    'Detached JWS (`<protected header>..<signature>`, RFC 7515 Appendix F) over the RFC 8785 canonical JSON of the body; alg ES256 or EdDSA, kid of a key you registered. Required where the customs territory requires signed declarations.',
  schema: z.string().regex(detachedJwsPattern),
  invalid: {
    code: 'INVALID_SIGNATURE_HEADER',
    message: 'the Signature header must be a JWS with a detached payload: "<protected header>..<signature>" (base64url)',
  },
} as const satisfies HeaderParameter;
