/** Traders' signing keys (shared/usecases/manage-signing-keys.ts) on the in-memory fakes. */
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth.ts';
import { DomainError } from '#shared/domain/problems.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemorySigningKeyStore } from '#shared/ports/fakes/signing-keys.ts';
import {
  listOwnSigningKeys,
  listPartySigningKeys,
  MAX_ACTIVE_SIGNING_KEYS,
  registerSigningKey,
  revokeSigningKey,
} from '#shared/usecases/manage-signing-keys.ts';
import { newParty } from '#tests/integration/support.ts';
import { newSigner } from '#tests/support/signing.ts';

function world() {
  const deps = { keys: new InMemorySigningKeyStore(), clock: new ManualClock() };
  const trader = (party = newParty()): Principal => ({ subject: `user-${party}`, roles: ['trader'], partyId: party });
  return { deps, trader };
}

const problemOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return { kind: error.kind, code: error.problems[0]?.code, pointer: error.problems[0]?.pointer };
};

describe('registerSigningKey', () => {
  it.each(['ES256', 'EdDSA'] as const)('registers a public %s key under its RFC 7638 thumbprint when no kid is given', async (alg) => {
    // Prepare
    const { deps, trader } = world();
    const signer = await newSigner(alg);

    // Act
    const { key, created } = await registerSigningKey({ principal: trader(), input: { jwk: signer.publicJwk } }, deps);

    // Assess
    expect(created).toBe(true);
    expect(key).toMatchObject({ alg, status: 'ACTIVE', revokedAt: null, registeredAt: '2026-11-27T10:00:00.000Z' });
    expect(key.kid).toBe(await calculateJwkThumbprint(signer.publicJwk));
    expect(key.thumbprint).toBe(key.kid);
  });

  it('answers the same key again as registered already, and refuses another key under a kid in use', async () => {
    // Prepare
    const { deps, trader } = world();
    const principal = trader();
    const first = await newSigner('ES256');
    const second = await newSigner('ES256');
    await registerSigningKey({ principal, input: { jwk: { ...first.publicJwk, kid: 'k1', alg: 'ES256', use: 'sig' } } }, deps);

    // Act
    const again = await registerSigningKey({ principal, input: { jwk: { ...first.publicJwk, kid: 'k1' } } }, deps);
    const taken = await problemOf(registerSigningKey({ principal, input: { jwk: { ...second.publicJwk, kid: 'k1' } } }, deps));

    // Assess
    expect(again.created).toBe(false);
    expect(taken).toEqual({ kind: 'CONFLICT', code: 'SIGNING_KEY_KID_TAKEN', pointer: '/jwk/kid' });
  });

  it('refuses private key material, other key types and a mismatched alg, storing nothing', async () => {
    // Prepare
    const { deps, trader } = world();
    const principal = trader();
    const signer = await newSigner('ES256');

    // Act
    const refusals = await Promise.all([
      problemOf(registerSigningKey({ principal, input: { jwk: { ...signer.publicJwk, d: 'A'.repeat(43) } } }, deps)),
      problemOf(registerSigningKey({ principal, input: { jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } } }, deps)),
      problemOf(registerSigningKey({ principal, input: { jwk: { kty: 'oct', k: 'c2VjcmV0' } } }, deps)),
      problemOf(registerSigningKey({ principal, input: { jwk: { ...signer.publicJwk, crv: 'P-384' } } }, deps)),
      problemOf(registerSigningKey({ principal, input: { jwk: { ...signer.publicJwk, alg: 'EdDSA' } } }, deps)),
      problemOf(registerSigningKey({ principal, input: { jwk: { ...signer.publicJwk, x: 'A'.repeat(43) } } }, deps)),
    ]);

    // Assess
    expect(refusals.map((refusal) => refusal.code)).toEqual([
      'PRIVATE_KEY_MATERIAL',
      'SIGNING_KEY_TYPE_NOT_ALLOWED',
      'PRIVATE_KEY_MATERIAL',
      'SIGNING_KEY_TYPE_NOT_ALLOWED',
      'SIGNATURE_ALGORITHM_NOT_ALLOWED',
      'INVALID_PUBLIC_KEY',
    ]);
    expect(refusals[0]).toEqual({ kind: 'BAD_REQUEST', code: 'PRIVATE_KEY_MATERIAL', pointer: '/jwk/d' });
    expect((await listOwnSigningKeys({ principal }, deps)).items).toEqual([]);
  });

  it(`holds at most ${MAX_ACTIVE_SIGNING_KEYS} active keys; a revoked one makes room`, async () => {
    // Prepare
    const { deps, trader } = world();
    const principal = trader();
    for (let index = 0; index < MAX_ACTIVE_SIGNING_KEYS; index += 1) {
      await registerSigningKey({ principal, input: { jwk: { ...(await newSigner('EdDSA')).publicJwk, kid: `k${index}` } } }, deps);
    }
    const extra = { jwk: { ...(await newSigner('EdDSA')).publicJwk, kid: 'extra' } };

    // Act
    const full = await problemOf(registerSigningKey({ principal, input: extra }, deps));
    await revokeSigningKey({ principal, kid: 'k0' }, deps);
    const afterRevoking = await registerSigningKey({ principal, input: extra }, deps);

    // Assess
    expect(full.code).toBe('TOO_MANY_SIGNING_KEYS');
    expect(afterRevoking.created).toBe(true);
  });
});

describe('listing and revoking signing keys', () => {
  it('shows a trader its own keys only; customs read any party', async () => {
    // Prepare
    const { deps, trader } = world();
    const alice = trader();
    const bob = trader();
    await registerSigningKey({ principal: alice, input: { jwk: { ...(await newSigner('ES256')).publicJwk, kid: 'alice-1' } } }, deps);
    await registerSigningKey({ principal: bob, input: { jwk: { ...(await newSigner('ES256')).publicJwk, kid: 'bob-1' } } }, deps);
    const officer: Principal = { subject: 'officer-1', roles: ['officer'], partyId: undefined };

    // Act
    const alicesView = await listOwnSigningKeys({ principal: alice }, deps);
    const officersView = await listPartySigningKeys({ principal: officer, partyId: bob.partyId ?? '' }, deps);
    const bobRevokingAlices = await problemOf(revokeSigningKey({ principal: bob, kid: 'alice-1' }, deps));
    const traderAsCustoms = await problemOf(listPartySigningKeys({ principal: alice, partyId: bob.partyId ?? '' }, deps));

    // Assess
    expect(alicesView.items.map((key) => key.kid)).toEqual(['alice-1']);
    expect(officersView.items.map((key) => key.kid)).toEqual(['bob-1']);
    expect(bobRevokingAlices).toEqual({ kind: 'NOT_FOUND', code: 'SIGNING_KEY_NOT_FOUND', pointer: '' });
    expect(traderAsCustoms.code).toBe('ROLE_REQUIRED');
    expect((await listOwnSigningKeys({ principal: alice }, deps)).items[0]?.status).toBe('ACTIVE');
  });

  it('marks a key revoked with the time, keeps it, keeps the first revocation, and never registers its kid again', async () => {
    // Prepare
    const { deps, trader } = world();
    const principal = trader();
    const signer = await newSigner('EdDSA');
    await registerSigningKey({ principal, input: { jwk: { ...signer.publicJwk, kid: 'k1' } } }, deps);

    // Act
    const revoked = await revokeSigningKey({ principal, kid: 'k1' }, deps);
    deps.clock.advance(60_000);
    const again = await revokeSigningKey({ principal, kid: 'k1' }, deps);
    const reRegistered = await problemOf(registerSigningKey({ principal, input: { jwk: { ...signer.publicJwk, kid: 'k1' } } }, deps));

    // Assess
    expect(revoked).toMatchObject({ kid: 'k1', status: 'REVOKED', revokedAt: '2026-11-27T10:00:00.000Z' });
    expect(again.revokedAt).toBe(revoked.revokedAt);
    expect(reRegistered).toEqual({ kind: 'CONFLICT', code: 'SIGNING_KEY_REVOKED', pointer: '/jwk/kid' });
    expect((await listOwnSigningKeys({ principal }, deps)).items).toEqual([revoked]);
  });
});
