/**
 * Every path of intake (shared/usecases/submit-declaration.ts) on the in-memory fakes, which the
 * contract suite (tests/contract) holds to the adapters' behaviour.
 */
import { describe, expect, it } from 'vitest';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import type { Principal } from '#shared/domain/auth.ts';
import { toView } from '#shared/domain/declaration-record.ts';
import { DomainError } from '#shared/domain/problems.ts';
import type { DeclarationRepository } from '#shared/ports/declarations.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemoryDeclarationRepository } from '#shared/ports/fakes/declaration-repository.ts';
import { InMemoryDocumentArchive } from '#shared/ports/fakes/document-archive.ts';
import { InMemoryPipelineQueue } from '#shared/ports/fakes/pipeline-queue.ts';
import { InMemorySigningKeyStore } from '#shared/ports/fakes/signing-keys.ts';
import { registerSigningKey, revokeSigningKey } from '#shared/usecases/manage-signing-keys.ts';
import { LRN_CLAIM_LEASE_MS, sha256Hex, submitDeclaration } from '#shared/usecases/submit-declaration.ts';
import { declarationFor, newParty } from '#tests/integration/support.ts';
import { forgedDetached, newSigner, signDetached } from '#tests/support/signing.ts';

function world() {
  const deps = {
    repository: new InMemoryDeclarationRepository(),
    archive: new InMemoryDocumentArchive(),
    validationQueue: new InMemoryPipelineQueue(),
    clock: new ManualClock(),
    signatures: { keys: new InMemorySigningKeyStore(), required: false },
  };
  const party = newParty();
  const principal: Principal = { subject: 'trader-1', roles: ['trader'], partyId: party };
  const body = (overrides: (d: ReturnType<typeof declarationFor>) => void = () => {}) => {
    const declaration = declarationFor(party, overrides);
    declaration.lrn = 'LRN-1';
    return Buffer.from(JSON.stringify(declaration));
  };
  return { deps, party, principal, body };
}

/** The repository, except that storing a declaration fails (a crash between claim and state write). */
const failingCreate = (repository: InMemoryDeclarationRepository, message: string): DeclarationRepository =>
  new Proxy(repository, {
    get: (target, property) => {
      if (property === 'create') return async () => Promise.reject(new Error(message));
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

const problemCode = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return error instanceof DomainError ? error.problems[0]?.code : String(error);
};

describe('submitDeclaration', () => {
  it('stores a new declaration SUBMITTED with its bytes archived, its first event and a validation message', async () => {
    // Prepare
    const { deps, principal, body } = world();

    // Act
    const receipt = await submitDeclaration({ principal, body: body() }, deps);

    // Assess
    expect(receipt).toMatchObject({ lrn: 'LRN-1', status: 'SUBMITTED' });
    expect(deps.validationQueue.sent).toEqual([{ declarationId: receipt.id, version: 1, submittedText: body().toString('utf8') }]);
    expect((await deps.repository.listEvents(receipt.id)).map((event) => event.type)).toEqual(['SUBMITTED']);
    expect([...deps.archive.objects.keys()]).toEqual([archiveKeys.submitted(receipt.id, sha256Hex(body()))]);
  });

  it('answers the same bytes again with the first receipt', async () => {
    // Prepare
    const { deps, principal, body } = world();
    const first = await submitDeclaration({ principal, body: body() }, deps);

    // Act
    const again = await submitDeclaration({ principal, body: body() }, deps);

    // Assess
    expect(again).toEqual(first);
  });

  it('refuses the LRN of a stored declaration for other bytes', async () => {
    // Prepare
    const { deps, principal, body } = world();
    await submitDeclaration({ principal, body: body() }, deps);

    // Act
    const code = await problemCode(submitDeclaration({ principal, body: body((d) => (d.office = 'GBFXT')) }, deps));

    // Assess
    expect(code).toBe('LRN_ALREADY_USED');
  });

  it('lets the same bytes finish at once after an attempt that stopped after its claim', async () => {
    // Prepare: the first attempt claims the LRN and archives, then its state write fails
    const { deps, principal, body } = world();
    const failing = failingCreate(deps.repository, 'DynamoDB unavailable');
    await expect(submitDeclaration({ principal, body: body() }, { ...deps, repository: failing })).rejects.toThrow('DynamoDB unavailable');

    // Act
    const retry = await submitDeclaration({ principal, body: body() }, deps);

    // Assess: one declaration, under the claim's id, with the archive key the first attempt wrote
    expect(retry.status).toBe('SUBMITTED');
    expect([...deps.archive.objects.keys()]).toEqual([archiveKeys.submitted(retry.id, sha256Hex(body()))]);
    expect(deps.validationQueue.sent).toEqual([{ declarationId: retry.id, version: 1, submittedText: body().toString('utf8') }]);
  });

  it('keeps a stale claim from other bytes until its lease is over, then lets them take it', async () => {
    // Prepare
    const { deps, principal, body } = world();
    const failing = failingCreate(deps.repository, 'crash');
    await expect(submitDeclaration({ principal, body: body() }, { ...deps, repository: failing })).rejects.toThrow('crash');
    const other = body((d) => (d.office = 'GBFXT'));

    // Act
    const during = await problemCode(submitDeclaration({ principal, body: other }, deps));
    deps.clock.advance(LRN_CLAIM_LEASE_MS + 1);
    const after = await submitDeclaration({ principal, body: other }, deps);

    // Assess: the abandoned attempt's archived bytes are named by the declaration that took over
    expect(during).toBe('LRN_IN_USE');
    expect(after.status).toBe('SUBMITTED');
    const stored = await deps.repository.get(after.id);
    expect(stored?.office).toBe('GBFXT');
    const abandonedKey = [...deps.archive.objects.keys()].find((key) => !key.includes(after.id));
    expect(stored?.supersedes).toMatchObject({ archiveKey: abandonedKey });
    expect((await deps.repository.listEvents(after.id))[0]?.detail).toContain('takes the LRN over from abandoned attempt');
  });

  it('resumes a declaration whose validation message was not sent when the same bytes come again', async () => {
    // Prepare
    const { deps, principal, body } = world();
    deps.validationQueue.failNext = 1;
    await expect(submitDeclaration({ principal, body: body() }, deps)).rejects.toThrow('queue unavailable');

    // Act
    const retry = await submitDeclaration({ principal, body: body() }, deps);

    // Assess
    expect(deps.validationQueue.sent).toEqual([{ declarationId: retry.id, version: 1, submittedText: body().toString('utf8') }]);
  });

  it('refuses a declarant other than the party the trader acts for, storing nothing', async () => {
    // Prepare
    const { deps, principal } = world();
    const foreign = Buffer.from(JSON.stringify(declarationFor(newParty())));

    // Act
    const code = await problemCode(submitDeclaration({ principal, body: foreign }, deps));

    // Assess
    expect(code).toBe('DECLARANT_MISMATCH');
    expect(deps.archive.objects.size).toBe(0);
    expect(deps.validationQueue.sent).toEqual([]);
  });
});

describe('submitDeclaration with a signature', () => {
  /** A world whose trader registered an ES256 key "key-1" (and, with `required`, a region that requires signatures). */
  async function signingWorld(options: { required?: boolean } = {}) {
    const base = world();
    const clock = base.deps.clock;
    const keys = new InMemorySigningKeyStore();
    const deps = { ...base.deps, signatures: { keys, required: options.required ?? false } };
    const signer = await newSigner('ES256');
    const traderKeys = { keys, clock };
    const { key } = await registerSigningKey(
      { principal: base.principal, input: { jwk: { ...signer.publicJwk, kid: 'key-1' } } },
      traderKeys,
    );
    const json = (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as unknown;
    return { ...base, deps, signer, key, traderKeys, json };
  }

  /** Nothing stored: no LRN claim (the same LRN is free for a new body), no archive object, no message. */
  async function expectNothingStored(world: Awaited<ReturnType<typeof signingWorld>>) {
    expect(world.deps.archive.objects.size).toBe(0);
    expect(world.deps.validationQueue.sent).toEqual([]);
    const unsigned = { ...world.deps, signatures: { ...world.deps.signatures, required: false } };
    const free = await submitDeclaration({ principal: world.principal, body: world.body((d) => (d.office = 'GBFXT')) }, unsigned);
    expect(free.status).toBe('SUBMITTED');
  }

  it('stores a signed declaration with its signature archived next to its bytes and shown on the record', async () => {
    // Prepare
    const w = await signingWorld({ required: true });
    const body = w.body();
    const signature = await signDetached(w.json(body), w.signer, 'key-1');

    // Act
    const receipt = await submitDeclaration({ principal: w.principal, body, signature }, w.deps);

    // Assess
    const stored = await w.deps.repository.get(receipt.id);
    expect(stored?.signature).toMatchObject({ kid: 'key-1', alg: 'ES256' });
    const archiveKey = stored?.signature?.archiveKey ?? '';
    expect(archiveKey).toBe(archiveKeys.signature(receipt.id, stored?.signature?.sha256 ?? ''));
    const archived = JSON.parse(
      Buffer.from(await w.deps.archive.read({ key: archiveKey, sha256: stored?.signature?.sha256 ?? '' })).toString('utf8'),
    ) as Record<string, unknown>;
    expect(archived).toMatchObject({
      declarationId: receipt.id,
      kid: 'key-1',
      alg: 'ES256',
      jws: signature,
      submittedSha256: sha256Hex(body),
    });
    expect([...w.deps.archive.objects.keys()].sort()).toEqual([archiveKeys.submitted(receipt.id, sha256Hex(body)), archiveKey].sort());
    expect(toView({ ...stored!, declaration: stored!.declaration }).signature).toEqual(stored?.signature);
    expect((await w.deps.repository.listEvents(receipt.id))[0]?.detail).toContain('signed with key key-1 (ES256)');
  });

  it('accepts the signed body sent with its members reordered and other whitespace', async () => {
    // Prepare
    const w = await signingWorld();
    const declaration = w.json(w.body()) as Record<string, unknown>;
    const signature = await signDetached(declaration, w.signer, 'key-1');
    const sent = Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(declaration).reverse()), null, 3));

    // Act
    const receipt = await submitDeclaration({ principal: w.principal, body: sent, signature }, w.deps);

    // Assess
    expect((await w.deps.repository.get(receipt.id))?.signature?.kid).toBe('key-1');
  });

  it.each([
    ['SIGNATURE_INVALID', 'an altered body'],
    ['SIGNING_KEY_UNKNOWN', 'an unknown kid'],
    ['SIGNING_KEY_REVOKED', 'a revoked key'],
    ['SIGNATURE_ALGORITHM_NOT_ALLOWED', 'alg none'],
    ['SIGNATURE_REQUIRED', 'no signature where one is required'],
  ])('refuses %s (%s) and stores nothing', async (expected, _case) => {
    // Prepare
    const w = await signingWorld({ required: expected === 'SIGNATURE_REQUIRED' });
    const body = w.body();
    let signature: string | undefined = await signDetached(w.json(body), w.signer, 'key-1');
    let sent = body;
    if (expected === 'SIGNATURE_INVALID') sent = w.body((d) => (d.office = 'GBDVR'));
    if (expected === 'SIGNING_KEY_UNKNOWN') signature = await signDetached(w.json(body), w.signer, 'key-9');
    if (expected === 'SIGNING_KEY_REVOKED') await revokeSigningKey({ principal: w.principal, kid: 'key-1' }, w.traderKeys);
    if (expected === 'SIGNATURE_ALGORITHM_NOT_ALLOWED') signature = forgedDetached({ alg: 'none', kid: 'key-1' }, '');
    if (expected === 'SIGNATURE_REQUIRED') signature = undefined;

    // Act
    const code = await problemCode(submitDeclaration({ principal: w.principal, body: sent, signature }, w.deps));

    // Assess
    expect(code).toBe(expected);
    await expectNothingStored(w);
  });
});
