/**
 * A trader withdraws its own declaration before release: CANCELLED, out of the officers' queue and
 * of the pipeline (a stage still holding a message for it finds it moved on and does nothing).
 * Released, rejected and cancelled declarations stay as they are (409). Repeating the same
 * cancellation answers as the first time. Duties already drawn are given back once the
 * cancellation stands (reverse-charges.ts), and so are the permit quantities the release stage
 * drew (permit-drawings.ts); a repeat finishes a reversal that stopped halfway.
 */
import { canRead, type Principal, requireParty, requireRole } from '#shared/domain/auth.ts';
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import { type DeclarationSummary, toSummary } from '#shared/domain/declaration-record.ts';
import { nextEvent } from '#shared/domain/history.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter } from '#shared/ports/declarations.ts';
import type { PermitStore } from '#shared/ports/permits.ts';
import { givePermitsBack } from './permit-drawings.ts';
import { writePendingEvent } from './pipeline-stage.ts';
import { type ReverseChargesDeps, reverseUnreleasedCharges } from './reverse-charges.ts';

/** Final statuses: nothing more happens to the declaration. */
const finalStatuses: readonly DeclarationStatus[] = ['RELEASED', 'REJECTED', 'CANCELLED'];

/** A conflict with a stage moving the declaration on at the same moment is retried this often. */
const ATTEMPTS = 3;

export async function cancelDeclaration(
  command: { principal: Principal; id: string; reason: string },
  deps: { repository: DeclarationReader & DeclarationWriter; clock: Clock; permits: Pick<PermitStore, 'giveBack'> } & Omit<
    ReverseChargesDeps,
    'repository' | 'clock'
  >,
): Promise<DeclarationSummary> {
  requireRole(command.principal, 'trader');
  const party = requireParty(command.principal);
  for (let attempt = 1; ; attempt += 1) {
    const state = await deps.repository.getState(command.id);
    // Another party's declaration does not exist for this trader (no existence oracle).
    if (!state || !canRead(command.principal, state.declarantId)) {
      throw new DomainError('NOT_FOUND', 'Not found', [
        problem('', 'DECLARATION_NOT_FOUND', `no declaration ${command.id} that you may see`),
      ]);
    }
    if (state.status === 'CANCELLED' && state.cancellation?.by === party && state.cancellation.reason === command.reason) {
      await givePermitsBack(state, deps.permits);
      await reverseUnreleasedCharges(state.id, deps);
      return toSummary((await deps.repository.getState(state.id)) ?? state);
    }
    if (finalStatuses.includes(state.status)) {
      throw new DomainError('CONFLICT', 'Not cancellable', [
        problem(
          '',
          state.status === 'RELEASED' ? 'ALREADY_RELEASED' : 'NOT_CANCELLABLE',
          `declaration ${command.id} is ${state.status}; only a declaration not yet released, rejected or cancelled can be cancelled`,
        ),
      ]);
    }
    await writePendingEvent(state, deps.repository);
    const at = deps.clock.now().toISOString();
    const event = nextEvent(state, {
      type: 'CANCELLED',
      status: 'CANCELLED',
      at,
      actor: { kind: 'trader', id: party },
      detail: command.reason,
    });
    const outcome = await deps.repository.transition({
      id: state.id,
      from: state.status,
      expectedVersion: state.version,
      to: 'CANCELLED',
      at,
      reviewQueue: null,
      set: { cancellation: { reason: command.reason, at, by: party }, lastEvent: event },
    });
    if (outcome === 'applied') {
      await deps.repository.appendEvent(event);
      await givePermitsBack(state, deps.permits);
      await reverseUnreleasedCharges(state.id, deps);
      return toSummary(
        (await deps.repository.getState(state.id)) ?? { ...state, status: 'CANCELLED', version: state.version + 1, updatedAt: at },
      );
    }
    if (attempt === ATTEMPTS) {
      throw new DomainError('CONFLICT', 'Changed meanwhile', [
        problem('', 'VERSION_CONFLICT', `declaration ${command.id} kept changing; read it and try again`),
      ]);
    }
  }
}
