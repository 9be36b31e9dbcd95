/**
 * Every path of intake (shared/usecases/submit-declaration.ts) on the in-memory fakes, which the
 * contract suite (tests/contract) holds to the adapters' behaviour.
 */
import { describe, expect, it } from 'vitest';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import type { Principal } from '#shared/domain/auth.ts';
import { DomainError } from '#shared/domain/problems.ts';
import type { DeclarationRepository } from '#shared/ports/declarations.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemoryDeclarationRepository } from '#shared/ports/fakes/declaration-repository.ts';
import { InMemoryDocumentArchive } from '#shared/ports/fakes/document-archive.ts';
import { InMemoryPipelineQueue } from '#shared/ports/fakes/pipeline-queue.ts';
import { LRN_CLAIM_LEASE_MS, sha256Hex, submitDeclaration } from '#shared/usecases/submit-declaration.ts';
import { declarationFor, newParty } from '#tests/integration/support.ts';

function world() {
  const deps = {
    repository: new InMemoryDeclarationRepository(),
    archive: new InMemoryDocumentArchive(),
    validationQueue: new InMemoryPipelineQueue(),
    clock: new ManualClock(),
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
    expect(deps.validationQueue.sent).toEqual([{ declarationId: receipt.id, version: 1 }]);
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
    expect(deps.validationQueue.sent).toEqual([{ declarationId: retry.id, version: 1 }]);
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
    expect(deps.validationQueue.sent).toEqual([{ declarationId: retry.id, version: 1 }]);
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
