/**
 * Every branch of the redrive (shared/usecases/redrive-stalled.ts) on the in-memory fakes, which
 * the repository contract (tests/contract) holds to the DynamoDB adapter's behaviour: only
 * stalled declarations, each to its stage's queue, backing off, giving up, and a declaration or
 * an index shard that fails never stopping the others.
 */
import { describe, expect, it } from 'vitest';
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import type { DeclarationRepository } from '#shared/ports/declarations.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemoryDeclarationRepository } from '#shared/ports/fakes/declaration-repository.ts';
import { InMemoryDocumentArchive } from '#shared/ports/fakes/document-archive.ts';
import { InMemoryPipelineQueue } from '#shared/ports/fakes/pipeline-queue.ts';
import { MAX_REDRIVES, redriveStalled } from '#shared/usecases/redrive-stalled.ts';
import { overridden } from '#tests/support/overridden.ts';
import { storeSubmitted } from '#tests/support/stored-declaration.ts';

const MINUTE = 60_000;

function world() {
  const clock = new ManualClock();
  const repository = new InMemoryDeclarationRepository();
  const archive = new InMemoryDocumentArchive();
  const queues = { SUBMITTED: new InMemoryPipelineQueue(), VALIDATED: new InMemoryPipelineQueue() };
  /** A declaration stored now (SUBMITTED), optionally moved on to `status` (VALIDATED, REJECTED...). */
  const stored = async (status: DeclarationStatus = 'SUBMITTED') => {
    const record = await storeSubmitted({ repository, archive }, { at: clock.now().toISOString() });
    if (status !== 'SUBMITTED') {
      await repository.transition({ id: record.id, from: 'SUBMITTED', expectedVersion: 1, to: status, at: record.submittedAt, set: {} });
    }
    return record;
  };
  /** A stage moves the declaration on meanwhile (SUBMITTED to VALIDATED). */
  const movedMeanwhile = (id: string) =>
    repository.transition({ id, from: 'SUBMITTED', expectedVersion: 1, to: 'VALIDATED', at: clock.now().toISOString(), set: {} });
  const deps = (repo: DeclarationRepository = repository) => ({ repository: repo, clock, stageQueues: queues });
  const run = (repo?: DeclarationRepository, options: { olderThanMinutes?: number; limit?: number } = {}) =>
    redriveStalled({ now: clock.now(), olderThanMinutes: options.olderThanMinutes ?? 10, limit: options.limit ?? 100 }, deps(repo));
  return { clock, repository, queues, stored, movedMeanwhile, run };
}

describe('redriveStalled', () => {
  it('hands declarations that stopped in the pipeline to their stage again, and only those', async () => {
    // Prepare: one stopped 20 minutes ago, one moving now, one stopped and then finished
    const { clock, queues, stored, run } = world();
    const stopped = await stored();
    const finished = await stored('REJECTED');
    clock.advance(20 * MINUTE);
    const moving = await stored();

    // Act
    const result = await run();

    // Assess
    expect(queues.SUBMITTED.sent).toEqual([{ declarationId: stopped.id, version: 1 }]);
    expect(queues.SUBMITTED.sent.map((message) => message.declarationId)).not.toContain(moving.id);
    expect(queues.SUBMITTED.sent.map((message) => message.declarationId)).not.toContain(finished.id);
    expect(result).toEqual({ redriven: 1, byStatus: { SUBMITTED: 1 }, gaveUp: [], errors: 0 });
  });

  it('sends each declaration to the queue of the stage it stopped before, at the version it stopped at, counted by status', async () => {
    // Prepare
    const { clock, queues, stored, run } = world();
    const submitted = await stored();
    const validated = await stored('VALIDATED');
    const scored = await stored('SCORED'); // no queue given for SCORED: left for the next run
    clock.advance(20 * MINUTE);

    // Act
    const result = await run();

    // Assess
    expect(queues.SUBMITTED.sent).toEqual([{ declarationId: submitted.id, version: 1 }]);
    expect(queues.VALIDATED.sent).toEqual([{ declarationId: validated.id, version: 2 }]);
    expect(result).toEqual({ redriven: 2, byStatus: { SUBMITTED: 1, VALIDATED: 1 }, gaveUp: [], errors: 0 });
    expect(JSON.stringify([...queues.SUBMITTED.sent, ...queues.VALIDATED.sent])).not.toContain(scored.id);
  });

  it('handles at most `limit` declarations a run, the longest stopped first', async () => {
    // Prepare
    const { clock, queues, stored, run } = world();
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      ids.push((await stored()).id);
      clock.advance(MINUTE);
    }
    clock.advance(20 * MINUTE);

    // Act
    const result = await run(undefined, { limit: 2 });

    // Assess
    expect(result.redriven).toBe(2);
    expect(queues.SUBMITTED.sent.map((message) => message.declarationId)).toEqual(ids.slice(0, 2));
  });

  it('hands a stopped declaration to its stage, backing off, then marks it PROCESSING_FAILED after the last redrive', async () => {
    // Prepare
    const { clock, repository, queues, stored } = world();
    const { id } = await stored();
    const results: Awaited<ReturnType<typeof redriveStalled>>[] = [];
    const run = async () =>
      results.push(await redriveStalled({ now: clock.now(), olderThanMinutes: 2, limit: 100 }, { repository, clock, stageQueues: queues }));

    // Act: a run every minute for 130 minutes
    const sentAt: number[] = [];
    for (let minute = 1; minute <= 130; minute += 1) {
      clock.advance(MINUTE);
      const before = queues.SUBMITTED.sent.length;
      await run();
      if (queues.SUBMITTED.sent.length > before) sentAt.push(minute);
    }

    // Assess: redriven once stopped for 2 minutes, then 3, 7, 15 and 31 minutes apart (backing off),
    // then given up at the next turn (minute 122)
    expect(sentAt).toEqual([3, 6, 13, 28, 59]);
    expect(queues.SUBMITTED.sent).toHaveLength(MAX_REDRIVES);
    expect(results.flatMap((result) => result.gaveUp)).toEqual([id]);
    expect(results.findIndex((result) => result.gaveUp.length > 0)).toBe(121);
    expect(await repository.getState(id)).toMatchObject({ status: 'PROCESSING_FAILED', failure: { stage: 'SUBMITTED' } });
    expect((await repository.listReviewQueue('FAILED', 'ALL', { limit: 10 })).map((item) => item.id)).toEqual([id]);
  });

  it('moves a redriven declaration to the back and gives up after repeated redrives, once', async () => {
    // Prepare: stopped long ago
    const { clock, repository, queues, stored, run } = world();
    const stopped = await stored();
    clock.advance(200 * MINUTE);

    // Act: six runs 40 minutes apart, longer than the longest back-off (30 minutes at 1 minute)
    const results = [];
    for (let index = 0; index < 6; index += 1) {
      results.push(await run(undefined, { olderThanMinutes: 1 }));
      clock.advance(40 * MINUTE);
    }
    const later = await run(undefined, { olderThanMinutes: 0 });

    // Assess
    expect(queues.SUBMITTED.sent.filter((message) => message.declarationId === stopped.id)).toHaveLength(5);
    expect(results.map((result) => result.gaveUp)).toEqual([[], [], [], [], [], [stopped.id]]);
    expect(later).toEqual({ redriven: 0, byStatus: {}, gaveUp: [], errors: 0 });
    const failed = await repository.getState(stopped.id);
    expect(failed).toMatchObject({ status: 'PROCESSING_FAILED', version: 2, failure: { stage: 'SUBMITTED' } });
    expect(failed?.failure?.reason).toContain('after 5 redrives');
    const officersQueue = await repository.listReviewQueue('FAILED', 'ALL', { limit: 100 });
    expect(officersQueue.map((item) => item.id)).toContain(stopped.id);
    expect((await repository.listEvents(stopped.id)).map((event) => event.type)).toEqual(['PROCESSING_FAILED']);
  });

  it('leaves a declaration that moved on between the listing and the redrive note', async () => {
    // Prepare: a stage moves it after the redrive read its state
    const { clock, repository, queues, stored, movedMeanwhile, run } = world();
    const { id } = await stored();
    clock.advance(20 * MINUTE);
    const racing = overridden<DeclarationRepository>(repository, {
      noteRedrive: async (...args) => {
        await movedMeanwhile(id);
        return repository.noteRedrive(...args);
      },
    });

    // Act
    const result = await run(racing);

    // Assess
    expect(result).toEqual({ redriven: 0, byStatus: {}, gaveUp: [], errors: 0 });
    expect(queues.SUBMITTED.sent).toEqual([]);
    expect(await repository.getState(id)).toMatchObject({ status: 'VALIDATED', version: 2 });
  });

  it('does not report as given up a declaration that moved on before it could be marked PROCESSING_FAILED', async () => {
    // Prepare: redriven to the limit; on the last note, a stage moves it before the failure mark
    const { clock, repository, queues, stored, movedMeanwhile, run } = world();
    const { id } = await stored();
    for (let redrive = 0; redrive < MAX_REDRIVES; redrive += 1)
      await repository.noteRedrive(id, 1, clock.now().toISOString(), MAX_REDRIVES);
    clock.advance(20 * MINUTE);
    const racing = overridden<DeclarationRepository>(repository, {
      noteRedrive: async (...args) => {
        const noted = await repository.noteRedrive(...args);
        await movedMeanwhile(id);
        return noted;
      },
    });

    // Act
    const result = await run(racing);

    // Assess
    expect(result).toEqual({ redriven: 0, byStatus: {}, gaveUp: [], errors: 0 });
    expect(queues.SUBMITTED.sent).toEqual([]);
    expect(await repository.getState(id)).toMatchObject({ status: 'VALIDATED', version: 2 });
    expect(await repository.listEvents(id)).toEqual([]);
  });

  it('skips a listed declaration whose state is gone (the index is read eventually consistently)', async () => {
    // Prepare
    const { clock, repository, queues, stored, run } = world();
    const { id } = await stored();
    clock.advance(20 * MINUTE);
    const withPhantom = overridden<DeclarationRepository>(repository, {
      listStalled: async (...args) => {
        const listed = await repository.listStalled(...args);
        return { ...listed, items: [{ id: '01JPHANTOM0000000000000000', version: 1, status: 'SUBMITTED' }, ...listed.items] };
      },
    });

    // Act
    const result = await run(withPhantom);

    // Assess
    expect(result).toEqual({ redriven: 1, byStatus: { SUBMITTED: 1 }, gaveUp: [], errors: 0 });
    expect(queues.SUBMITTED.sent).toEqual([{ declarationId: id, version: 1 }]);
  });

  it('goes on with the others when one declaration cannot be handled', async () => {
    // Prepare
    const { clock, repository, queues, stored, run } = world();
    const ids = [(await stored()).id, (await stored()).id, (await stored()).id];
    clock.advance(20 * MINUTE);
    let calls = 0;
    const flaky = overridden<DeclarationRepository>(repository, {
      noteRedrive: async (...args) => {
        calls += 1;
        if (calls === 1) throw new Error('throttled');
        return repository.noteRedrive(...args);
      },
    });

    // Act
    const result = await run(flaky);

    // Assess
    expect(result.errors).toBe(1);
    expect(result.redriven).toBe(2);
    expect(queues.SUBMITTED.sent).toHaveLength(2);
    expect(new Set(queues.SUBMITTED.sent.map((message) => message.declarationId)).size).toBe(2);
    expect(queues.SUBMITTED.sent.every((message) => ids.includes(message.declarationId))).toBe(true);
  });

  it('counts index shards it could not read as errors and redrives what the others hold', async () => {
    // Prepare
    const { clock, repository, queues, stored, run } = world();
    const { id } = await stored();
    clock.advance(20 * MINUTE);
    const partlyReadable = overridden<DeclarationRepository>(repository, {
      listStalled: async (...args) => ({ ...(await repository.listStalled(...args)), failedShards: 2 }),
    });

    // Act
    const result = await run(partlyReadable);

    // Assess
    expect(result).toEqual({ redriven: 1, byStatus: { SUBMITTED: 1 }, gaveUp: [], errors: 2 });
    expect(queues.SUBMITTED.sent).toEqual([{ declarationId: id, version: 1 }]);
  });

  it('leaves a declaration that entered long ago but moved within the wait, and redrives it once quiet that long', async () => {
    // Prepare: entered 30 minutes ago, validated 5 minutes ago, then nothing
    const { clock, repository, queues, stored, run } = world();
    const { id } = await stored();
    clock.advance(25 * MINUTE);
    await repository.transition({ id, from: 'SUBMITTED', expectedVersion: 1, to: 'VALIDATED', at: clock.now().toISOString(), set: {} });
    clock.advance(5 * MINUTE);

    // Act
    const whileMoving = await run();
    const tenMinutesAgo = new Date(clock.now().getTime() - 10 * MINUTE).toISOString();
    const listedAfter = (await repository.listStalled(tenMinutesAgo, 100)).items.map((item) => item.id);
    clock.advance(6 * MINUTE);
    const onceQuiet = await run();

    // Assess: deferred to its last change (not counted as a redrive), then redriven at the version it stopped at
    expect(whileMoving.redriven).toBe(0);
    expect(listedAfter).toEqual([]);
    expect(onceQuiet).toEqual({ redriven: 1, byStatus: { VALIDATED: 1 }, gaveUp: [], errors: 0 });
    expect(queues.VALIDATED.sent).toEqual([{ declarationId: id, version: 2 }]);
  });
});
