/**
 * A revenue step recorded in a declaration's history without changing its status (a repayment
 * claimed, decided or paid; charges reversed): a conditional change to the same status carrying
 * the event, then the event item. Recorded once: a repeat finds the event by its `mark` (the
 * start of its detail, e.g. "repayment claim <id> approved") and writes nothing.
 */
import type { HistoryEvent, HistoryEventType } from '#shared/domain/declaration-record.ts';
import { nextEvent } from '#shared/domain/history.ts';
import type { DeclarationReader, DeclarationWriter } from '#shared/ports/declarations.ts';
import { writePendingEvent } from './pipeline-stage.ts';

/** Conflicts with other changes of the declaration (stages, other steps) tried again this often. */
const ATTEMPTS = 20;

export async function recordInHistory(
  step: { declarationId: string; type: HistoryEventType; mark: string; detail: string; at: string; actor: HistoryEvent['actor'] },
  repository: DeclarationReader & DeclarationWriter,
): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const state = await repository.getState(step.declarationId);
    if (!state) throw new Error(`declaration ${step.declarationId} is gone`);
    const recorded = (event: HistoryEvent | undefined) => event?.type === step.type && event.detail?.startsWith(step.mark) === true;
    if (recorded(state.lastEvent) || (await repository.listEvents(state.id)).some(recorded)) {
      await writePendingEvent(state, repository);
      return;
    }
    await writePendingEvent(state, repository);
    const event = nextEvent(state, { type: step.type, status: state.status, at: step.at, actor: step.actor, detail: step.detail });
    const outcome = await repository.transition({
      id: state.id,
      from: state.status,
      expectedVersion: state.version,
      to: state.status,
      at: step.at,
      set: { lastEvent: event },
    });
    if (outcome === 'applied') {
      await repository.appendEvent(event);
      return;
    }
  }
  throw new Error(`declaration ${step.declarationId} kept changing: ${step.type} not recorded`);
}
