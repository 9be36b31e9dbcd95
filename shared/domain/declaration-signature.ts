/**
 * A declaration's detached JWS (RFC 7515, compact serialization with a detached payload, Appendix
 * F: `<protected header>..<signature>`) over the RFC 8785 canonical JSON of its body, verified at
 * intake against the declarant's registered public keys. The body is canonicalised before the
 * check, so the same declaration with its members reordered or its whitespace changed verifies.
 */
import canonicalize from 'canonicalize';
import { compactVerify, errors, importJWK } from 'jose';
import type { SigningKeyReader } from '#shared/ports/signing-keys.ts';
import { DomainError, problem } from './problems.ts';
import { detachedJwsPattern, kidSchema, type SigningAlgorithm, signingAlgorithms } from './signing-keys.ts';

/** The bytes a signature covers: the RFC 8785 (JCS) canonical JSON of the body, in UTF-8. */
export const signedPayload = (json: unknown): Uint8Array => new TextEncoder().encode(canonicalize(json) ?? '');

const refused = (code: string, message: string): DomainError =>
  new DomainError('BAD_REQUEST', 'Invalid signature', [problem('', code, message)]);

/** The protected header's alg and kid, read before any key is looked up. */
function protectedHeader(jws: string): { alg: SigningAlgorithm; kid: string } {
  const [encoded = ''] = jws.split('.');
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw refused('SIGNATURE_INVALID', 'the Signature header is not a JWS: its protected header is not base64url JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw refused('SIGNATURE_INVALID', 'the Signature header is not a JWS: its protected header is not a JSON object');
  }
  const { alg, kid, b64 } = header as Record<string, unknown>;
  if (typeof alg !== 'string' || !(signingAlgorithms as readonly string[]).includes(alg)) {
    throw refused(
      'SIGNATURE_ALGORITHM_NOT_ALLOWED',
      `the JWS algorithm ${typeof alg === 'string' ? `"${alg.slice(0, 20)}"` : '(none given)'} is not accepted; sign with ${signingAlgorithms.join(' or ')}`,
    );
  }
  if (b64 !== undefined) {
    throw refused('SIGNATURE_INVALID', 'unencoded payloads (RFC 7797 "b64") are not accepted: sign the base64url of the canonical JSON');
  }
  const parsedKid = kidSchema.safeParse(kid);
  if (!parsedKid.success) {
    throw refused('SIGNATURE_INVALID', 'the JWS protected header needs the "kid" of a key you registered (POST /v1/traders/me/keys)');
  }
  return { alg: alg as SigningAlgorithm, kid: parsedKid.data };
}

/**
 * Verifies `jws` over the canonical JSON of `json` with the key `kid` of `partyId`, which must be
 * valid at `at` (registered, not revoked). Answers the kid and alg; refuses with a problem
 * (SIGNATURE_INVALID, SIGNATURE_ALGORITHM_NOT_ALLOWED, SIGNING_KEY_UNKNOWN, SIGNING_KEY_REVOKED).
 */
export async function verifyDeclarationSignature(
  input: { jws: string; json: unknown; partyId: string; at: string },
  keys: SigningKeyReader,
): Promise<{ kid: string; alg: SigningAlgorithm }> {
  if (!detachedJwsPattern.test(input.jws)) {
    throw refused('SIGNATURE_INVALID', 'the Signature header must be a JWS with a detached payload: "<protected header>..<signature>"');
  }
  const { alg, kid } = protectedHeader(input.jws);
  const key = await keys.get(input.partyId, kid);
  if (!key || key.registeredAt > input.at) {
    throw refused('SIGNING_KEY_UNKNOWN', `${input.partyId} has no signing key "${kid}"; register it first (POST /v1/traders/me/keys)`);
  }
  if (key.revokedAt !== undefined && key.revokedAt <= input.at) {
    throw refused('SIGNING_KEY_REVOKED', `signing key "${kid}" was revoked at ${key.revokedAt}; sign with an active key`);
  }
  if (key.alg !== alg) {
    throw refused('SIGNATURE_ALGORITHM_NOT_ALLOWED', `signing key "${kid}" verifies ${key.alg}, not ${alg}`);
  }
  const [header, , signature] = input.jws.split('.');
  const payload = Buffer.from(signedPayload(input.json)).toString('base64url');
  try {
    await compactVerify(`${header}.${payload}.${signature}`, await importJWK(key.jwk, key.alg), {
      algorithms: [...signingAlgorithms],
    });
  } catch (error) {
    if (error instanceof errors.JOSEAlgNotAllowed) {
      throw refused('SIGNATURE_ALGORITHM_NOT_ALLOWED', `the JWS algorithm is not accepted; sign with ${signingAlgorithms.join(' or ')}`);
    }
    if (error instanceof errors.JOSEError) {
      throw refused(
        'SIGNATURE_INVALID',
        `the signature does not verify with key "${kid}" over the canonical JSON (RFC 8785) of the body: the body changed after signing, or another key signed it`,
      );
    }
    throw error;
  }
  return { kid, alg };
}
