/**
 * The idempotent stage step (shared/usecases/pipeline-stage.ts) on the in-memory fakes, which the
 * repository contract (tests/contract) holds to the DynamoDB adapter's behaviour: a crash between
 * the write and the send or the event, redelivery, two deliveries at once, a declaration that
 * moved on. (These ran on the local cloud before the contract suite existed.)
 */
import { describe, expect, it } from 'vitest';
import type { DeclarationRecord } from '#shared/domain/declaration-record.ts';
import type { DeclarationRepository } from '#shared/ports/declarations.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemoryDeclarationRepository } from '#shared/ports/fakes/declaration-repository.ts';
import { InMemoryDocumentArchive } from '#shared/ports/fakes/document-archive.ts';
import { InMemoryPipelineQueue } from '#shared/ports/fakes/pipeline-queue.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import { DeclarationMissingError, runStage, type StageDefinition } from '#shared/usecases/pipeline-stage.ts';
import { counted } from '#tests/support/counted.ts';
import { overridden } from '#tests/support/overridden.ts';
import { storeSubmitted, storeSubmittedWithBytes } from '#tests/support/stored-declaration.ts';

function world() {
  const repository = new InMemoryDeclarationRepository();
  const clock = new ManualClock();
  const storedSubmitted = () => storeSubmitted({ repository, archive: new InMemoryDocumentArchive() }, { at: clock.now().toISOString() });
  return { repository, clock, storedSubmitted };
}

/** A stage whose decision differs on every call, to show that the first one written wins. */
function stage(
  next: PipelineQueue,
  options: { to?: 'VALIDATED' | 'REJECTED'; beforeDeciding?: () => Promise<void> } = {},
): StageDefinition & { calls: number } {
  const definition = {
    calls: 0,
    name: 'test',
    from: 'SUBMITTED' as const,
    next: { VALIDATED: next },
    async decide(_record: DeclarationRecord, at: string) {
      definition.calls += 1;
      const call = definition.calls;
      await options.beforeDeciding?.();
      return { to: options.to ?? ('VALIDATED' as const), set: { validation: { at, problems: [] } }, detail: `decision ${call}` };
    },
  };
  return definition;
}

/** The repository, except that writing an event item fails (a crash right after the state write). */
const crashBeforeEvent = (repository: InMemoryDeclarationRepository): DeclarationRepository =>
  overridden<DeclarationRepository>(repository, {
    appendEvent: async () => {
      throw new Error('crashed before the event was written');
    },
  });

describe('runStage', () => {
  it("hands the message's copy of the submitted bytes on when it is the submission's, and drops one that is not", async () => {
    // Prepare: the bytes as stored, and the same bytes altered on the way
    const { repository, clock } = world();
    const { record, bytes } = await storeSubmittedWithBytes(
      { repository, archive: new InMemoryDocumentArchive() },
      { at: clock.now().toISOString() },
    );
    const other = await storeSubmittedWithBytes({ repository, archive: new InMemoryDocumentArchive() }, { at: clock.now().toISOString() });
    const queue = new InMemoryPipelineQueue();
    const text = bytes.toString('utf8');

    // Act
    const carried = await runStage({ declarationId: record.id, version: 1, submittedText: text }, stage(queue), { repository, clock });
    const dropped = await runStage({ declarationId: other.record.id, version: 1, submittedText: `${text} ` }, stage(queue), {
      repository,
      clock,
    });

    // Assess
    expect(carried).toMatchObject({ outcome: 'moved', submittedText: text });
    expect(dropped).toMatchObject({ outcome: 'moved' });
    expect(dropped.submittedText).toBeUndefined();
    expect(queue.sent).toEqual([
      { declarationId: record.id, version: 2, submittedText: text },
      { declarationId: other.record.id, version: 2 },
    ]);
  });

  it('moves a declaration at its stage: one write with its event, the event item, then the next message', async () => {
    // Prepare
    const { repository, clock, storedSubmitted } = world();
    const record = await storedSubmitted();
    const queue = new InMemoryPipelineQueue();
    // What the next stage would find when the message reaches it: the event item already stored
    const eventsWhenSent: number[][] = [];
    const watched = overridden<PipelineQueue>(queue, {
      send: async (message) => {
        eventsWhenSent.push((await repository.listEvents(record.id)).map((event) => event.version));
        await queue.send(message);
      },
    });
    clock.advance(5_000);

    // Act
    const result = await runStage({ declarationId: record.id, version: 1 }, stage(watched), { repository, clock });

    // Assess
    expect(result).toMatchObject({ outcome: 'moved', to: 'VALIDATED' });
    expect(eventsWhenSent).toEqual([[2]]);
    const stored = await repository.get(record.id);
    expect(stored).toMatchObject({ status: 'VALIDATED', version: 2, updatedAt: clock.now().toISOString() });
    expect(stored?.lastEvent).toEqual({
      declarationId: record.id,
      version: 2,
      type: 'VALIDATED',
      status: 'VALIDATED',
      at: clock.now().toISOString(),
      actor: { kind: 'system', id: 'test' },
      detail: 'decision 1',
    });
    expect(await repository.listEvents(record.id)).toEqual([stored?.lastEvent]);
    expect(queue.sent).toEqual([{ declarationId: record.id, version: 2 }]);
  });

  it('after a crash between the write and the send, a redelivery writes nothing new and sends once', async () => {
    // Prepare
    const { repository, clock, storedSubmitted } = world();
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

  it('after a crash between the write and its event, a redelivery writes the event the state carries and sends on', async () => {
    // Prepare
    const { repository, clock, storedSubmitted } = world();
    const record = await storedSubmitted();
    const queue = new InMemoryPipelineQueue();
    const definition = stage(queue);
    const message = { declarationId: record.id, version: 1 };
    await expect(runStage(message, definition, { repository: crashBeforeEvent(repository), clock })).rejects.toThrow('crashed');
    const eventsAfterCrash = await repository.listEvents(record.id);
    const sentAfterCrash = [...queue.sent];

    // Act
    const redelivered = await runStage(message, definition, { repository, clock });

    // Assess: nothing was sent before the event item was stored
    expect(eventsAfterCrash).toEqual([]);
    expect(sentAfterCrash).toEqual([]);
    expect(redelivered).toEqual({ outcome: 'resent', status: 'VALIDATED' });
    expect(definition.calls).toBe(1);
    expect((await repository.listEvents(record.id)).map((event) => [event.version, event.detail])).toEqual([[2, 'decision 1']]);
    expect(queue.sent).toEqual([{ declarationId: record.id, version: 2 }]);
  });

  it('does what follows a move beside the event item, and finishes it before a failure is reported', async () => {
    // Prepare: the event write fails once the after-move work has started
    const { repository, clock, storedSubmitted } = world();
    const record = await storedSubmitted();
    const queue = new InMemoryPipelineQueue();
    const steps: string[] = [];
    let afterMoveStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      afterMoveStarted = resolve;
    });
    const definition: StageDefinition = {
      ...stage(queue),
      afterMove: async (moved, submittedText) => {
        steps.push(`after move: ${moved.status} v${moved.version} ${submittedText === undefined ? 'no copy' : 'copy'}`);
        afterMoveStarted();
        await new Promise((resolve) => setTimeout(resolve, 20));
        steps.push('after move: done');
      },
    };
    const failingEvent = overridden<DeclarationRepository>(repository, {
      appendEvent: async () => {
        await started;
        steps.push('event: failed');
        throw new Error('event write failed');
      },
    });

    // Act
    const attempt = runStage({ declarationId: record.id, version: 1 }, definition, { repository: failingEvent, clock });

    // Assess: both ran at once, no message went without its event, and the failure waited for the after-move work
    await expect(attempt).rejects.toThrow('event write failed');
    expect(steps).toEqual(['after move: VALIDATED v2 no copy', 'event: failed', 'after move: done']);
    expect(queue.sent).toEqual([]);
    expect((await repository.get(record.id))?.status).toBe('VALIDATED');
  });

  it('with two deliveries at once, moves the declaration once and history says what the state says', async () => {
    // Prepare: both deliveries read version 1 and decide before either writes
    const { repository, clock, storedSubmitted } = world();
    const record = await storedSubmitted();
    const queue = new InMemoryPipelineQueue();
    let release: () => void = () => {};
    const bothDecided = new Promise<void>((resolve) => {
      release = resolve;
    });
    const definition = stage(queue, {
      beforeDeciding: async () => {
        if (definition.calls === 2) release();
        await bothDecided;
      },
    });
    const message = { declarationId: record.id, version: 1 };

    // Act
    const results = await Promise.all([
      runStage(message, definition, { repository, clock }),
      runStage(message, definition, { repository, clock }),
    ]);

    // Assess: two decisions made, the first written wins and the other delivery re-sends it
    expect(definition.calls).toBe(2);
    expect(results.map((result) => result.outcome).sort()).toEqual(['moved', 'resent']);
    const stored = await repository.get(record.id);
    const events = await repository.listEvents(record.id);
    expect(stored?.version).toBe(2);
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toBe(stored?.lastEvent?.detail);
    expect(queue.sent).toEqual([
      { declarationId: record.id, version: 2 },
      { declarationId: record.id, version: 2 },
    ]);
  });

  it('waits for the event item and the next message when the after-move work throws at once', async () => {
    // Prepare: an after-move step that is not async and throws before returning a promise, and an
    // event write that takes a moment
    const { repository, clock, storedSubmitted } = world();
    const record = await storedSubmitted();
    const queue = new InMemoryPipelineQueue();
    const definition: StageDefinition = {
      ...stage(queue),
      afterMove: () => {
        throw new Error('after-move failed at once');
      },
    };
    const slowEvent = overridden<DeclarationRepository>(repository, {
      appendEvent: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return repository.appendEvent(event);
      },
    });

    // Act
    const attempt = runStage({ declarationId: record.id, version: 1 }, definition, { repository: slowEvent, clock });

    // Assess: the failure is reported once the event item and the message are done
    await expect(attempt).rejects.toThrow('after-move failed at once');
    expect((await repository.listEvents(record.id)).map((event) => event.version)).toEqual([2]);
    expect(queue.sent).toEqual([{ declarationId: record.id, version: 2 }]);
  });

  it("writes the previous step's event when the next stage picks the declaration up without it", async () => {
    // Prepare: validated, but the process stopped before the event item was written
    const { repository, clock, storedSubmitted } = world();
    const record = await storedSubmitted();
    const event = {
      declarationId: record.id,
      version: 2,
      type: 'VALIDATED' as const,
      status: 'VALIDATED' as const,
      at: clock.now().toISOString(),
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
    const result = await runStage({ declarationId: record.id, version: 2 }, next, { repository, clock });

    // Assess: moved, and with no queue for SCORED in `next`, nothing sent
    expect(result).toMatchObject({ outcome: 'moved', to: 'SCORED' });
    const events = await repository.listEvents(record.id);
    expect(events.map((e) => [e.version, e.type])).toEqual([
      [2, 'VALIDATED'],
      [3, 'SCORED'],
    ]);
  });

  it("looks the previous change's event up rather than putting it again when it is stored (a failed put is billed)", async () => {
    // Prepare: validated by the first stage, its event written
    const { repository, clock, storedSubmitted } = world();
    const record = await storedSubmitted();
    await runStage({ declarationId: record.id, version: 1 }, stage(new InMemoryPipelineQueue()), { repository, clock });
    const appended: number[] = [];
    const counting = overridden<DeclarationRepository>(repository, {
      appendEvent: async (event) => {
        appended.push(event.version);
        return repository.appendEvent(event);
      },
    });
    const next = {
      name: 'risk',
      from: 'VALIDATED' as const,
      next: {},
      decide: () => ({ to: 'SCORED' as const, set: {}, detail: 'scored' }),
    };

    // Act
    await runStage({ declarationId: record.id, version: 2 }, next, { repository: counting, clock });

    // Assess: only the stage's own event was put
    expect(appended).toEqual([3]);
    expect((await repository.listEvents(record.id)).map((event) => event.version)).toEqual([2, 3]);
  });

  it("reads the declaration and whether the previous change's event is stored in one read, and returns the record as it stored it", async () => {
    // Prepare: validated by the first stage, its event written
    const { repository, clock, storedSubmitted } = world();
    const record = await storedSubmitted();
    await runStage({ declarationId: record.id, version: 1 }, stage(new InMemoryPipelineQueue()), { repository, clock });
    const reads = counted(repository);
    const next = {
      name: 'risk',
      from: 'VALIDATED' as const,
      next: {},
      decide: () => ({ to: 'SCORED' as const, set: { riskScore: 12 }, detail: 'scored' }),
    };
    clock.advance(1_000);

    // Act
    const result = await runStage({ declarationId: record.id, version: 2 }, next, { repository: reads.port, clock });

    // Assess: one read (pattern 110), no event lookup of its own; the record returned is the one stored
    expect(reads.calls).toEqual({ getWithEvents: 1, transition: 1, appendEvent: 1 });
    expect(result.outcome === 'moved' ? result.record : undefined).toEqual(await repository.get(record.id));
  });

  it('leaves a declaration that has moved further alone', async () => {
    // Prepare
    const { repository, clock, storedSubmitted } = world();
    const record = await storedSubmitted();
    const queue = new InMemoryPipelineQueue();
    const definition = stage(queue);
    await runStage({ declarationId: record.id, version: 1 }, definition, { repository, clock });
    await repository.transition({
      id: record.id,
      from: 'VALIDATED',
      expectedVersion: 2,
      to: 'SCORED',
      at: clock.now().toISOString(),
      set: {},
    });

    // Act
    const late = await runStage({ declarationId: record.id, version: 1 }, definition, { repository, clock });

    // Assess
    expect(late).toEqual({ outcome: 'skipped', status: 'SCORED' });
    expect(definition.calls).toBe(1);
    expect(queue.sent).toHaveLength(1);
  });

  it('on redelivery after an outcome that goes nowhere (REJECTED), writes a missing event but sends nothing', async () => {
    // Prepare: rejected, the event item lost in a crash
    const { repository, clock, storedSubmitted } = world();
    const record = await storedSubmitted();
    const queue = new InMemoryPipelineQueue();
    const definition = stage(queue, { to: 'REJECTED' });
    const message = { declarationId: record.id, version: 1 };
    await expect(runStage(message, definition, { repository: crashBeforeEvent(repository), clock })).rejects.toThrow('crashed');

    // Act
    const redelivered = await runStage(message, definition, { repository, clock });

    // Assess
    expect(redelivered).toEqual({ outcome: 'skipped', status: 'REJECTED' });
    expect((await repository.listEvents(record.id)).map((event) => event.type)).toEqual(['REJECTED']);
    expect(queue.sent).toEqual([]);
  });

  it('fails on a message for a declaration that does not exist (the message is retried, then dead-lettered)', async () => {
    // Prepare
    const { repository, clock } = world();
    const definition = stage(new InMemoryPipelineQueue());

    // Act
    const missing = runStage({ declarationId: '01JTEST0000000000000000000', version: 1 }, definition, { repository, clock });

    // Assess
    await expect(missing).rejects.toBeInstanceOf(DeclarationMissingError);
    expect(definition.calls).toBe(0);
  });
});
