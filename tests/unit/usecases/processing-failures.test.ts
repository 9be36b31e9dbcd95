/** Failure marks and retries (shared/usecases/processing-failures.ts) on the fakes; the redrive is in redrive-stalled.test.ts. */
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemoryDeclarationRepository } from '#shared/ports/fakes/declaration-repository.ts';
import { InMemoryDocumentArchive } from '#shared/ports/fakes/document-archive.ts';
import { InMemoryPipelineQueue } from '#shared/ports/fakes/pipeline-queue.ts';
import { InMemorySigningKeyStore } from '#shared/ports/fakes/signing-keys.ts';
import { markProcessingFailed, retryDeclaration } from '#shared/usecases/processing-failures.ts';
import { submitDeclaration } from '#shared/usecases/submit-declaration.ts';
import { declarationFor, newParty } from '#tests/integration/support.ts';

const admin: Principal = { subject: 'admin-1', roles: ['admin'], partyId: undefined };
const officer: Principal = { subject: 'officer-1', roles: ['officer'], partyId: undefined };

async function world(count = 1) {
  const clock = new ManualClock();
  const repository = new InMemoryDeclarationRepository();
  const validation = new InMemoryPipelineQueue();
  const intake = {
    repository,
    archive: new InMemoryDocumentArchive(),
    validationQueue: new InMemoryPipelineQueue(),
    clock,
    signatures: { keys: new InMemorySigningKeyStore(), required: false },
  };
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const party = newParty();
    const receipt = await submitDeclaration(
      { principal: { subject: 't', roles: ['trader'], partyId: party }, body: Buffer.from(JSON.stringify(declarationFor(party))) },
      intake,
    );
    ids.push(receipt.id);
  }
  return { clock, repository, validation, ids, deps: { repository, clock, stageQueues: { SUBMITTED: validation } } };
}

describe('markProcessingFailed and retryDeclaration', () => {
  it('marks only the version the failed message saw, writes the pending event first, and retries once', async () => {
    // Prepare
    const { repository, validation, ids, deps } = await world();
    const id = ids[0] as string;

    // Act
    const stale = await markProcessingFailed({ declarationId: id, version: 7, reason: 'late', actor: 'validation' }, deps);
    const failed = await markProcessingFailed({ declarationId: id, version: 1, reason: 'Boom:\nline two', actor: 'validation' }, deps);
    const retried = await retryDeclaration({ principal: admin, id }, deps);
    const again = retryDeclaration({ principal: admin, id }, deps);

    // Assess
    expect(stale).toBe('moved-on');
    expect(failed).toBe('failed');
    expect(retried).toEqual({ id, status: 'SUBMITTED', version: 3 });
    await expect(again).rejects.toMatchObject({ kind: 'CONFLICT' });
    expect(validation.sent).toEqual([{ declarationId: id, version: 3 }]);
    const history = await repository.listEvents(id);
    expect(history.map((event) => [event.version, event.type])).toEqual([
      [1, 'SUBMITTED'],
      [2, 'PROCESSING_FAILED'],
      [3, 'RETRIED'],
    ]);
    expect(history[1]?.detail).toBe('SUBMITTED: Boom: line two');
  });

  it('lets an admin retry a PROCESSING_FAILED declaration at the stage that failed, and only an admin', async () => {
    // Prepare
    const { repository, validation, ids, deps } = await world();
    const id = ids[0] as string;
    await markProcessingFailed({ declarationId: id, version: 1, reason: 'NoSuchKey: gone', actor: 'validation' }, deps);

    // Act
    const byOfficer = retryDeclaration({ principal: officer, id }, deps);
    await expect(byOfficer).rejects.toMatchObject({ kind: 'FORBIDDEN' });
    const retried = await retryDeclaration({ principal: admin, id }, deps);
    const twice = retryDeclaration({ principal: admin, id }, deps);

    // Assess
    expect(retried).toEqual({ id, status: 'SUBMITTED', version: 3 });
    await expect(twice).rejects.toMatchObject({ kind: 'CONFLICT' });
    expect(validation.sent).toEqual([{ declarationId: id, version: 3 }]);
    expect(await repository.getState(id)).toMatchObject({ status: 'SUBMITTED', version: 3 });
    const officersQueue = await repository.listReviewQueue('FAILED', 'ALL', { limit: 100 });
    expect(officersQueue.map((item) => item.id)).not.toContain(id);
    expect((await repository.listEvents(id)).map((event) => [event.version, event.type, event.status])).toEqual([
      [1, 'SUBMITTED', 'SUBMITTED'],
      [2, 'PROCESSING_FAILED', 'PROCESSING_FAILED'],
      [3, 'RETRIED', 'SUBMITTED'],
    ]);
  });
});
