/**
 * Nothing is lost: a declaration whose stage message never left (intake stored it and then
 * failed to enqueue, and the trader did not retry) or expired is handed to its stage again.
 * Every stage is idempotent, so sending a message for a declaration that is merely slow is safe.
 */
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter, StalledDeclarations } from '#shared/ports/declarations.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import { markProcessingFailed } from './processing-failures.ts';

export interface RedriveStalledDeps {
  repository: DeclarationReader & DeclarationWriter & StalledDeclarations;
  clock: Clock;
  /** The queue of the stage that takes a declaration in each in-flight status. */
  stageQueues: Partial<Record<DeclarationStatus, PipelineQueue>>;
}

/** Redrives of one declaration before it is marked PROCESSING_FAILED for an administrator to retry. */
export const MAX_REDRIVES = 5;

export async function redriveStalled(
  command: { now: Date; olderThanMinutes: number; limit: number },
  deps: RedriveStalledDeps,
): Promise<{ redriven: number; byStatus: Record<string, number>; gaveUp: string[]; errors: number }> {
  const before = new Date(command.now.getTime() - command.olderThanMinutes * 60_000).toISOString();
  const { items: stalled, failedShards } = await deps.repository.listStalled(before, command.limit);
  const byStatus: Record<string, number> = {};
  const gaveUp: string[] = [];
  // A declaration that cannot be handled this time does not stop the others: the next run retries it.
  let errors = failedShards;
  for (const listed of stalled) {
    try {
      // The index is read eventually consistently: act on the state item itself.
      const declaration = await deps.repository.getState(listed.id);
      const queue = declaration ? deps.stageQueues[declaration.status] : undefined;
      if (!declaration || !queue) continue;
      // The entry keeps the time the declaration entered the pipeline: one that changed since
      // `before` is moving. Its entry moves to its last change, to be looked at once quiet that long.
      if (declaration.updatedAt >= before) {
        await deps.repository.deferStalled(declaration.id, declaration.version, declaration.updatedAt);
        continue;
      }
      // Noted first (conditional on the version): a declaration that moved meanwhile is left alone,
      // a redriven one goes to the back of the index, and one that keeps failing is given up.
      // Backing off: each redrive of one stall waits twice as long as the one before (1, 3, 7, 15
      // and 31 times olderThanMinutes after the first), so a declaration merely waiting in a queue
      // backlog gets few extra messages and is given up only after about 58 times that.
      const redrives = declaration.redriveCount ?? 0;
      const nextAfter = new Date(command.now.getTime() + command.olderThanMinutes * 60_000 * (2 ** (redrives + 1) - 2));
      const noted = await deps.repository.noteRedrive(declaration.id, declaration.version, nextAfter.toISOString(), MAX_REDRIVES);
      if (noted === 'gave-up') {
        const reason = `still stopped at ${declaration.status} after ${MAX_REDRIVES} redrives; see the stage's logs and dead-letter queue`;
        if (
          (await markProcessingFailed({ declarationId: declaration.id, version: declaration.version, reason, actor: 'redrive' }, deps)) ===
          'failed'
        )
          gaveUp.push(declaration.id);
      }
      if (noted !== 'redrive') continue;
      // The same message the previous stage sent: the version it left the declaration at.
      await queue.send({ declarationId: declaration.id, version: declaration.version });
      byStatus[declaration.status] = (byStatus[declaration.status] ?? 0) + 1;
    } catch {
      errors += 1;
    }
  }
  return { redriven: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus, gaveUp, errors };
}
