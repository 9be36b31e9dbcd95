/** An event bus in memory: what was published, in order (also the local cloud's in-process bus). */
import type { Notification } from '#shared/domain/notifications.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';

export class InMemoryEventBus implements EventBus {
  readonly published: Notification[] = [];
  async publish(notifications: readonly Notification[]): Promise<void> {
    this.published.push(...structuredClone(notifications));
  }
}
