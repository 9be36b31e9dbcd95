/** Webhook worker: one signed attempt of each delivery, recorded; retried with back-off, then the subscription disabled. */
import { webhookQueue, webhookSecrets, webhookSender, webhookStore } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { deliveryMessageSchema } from '#shared/domain/notifications.ts';
import { logger } from '#shared/observability.ts';
import { queues } from '#shared/stateful-resources.ts';
import { deliverWebhook } from '#shared/usecases/deliver-webhook.ts';
import { sqsHandler } from '#shared/workers/sqs-handler.ts';

const config = loadConfig('deliverWebhooks');
const store = webhookStore(config);

const deps = {
  subscriptions: store,
  deliveries: store,
  sender: webhookSender(config),
  secrets: webhookSecrets(config),
  queue: webhookQueue(config),
  clock: systemClock,
  settings: config.region.webhooks,
};

export const handler = sqsHandler(
  deliveryMessageSchema,
  async (message) => {
    const result = await deliverWebhook(message, deps);
    logger.info('webhook delivery', { subscriptionId: message.subscriptionId, eventId: message.eventId, result });
  },
  // Each record waits on a subscriber's server: its retry is sent at once, never held behind another's answer.
  { maxReceiveCount: queues.webhookDeliveries.maxReceiveCount, coalesceSends: false },
);
