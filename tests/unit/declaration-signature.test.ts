/**
 * The detached JWS over a declaration's canonical JSON (shared/domain/declaration-signature.ts):
 * which signatures verify, and the problem each refused one gets.
 */
import { CompactSign, calculateJwkThumbprint, FlattenedSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { signedPayload, verifyDeclarationSignature } from '#shared/domain/declaration-signature.ts';
import { DomainError } from '#shared/domain/problems.ts';
import { publicJwkSchema, type SigningAlgorithm, type SigningKey } from '#shared/domain/signing-keys.ts';
import { InMemorySigningKeyStore } from '#shared/ports/fakes/signing-keys.ts';
import { declarationFor, newParty } from '#tests/integration/support.ts';
import { forgedDetached, newSigner, signDetached, type TestSigner } from '#tests/support/signing.ts';

const registeredAt = '2026-11-01T00:00:00.000Z';
const submittedAt = '2026-11-27T10:00:00.000Z';

async function world(alg: SigningAlgorithm = 'ES256', revokedAt?: string) {
  const party = newParty();
  const signer = await newSigner(alg);
  const jwk = publicJwkSchema.parse(signer.publicJwk);
  const key: SigningKey = {
    partyId: party,
    kid: 'key-1',
    alg,
    jwk,
    thumbprint: await calculateJwkThumbprint(jwk),
    registeredAt,
    registeredBy: 'trader-1',
    ...(revokedAt ? { revokedAt, revokedBy: 'trader-1' } : {}),
  };
  const keys = new InMemorySigningKeyStore();
  await keys.register(key);
  const declaration = declarationFor(party);
  const verify = (jws: string, json: unknown = declaration, at = submittedAt) =>
    verifyDeclarationSignature({ jws, json, partyId: party, at }, keys);
  return { party, signer, keys, declaration, verify };
}

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error === undefined) return 'verified';
  if (!(error instanceof DomainError)) throw error;
  expect(error.kind).toBe('BAD_REQUEST');
  return error.problems[0]?.code;
};

describe('verifyDeclarationSignature', () => {
  it.each(['ES256', 'EdDSA'] as const)('accepts a %s signature by a registered key over the canonical JSON', async (alg) => {
    // Prepare
    const { signer, declaration, verify } = await world(alg);
    const jws = await signDetached(declaration, signer, 'key-1');

    // Act
    const verified = await verify(jws);

    // Assess
    expect(verified).toEqual({ kid: 'key-1', alg });
  });

  it('accepts the same body with its members reordered and other whitespace (RFC 8785 canonical form)', async () => {
    // Prepare: signed over one serialisation, received as another
    const { signer, declaration, verify } = await world('EdDSA');
    const jws = await signDetached(declaration, signer, 'key-1');
    const reordered = Object.fromEntries(Object.entries(declaration).reverse());
    const received = JSON.parse(JSON.stringify(reordered, null, '\t')) as unknown;

    // Act
    const verified = await verify(jws, received);

    // Assess
    expect(JSON.stringify(received)).not.toBe(JSON.stringify(declaration));
    expect(verified.kid).toBe('key-1');
  });

  it('refuses a body altered after signing', async () => {
    // Prepare
    const { signer, declaration, verify } = await world();
    const jws = await signDetached(declaration, signer, 'key-1');
    const altered = { ...declaration, lrn: `${declaration.lrn}-X` };

    // Act
    const code = await codeOf(verify(jws, altered));

    // Assess
    expect(code).toBe('SIGNATURE_INVALID');
  });

  it('refuses a signature made with another key under a registered kid', async () => {
    // Prepare
    const { declaration, verify } = await world();
    const impostor: TestSigner = await newSigner('ES256');

    // Act
    const code = await codeOf(verify(await signDetached(declaration, impostor, 'key-1')));

    // Assess
    expect(code).toBe('SIGNATURE_INVALID');
  });

  it('refuses a kid the declarant never registered', async () => {
    // Prepare
    const { signer, declaration, verify } = await world();

    // Act
    const code = await codeOf(verify(await signDetached(declaration, signer, 'key-2')));

    // Assess
    expect(code).toBe('SIGNING_KEY_UNKNOWN');
  });

  it('refuses a revoked key from its revocation on, and still verifies what it signed before', async () => {
    // Prepare
    const { signer, declaration, verify } = await world('ES256', '2026-11-20T00:00:00.000Z');
    const jws = await signDetached(declaration, signer, 'key-1');

    // Act
    const now = await codeOf(verify(jws));
    const before = await codeOf(verify(jws, declaration, '2026-11-19T23:59:59.999Z'));

    // Assess
    expect(now).toBe('SIGNING_KEY_REVOKED');
    expect(before).toBe('verified');
  });

  it('refuses alg "none", HS256 and an algorithm other than the key verifies', async () => {
    // Prepare
    const { signer, declaration, verify } = await world('ES256');
    const hs256 = await new CompactSign(new TextEncoder().encode(JSON.stringify(declaration)))
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .sign(new TextEncoder().encode('a shared secret that anyone with the JWK could guess'));
    const [hsHeader, , hsSignature] = hs256.split('.');
    const eddsaForES256Key = forgedDetached({ alg: 'EdDSA', kid: 'key-1' });

    // Act
    const codes = await Promise.all([
      codeOf(verify(forgedDetached({ alg: 'none', kid: 'key-1' }, ''))),
      codeOf(verify(`${hsHeader}..${hsSignature}`)),
      codeOf(verify(eddsaForES256Key)),
      codeOf(verify(await signDetached(declaration, signer, 'key-1'))),
    ]);

    // Assess
    expect(codes).toEqual([
      'SIGNATURE_ALGORITHM_NOT_ALLOWED',
      'SIGNATURE_ALGORITHM_NOT_ALLOWED',
      'SIGNATURE_ALGORITHM_NOT_ALLOWED',
      'verified',
    ]);
  });

  it('refuses a JWS with its payload attached, without a kid, or with an unencoded payload', async () => {
    // Prepare
    const { signer, declaration, verify } = await world('EdDSA');
    const unencoded = await new FlattenedSign(signedPayload(declaration))
      .setProtectedHeader({ alg: 'EdDSA', kid: 'key-1', b64: false, crit: ['b64'] })
      .sign(signer.privateKey);
    const attached = await new CompactSign(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'EdDSA', kid: 'key-1' })
      .sign(signer.privateKey);

    // Act
    const codes = await Promise.all([
      codeOf(verify(attached)),
      codeOf(verify(forgedDetached({ alg: 'EdDSA' }))),
      codeOf(verify(`${unencoded.protected}..${unencoded.signature}`)),
      codeOf(verify('not a jws')),
    ]);

    // Assess
    expect(codes).toEqual(['SIGNATURE_INVALID', 'SIGNATURE_INVALID', 'SIGNATURE_INVALID', 'SIGNATURE_INVALID']);
  });
});
