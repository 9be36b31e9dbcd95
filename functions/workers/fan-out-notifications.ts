/** Notifications worker: each history event and permit event on the event bus, and a queued delivery per matching webhook subscription. */
import {
  cachedSubscriptionList,
  SUBSCRIPTION_CACHE_ENTRIES,
  SUBSCRIPTION_CACHE_SECONDS,
} from '#shared/adapters/cached-subscription-list.ts';
import { declarationReader, eventBus, permitStore, webhookQueue, webhookStore } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { notificationMessageSchema } from '#shared/domain/notifications.ts';
import { logger } from '#shared/observability.ts';
import { queues } from '#shared/stateful-resources.ts';
import { fanOutNotification } from '#shared/usecases/fan-out-notifications.ts';
import { sqsHandler } from '#shared/workers/sqs-handler.ts';

const config = loadConfig('fanOutNotifications');
const store = webhookStore(config);

const deps = {
  repository: declarationReader(config, 'no bodies'),
  permits: permitStore(config),
  // Read once per party and 30 s per environment, not once per event (docs/notifications.md).
  subscriptions: cachedSubscriptionList(store, {
    clock: systemClock,
    ttlSeconds: SUBSCRIPTION_CACHE_SECONDS,
    maxEntries: SUBSCRIPTION_CACHE_ENTRIES,
  }),
  deliveries: store,
  queue: webhookQueue(config),
  bus: eventBus(config),
  clock: systemClock,
  settings: config.region.webhooks,
};

export const handler = sqsHandler(
  notificationMessageSchema,
  async (message) => {
    const result = await fanOutNotification(message, deps);
    const fields = { ...message, result };
    // Most events have no subscriber: an INFO line for each was the largest part of a declaration's log bytes (docs/cost.md).
    if (result.outcome === 'published' && result.deliveries > 0) logger.info('notification', fields);
    else logger.debug('notification', fields);
  },
  { maxReceiveCount: queues.notifications.maxReceiveCount },
);
