/**
 * One step of the pipeline, done the same way by every stage (validation, risk, duty, release).
 *
 * SQS delivers at least once, so a stage is idempotent: it writes the history event for the new
 * version with attribute_not_exists, then moves the declaration with a write conditional on
 * `version` and `status`, then sends the message for the next stage. A redelivered message finds
 * the declaration already moved and only re-sends the next message (the first attempt may have
 * stopped between the write and the send); a declaration that has moved further is left alone.
 */
import type { DeclarationStatus } from '../domain/declaration.ts';
import type { DeclarationRecord, HistoryEvent, HistoryEventType, PipelineMessage } from '../domain/declaration-record.ts';
import type { Clock, DeclarationRepository, PipelineQueue, Transition } from './ports.ts';

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
  from: DeclarationStatus;
  /** Outcomes that hand the declaration on, and to which queue. */
  next: Partial<Record<DeclarationStatus, PipelineQueue>>;
  decide(record: DeclarationRecord, at: string): Promise<StageDecision> | StageDecision;
}

export type StageResult = { outcome: 'moved'; to: DeclarationStatus } | { outcome: 'resent'; status: DeclarationStatus } | { outcome: 'skipped'; status: DeclarationStatus };

export class DeclarationMissingError extends Error {
  constructor(id: string) {
    super(`declaration ${id} does not exist`);
    this.name = 'DeclarationMissingError';
  }
}

export async function runStage(
  message: PipelineMessage,
  stage: StageDefinition,
  deps: { repository: DeclarationRepository; clock: Clock },
): Promise<StageResult> {
  const record = await deps.repository.get(message.declarationId);
  if (!record) throw new DeclarationMissingError(message.declarationId);

  if (record.status !== stage.from) {
    const queue = stage.next[record.status];
    // Only a declaration this stage moved (one version on from the message) is handed on again.
    if (queue && record.version === message.version + 1) {
      await queue.send({ declarationId: record.id, version: record.version });
      return { outcome: 'resent', status: record.status };
    }
    return { outcome: 'skipped', status: record.status };
  }

  const at = deps.clock.now().toISOString();
  const decision = await stage.decide(record, at);
  const version = record.version + 1;
  const event: HistoryEvent = {
    declarationId: record.id,
    version,
    type: decision.to,
    status: decision.to,
    at,
    actor: { kind: 'system', id: stage.name },
    detail: decision.detail,
  };
  // Event first: if we stop after it, the retry skips the duplicate and still applies the change.
  await deps.repository.appendEvent(event);
  const outcome = await deps.repository.transition({
    id: record.id,
    from: stage.from,
    expectedVersion: record.version,
    to: decision.to,
    at,
    set: decision.set,
    ...(decision.reviewQueue !== undefined ? { reviewQueue: decision.reviewQueue } : {}),
  });
  if (outcome === 'conflict') {
    // A concurrent delivery moved it first: act on what is stored now.
    return runStage(message, stage, deps);
  }
  await stage.next[decision.to]?.send({ declarationId: record.id, version });
  return { outcome: 'moved', to: decision.to };
}
