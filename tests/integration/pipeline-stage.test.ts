/**
 * The idempotent stage step (shared/usecases/pipeline-stage.ts) with the real DynamoDB
 * repository on the local cloud: a crash between the write and the send, redelivery, and two
 * deliveries at once. The next-stage queue is an in-memory implementation of the port, so the
 * test can make it fail once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { loadConfig } from '../../shared/config.ts';

/** The intake function's configuration (the local cloud sets every function's variables). */
const intake = () => loadConfig('submitDeclaration');

import { declarationRepository, documentArchive } from '../../shared/adapters/platform.ts';
import type { DeclarationRecord } from '../../shared/domain/declaration-record.ts';
import { InMemoryPipelineQueue } from '../../shared/ports/fakes/pipeline-queue.ts';
import type { PipelineQueue } from '../../shared/ports/pipeline-queue.ts';
import { runStage, type StageDefinition } from '../../shared/usecases/pipeline-stage.ts';
import { markProcessingFailed, retryDeclaration } from '../../shared/usecases/processing-failures.ts';
import { redriveStalled } from '../../shared/usecases/redrive-stalled.ts';
import { storeSubmitted } from '../support/stored-declaration.ts';

let cloud: LocalCloud;
let repository: ReturnType<typeof declarationRepository>;
const clock = { now: () => new Date() };

beforeAll(async () => {
  // No functions: nothing but this test moves the declarations.
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent', functions: {} });
  repository = declarationRepository(intake());
});

afterAll(async () => {
  await cloud?.stop();
});

const storedSubmitted = (at = new Date().toISOString()) => storeSubmitted({ repository, archive: documentArchive(intake()) }, { at });

/** A stage whose decision differs on every call, to show that the first one written wins. */
function stage(next: PipelineQueue): StageDefinition & { calls: number } {
  const definition = {
    calls: 0,
    name: 'test',
    from: 'SUBMITTED' as const,
    next: { VALIDATED: next },
    decide(_record: DeclarationRecord, at: string) {
      definition.calls += 1;
      return { to: 'VALIDATED' as const, set: { validation: { at, problems: [] } }, detail: `decision ${definition.calls}` };
    },
  };
  return definition;
}

describe('runStage', () => {
  it('after a crash between the write and the send, a redelivery writes nothing new and sends once', async () => {
    // Prepare
    const record = await storedSubmitted();
    const queue = new InMemoryPipelineQueue();
    queue.failNext = 1;
    const definition = stage(queue);
    const message = { declarationId: record.id, version: 1 };

    // Act
    await expect(runStage(message, definition, { repository, clock })).rejects.toThrow('queue unavailable');
    const redelivered = await runStage(message, definition, { repository, clock });

    // Assess
    expect(redelivered).toEqual({ outcome: 'resent', status: 'VALIDATED' });
    expect(definition.calls).toBe(1);
    expect(queue.sent).toEqual([{ declarationId: record.id, version: 2 }]);
    const events = await repository.listEvents(record.id);
    expect(events.map((event) => [event.version, event.detail])).toEqual([[2, 'decision 1']]);
    expect((await repository.get(record.id))?.version).toBe(2);
  });

  it('with two deliveries at once, moves the declaration once and history says what the state says', async () => {
    // Prepare
    const record = await storedSubmitted();
    const queue = new InMemoryPipelineQueue();
    const definition = stage(queue);
    const message = { declarationId: record.id, version: 1 };

    // Act
    const results = await Promise.all([
      runStage(message, definition, { repository, clock }),
      runStage(message, definition, { repository, clock }),
    ]);

    // Assess
    expect(results.filter((result) => result.outcome === 'moved')).toHaveLength(1);
    const stored = await repository.get(record.id);
    const events = await repository.listEvents(record.id);
    expect(stored?.version).toBe(2);
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toBe(stored?.lastEvent?.detail);
    expect(queue.sent.every((sent) => sent.version === 2)).toBe(true);
  });

  it("writes the previous step's event when the next stage picks the declaration up without it", async () => {
    // Prepare: validated, but the process stopped before the event item was written
    const record = await storedSubmitted();
    const event = {
      declarationId: record.id,
      version: 2,
      type: 'VALIDATED' as const,
      status: 'VALIDATED' as const,
      at: new Date().toISOString(),
      actor: { kind: 'system' as const, id: 'validation' },
      detail: 'all checks passed',
    };
    await repository.transition({
      id: record.id,
      from: 'SUBMITTED',
      expectedVersion: 1,
      to: 'VALIDATED',
      at: event.at,
      set: { lastEvent: event },
    });
    const next = {
      name: 'risk',
      from: 'VALIDATED' as const,
      next: {},
      decide: (_record: DeclarationRecord, at: string) => ({
        to: 'SCORED' as const,
        set: { lane: 'GREEN' as const },
        detail: `scored at ${at}`,
      }),
    };

    // Act
    await runStage({ declarationId: record.id, version: 2 }, next, { repository, clock });

    // Assess
    const events = await repository.listEvents(record.id);
    expect(events.map((e) => [e.version, e.type])).toEqual([
      [2, 'VALIDATED'],
      [3, 'SCORED'],
    ]);
  });

  it('leaves a declaration that has moved further alone', async () => {
    // Prepare
    const record = await storedSubmitted();
    const queue = new InMemoryPipelineQueue();
    const definition = stage(queue);
    await runStage({ declarationId: record.id, version: 1 }, definition, { repository, clock });
    await repository.transition({
      id: record.id,
      from: 'VALIDATED',
      expectedVersion: 2,
      to: 'SCORED',
      at: new Date().toISOString(),
      set: {},
    });

    // Act
    const late = await runStage({ declarationId: record.id, version: 1 }, definition, { repository, clock });

    // Assess
    expect(late).toEqual({ outcome: 'skipped', status: 'SCORED' });
    expect(queue.sent).toHaveLength(1);
  });
});

describe('redriveStalled', () => {
  it('hands declarations that stopped in the pipeline to their stage again, and only those', async () => {
    // Prepare: one stopped 20 minutes ago, one moving now, one stopped and then finished
    const longAgo = new Date(Date.now() - 20 * 60_000).toISOString();
    const stopped = await storedSubmitted(longAgo);
    const moving = await storedSubmitted();
    const finished = await storedSubmitted(longAgo);
    await repository.transition({
      id: finished.id,
      from: 'SUBMITTED',
      expectedVersion: 1,
      to: 'REJECTED',
      at: new Date().toISOString(),
      set: {},
    });
    const validation = new InMemoryPipelineQueue();

    // Act
    const result = await redriveStalled(
      { now: new Date(), olderThanMinutes: 10, limit: 1000 },
      { repository, clock, stageQueues: { SUBMITTED: validation } },
    );

    // Assess
    const sentIds = validation.sent.map((message) => message.declarationId);
    expect(sentIds).toContain(stopped.id);
    expect(sentIds).not.toContain(moving.id);
    expect(sentIds).not.toContain(finished.id);
    expect(validation.sent.find((message) => message.declarationId === stopped.id)?.version).toBe(1);
    expect(result.byStatus.SUBMITTED).toBe(validation.sent.length);
  });

  it('moves a redriven declaration to the back and gives up after repeated redrives', async () => {
    // Prepare
    const stopped = await storedSubmitted(new Date(Date.now() - 500 * 60_000).toISOString());
    const queue = new InMemoryPipelineQueue();
    const runAt = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);

    // Act: six runs 40 minutes apart, longer than the longest back-off (32 minutes at 1 minute)
    const results = [];
    for (let run = 0; run < 6; run += 1) {
      results.push(
        await redriveStalled(
          { now: runAt(300 - run * 40), olderThanMinutes: 1, limit: 1000 },
          { repository, clock, stageQueues: { SUBMITTED: queue } },
        ),
      );
    }
    const later = await redriveStalled(
      { now: new Date(), olderThanMinutes: 0, limit: 1000 },
      { repository, clock, stageQueues: { SUBMITTED: queue } },
    );

    // Assess
    const sentForIt = queue.sent.filter((message) => message.declarationId === stopped.id);
    expect(sentForIt).toHaveLength(5);
    expect(results.at(-1)?.gaveUp).toContain(stopped.id);
    expect(later.gaveUp).not.toContain(stopped.id);
    expect(queue.sent.filter((message) => message.declarationId === stopped.id)).toHaveLength(5);
    const failed = await repository.getState(stopped.id);
    expect(failed).toMatchObject({ status: 'PROCESSING_FAILED', version: 2, failure: { stage: 'SUBMITTED' } });
    expect(failed?.failure?.reason).toContain('after 5 redrives');
    const officersQueue = await repository.listReviewQueue('FAILED', 'ALL', { limit: 100, cursor: undefined });
    expect(officersQueue.items.map((item) => item.id)).toContain(stopped.id);
    expect((await repository.listEvents(stopped.id)).map((event) => event.type)).toEqual(['PROCESSING_FAILED']);
  });

  it('lets an admin retry a PROCESSING_FAILED declaration at the stage that failed, and only an admin', async () => {
    // Prepare
    const stopped = await storedSubmitted();
    await markProcessingFailed(
      { declarationId: stopped.id, version: 1, reason: 'NoSuchKey: gone', actor: 'validation' },
      { repository, clock },
    );
    const queue = new InMemoryPipelineQueue();
    const admin = { subject: 'admin-1', roles: ['admin'] as const, partyId: undefined };
    const officer = { subject: 'officer-1', roles: ['officer'] as const, partyId: undefined };
    const deps = { repository, clock, stageQueues: { SUBMITTED: queue } };

    // Act
    const byOfficer = retryDeclaration({ principal: officer, id: stopped.id }, deps);
    await expect(byOfficer).rejects.toMatchObject({ kind: 'FORBIDDEN' });
    const retried = await retryDeclaration({ principal: admin, id: stopped.id }, deps);
    const twice = retryDeclaration({ principal: admin, id: stopped.id }, deps);

    // Assess
    expect(retried).toEqual({ id: stopped.id, status: 'SUBMITTED', version: 3 });
    await expect(twice).rejects.toMatchObject({ kind: 'CONFLICT' });
    expect(queue.sent).toEqual([{ declarationId: stopped.id, version: 3 }]);
    const state = await repository.getState(stopped.id);
    expect(state).toMatchObject({ status: 'SUBMITTED', version: 3 });
    const officersQueue = await repository.listReviewQueue('FAILED', 'ALL', { limit: 100, cursor: undefined });
    expect(officersQueue.items.map((item) => item.id)).not.toContain(stopped.id);
    expect((await repository.listEvents(stopped.id)).map((event) => [event.version, event.type, event.status])).toEqual([
      [2, 'PROCESSING_FAILED', 'PROCESSING_FAILED'],
      [3, 'RETRIED', 'SUBMITTED'],
    ]);
  });
});
