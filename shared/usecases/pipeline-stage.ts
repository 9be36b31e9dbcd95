/**
 * One step of the pipeline, done the same way by every stage (validation, risk, duty, release).
 *
 * SQS delivers at least once, so a stage is idempotent: it moves the declaration with one write
 * conditional on `version` and `status` (the history event of the change stored with it), then
 * appends that event as its own item (attribute_not_exists), then sends the message for the next
 * stage, and beside those two does what the stage does after a move (`afterMove`: counting it,
 * asking for its documents), which needs neither. The next message waits for the event item: a
 * next stage that found it missing would write it again (writePendingEvent), with a second
 * notification and a failed, billed put. A redelivered message finds the declaration already
 * moved: it writes the stored event (if the first attempt stopped before) and re-sends the next
 * message; a declaration that has moved further is left alone. History therefore always says what
 * the state says, even when a retry would have decided differently (the first decision that was
 * written wins).
 */
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import type { DeclarationRecord, HistoryEventType, PipelineMessage } from '#shared/domain/declaration-record.ts';
import { nextEvent } from '#shared/domain/history.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter, RecordWithEvents, Transition } from '#shared/ports/declarations.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';

export interface StageDecision {
  to: DeclarationStatus & HistoryEventType;
  set: Transition['set'];
  reviewQueue?: Transition['reviewQueue'];
  /** One line for the history. */
  detail: string;
}

export interface StageDefinition {
  /** Name used as the actor of the history event. */
  name: string;
  /** The status it takes declarations in (the release stage: ASSESSED, and ARRIVAL_PENDING once their goods arrive). */
  from: DeclarationStatus | readonly DeclarationStatus[];
  /** Outcomes that hand the declaration on, and to which queue. */
  next: Partial<Record<DeclarationStatus, PipelineQueue>>;
  /** The change to make; undefined: none yet (the declaration stays as it is, e.g. still waiting for its goods). */
  decide(record: DeclarationRecord, at: string): Promise<StageDecision | undefined> | StageDecision | undefined;
  /**
   * What follows this delivery's move (counting it, asking for its documents), run beside the event
   * item and the next message: it must need neither (a reader of the history, such as the documents
   * worker, takes a missing last event from the state), and a redelivery after a failure here finds
   * the declaration moved (the stage's caller finishes what it did not do then).
   */
  afterMove?(moved: DeclarationRecord, submittedText: string | undefined): Promise<unknown>;
}

/** What a stage did, as its log line tells it. */
export type StageOutcome =
  | { outcome: 'moved'; to: DeclarationStatus }
  | { outcome: 'resent'; status: DeclarationStatus }
  | { outcome: 'skipped'; status: DeclarationStatus };

export type StageResult = (
  | /** `record`: the declaration as this delivery's conditional write stored it (the record read, the change applied). */
  { outcome: 'moved'; to: DeclarationStatus; record: DeclarationRecord }
  | Exclude<StageOutcome, { outcome: 'moved' }>
) &
  /** The submitted bytes the stage read, for the messages it or its caller sends on (PipelineMessage `submittedText`). */
  Pick<PipelineMessage, 'submittedText'>;

/** A message for the declaration at `version`, carrying the submitted bytes when the sender has them. */
export const pipelineMessage = (declarationId: string, version: number, submittedText: string | undefined): PipelineMessage => ({
  declarationId,
  version,
  ...(submittedText !== undefined ? { submittedText } : {}),
});

export class DeclarationMissingError extends Error {
  constructor(id: string) {
    super(`declaration ${id} does not exist`);
    this.name = 'DeclarationMissingError';
  }
}

/**
 * Writes the event of the record's latest change if its own item is missing: every change stores
 * its event on the state item first, and whoever changes the record next (a stage, a failure mark,
 * a retry) writes it before storing its own, so no event is ever skipped. It is looked up first:
 * normally it is there, and a conditional put that fails is billed as a write (1 WRU or more)
 * where a consistent read of its key costs 1 RRU, a fifth of the price.
 */
export async function writePendingEvent(
  record: Pick<DeclarationRecord, 'version' | 'lastEvent'>,
  repository: DeclarationReader & DeclarationWriter,
  /** The events stored as the same consistent read as `record` saw them (a stage's getWithEvents): no read of its own. */
  read?: Pick<RecordWithEvents, 'eventsFrom' | 'events'>,
): Promise<void> {
  const pending = record.lastEvent;
  if (pending?.version !== record.version) return;
  const stored =
    read && pending.version >= read.eventsFrom
      ? read.events.some((event) => event.version === pending.version)
      : await repository.hasEvent(pending.declarationId, pending.version);
  if (stored) return;
  await repository.appendEvent(pending);
}

export async function runStage(
  message: PipelineMessage,
  stage: StageDefinition,
  deps: { repository: DeclarationReader & DeclarationWriter; clock: Clock },
): Promise<StageResult> {
  // The declaration and its events from the message's version on, in one consistent read (the
  // pending event below is looked up in it: events are never deleted while the declaration is kept).
  // The body from the message's copy when it is the submitted one (no archive read), else from the archive.
  const read = await deps.repository.getWithEvents(message.declarationId, message.version, { text: message.submittedText });
  if (!read) throw new DeclarationMissingError(message.declarationId);
  const { record, submittedText } = read;
  const carried = submittedText !== undefined ? { submittedText } : {};

  const from: readonly DeclarationStatus[] = typeof stage.from === 'string' ? [stage.from] : stage.from;
  if (!from.includes(record.status)) {
    // Only a declaration this stage moved (one version on from the message) is finished again.
    if (record.version !== message.version + 1) return { outcome: 'skipped', status: record.status, ...carried };
    await writePendingEvent(record, deps.repository, read);
    const queue = stage.next[record.status];
    if (!queue) return { outcome: 'skipped', status: record.status, ...carried };
    await queue.send(pipelineMessage(record.id, record.version, submittedText));
    return { outcome: 'resent', status: record.status, ...carried };
  }

  // The previous step's event, in case it stopped before writing it (the change carries it).
  await writePendingEvent(record, deps.repository, read);
  const at = deps.clock.now().toISOString();
  const decision = await stage.decide(record, at);
  if (!decision) return { outcome: 'skipped', status: record.status, ...carried };
  const version = record.version + 1;
  const event = nextEvent(record, {
    type: decision.to,
    status: decision.to,
    at,
    actor: { kind: 'system', id: stage.name },
    detail: decision.detail,
  });
  const outcome = await deps.repository.transition({
    id: record.id,
    from: record.status,
    expectedVersion: record.version,
    to: decision.to,
    at,
    set: { ...decision.set, lastEvent: event },
    ...(decision.reviewQueue !== undefined ? { reviewQueue: decision.reviewQueue } : {}),
    ...(record.redriveCount ? { restartStallWait: true } : {}),
  });
  if (outcome === 'conflict') {
    // A concurrent delivery moved it first: act on what is stored now.
    return runStage(message, stage, deps);
  }
  // What the conditional write stored: the record it expected (same version) with the change applied,
  // the redrive count started again (the repository's transition).
  const { redriveCount: _redrives, ...before } = record;
  const moved: DeclarationRecord = { ...before, ...decision.set, status: decision.to, version, updatedAt: at, lastEvent: event };
  // Each runs to its end before a failure is reported: the record is retried with nothing left running.
  const settled = await Promise.allSettled([
    (async () => {
      // The event item before the next message: the next stage finds it stored. One that finds it
      // missing writes it itself, with its notification: a second notification and a failed put.
      await deps.repository.appendEvent(event);
      await stage.next[decision.to]?.send(pipelineMessage(record.id, version, submittedText));
    })(),
    // In a promise even if it throws at once: the event and the message are then still waited for.
    (async () => stage.afterMove?.(moved, submittedText))(),
  ]);
  const failed = settled.find((step): step is PromiseRejectedResult => step.status === 'rejected');
  if (failed) throw failed.reason;
  return { outcome: 'moved', to: decision.to, record: moved, ...carried };
}
