/**
 * One event, told to everyone it concerns: published on the region's event bus, and one delivery
 * per matching subscription recorded in the delivery log and queued for its first attempt.
 *
 * The message comes from the notifications queue: a declaration's history event, which the
 * declaration repository queues before it stores the event (shared/adapters/notifying-repository.ts),
 * or a permit's application or decision, which the permit routes queue before their write. Either
 * way, what is stored has been queued, and SQS delivers at least once; what is notified is read
 * from what is stored (a message whose write failed notifies nothing). Every step is idempotent: a
 * delivery is created once per event and subscription (a conditional put), and a redelivered
 * message queues only deliveries that have not been attempted yet.
 */
import type { PipelineMessage } from '#shared/domain/declaration-record.ts';
import {
  type AddressedNotification,
  type DeliveryMessage,
  deliveryPurgeAt,
  type NotificationMessage,
  notificationsOf,
  type PermitEventMessage,
  permitNotificationOf,
  type WebhookSettings,
  wants,
} from '#shared/domain/notifications.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader } from '#shared/ports/declarations.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { PermitReader } from '#shared/ports/permits.ts';
import type { DeliveryLog, SubscriptionStore, WebhookQueue } from '#shared/ports/webhooks.ts';

export interface FanOutDeps {
  repository: Pick<DeclarationReader, 'getState' | 'getEvent'>;
  permits: PermitReader;
  subscriptions: Pick<SubscriptionStore, 'list'>;
  deliveries: Pick<DeliveryLog, 'createDelivery' | 'getDelivery'>;
  queue: WebhookQueue;
  bus: EventBus;
  clock: Clock;
  settings: Pick<WebhookSettings, 'deliveryRetentionDays'>;
}

export type FanOutResult = { outcome: 'silent' } | { outcome: 'published'; deliveries: number };

/**
 * How long a permit's event may be queued before its write lands. The permit routes queue it just
 * before the write, within their 5 s timeout: a message older than this whose write is not there
 * belongs to a request that failed (its caller got an error), and notifies nothing.
 */
export const PERMIT_WRITE_GRACE_SECONDS = 120;

export class EventNotStoredError extends Error {
  constructor(what: string) {
    super(`${what} is not stored (yet)`);
    this.name = 'EventNotStoredError';
  }
}

export async function fanOutNotification(message: NotificationMessage, deps: FanOutDeps): Promise<FanOutResult> {
  const addressed = 'permitId' in message ? await permitEvent(message, deps) : await declarationEvent(message, deps);
  if (addressed.length === 0) return { outcome: 'silent' };

  await deps.bus.publish(addressed.map(({ notification }) => notification));
  const firstAttempts: DeliveryMessage[] = [];
  for (const { subscriber, notification } of addressed) {
    const payload = JSON.stringify(notification);
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

/** A declaration's history event: for its declarant, and the carrier and agencies it concerns. */
async function declarationEvent(message: PipelineMessage, deps: FanOutDeps): Promise<AddressedNotification[]> {
  // Eventually consistent first (half the read units of the one read per event): it can only show
  // what was written, so a state at or past the event's version is as good as a consistent read's.
  // The event is queued after its state change is written: a read behind it is read again, strongly.
  const seen = await deps.repository.getState(message.declarationId, { consistent: false });
  const state =
    seen && seen.version >= message.version ? seen : await deps.repository.getState(message.declarationId, { consistent: true });
  // The event is queued just before its item is written: the state carries it until then. Past
  // it, its item is stored (the next change stores it first): read eventually consistent (with the
  // other records' reads), and strongly only when that read does not show it yet.
  const event =
    state?.lastEvent?.version === message.version
      ? state.lastEvent
      : ((await deps.repository.getEvent(message.declarationId, message.version, { consistent: false })) ??
        (await deps.repository.getEvent(message.declarationId, message.version)));
  // Not there yet: SQS delivers the message again after the visibility timeout.
  if (!state || !event) throw new EventNotStoredError(`history event ${message.version} of declaration ${message.declarationId}`);
  return notificationsOf(event, state);
}

/** A permit's application (for its agency) or decision (for its holder), as the stored permit shows it. */
async function permitEvent(message: PermitEventMessage, deps: FanOutDeps): Promise<AddressedNotification[]> {
  const permit = await deps.permits.get(message.permitId);
  const addressed = permit ? permitNotificationOf(permit, message) : undefined;
  if (addressed) return [addressed];
  // Not written yet (the route queues just before it writes): SQS delivers the message again; once
  // the grace is over, the write never happened, or another decision was stored instead.
  const queuedFor = (deps.clock.now().getTime() - Date.parse(message.at)) / 1000;
  const pending = message.event === 'APPLIED' ? !permit : permit?.status === 'APPLIED';
  if (pending && queuedFor < PERMIT_WRITE_GRACE_SECONDS) {
    throw new EventNotStoredError(`${message.event.toLowerCase()} event of permit ${message.permitId}`);
  }
  return [];
}
