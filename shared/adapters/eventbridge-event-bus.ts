/**
 * The notifications on an EventBridge bus: `source` customs.clearance, `detail-type` the
 * notification type (e.g. declaration.released), `detail` the notification as webhooks receive it.
 * A region wires its own consumers with rules on the bus.
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Notification } from '#shared/domain/notifications.ts';
import { EVENT_SOURCE, type EventBus } from '#shared/ports/event-bus.ts';

/** PutEvents takes at most 10 entries a call. */
const BATCH = 10;

export class EventBridgeEventBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(notifications: readonly Notification[]): Promise<void> {
    for (let start = 0; start < notifications.length; start += BATCH) {
      const batch = notifications.slice(start, start + BATCH);
      const result = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((notification) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: notification.type,
            Detail: JSON.stringify(notification),
            Time: new Date(notification.occurredAt),
          })),
        }),
      );
      // A refused entry fails the message: SQS delivers it again (consumers deduplicate by the notification id).
      if ((result.FailedEntryCount ?? 0) > 0) {
        const failure = result.Entries?.find((entry) => entry.ErrorCode);
        throw new Error(
          `EventBridge refused ${result.FailedEntryCount} event(s): ${failure?.ErrorCode ?? ''} ${failure?.ErrorMessage ?? ''}`,
        );
      }
    }
  }
}
