/** A trader's own signing keys: the public keys its declarations' signatures are verified with. */
import * as z from 'zod';
import { kidSchema, registerSigningKeyInputSchema, signingKeyListSchema, signingKeyViewSchema } from '#shared/domain/signing-keys.ts';
import { defineOperation } from '#shared/http/operation-spec.ts';

export const registerSigningKeyOperation = defineOperation({
  operationId: 'registerSigningKey',
  method: 'POST',
  path: '/v1/traders/me/keys',
  summary:
    'Register a public signing key for your party: a JWK, EC P-256 (ES256) or OKP Ed25519 (EdDSA), never with private members; without kid its RFC 7638 thumbprint is its kid (trader)',
  roles: ['trader'],
  body: { kind: 'json', documentedAs: registerSigningKeyInputSchema, maxBytes: 4 * 1024 },
  responses: {
    201: { description: 'Registered', schema: signingKeyViewSchema },
    200: { description: 'The same key was registered already under this kid', schema: signingKeyViewSchema },
  },
  problems: {
    409: 'Another key has this kid (SIGNING_KEY_KID_TAKEN), the kid was revoked (SIGNING_KEY_REVOKED), or you hold the most active keys (TOO_MANY_SIGNING_KEYS)',
    413: 'Body too large',
    415: 'Body is not JSON',
  },
});

export const listSigningKeysOperation = defineOperation({
  operationId: 'listSigningKeys',
  method: 'GET',
  path: '/v1/traders/me/keys',
  summary: "Your party's signing keys, active and revoked, in kid order (trader)",
  roles: ['trader'],
  responses: { 200: { description: 'The keys', schema: signingKeyListSchema } },
});

export const revokeSigningKeyOperation = defineOperation({
  operationId: 'revokeSigningKey',
  method: 'DELETE',
  path: '/v1/traders/me/keys/{kid}',
  summary:
    'Revoke one of your signing keys from now on: signatures made with it are refused from then, declarations signed before keep their signature on record; the key is never deleted (trader)',
  roles: ['trader'],
  pathParameters: z.strictObject({ kid: kidSchema }),
  responses: { 200: { description: 'The key, REVOKED (the first revocation stands when repeated)', schema: signingKeyViewSchema } },
  problems: { 404: 'You have no key with this kid' },
});
