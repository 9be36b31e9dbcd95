/**
 * The region's event bus: every notification is published there too (EventBridge in AWS, an
 * in-process bus in the local cloud), so a region can wire its own consumers with rules.
 */
import type { Notification } from '#shared/domain/notifications.ts';

/** The `source` of the platform's events on the bus. */
export const EVENT_SOURCE = 'customs.clearance';

export interface EventBus {
  /** Publishes the notifications (at least once: consumers deduplicate by `id`); throws when the bus refused any. */
  publish(notifications: readonly Notification[]): Promise<void>;
}
