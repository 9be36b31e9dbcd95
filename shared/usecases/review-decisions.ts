/**
 * An officer's work on a declaration selected for review: claim it (one officer at a time, until
 * the claim expires), then release it, hold it, ask the trader for documents or reject it. Each
 * decision is one conditional write on `version` (and on nobody else holding the claim) with a
 * history event naming the officer; the internal note goes only into that event. Repeating the
 * same decision changes nothing and answers as the first time.
 */
import { type Principal, requireRole } from '#shared/domain/auth.ts';
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import type { DeclarationState, HistoryEventType } from '#shared/domain/declaration-record.ts';
import { nextEvent } from '#shared/domain/history.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import {
  type DecisionAction,
  type DecisionRequest,
  type OfficerDecision,
  type ReviewClaim,
  reviewableStatuses,
  statusAfterDecision,
} from '#shared/domain/review.ts';
import { type ReviewEntry, toReviewEntry } from '#shared/domain/review-views.ts';
import type { ClearanceCounters } from '#shared/ports/clearance-counters.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter, ReviewClaims } from '#shared/ports/declarations.ts';
import type { PermitStore } from '#shared/ports/permits.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import { countRelease } from './clearance-statistics.ts';
import { givePermitsBack } from './permit-drawings.ts';
import { writePendingEvent } from './pipeline-stage.ts';
import { type ReverseChargesDeps, reverseUnreleasedCharges } from './reverse-charges.ts';
import { notFound } from './review-queue.ts';

export interface ReviewDeps {
  repository: DeclarationReader & DeclarationWriter & ReviewClaims;
  /** Releases are counted into the clearance statistics. */
  counters: ClearanceCounters;
  /** Where a released declaration's release note is asked for. */
  documentsQueue: PipelineQueue;
  clock: Clock;
  /** How long a claim lasts (region config). */
  claimMinutes: number;
}

/** Deciding also gives back what a rejected declaration drew: on its permits, and the duties secured for it. */
export interface DecisionDeps extends ReviewDeps, Omit<ReverseChargesDeps, 'repository' | 'clock'> {
  permits: Pick<PermitStore, 'giveBack'>;
}

const eventTypeOf: Record<DecisionAction, HistoryEventType> = {
  RELEASE: 'RELEASED',
  HOLD: 'HELD',
  REQUEST_DOCUMENTS: 'DOCUMENTS_REQUESTED',
  REJECT: 'REJECTED',
};

const heldBy = (claim: ReviewClaim) =>
  new DomainError('CONFLICT', 'Claimed by another officer', [
    problem('', 'CLAIMED_BY_ANOTHER_OFFICER', `officer ${claim.officerId} is working on this declaration until ${claim.until}`),
  ]);

const notReviewable = (id: string, status: DeclarationStatus) =>
  new DomainError('CONFLICT', 'Not under review', [
    problem('', 'NOT_REVIEWABLE', `declaration ${id} is ${status}; officers act on ${reviewableStatuses.join(', ')} declarations`),
  ]);

/** An officer may act on a declaration under review that no other officer holds an unexpired claim on. */
export function assertOfficerMayAct(state: DeclarationState, officerId: string, now: string): void {
  if (!(reviewableStatuses as readonly string[]).includes(state.status)) throw notReviewable(state.id, state.status);
  if (state.claim && state.claim.officerId !== officerId && state.claim.until >= now) throw heldBy(state.claim);
}

/** POST /v1/review/declarations/{id}/claim: the officer takes (or renews) the declaration. */
export async function claimDeclaration(command: { principal: Principal; id: string }, deps: ReviewDeps): Promise<ReviewEntry> {
  requireRole(command.principal, 'officer');
  const now = deps.clock.now();
  const claim: ReviewClaim = {
    officerId: command.principal.subject,
    claimedAt: now.toISOString(),
    until: new Date(now.getTime() + deps.claimMinutes * 60_000).toISOString(),
  };
  const result = await deps.repository.claim(command.id, claim, reviewableStatuses);
  if (result.outcome === 'not-found') throw notFound(command.id);
  if (result.outcome === 'not-reviewable') throw notReviewable(command.id, result.status);
  if (result.outcome === 'held') throw heldBy(result.claim);
  const state = await deps.repository.getState(command.id);
  if (!state) throw notFound(command.id);
  return toReviewEntry(state);
}

/** DELETE /v1/review/declarations/{id}/claim: the officer lets it go for a colleague. */
export async function releaseDeclarationClaim(command: { principal: Principal; id: string }, deps: ReviewDeps): Promise<void> {
  requireRole(command.principal, 'officer');
  if (await deps.repository.releaseClaim(command.id, command.principal.subject)) return;
  const state = await deps.repository.getState(command.id);
  if (!state) throw notFound(command.id);
  throw new DomainError('CONFLICT', 'Not your claim', [
    problem(
      '',
      'NOT_CLAIMED_BY_YOU',
      state.claim ? `officer ${state.claim.officerId} holds the claim, not you` : 'nobody holds a claim on this declaration',
    ),
  ]);
}

/** POST /v1/review/declarations/{id}/decisions */
export async function decideOnDeclaration(
  command: { principal: Principal; id: string; expectedVersion: number | undefined; decision: DecisionRequest },
  deps: DecisionDeps,
): Promise<ReviewEntry> {
  requireRole(command.principal, 'officer');
  const officerId = command.principal.subject;
  const state = await deps.repository.getState(command.id);
  if (!state) throw notFound(command.id);
  if (isRepeat(state, officerId, command.decision)) {
    // A repeated decision finishes what the first request may have stopped before (counts, the note, permits given back).
    await afterDecision(state, deps);
    return toReviewEntry(state);
  }
  if (command.expectedVersion !== undefined && command.expectedVersion !== state.version) throw staleVersion(command.id, state.version);
  const now = deps.clock.now().toISOString();
  assertOfficerMayAct(state, officerId, now);

  const { action, note, message, documents } = command.decision;
  // UCC Art. 194: goods are released once the customs debt is paid or secured; an import whose duties were never calculated has neither.
  if (action === 'RELEASE' && state.type === 'IM' && !state.duties)
    throw new DomainError('CONFLICT', 'Duties not calculated', [
      problem(
        '',
        'DUTIES_NOT_CALCULATED',
        `declaration ${command.id} has no duties calculated: correct it with an inspection (re-assessed and secured) or reject it`,
      ),
    ]);
  await writePendingEvent(state, deps.repository);
  // A release needs the duties secured too: until they are paid the declaration waits (docs/revenue.md).
  const awaitingPayment = action === 'RELEASE' && state.duties?.status === 'AWAITING_PAYMENT';
  const to = awaitingPayment ? 'AWAITING_PAYMENT' : statusAfterDecision[action];
  const decision: OfficerDecision = {
    action,
    officerId,
    at: now,
    ...(message === undefined ? {} : { message }),
    ...(documents === undefined ? {} : { documents }),
  };
  const event = nextEvent(state, {
    type: awaitingPayment ? 'AWAITING_PAYMENT' : eventTypeOf[action],
    status: to,
    at: now,
    actor: { kind: 'officer', id: officerId },
    ...(message === undefined
      ? awaitingPayment
        ? { detail: 'released by the officer once the duties are paid' }
        : {}
      : { detail: message }),
    ...(note === undefined ? {} : { note }),
  });
  const outcome = await deps.repository.transition({
    id: state.id,
    from: state.status,
    expectedVersion: state.version,
    to,
    at: now,
    // A held declaration stays in the officers' queue (they decide on it later); the others leave
    // it: released and rejected for good, documents requested until the trader answers.
    ...(action === 'HOLD' ? {} : { reviewQueue: null }),
    officer: { id: officerId, now, release: action !== 'HOLD' },
    set: { decision, lastEvent: event, ...(to === 'RELEASED' ? { releasedAt: now } : {}) },
  });
  if (outcome === 'conflict') {
    // Explain from the state as it is now: another officer's claim, or a change meanwhile.
    const current = await deps.repository.getState(command.id);
    if (current?.claim && current.claim.officerId !== officerId && current.claim.until >= now) throw heldBy(current.claim);
    throw new DomainError('CONFLICT', 'Changed meanwhile', [
      problem('', 'VERSION_CONFLICT', `declaration ${command.id} changed meanwhile; read it and decide again`),
    ]);
  }
  await deps.repository.appendEvent(event);
  const after = await deps.repository.getState(command.id);
  if (!after) throw notFound(command.id);
  await afterDecision(after, deps);
  return toReviewEntry(after);
}

/**
 * What follows a decision: a release is counted by the statistics and its release note issued; a
 * rejection gives back what the declaration drew on its permits and the duties secured for it
 * (each once: see givePermitsBack, reverseUnreleasedCharges).
 */
async function afterDecision(state: DeclarationState, deps: DecisionDeps): Promise<void> {
  if (state.status === 'REJECTED') {
    await givePermitsBack(state, deps.permits);
    await reverseUnreleasedCharges(state.id, deps);
  }
  if (state.status !== 'RELEASED') return;
  await countRelease(state, deps);
  await deps.documentsQueue.send({ declarationId: state.id, version: state.version });
}

const staleVersion = (id: string, version: number) =>
  new DomainError('PRECONDITION_FAILED', 'Stale version', [
    problem('', 'STALE_VERSION', `declaration ${id} is at version ${version}; read it again before deciding`),
  ]);

/** The declaration's latest change is exactly this decision by this officer (a retried request). */
function isRepeat(state: DeclarationState, officerId: string, request: DecisionRequest): boolean {
  const last = state.lastEvent;
  const decision = state.decision;
  // A rejection's duties given back come after it (DUTIES_REVERSED): the rejection is still the officer's latest decision.
  if (last?.type === 'DUTIES_REVERSED' && state.status === 'REJECTED') {
    return (
      request.action === 'REJECT' &&
      decision?.action === 'REJECT' &&
      decision.officerId === officerId &&
      decision.message === request.message
    );
  }
  return (
    last !== undefined &&
    decision !== undefined &&
    last.version === state.version &&
    last.actor.kind === 'officer' &&
    last.actor.id === officerId &&
    (last.type === eventTypeOf[request.action] || (request.action === 'RELEASE' && last.type === 'AWAITING_PAYMENT')) &&
    decision.action === request.action &&
    decision.message === request.message &&
    last.note === request.note &&
    JSON.stringify(decision.documents ?? null) === JSON.stringify(request.documents ?? null)
  );
}
