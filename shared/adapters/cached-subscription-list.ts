/**
 * The fan-out's view of a party's subscriptions, kept per execution environment for a short while
 * (docs/notifications.md, "How fresh the subscriptions are"). A declaration makes about six history
 * events in a few seconds: without the cache each one queried its declarant's subscriptions, one
 * consistent read per event on one partition (5,000-6,000 RCU/s on `SUBSCRIBER#trader#<party>` when one
 * trader sends 1,000 declarations a second, above DynamoDB's 3,000 RCU/s per-partition limit; docs/cost.md).
 * With it an environment reads a party's subscriptions at most once per `ttlSeconds`.
 *
 * What a stale list can do, and why it is safe: a subscription created in the last `ttlSeconds`
 * may miss events in that window; one deleted or disabled may still get a delivery created, which
 * the delivery worker skips (it reads the subscription itself before every attempt).
 */
import type { Subscriber, Subscription } from '#shared/domain/notifications.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { SubscriptionStore } from '#shared/ports/webhooks.ts';

/** How long a party's subscriptions are reused: long enough to cover one declaration's events, short enough for a new subscription to start soon. */
export const SUBSCRIPTION_CACHE_SECONDS = 30;
/** Parties remembered at once per environment; the oldest is forgotten first (a bounded memory, whatever the number of traders). */
export const SUBSCRIPTION_CACHE_ENTRIES = 5_000;

export function cachedSubscriptionList(
  store: Pick<SubscriptionStore, 'list'>,
  options: { clock: Clock; ttlSeconds: number; maxEntries: number },
): Pick<SubscriptionStore, 'list'> {
  const cache = new Map<string, { readAt: number; subscriptions: Promise<Subscription[]> }>();
  return {
    list(subscriber: Subscriber): Promise<Subscription[]> {
      const key = `${subscriber.kind}#${subscriber.id}`;
      const now = options.clock.now().getTime();
      const held = cache.get(key);
      if (held && now - held.readAt < options.ttlSeconds * 1000) return held.subscriptions.then(copies);
      cache.delete(key);
      if (cache.size >= options.maxEntries) cache.delete(cache.keys().next().value as string);
      // The promise is kept, so events handled at the same time share one read; a failed read is not kept.
      const subscriptions = store.list(subscriber);
      cache.set(key, { readAt: now, subscriptions });
      subscriptions.catch(() => {
        if (cache.get(key)?.subscriptions === subscriptions) cache.delete(key);
      });
      return subscriptions.then(copies);
    },
  };
}

/** Callers get their own copies: nothing they do changes what the next event sees. */
const copies = (subscriptions: Subscription[]): Subscription[] => structuredClone(subscriptions);
