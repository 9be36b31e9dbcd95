/**
 * What every SubscriptionStore and DeliveryLog must do: run against the in-memory fakes
 * (fakes.test.ts) and the DynamoDB adapter on the local cloud (adapters.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { newDeclarationId, newSubscriptionId } from '#shared/domain/ids.ts';
import type { Delivery, Subscriber, Subscription } from '#shared/domain/notifications.ts';
import { InvalidCursorError } from '#shared/ports/declarations.ts';
import type { DeliveryLog, SubscriptionStore } from '#shared/ports/webhooks.ts';
import { newParty } from '#tests/integration/support.ts';

const subscriptionOf = (subscriber: Subscriber, id = newSubscriptionId(new Date())): Subscription => ({
  id,
  subscriber,
  url: 'https://hooks.example.com/customs',
  events: ['declaration.status_changed'],
  status: 'ACTIVE',
  createdAt: '2026-11-27T10:00:00.000Z',
  createdBy: 'trader-1',
  consecutiveFailures: 0,
  secretVersion: 0,
});

const deliveryOf = (subscriptionId: string, declarationId: string, version: number): Delivery => ({
  subscriptionId,
  eventId: `evt_${declarationId}_${version}`,
  eventType: 'declaration.status_changed',
  occurredAt: `2026-11-27T10:00:0${version}.000Z`,
  createdAt: '2026-11-27T10:00:10.000Z',
  status: 'PENDING',
  attempts: [],
  payload: JSON.stringify({ version }),
});

export function webhookStoreContract(name: string, subject: { subscriptions: () => SubscriptionStore; deliveries: () => DeliveryLog }) {
  describe(`SubscriptionStore and DeliveryLog contract: ${name}`, () => {
    it('stores a subscription once under its subscriber, lists only the subscriber’s, and deletes it once', async () => {
      // Prepare
      const store = subject.subscriptions();
      const owner: Subscriber = { kind: 'trader', id: newParty() };
      const other: Subscriber = { kind: 'trader', id: newParty() };
      const first = subscriptionOf(owner);
      const second = subscriptionOf(owner);

      // Act
      const created = [
        await store.create(first),
        await store.create({ ...first, url: 'https://other.example.com/' }),
        await store.create(second),
      ];
      await store.create(subscriptionOf(other));
      const listed = await store.list(owner);
      const foreign = await store.get(other, first.id);
      const deleted = [await store.delete(owner, first.id), await store.delete(owner, first.id)];

      // Assess
      expect(created).toEqual([true, false, true]);
      expect(listed).toEqual([first, second]);
      expect(foreign).toBeUndefined();
      expect(deleted).toEqual([true, false]);
      expect(await store.list(owner)).toEqual([second]);
    });

    it('counts a failed delivery once per event and disables the subscription at the limit; a success resets the count', async () => {
      // Prepare
      const store = subject.subscriptions();
      const owner: Subscriber = { kind: 'trader', id: newParty() };
      const subscription = subscriptionOf(owner);
      await store.create(subscription);
      const resetting = subscriptionOf(owner);
      await store.create(resetting);

      // Act
      const once = await store.countFailedDelivery(owner, subscription.id, {
        eventId: 'evt_a',
        at: '2026-11-27T11:00:00.000Z',
        disableAfter: 2,
      });
      const again = await store.countFailedDelivery(owner, subscription.id, {
        eventId: 'evt_a',
        at: '2026-11-27T11:00:00.000Z',
        disableAfter: 2,
      });
      const disabled = await store.countFailedDelivery(owner, subscription.id, {
        eventId: 'evt_b',
        at: '2026-11-27T11:05:00.000Z',
        disableAfter: 2,
      });
      await store.countFailedDelivery(owner, resetting.id, { eventId: 'evt_c', at: '2026-11-27T11:00:00.000Z', disableAfter: 2 });
      await store.resetFailures(owner, resetting.id);
      const missing = await store.countFailedDelivery(owner, newSubscriptionId(new Date()), {
        eventId: 'evt_d',
        at: '2026-11-27T11:00:00.000Z',
        disableAfter: 2,
      });

      // Assess
      expect([once?.consecutiveFailures, once?.status]).toEqual([1, 'ACTIVE']);
      expect(again?.consecutiveFailures).toBe(1);
      expect(disabled).toMatchObject({ status: 'DISABLED', consecutiveFailures: 2, disabledAt: '2026-11-27T11:05:00.000Z' });
      expect(disabled?.disabledReason).toMatch(/2 deliveries in a row failed/);
      expect((await store.get(owner, resetting.id))?.consecutiveFailures).toBe(0);
      expect(missing).toBeUndefined();
    });

    it('rotates a secret only from the version it is at, keeping the previous one with its end; unknown ids are undefined', async () => {
      // Prepare
      const store = subject.subscriptions();
      const owner: Subscriber = { kind: 'trader', id: newParty() };
      const subscription = subscriptionOf(owner);
      await store.create(subscription);

      // Act
      const first = await store.rotateSecret(owner, subscription.id, { fromVersion: 0, previousValidUntil: '2026-11-28T10:00:00.000Z' });
      const stale = await store.rotateSecret(owner, subscription.id, { fromVersion: 0, previousValidUntil: '2026-11-28T11:00:00.000Z' });
      const second = await store.rotateSecret(owner, subscription.id, { fromVersion: 1, previousValidUntil: '2026-11-28T12:00:00.000Z' });
      const missing = await store.rotateSecret(owner, newSubscriptionId(new Date()), {
        fromVersion: 0,
        previousValidUntil: '2026-11-28T10:00:00.000Z',
      });
      const stranger = await store.rotateSecret({ kind: 'trader', id: newParty() }, subscription.id, {
        fromVersion: 2,
        previousValidUntil: '2026-11-28T10:00:00.000Z',
      });

      // Assess
      expect(first).toMatchObject({ secretVersion: 1, previousSecret: { version: 0, validUntil: '2026-11-28T10:00:00.000Z' } });
      expect(stale).toBe('CHANGED');
      expect(second).toMatchObject({ secretVersion: 2, previousSecret: { version: 1, validUntil: '2026-11-28T12:00:00.000Z' } });
      expect([missing, stranger]).toEqual([undefined, undefined]);
      expect(await store.get(owner, subscription.id)).toEqual(second);
    });

    it('enables a disabled subscription with its failures at 0 and leaves an active one unchanged', async () => {
      // Prepare
      const store = subject.subscriptions();
      const owner: Subscriber = { kind: 'trader', id: newParty() };
      const subscription = subscriptionOf(owner);
      await store.create(subscription);
      await store.countFailedDelivery(owner, subscription.id, { eventId: 'evt_1', at: '2026-11-27T10:00:00.000Z', disableAfter: 1 });

      // Act
      const enabled = await store.enable(owner, subscription.id);
      const again = await store.enable(owner, subscription.id);
      const missing = await store.enable({ kind: 'trader', id: newParty() }, subscription.id);

      // Assess
      expect(enabled).toMatchObject({ status: 'ACTIVE', consecutiveFailures: 0 });
      expect(enabled?.disabledAt).toBeUndefined();
      expect(enabled?.disabledReason).toBeUndefined();
      expect(again).toEqual(enabled);
      expect(missing).toBeUndefined();
    });

    it('creates a delivery once, records attempts in order only, and skips only a pending one', async () => {
      // Prepare
      const log = subject.deliveries();
      const subscriptionId = newSubscriptionId(new Date());
      const delivery = deliveryOf(subscriptionId, newDeclarationId(new Date()), 1);
      const skipped = deliveryOf(subscriptionId, newDeclarationId(new Date()), 2);
      const failure = { at: '2026-11-27T10:01:00.000Z', outcome: 'FAILED' as const, statusCode: 503, error: 'HTTP 503' };

      // Act
      const created = [await log.createDelivery(delivery), await log.createDelivery({ ...delivery, payload: '{}' })];
      const outOfOrder = await log.recordAttempt(delivery, { ...failure, number: 2 }, { status: 'PENDING', nextAttemptAt: undefined });
      const first = await log.recordAttempt(
        delivery,
        { ...failure, number: 1 },
        { status: 'PENDING', nextAttemptAt: '2026-11-27T10:01:30.000Z' },
      );
      const firstAgain = await log.recordAttempt(
        delivery,
        { ...failure, number: 1 },
        { status: 'PENDING', nextAttemptAt: '2026-11-27T10:01:30.000Z' },
      );
      const second = await log.recordAttempt(
        delivery,
        { at: '2026-11-27T10:01:31.000Z', outcome: 'DELIVERED', statusCode: 204, error: null, number: 2 },
        { status: 'DELIVERED', nextAttemptAt: undefined },
      );
      const afterDone = await log.recordAttempt(delivery, { ...failure, number: 3 }, { status: 'FAILED', nextAttemptAt: undefined });
      await log.createDelivery(skipped);
      const skips = [await log.skipDelivery(skipped, 'the subscription is disabled'), await log.skipDelivery(delivery, 'too late')];

      // Assess
      expect(created).toEqual([true, false]);
      expect([outOfOrder, first, firstAgain, second, afterDone]).toEqual([false, true, false, true, false]);
      expect(await log.getDelivery(delivery)).toEqual({
        ...delivery,
        status: 'DELIVERED',
        attempts: [
          { at: '2026-11-27T10:01:00.000Z', outcome: 'FAILED', statusCode: 503, error: 'HTTP 503' },
          { at: '2026-11-27T10:01:31.000Z', outcome: 'DELIVERED', statusCode: 204, error: null },
        ],
      });
      expect(skips).toEqual([true, false]);
      expect(await log.getDelivery(skipped)).toMatchObject({ status: 'SKIPPED', skippedReason: 'the subscription is disabled' });
    });

    it("lists a subscription's deliveries newest first, a page at a time, and refuses a made-up cursor", async () => {
      // Prepare
      const log = subject.deliveries();
      const subscriptionId = newSubscriptionId(new Date());
      const declarationId = newDeclarationId(new Date());
      for (const version of [1, 2, 3]) await log.createDelivery(deliveryOf(subscriptionId, declarationId, version));
      await log.createDelivery(deliveryOf(newSubscriptionId(new Date()), declarationId, 4));

      // Act
      const first = await log.listDeliveries(subscriptionId, { limit: 2, cursor: undefined });
      const second = await log.listDeliveries(subscriptionId, { limit: 2, cursor: first.nextCursor ?? undefined });
      const madeUp = log.listDeliveries(subscriptionId, { limit: 2, cursor: Buffer.from('DLV#other').toString('base64url') });

      // Assess
      expect(first.items.map((item) => item.eventId)).toEqual([`evt_${declarationId}_3`, `evt_${declarationId}_2`]);
      expect(second.items.map((item) => item.eventId)).toEqual([`evt_${declarationId}_1`]);
      expect(
        second.nextCursor === null ||
          (await log.listDeliveries(subscriptionId, { limit: 2, cursor: second.nextCursor })).items.length === 0,
      ).toBe(true);
      await expect(madeUp).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
}
