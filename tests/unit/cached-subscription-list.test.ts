/**
 * The fan-out's per-environment cache of a party's subscriptions (shared/adapters/cached-subscription-list.ts):
 * one read per party and TTL, a new subscription seen once the TTL has passed, parties apart, a bounded memory.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cachedSubscriptionList } from '#shared/adapters/cached-subscription-list.ts';
import { type Subscriber, type Subscription, subscriptionSchema } from '#shared/domain/notifications.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemorySubscriptionStore } from '#shared/ports/fakes/webhooks.ts';

const fixture = subscriptionSchema.parse(
  JSON.parse(readFileSync(new URL('../fixtures/webhooks/subscription.json', import.meta.url), 'utf8')),
);
const trader = (id: string): Subscriber => ({ kind: 'trader', id });
const subscriptionOf = (party: string, id: string): Subscription => ({ ...fixture, id, subscriber: trader(party) });

/** The in-memory store, counting the reads that reach it. */
function countingStore() {
  const store = new InMemorySubscriptionStore();
  const reads: string[] = [];
  return {
    store,
    reads,
    list: (subscriber: Subscriber) => {
      reads.push(subscriber.id);
      return store.list(subscriber);
    },
  };
}

describe('cached subscription list', () => {
  it('reads a party once for every event within the TTL, and again after it, when it sees a subscription created meanwhile', async () => {
    // Prepare
    const clock = new ManualClock();
    const counting = countingStore();
    const cached = cachedSubscriptionList(counting, { clock, ttlSeconds: 30, maxEntries: 10 });
    const party = 'GB123456789000';

    // Act: six events of one declaration within a few seconds, a subscription created, then the TTL passes
    const during = [];
    for (let event = 0; event < 6; event += 1) {
      during.push(await cached.list(trader(party)));
      clock.advance(1_000);
    }
    await counting.store.create(subscriptionOf(party, '01KB6Z3R6V8Q5C1ZP3M0T8W4XP'));
    const stillCached = await cached.list(trader(party));
    clock.advance(30_000);
    const after = await cached.list(trader(party));

    // Assess
    expect(during.every((list) => list.length === 0)).toBe(true);
    expect(stillCached).toEqual([]);
    expect(after.map((subscription) => subscription.id)).toEqual(['01KB6Z3R6V8Q5C1ZP3M0T8W4XP']);
    expect(counting.reads).toEqual([party, party]);
  });

  it('keeps parties apart and shares one read between events handled at the same time', async () => {
    // Prepare
    const clock = new ManualClock();
    const counting = countingStore();
    await counting.store.create(subscriptionOf('GB111111111000', '01KB6Z3R6V8Q5C1ZP3M0T8W4XQ'));
    const cached = cachedSubscriptionList(counting, { clock, ttlSeconds: 30, maxEntries: 10 });

    // Act
    const [first, second, other] = await Promise.all([
      cached.list(trader('GB111111111000')),
      cached.list(trader('GB111111111000')),
      cached.list(trader('GB222222222000')),
    ]);

    // Assess
    expect(first?.map((subscription) => subscription.id)).toEqual(['01KB6Z3R6V8Q5C1ZP3M0T8W4XQ']);
    expect(second).toEqual(first);
    expect(other).toEqual([]);
    expect(counting.reads).toEqual(['GB111111111000', 'GB222222222000']);
  });

  it('gives each caller its own copy: a change to one list does not reach the next event', async () => {
    // Prepare
    const clock = new ManualClock();
    const counting = countingStore();
    await counting.store.create(subscriptionOf('GB111111111000', '01KB6Z3R6V8Q5C1ZP3M0T8W4XQ'));
    const cached = cachedSubscriptionList(counting, { clock, ttlSeconds: 30, maxEntries: 10 });

    // Act
    const first = await cached.list(trader('GB111111111000'));
    first[0]!.status = 'DISABLED';
    const second = await cached.list(trader('GB111111111000'));

    // Assess
    expect(second[0]?.status).toBe('ACTIVE');
  });

  it('forgets the oldest party beyond maxEntries, and does not keep a failed read', async () => {
    // Prepare
    const clock = new ManualClock();
    const counting = countingStore();
    let failNext = true;
    const flaky = {
      list: (subscriber: Subscriber) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('ProvisionedThroughputExceededException'));
        }
        return counting.list(subscriber);
      },
    };
    const cached = cachedSubscriptionList(flaky, { clock, ttlSeconds: 30, maxEntries: 2 });

    // Act
    const failed = await cached.list(trader('GB100000000000')).catch((error: unknown) => error);
    await cached.list(trader('GB100000000000'));
    await cached.list(trader('GB200000000000'));
    await cached.list(trader('GB300000000000'));
    await cached.list(trader('GB100000000000'));
    await cached.list(trader('GB300000000000'));

    // Assess: the failed read was retried; GB1 was forgotten when GB3 came, GB3 stayed
    expect(failed).toBeInstanceOf(Error);
    expect(counting.reads).toEqual(['GB100000000000', 'GB200000000000', 'GB300000000000', 'GB100000000000']);
  });
});
