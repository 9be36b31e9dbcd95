/**
 * A trader registers the public keys its declarations are signed with, lists them and revokes
 * them. Keys are never deleted: a revoked key keeps its time of revocation, so a declaration
 * signed before stays verifiable for the record. Customs (officers, admins) read a party's keys.
 */
import { calculateJwkThumbprint, importJWK } from 'jose';
import { type Principal, requireParty, requireRole } from '#shared/domain/auth.ts';
import { partyId as partyIdSchema } from '#shared/domain/declaration.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import {
  algorithmOf,
  type PublicJwk,
  publicJwkSchema,
  registerSigningKeyInputSchema,
  type SigningKey,
  type SigningKeyView,
  toSigningKeyView,
} from '#shared/domain/signing-keys.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { SigningKeyStore } from '#shared/ports/signing-keys.ts';

/** Active keys a party may hold at once (revoked ones do not count): bounded listings and lookups. */
export const MAX_ACTIVE_SIGNING_KEYS = 10;

/** Private or symmetric key members of any JWK type (RFC 7518 section 6): never accepted, never stored. */
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

export interface SigningKeyDeps {
  keys: SigningKeyStore;
  clock: Clock;
}

const invalidKey = (pointer: string, code: string, message: string) =>
  new DomainError('BAD_REQUEST', 'Invalid signing key', [problem(pointer, code, message)]);

/** POST /v1/traders/me/keys: a new key (created), or the same key again (not created). */
export async function registerSigningKey(
  command: { principal: Principal; input: unknown },
  deps: SigningKeyDeps,
): Promise<{ key: SigningKeyView; created: boolean }> {
  requireRole(command.principal, 'trader');
  const party = requireParty(command.principal);
  const jwk = (command.input as { jwk?: unknown } | null)?.jwk;
  if (typeof jwk === 'object' && jwk !== null) {
    const secret = privateMembers.find((member) => member in jwk);
    if (secret) {
      throw invalidKey(
        `/jwk/${secret}`,
        'PRIVATE_KEY_MATERIAL',
        `"${secret}" is private key material: send only the public key (and keep the private key to yourself; this one should be replaced)`,
      );
    }
    const { kty, crv } = jwk as { kty?: unknown; crv?: unknown };
    if (!((kty === 'EC' && crv === 'P-256') || (kty === 'OKP' && crv === 'Ed25519'))) {
      throw invalidKey('/jwk/kty', 'SIGNING_KEY_TYPE_NOT_ALLOWED', 'only EC P-256 keys (ES256) and OKP Ed25519 keys (EdDSA) are accepted');
    }
  }
  const parsed = registerSigningKeyInputSchema.safeParse(command.input, { reportInput: true });
  if (!parsed.success) throw DomainError.fromZod('BAD_REQUEST', 'Invalid signing key', parsed.error);
  const { kid: givenKid, alg: givenAlg, use: _use, key_ops: _ops, ...members } = parsed.data.jwk;
  if (members.kty === 'EC' && members.y === undefined) throw invalidKey('/jwk/y', 'REQUIRED', 'an EC P-256 key needs its "y" coordinate');
  if (members.kty === 'OKP' && members.y !== undefined) throw invalidKey('/jwk/y', 'UNEXPECTED', 'an Ed25519 key has no "y"');
  const publicJwk = publicJwkSchema.safeParse(members);
  if (!publicJwk.success) throw DomainError.fromZod('BAD_REQUEST', 'Invalid signing key', publicJwk.error);
  const alg = algorithmOf(publicJwk.data);
  if (givenAlg !== undefined && givenAlg !== alg) {
    throw invalidKey(
      '/jwk/alg',
      'SIGNATURE_ALGORITHM_NOT_ALLOWED',
      `a ${publicJwk.data.kty} ${publicJwk.data.crv} key signs with ${alg}, not ${givenAlg}`,
    );
  }
  await checkUsable(publicJwk.data, alg);
  const thumbprint = await calculateJwkThumbprint(publicJwk.data, 'sha256');
  const key: SigningKey = {
    partyId: party,
    kid: givenKid ?? thumbprint,
    alg,
    jwk: publicJwk.data,
    thumbprint,
    registeredAt: deps.clock.now().toISOString(),
    registeredBy: command.principal.subject,
  };
  const held = await deps.keys.list(party);
  const existing = held.find((candidate) => candidate.kid === key.kid);
  if (!existing && held.filter((candidate) => candidate.revokedAt === undefined).length >= MAX_ACTIVE_SIGNING_KEYS) {
    throw new DomainError('CONFLICT', 'Too many signing keys', [
      problem('', 'TOO_MANY_SIGNING_KEYS', `a party holds at most ${MAX_ACTIVE_SIGNING_KEYS} active keys; revoke one first`),
    ]);
  }
  if (!existing && (await deps.keys.register(key))) return { key: toSigningKeyView(key), created: true };
  const stored = existing ?? (await deps.keys.get(party, key.kid));
  if (stored?.revokedAt !== undefined) {
    throw new DomainError('CONFLICT', 'Signing key revoked', [
      problem('/jwk/kid', 'SIGNING_KEY_REVOKED', `key "${key.kid}" was revoked at ${stored.revokedAt}; a revoked kid is not used again`),
    ]);
  }
  if (!stored || stored.thumbprint !== thumbprint) {
    throw new DomainError('CONFLICT', 'Key id taken', [
      problem('/jwk/kid', 'SIGNING_KEY_KID_TAKEN', `you have another key with kid "${key.kid}"; choose another kid`),
    ]);
  }
  return { key: toSigningKeyView(stored), created: false };
}

/** An invalid point (not on the curve) is refused now, not at the first signature. */
async function checkUsable(jwk: PublicJwk, alg: string): Promise<void> {
  try {
    await importJWK(jwk, alg);
  } catch {
    throw invalidKey('/jwk', 'INVALID_PUBLIC_KEY', `the key is not a valid ${jwk.crv} public key`);
  }
}

/** GET /v1/traders/me/keys: the caller's keys, active and revoked. */
export async function listOwnSigningKeys(query: { principal: Principal }, deps: Pick<SigningKeyDeps, 'keys'>) {
  requireRole(query.principal, 'trader');
  return { items: (await deps.keys.list(requireParty(query.principal))).map(toSigningKeyView) };
}

/** GET /v1/admin/traders/{partyId}/keys: customs read a party's keys (to check its signatures). */
export async function listPartySigningKeys(query: { principal: Principal; partyId: string }, deps: Pick<SigningKeyDeps, 'keys'>) {
  requireRole(query.principal, 'officer', 'admin');
  const party = partyIdSchema.parse(query.partyId);
  return { items: (await deps.keys.list(party)).map(toSigningKeyView) };
}

/** DELETE /v1/traders/me/keys/{kid}: revoked from now on (the first revocation stands). */
export async function revokeSigningKey(command: { principal: Principal; kid: string }, deps: SigningKeyDeps): Promise<SigningKeyView> {
  requireRole(command.principal, 'trader');
  const party = requireParty(command.principal);
  const revoked = await deps.keys.revoke(party, command.kid, deps.clock.now().toISOString(), command.principal.subject);
  if (!revoked) {
    throw new DomainError('NOT_FOUND', 'Not found', [problem('', 'SIGNING_KEY_NOT_FOUND', `you have no signing key "${command.kid}"`)]);
  }
  return toSigningKeyView(revoked);
}
