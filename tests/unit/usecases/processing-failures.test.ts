/** Redrive, failure marks and retries (shared/usecases/redrive-stalled.ts, processing-failures.ts) on the fakes. */
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../shared/domain/auth.ts';
import { ManualClock } from '../../../shared/ports/fakes/clock.ts';
import { InMemoryDeclarationRepository } from '../../../shared/ports/fakes/declaration-repository.ts';
import { InMemoryDocumentArchive } from '../../../shared/ports/fakes/document-archive.ts';
import { InMemoryPipelineQueue } from '../../../shared/ports/fakes/pipeline-queue.ts';
import { markProcessingFailed, retryDeclaration } from '../../../shared/usecases/processing-failures.ts';
import { MAX_REDRIVES, redriveStalled } from '../../../shared/usecases/redrive-stalled.ts';
import { submitDeclaration } from '../../../shared/usecases/submit-declaration.ts';
import { declarationFor, newParty } from '../../integration/support.ts';

const admin: Principal = { subject: 'admin-1', roles: ['admin'], partyId: undefined };

async function world(count = 1) {
  const clock = new ManualClock();
  const repository = new InMemoryDeclarationRepository();
  const validation = new InMemoryPipelineQueue();
  const intake = { repository, archive: new InMemoryDocumentArchive(), validationQueue: new InMemoryPipelineQueue(), clock };
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

describe('redriveStalled', () => {
  it('hands a stopped declaration to its stage, backing off, then marks it PROCESSING_FAILED after the last redrive', async () => {
    // Prepare
    const { clock, repository, validation, ids, deps } = await world();
    const results: Awaited<ReturnType<typeof redriveStalled>>[] = [];
    const run = async () => results.push(await redriveStalled({ now: clock.now(), olderThanMinutes: 2, limit: 100 }, deps));

    // Act: a run every minute for 130 minutes
    const sentAt: number[] = [];
    for (let minute = 1; minute <= 130; minute += 1) {
      clock.advance(60_000);
      const before = validation.sent.length;
      await run();
      if (validation.sent.length > before) sentAt.push(minute);
    }

    // Assess: redriven once stopped for 2 minutes, then 3, 7, 15 and 31 minutes apart (backing off),
    // then given up at the next turn (minute 122)
    expect(sentAt).toEqual([3, 6, 13, 28, 59]);
    expect(validation.sent).toHaveLength(MAX_REDRIVES);
    expect(results.flatMap((result) => result.gaveUp)).toEqual(ids);
    expect(await repository.getState(ids[0] as string)).toMatchObject({ status: 'PROCESSING_FAILED', failure: { stage: 'SUBMITTED' } });
    expect((await repository.listReviewQueue('FAILED', 'ALL', { limit: 10, cursor: undefined })).items.map((item) => item.id)).toEqual(ids);
  });

  it('goes on with the others when one declaration cannot be handled', async () => {
    // Prepare
    const { clock, validation, ids, deps } = await world(3);
    let calls = 0;
    const flaky = new Proxy(deps.repository, {
      get: (target, property) => {
        const value = Reflect.get(target, property, target);
        if (property === 'noteRedrive') {
          return async (...args: Parameters<typeof target.noteRedrive>) => {
            calls += 1;
            if (calls === 1) throw new Error('throttled');
            return target.noteRedrive(...args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    clock.advance(3 * 60_000);

    // Act
    const result = await redriveStalled({ now: clock.now(), olderThanMinutes: 2, limit: 100 }, { ...deps, repository: flaky });

    // Assess
    expect(result.errors).toBe(1);
    expect(result.redriven).toBe(2);
    expect(validation.sent).toHaveLength(2);
    expect(new Set(validation.sent.map((message) => message.declarationId)).size).toBe(2);
    expect(validation.sent.every((message) => ids.includes(message.declarationId))).toBe(true);
  });
});

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
});
