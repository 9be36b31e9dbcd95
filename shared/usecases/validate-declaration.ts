/**
 * Validation stage: checks a SUBMITTED declaration against reference data and moves it to
 * VALIDATED (and on to risk scoring) or REJECTED with every problem listed.
 *
 * SQS delivers at least once, so this is idempotent: the history event for the new version is
 * written with attribute_not_exists and the state change is conditional on version and status.
 * A redelivered message finds the declaration already advanced and only re-sends the message
 * for the next stage (in case the first attempt stopped between the write and the send).
 */
import type { Declaration } from '../domain/declaration.ts';
import type { HistoryEvent, PipelineMessage } from '../domain/declaration-record.ts';
import type { Problem } from '../domain/problems.ts';
import type { Clock, DeclarationRepository, PipelineQueue } from './ports.ts';

export interface ValidateDeclarationDeps {
  repository: DeclarationRepository;
  riskQueue: PipelineQueue;
  clock: Clock;
  /** The rules to apply, bound to reference data and the region. */
  rules: (declaration: Declaration, today: string) => Problem[];
}

export type ValidationResult = 'VALIDATED' | 'REJECTED' | 'ALREADY_VALIDATED' | 'ALREADY_REJECTED' | 'NOT_APPLICABLE';

export class DeclarationMissingError extends Error {
  constructor(id: string) {
    super(`declaration ${id} does not exist`);
    this.name = 'DeclarationMissingError';
  }
}

export async function validateDeclaration(message: PipelineMessage, deps: ValidateDeclarationDeps): Promise<ValidationResult> {
  const record = await deps.repository.get(message.declarationId);
  if (!record) throw new DeclarationMissingError(message.declarationId);

  if (record.status === 'VALIDATED') {
    await deps.riskQueue.send({ declarationId: record.id, version: record.version });
    return 'ALREADY_VALIDATED';
  }
  if (record.status === 'REJECTED') return 'ALREADY_REJECTED';
  if (record.status !== 'SUBMITTED') return 'NOT_APPLICABLE';

  const now = deps.clock.now();
  const at = now.toISOString();
  const problems = deps.rules(record.declaration, at.slice(0, 10));
  const to = problems.length === 0 ? 'VALIDATED' : 'REJECTED';
  const version = record.version + 1;
  const event: HistoryEvent = {
    declarationId: record.id,
    version,
    type: to,
    status: to,
    at,
    actor: { kind: 'system', id: 'validation' },
    detail: problems.length === 0 ? 'all checks passed' : `${problems.length} problem(s): ${problems.map((p) => p.code).join(', ')}`,
  };
  // Event first: if we stop after it, the retry skips the duplicate and still applies the change.
  await deps.repository.appendEvent(event);
  const outcome = await deps.repository.transition({
    id: record.id,
    from: 'SUBMITTED',
    expectedVersion: record.version,
    to,
    at,
    set: { validation: { at, problems } },
  });
  if (outcome === 'conflict') {
    // Someone else moved it first (a concurrent delivery): act on what is stored now.
    return validateDeclaration(message, deps);
  }
  if (to === 'VALIDATED') await deps.riskQueue.send({ declarationId: record.id, version });
  return to;
}
