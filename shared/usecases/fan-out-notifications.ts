/**
 * One history event, told to everyone it concerns: published on the region's event bus, and one
 * delivery per matching subscription recorded in the delivery log and queued for its first attempt.
 *
 * The message comes from the notifications queue, which the declaration repository feeds before
 * it stores each history event (shared/adapters/notifying-repository.ts): an event that is stored
 * has been queued, and SQS delivers at least once. Every step is idempotent: a delivery is
 * created once per event and subscription (a conditional put), and a redelivered message queues
 * only deliveries that have not been attempted yet.
 */
import type { PipelineMessage } from '#shared/domain/declaration-record.ts';
import {
  audienceOf,
  type DeliveryMessage,
  deliveryPurgeAt,
  notificationOf,
  type WebhookSettings,
  wants,
} from '#shared/domain/notifications.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader } from '#shared/ports/declarations.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { DeliveryLog, SubscriptionStore, WebhookQueue } from '#shared/ports/webhooks.ts';

export interface FanOutDeps {
  repository: Pick<DeclarationReader, 'getState' | 'listEvents'>;
  subscriptions: Pick<SubscriptionStore, 'list'>;
  deliveries: Pick<DeliveryLog, 'createDelivery' | 'getDelivery'>;
  queue: WebhookQueue;
  bus: EventBus;
  clock: Clock;
  settings: Pick<WebhookSettings, 'deliveryRetentionDays'>;
}

export type FanOutResult = { outcome: 'silent' } | { outcome: 'published'; deliveries: number };

export class EventNotStoredError extends Error {
  constructor(message: PipelineMessage) {
    super(`history event ${message.version} of declaration ${message.declarationId} is not stored (yet)`);
    this.name = 'EventNotStoredError';
  }
}

export async function fanOutNotification(message: PipelineMessage, deps: FanOutDeps): Promise<FanOutResult> {
  const state = await deps.repository.getState(message.declarationId);
  // The event is queued just before its item is written: the state carries it until then.
  const event =
    state?.lastEvent?.version === message.version
      ? state.lastEvent
      : (await deps.repository.listEvents(message.declarationId)).find((candidate) => candidate.version === message.version);
  // Not there yet: SQS delivers the message again after the visibility timeout.
  if (!state || !event) throw new EventNotStoredError(message);
  const notification = notificationOf(event, state);
  if (!notification) return { outcome: 'silent' };

  await deps.bus.publish([notification]);
  const payload = JSON.stringify(notification);
  const firstAttempts: DeliveryMessage[] = [];
  for (const subscriber of audienceOf(state)) {
    const subscriptions = (await deps.subscriptions.list(subscriber)).filter((subscription) => wants(subscription, notification.type));
    for (const subscription of subscriptions) {
      const key = { subscriptionId: subscription.id, occurredAt: notification.occurredAt, eventId: notification.id };
      const createdAt = deps.clock.now();
      const created = await deps.deliveries.createDelivery({
        ...key,
        eventType: notification.type,
        createdAt: createdAt.toISOString(),
        purgeAt: deliveryPurgeAt(deps.settings, createdAt),
        status: 'PENDING',
        attempts: [],
        payload,
      });
      // Created before: queue it again only if no attempt was made (the first message may have been lost).
      if (!created) {
        const existing = await deps.deliveries.getDelivery(key);
        if (existing?.status !== 'PENDING' || existing.attempts.length > 0) continue;
      }
      firstAttempts.push({ subscriber, subscriptionId: subscription.id, occurredAt: key.occurredAt, eventId: key.eventId, attempt: 1 });
    }
  }
  // Every delivery is recorded before any is queued: a send that fails is retried with the message, and finds them PENDING.
  if (firstAttempts.length > 0) await deps.queue.sendAll(firstAttempts);
  return { outcome: 'published', deliveries: firstAttempts.length };
}
