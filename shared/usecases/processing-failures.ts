/**
 * A declaration that cannot be processed is never silent. When a stage's message is exhausted
 * (its last delivery failed) or the redrive gives up on it, the declaration moves to
 * PROCESSING_FAILED with the reason: the trader sees that it failed, officers find it in the
 * FAILED queue of its office, an alarm fires, and an administrator can retry it once the cause is
 * fixed. Both moves are ordinary conditional writes on `version` with their history event.
 */
import { type Principal, requireRole } from '#shared/domain/auth.ts';
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import type { DeclarationState, HistoryEvent, PipelineMessage } from '#shared/domain/declaration-record.ts';
import { nextEvent } from '#shared/domain/history.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter } from '#shared/ports/declarations.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import { writePendingEvent } from './pipeline-stage.ts';

/** Statuses whose stage runs on its own; only these can fail to be processed. */
export const inFlightStatuses: readonly DeclarationStatus[] = ['SUBMITTED', 'VALIDATED', 'SCORED', 'ASSESSED'];

/**
 * The officers' queue (GSI2 lane) of declarations that could not be processed: one for the whole
 * region, since a declaration may fail before its office was validated. Failures are rare.
 */
export const FAILED_QUEUE = { lane: 'FAILED', office: 'ALL' } as const;

export interface FailureDeps {
  repository: DeclarationReader & DeclarationWriter;
  clock: Clock;
}

/**
 * Marks the declaration PROCESSING_FAILED if it is still where the failed message left it;
 * 'moved-on' when it has changed since (the failure no longer applies).
 */
export async function markProcessingFailed(
  message: PipelineMessage & { reason: string; actor: string },
  deps: FailureDeps,
): Promise<'failed' | 'moved-on'> {
  const state = await deps.repository.getState(message.declarationId);
  if (!state || state.version !== message.version || !inFlightStatuses.includes(state.status)) return 'moved-on';
  await writePendingEvent(state, deps.repository);
  const at = deps.clock.now().toISOString();
  // Bounded and on one line: the reason may quote a multi-line exception message.
  const reason = message.reason.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').slice(0, 500);
  const event = historyEvent(
    state,
    'PROCESSING_FAILED',
    'PROCESSING_FAILED',
    at,
    { kind: 'system', id: message.actor },
    `${state.status}: ${reason}`,
  );
  const outcome = await deps.repository.transition({
    id: state.id,
    from: state.status,
    expectedVersion: state.version,
    to: 'PROCESSING_FAILED',
    at,
    set: { failure: { stage: state.status, reason, at }, lastEvent: event },
    reviewQueue: { ...FAILED_QUEUE, queuedAt: at },
  });
  if (outcome === 'conflict') return 'moved-on';
  await deps.repository.appendEvent(event);
  return 'failed';
}

/** POST /v1/admin/declarations/{id}/retry: back to the stage that failed, with a fresh message. */
export async function retryDeclaration(
  command: { principal: Principal; id: string },
  deps: FailureDeps & { stageQueues: Partial<Record<DeclarationStatus, PipelineQueue>> },
): Promise<{ id: string; status: DeclarationStatus; version: number }> {
  requireRole(command.principal, 'admin');
  const state = await deps.repository.getState(command.id);
  if (!state) throw new DomainError('NOT_FOUND', 'Not found', [problem('', 'DECLARATION_NOT_FOUND', `no declaration ${command.id}`)]);
  const stage = state.failure?.stage;
  const queue = stage ? deps.stageQueues[stage] : undefined;
  if (state.status !== 'PROCESSING_FAILED' || !stage || !queue) {
    throw new DomainError('CONFLICT', 'Not retryable', [
      problem(
        '',
        'NOT_PROCESSING_FAILED',
        `declaration ${command.id} is ${state.status}; only a PROCESSING_FAILED declaration can be retried`,
      ),
    ]);
  }
  await writePendingEvent(state, deps.repository);
  const at = deps.clock.now().toISOString();
  const event = historyEvent(
    state,
    'RETRIED',
    stage,
    at,
    { kind: 'officer', id: command.principal.subject },
    `retried at ${stage} after: ${state.failure?.reason ?? ''}`,
  );
  const outcome = await deps.repository.transition({
    id: state.id,
    from: 'PROCESSING_FAILED',
    expectedVersion: state.version,
    to: stage,
    at,
    set: { lastEvent: event },
    reviewQueue: null,
  });
  if (outcome === 'conflict') {
    throw new DomainError('CONFLICT', 'Changed meanwhile', [
      problem('', 'VERSION_CONFLICT', `declaration ${command.id} changed meanwhile; read it and try again`),
    ]);
  }
  await deps.repository.appendEvent(event);
  await queue.send({ declarationId: state.id, version: state.version + 1 });
  return { id: state.id, status: stage, version: state.version + 1 };
}

function historyEvent(
  state: DeclarationState,
  type: HistoryEvent['type'],
  status: DeclarationStatus,
  at: string,
  actor: HistoryEvent['actor'],
  detail: string,
): HistoryEvent {
  return nextEvent(state, { type, status, at, actor, detail });
}
