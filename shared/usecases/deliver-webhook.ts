/**
 * One attempt of one webhook delivery: signed (Standard Webhooks, see webhook-signature.ts),
 * posted, recorded in the delivery log, and on failure queued again with exponential back-off
 * (an SQS delay) until `maxAttempts`; a delivery that failed every attempt counts against its
 * subscription, which is disabled after `disableAfterFailedDeliveries` of them in a row.
 *
 * At least once, idempotent: the message names its attempt, and an attempt is recorded only if the
 * delivery is PENDING with exactly the attempts before it (a conditional write). A redelivered
 * message whose attempt is recorded re-queues the next one (the first run may have stopped before
 * it did); older messages change nothing. The receiver may see an attempt twice when two
 * deliveries of one message race: it deduplicates by `webhook-id`.
 */
import { type DeliveryMessage, retryDelaySeconds, signingSecretVersions, type WebhookSettings } from '#shared/domain/notifications.ts';
import { webhookHeaders } from '#shared/domain/webhook-signature.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeliveryLog, SubscriptionStore, WebhookQueue, WebhookSecrets, WebhookSender } from '#shared/ports/webhooks.ts';

export interface DeliverDeps {
  subscriptions: Pick<SubscriptionStore, 'get' | 'countFailedDelivery' | 'resetFailures'>;
  deliveries: Pick<DeliveryLog, 'getDelivery' | 'recordAttempt' | 'skipDelivery'>;
  sender: WebhookSender;
  secrets: WebhookSecrets;
  queue: WebhookQueue;
  clock: Clock;
  settings: WebhookSettings;
}

export type DeliverResult =
  | { outcome: 'DELIVERED' | 'FAILED' | 'RETRY_QUEUED'; attempt: number; statusCode: number | null; error: string | null }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'stale' | 'requeued' | 'raced' | 'missing' };

export async function deliverWebhook(message: DeliveryMessage, deps: DeliverDeps): Promise<DeliverResult> {
  const key = { subscriptionId: message.subscriptionId, occurredAt: message.occurredAt, eventId: message.eventId };
  const delivery = await deps.deliveries.getDelivery(key);
  if (!delivery) return { outcome: 'missing' };
  const recorded = delivery.attempts.length;
  if (delivery.status !== 'PENDING' || recorded > message.attempt) return { outcome: 'stale' };
  if (recorded === message.attempt) {
    // This attempt is recorded and failed; its run may have stopped before queuing the next one.
    await deps.queue.send({ ...message, attempt: message.attempt + 1 }, retryDelaySeconds(deps.settings, message.attempt + 1));
    return { outcome: 'requeued' };
  }
  if (recorded < message.attempt - 1) return { outcome: 'stale' };

  const subscription = await deps.subscriptions.get(message.subscriber, message.subscriptionId);
  if (subscription?.status !== 'ACTIVE') {
    const reason = subscription ? 'the subscription is disabled' : 'the subscription was deleted';
    await deps.deliveries.skipDelivery(key, reason);
    return { outcome: 'skipped', reason };
  }

  const now = deps.clock.now();
  const headers = webhookHeaders({
    id: delivery.eventId,
    timestamp: Math.floor(now.getTime() / 1000),
    body: delivery.payload,
    // After a rotation the previous secret signs too, for a while: receivers switch without a gap.
    secrets: await Promise.all(signingSecretVersions(subscription, now).map((version) => deps.secrets.secretFor(subscription.id, version))),
  });
  const posted = await deps.sender.post({
    url: subscription.url,
    headers: { ...headers, 'user-agent': 'customs-clearance-webhooks/1' },
    body: delivery.payload,
  });
  const statusCode = posted.statusCode;
  const error = posted.outcome === 'FAILED' ? posted.error : null;
  const exhausted = posted.outcome === 'FAILED' && message.attempt >= deps.settings.maxAttempts;
  const status = posted.outcome === 'DELIVERED' ? 'DELIVERED' : exhausted ? 'FAILED' : 'PENDING';
  const delay = retryDelaySeconds(deps.settings, message.attempt + 1);
  const at = deps.clock.now().toISOString();

  // Counted before the delivery is marked FAILED: a run that stops between the two is retried and counts once (by event id).
  if (status === 'FAILED') {
    await deps.subscriptions.countFailedDelivery(message.subscriber, subscription.id, {
      eventId: delivery.eventId,
      at,
      disableAfter: deps.settings.disableAfterFailedDeliveries,
    });
  }
  const written = await deps.deliveries.recordAttempt(
    key,
    { number: message.attempt, at, outcome: posted.outcome, statusCode, error },
    { status, nextAttemptAt: status === 'PENDING' ? new Date(now.getTime() + delay * 1000).toISOString() : undefined },
  );
  if (!written) return { outcome: 'raced' };
  if (status === 'PENDING') {
    await deps.queue.send({ ...message, attempt: message.attempt + 1 }, delay);
    return { outcome: 'RETRY_QUEUED', attempt: message.attempt, statusCode, error };
  }
  if (status === 'DELIVERED' && subscription.consecutiveFailures > 0)
    await deps.subscriptions.resetFailures(message.subscriber, subscription.id);
  return { outcome: status, attempt: message.attempt, statusCode, error };
}
