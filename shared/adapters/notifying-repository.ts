/**
 * The declaration repository whose history events are all notified: `appendEvent` queues the
 * event's notification (the notifications queue, `{ declarationId, version }`) before it stores
 * the event. Every change stores its event through `appendEvent` (the change itself carries it,
 * and whoever touches the declaration next writes it if it is missing: pipeline-stage.ts), so an
 * event that is stored has been queued: none is lost, and the stages wait for one SQS send, not
 * for any subscriber. A message sent for an event whose write then failed is sent again with the
 * retry; the fan-out reads the event from the state until its item exists, and is idempotent.
 */
import type { PipelineMessage } from '#shared/domain/declaration-record.ts';
import type { DeclarationRepository } from '#shared/ports/declarations.ts';

export function withEventNotifications<T extends Pick<DeclarationRepository, 'appendEvent'>>(
  repository: T,
  notifications: { send(message: PipelineMessage): Promise<void> },
): T {
  return new Proxy(repository, {
    get(target, property, receiver) {
      if (property === 'appendEvent') {
        return async (event: Parameters<DeclarationRepository['appendEvent']>[0]) => {
          await notifications.send({ declarationId: event.declarationId, version: event.version });
          return target.appendEvent(event);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
