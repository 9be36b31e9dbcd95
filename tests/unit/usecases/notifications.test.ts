/**
 * Notifications on the in-memory fakes: subscribing (SSRF checks with the flag off, as in AWS),
 * the fan-out of a history event, and the delivery attempts with their back-off, disabling and
 * idempotence; and the repository that queues each event's notification before storing it.
 */
import { describe, expect, it } from 'vitest';
import { dnsHostResolver } from '#shared/adapters/dns-host-resolver.ts';
import { withEventNotifications } from '#shared/adapters/notifying-repository.ts';
import type { Principal } from '#shared/domain/auth.ts';
import type { PipelineMessage } from '#shared/domain/declaration-record.ts';
import { firstEvent, nextEvent } from '#shared/domain/history.ts';
import type { NotificationType } from '#shared/domain/notifications.ts';
import { verifyWebhook } from '#shared/domain/webhook-signature.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemoryDeclarationRepository } from '#shared/ports/fakes/declaration-repository.ts';
import { InMemoryDocumentArchive } from '#shared/ports/fakes/document-archive.ts';
import { InMemoryEventBus } from '#shared/ports/fakes/event-bus.ts';
import { InMemoryPermitStore } from '#shared/ports/fakes/permits.ts';
import {
  FixedWebhookSecrets,
  InMemoryDeliveryLog,
  InMemorySubscriptionStore,
  InMemoryWebhookQueue,
  ScriptedWebhookSender,
  StaticHostResolver,
} from '#shared/ports/fakes/webhooks.ts';
import type { PostOutcome } from '#shared/ports/webhooks.ts';
import { deliverWebhook } from '#shared/usecases/deliver-webhook.ts';
import { fanOutNotification } from '#shared/usecases/fan-out-notifications.ts';
import {
  createSubscription,
  enableSubscription,
  listSubscriptionDeliveries,
  rotateSubscriptionSecret,
} from '#shared/usecases/manage-subscriptions.ts';
import { newParty } from '#tests/integration/support.ts';
import { overridden } from '#tests/support/overridden.ts';
import { refusal } from '#tests/support/scenarios.ts';
import { storeSubmitted } from '#tests/support/stored-declaration.ts';

const trader = (party: string): Principal => ({ subject: `user-${party}`, roles: ['trader'], partyId: party });
const settings = { maxAttempts: 3, retryBaseSeconds: 30, disableAfterFailedDeliveries: 2, deliveryRetentionDays: 90 };

function platform(script: PostOutcome[] = []) {
  const subscriptions = new InMemorySubscriptionStore();
  const deliveries = new InMemoryDeliveryLog();
  const queue = new InMemoryWebhookQueue();
  const sender = new ScriptedWebhookSender(script);
  const secrets = new FixedWebhookSecrets();
  const clock = new ManualClock();
  const repository = new InMemoryDeclarationRepository();
  const bus = new InMemoryEventBus();
  const subscribing = {
    subscriptions,
    resolver: new StaticHostResolver({ 'hooks.example.com': ['93.184.215.14'], 'rebind.example.com': ['93.184.215.14', '10.0.0.1'] }),
    secrets,
    clock,
    policy: { allowLoopback: false },
  };
  const fanOutDeps = { repository, permits: new InMemoryPermitStore(), subscriptions, deliveries, queue, bus, clock, settings };
  const deliverDeps = { subscriptions, deliveries, sender, secrets, queue, clock, settings };
  return { subscriptions, deliveries, queue, sender, secrets, clock, repository, bus, subscribing, fanOutDeps, deliverDeps };
}

const submittedEvent = (record: { id: string; submittedAt: string; submission: { sha256: string } }) =>
  firstEvent(record.id, record.submission.sha256, {
    type: 'SUBMITTED',
    status: 'SUBMITTED',
    at: record.submittedAt,
    actor: { kind: 'trader', id: 'user-1' },
  });

/** A subscription of `party` to `events` through the use case (its secret included). */
const subscribe = (p: ReturnType<typeof platform>, party: string, events: NotificationType[], url = 'https://hooks.example.com/a') =>
  createSubscription({ principal: trader(party), input: { url, events } }, p.subscribing);

/** A stored declaration of `party` with its first event stored. */
async function declarationOf(p: ReturnType<typeof platform>, party: string) {
  const record = await storeSubmitted({ repository: p.repository, archive: new InMemoryDocumentArchive() }, { party });
  await p.repository.appendEvent(submittedEvent(record));
  return record;
}

describe('subscribing', () => {
  it.each([
    ['https://[::1]/hooks', /loopback/],
    ['https://127.0.0.1/hooks', /loopback/],
    ['https://localhost/hooks', /loopback/],
    ['https://rebind.example.com/hooks', /10\.0\.0\.1, a private address/],
  ])('refuses %s when the local flag is off (in AWS)', async (url, message) => {
    // Prepare: real DNS for localhost (it resolves to 127.0.0.1 or ::1), the table for the rest
    const p = platform();
    const resolver = url.includes('localhost') ? dnsHostResolver : p.subscribing.resolver;

    // Act
    const refused = await refusal(
      createSubscription(
        { principal: trader(newParty()), input: { url, events: ['declaration.released'] } },
        { ...p.subscribing, resolver },
      ),
    );

    // Assess
    expect(refused).toMatchObject({ kind: 'BAD_REQUEST', code: 'TARGET_FORBIDDEN', pointer: '/url' });
    expect(refused.message).toMatch(message);
  });

  it('subscribes a public https URL and hands out the secret the deliveries are signed with, once', async () => {
    // Prepare
    const p = platform();
    const party = newParty();

    // Act
    const created = await createSubscription(
      {
        principal: trader(party),
        input: { url: 'https://hooks.example.com/customs', events: ['declaration.released', 'declaration.held'] },
      },
      p.subscribing,
    );

    // Assess
    expect(created).toMatchObject({ url: 'https://hooks.example.com/customs', status: 'ACTIVE', consecutiveFailures: 0 });
    expect(created.secret).toBe(await p.secrets.secretFor(created.id, 0));
    expect(await p.subscriptions.list({ kind: 'trader', id: party })).toHaveLength(1);
  });

  it('refuses officers: subscriptions are for traders, carriers and agencies', async () => {
    const p = platform();
    const refused = await refusal(
      createSubscription(
        {
          principal: { subject: 'o', roles: ['officer'], partyId: undefined },
          input: { url: 'https://hooks.example.com/', events: ['declaration.held'] },
        },
        p.subscribing,
      ),
    );
    expect(refused).toMatchObject({ kind: 'FORBIDDEN', code: 'ROLE_REQUIRED' });
  });
});

/** The platform's repository, recording how each state read asked; an eventually consistent read may be made to miss the declaration. */
function statesReadBy(p: ReturnType<typeof platform>, { eventuallyConsistentBehind }: { eventuallyConsistentBehind: boolean }) {
  const reads: { consistent: boolean | undefined }[] = [];
  const repository = overridden(p.repository, {
    getState: async (id, read) => {
      reads.push({ consistent: read?.consistent });
      return eventuallyConsistentBehind && read?.consistent === false ? undefined : p.repository.getState(id);
    },
  });
  return { reads, repository };
}

describe('fan-out and delivery', () => {
  it("reads the declaration's state once, eventually consistent, when that read shows the event (half the read units)", async () => {
    // Prepare
    const p = platform();
    const record = await declarationOf(p, newParty());
    const { reads, repository } = statesReadBy(p, { eventuallyConsistentBehind: false });

    // Act
    const result = await fanOutNotification({ declarationId: record.id, version: 1 }, { ...p.fanOutDeps, repository });

    // Assess
    expect(result.outcome).toBe('published');
    expect(reads).toEqual([{ consistent: false }]);
    expect(p.bus.published.map((notification) => notification.id)).toEqual([`evt_${record.id}_1`]);
  });

  it('reads the state again, strongly consistent, when the eventually consistent read is behind the event', async () => {
    // Prepare: an eventually consistent read that has not seen the declaration yet
    const p = platform();
    const record = await declarationOf(p, newParty());
    const { reads, repository } = statesReadBy(p, { eventuallyConsistentBehind: true });

    // Act
    const result = await fanOutNotification({ declarationId: record.id, version: 1 }, { ...p.fanOutDeps, repository });

    // Assess: notified from the consistent read
    expect(result.outcome).toBe('published');
    expect(reads).toEqual([{ consistent: false }, { consistent: true }]);
    expect(p.bus.published.map((notification) => notification.id)).toEqual([`evt_${record.id}_1`]);
  });

  it('reads an event the state no longer carries as its own item: eventually consistent first, strongly when that read misses it', async () => {
    // Prepare: the state has moved past the event (it no longer carries it); the eventually consistent read of the event misses
    const p = platform();
    const record = await declarationOf(p, newParty());
    const eventReads: (boolean | undefined)[] = [];
    const repository = overridden(p.repository, {
      getState: async (id) => {
        const state = await p.repository.getState(id);
        return state && { ...state, lastEvent: undefined };
      },
      getEvent: async (id, version, read) => {
        eventReads.push(read?.consistent);
        return read?.consistent === false ? undefined : p.repository.getEvent(id, version);
      },
    });

    // Act
    const result = await fanOutNotification({ declarationId: record.id, version: 1 }, { ...p.fanOutDeps, repository });

    // Assess
    expect(result.outcome).toBe('published');
    expect(eventReads).toEqual([false, undefined]);
    expect(p.bus.published.map((notification) => notification.id)).toEqual([`evt_${record.id}_1`]);
  });

  it("queues an event's deliveries to several subscriptions together, after recording them all", async () => {
    // Prepare: three subscriptions of the declarant that want the SUBMITTED event
    const p = platform();
    const party = newParty();
    const created = [];
    for (const name of ['a', 'b', 'c'])
      created.push(
        await createSubscription(
          { principal: trader(party), input: { url: `https://hooks.example.com/${name}`, events: ['declaration.status_changed'] } },
          p.subscribing,
        ),
      );
    const record = await declarationOf(p, party);

    // Act
    const result = await fanOutNotification({ declarationId: record.id, version: 1 }, p.fanOutDeps);

    // Assess: one batch of three first attempts, each with its PENDING delivery recorded
    expect(result).toEqual({ outcome: 'published', deliveries: 3 });
    expect(p.queue.batches).toEqual([3]);
    expect(p.queue.sent.map((sent) => sent.message.subscriptionId).sort()).toEqual(created.map((subscription) => subscription.id).sort());
    for (const sent of p.queue.sent) {
      const delivery = await p.deliveries.getDelivery(sent.message);
      expect(delivery).toMatchObject({ status: 'PENDING', attempts: [] });
    }
  });

  it('fans an event out to the matching subscriptions of its declarant, once however often the message comes', async () => {
    // Prepare
    const p = platform();
    const party = newParty();
    const all = await subscribe(p, party, ['declaration.status_changed'], 'https://hooks.example.com/a');
    await subscribe(p, party, ['declaration.released'], 'https://hooks.example.com/b');
    await subscribe(p, newParty(), ['declaration.status_changed'], 'https://hooks.example.com/c');
    const record = await declarationOf(p, party);
    const message: PipelineMessage = { declarationId: record.id, version: 1 };

    // Act
    const first = await fanOutNotification(message, p.fanOutDeps);
    const again = await fanOutNotification(message, p.fanOutDeps);

    // Assess: the SUBMITTED event goes to the status_changed subscription only, and is queued once
    expect(first).toEqual({ outcome: 'published', deliveries: 1 });
    expect(again).toEqual({ outcome: 'published', deliveries: 1 });
    expect(p.queue.sent.map((sent) => [sent.message.subscriptionId, sent.message.attempt, sent.delaySeconds])).toEqual([
      [all.id, 1, 0],
      [all.id, 1, 0],
    ]);
    expect(p.bus.published.map((notification) => notification.id)).toEqual([`evt_${record.id}_1`, `evt_${record.id}_1`]);
    const attempts = [];
    for (const sent of p.queue.sent.splice(0)) attempts.push(await deliverWebhook(sent.message, p.deliverDeps));
    expect(attempts.map((result) => result.outcome)).toEqual(['DELIVERED', 'stale']);
    expect(p.sender.requests).toHaveLength(1);
  });

  it('signs each attempt, retries with exponential back-off, then fails the delivery and disables the subscription after two such', async () => {
    // Prepare: a receiver that answers 503 every time
    const failing: PostOutcome = { outcome: 'FAILED', statusCode: 503, error: 'HTTP 503' };
    const p = platform(Array.from({ length: 6 }, () => failing));
    const party = newParty();
    const subscription = await subscribe(p, party, ['declaration.status_changed'], 'https://hooks.example.com/a');
    const record = await declarationOf(p, party);
    const second = nextEvent(
      { id: record.id, version: 1, lastEvent: submittedEvent(record) },
      {
        type: 'VALIDATED',
        status: 'VALIDATED',
        at: '2026-11-27T10:00:05.000Z',
        actor: { kind: 'system', id: 'validation' },
      },
    );
    await p.repository.appendEvent(second);

    // Act: both events fanned out, then every queued attempt run until none is left
    await fanOutNotification({ declarationId: record.id, version: 1 }, p.fanOutDeps);
    await fanOutNotification({ declarationId: record.id, version: 2 }, p.fanOutDeps);
    const delays: number[] = [];
    while (p.queue.sent.length > 0) {
      const { message, delaySeconds } = p.queue.sent.shift()!;
      delays.push(delaySeconds);
      await deliverWebhook(message, p.deliverDeps);
    }
    const log = await listSubscriptionDeliveries({ principal: trader(party), id: subscription.id, limit: 10, cursor: undefined }, p);

    // Assess
    expect(delays).toEqual([0, 0, 30, 30, 60, 60]);
    expect(log.items.map((item) => [item.status, item.attempts.length])).toEqual([
      ['FAILED', 3],
      ['FAILED', 3],
    ]);
    expect((await p.subscriptions.get({ kind: 'trader', id: party }, subscription.id))?.status).toBe('DISABLED');
    for (const request of p.sender.requests) {
      expect(
        verifyWebhook({
          headers: request.headers,
          body: request.body,
          secret: subscription.secret,
          nowSeconds: Math.floor(p.clock.now().getTime() / 1000),
        }),
      ).toEqual({ valid: true });
    }
  });

  it('skips what is waiting for a disabled subscription, without a request', async () => {
    // Prepare
    const p = platform();
    const party = newParty();
    const subscription = await subscribe(p, party, ['declaration.status_changed'], 'https://hooks.example.com/a');
    const record = await declarationOf(p, party);
    await fanOutNotification({ declarationId: record.id, version: 1 }, p.fanOutDeps);
    await p.subscriptions.countFailedDelivery({ kind: 'trader', id: party }, subscription.id, {
      eventId: 'evt_x',
      at: '2026-11-27T10:00:00.000Z',
      disableAfter: 1,
    });

    // Act
    const result = await deliverWebhook(p.queue.sent.shift()!.message, p.deliverDeps);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'the subscription is disabled' });
    expect(p.sender.requests).toEqual([]);
  });

  it('keeps each delivery record for the retention days, then lets DynamoDB TTL remove it (purgeAt, Unix seconds)', async () => {
    // Prepare
    const p = platform();
    const party = newParty();
    const subscription = await subscribe(p, party, ['declaration.status_changed'], 'https://hooks.example.com/a');
    const record = await declarationOf(p, party);

    // Act
    await fanOutNotification({ declarationId: record.id, version: 1 }, p.fanOutDeps);
    const { message } = p.queue.sent[0]!;
    const delivery = await p.deliveries.getDelivery(message);

    // Assess: 2026-11-27T10:00:00Z is 1795773600; 90 days later is 1795773600 + 7776000
    expect(message.subscriptionId).toBe(subscription.id);
    expect(delivery?.purgeAt).toBe(1_795_773_600 + 90 * 24 * 60 * 60);
  });
});

describe('secret rotation and enabling', () => {
  const verifiedBy = (request: { headers: Record<string, string>; body: string }, secret: string, now: Date) =>
    verifyWebhook({ headers: request.headers, body: request.body, secret, nowSeconds: Math.floor(now.getTime() / 1000) }).valid;

  it('hands out a new secret once; both sign deliveries for 24 hours, then only the new one', async () => {
    // Prepare
    const p = platform();
    const party = newParty();
    const created = await subscribe(p, party, ['declaration.status_changed'], 'https://hooks.example.com/a');
    const record = await declarationOf(p, party);
    const later = nextEvent(
      { id: record.id, version: 1, lastEvent: submittedEvent(record) },
      { type: 'VALIDATED', status: 'VALIDATED', at: '2026-11-28T11:00:00.000Z', actor: { kind: 'system', id: 'validation' } },
    );
    await p.repository.appendEvent(later);

    // Act: rotate, deliver the first event at once and the second 25 hours later
    const rotated = await rotateSubscriptionSecret({ principal: trader(party), id: created.id }, p.subscribing);
    await fanOutNotification({ declarationId: record.id, version: 1 }, p.fanOutDeps);
    await deliverWebhook(p.queue.sent.shift()!.message, p.deliverDeps);
    const during = p.clock.now();
    p.clock.advance(25 * 60 * 60 * 1000);
    await fanOutNotification({ declarationId: record.id, version: 2 }, p.fanOutDeps);
    await deliverWebhook(p.queue.sent.shift()!.message, p.deliverDeps);
    const after = p.clock.now();

    // Assess
    expect(rotated).toMatchObject({ id: created.id, secretVersion: 1, previousSecretValidUntil: '2026-11-28T10:00:00.000Z' });
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.secret).toBe(await p.secrets.secretFor(created.id, 1));
    const [first, second] = p.sender.requests;
    expect([verifiedBy(first!, created.secret, during), verifiedBy(first!, rotated.secret, during)]).toEqual([true, true]);
    expect([verifiedBy(second!, created.secret, after), verifiedBy(second!, rotated.secret, after)]).toEqual([false, true]);
  });

  it('lets one of two rotations from the same version win and tells the other (409); another party’s subscription is 404', async () => {
    // Prepare
    const p = platform();
    const party = newParty();
    const created = await subscribe(p, party, ['declaration.released'], 'https://hooks.example.com/a');
    const owner = { kind: 'trader' as const, id: party };
    await p.subscriptions.rotateSecret(owner, created.id, { fromVersion: 0, previousValidUntil: '2026-11-28T10:00:00.000Z' });

    // Act
    const stale = await p.subscriptions.rotateSecret(owner, created.id, { fromVersion: 0, previousValidUntil: '2026-11-28T10:00:00.000Z' });
    const stranger = await refusal(rotateSubscriptionSecret({ principal: trader(newParty()), id: created.id }, p.subscribing));

    // Assess
    expect(stale).toBe('CHANGED');
    expect(stranger).toMatchObject({ kind: 'NOT_FOUND', code: 'SUBSCRIPTION_NOT_FOUND' });
    expect((await p.subscriptions.get(owner, created.id))?.secretVersion).toBe(1);
  });

  it('enables a disabled subscription again with its failures at 0, leaves an active one as it is, and hides others’', async () => {
    // Prepare
    const p = platform();
    const party = newParty();
    const created = await subscribe(p, party, ['declaration.released'], 'https://hooks.example.com/a');
    await p.subscriptions.countFailedDelivery({ kind: 'trader', id: party }, created.id, {
      eventId: 'evt_x',
      at: '2026-11-27T10:00:00.000Z',
      disableAfter: 1,
    });

    // Act
    const enabled = await enableSubscription({ principal: trader(party), id: created.id }, p.subscribing);
    const again = await enableSubscription({ principal: trader(party), id: created.id }, p.subscribing);
    const stranger = await refusal(enableSubscription({ principal: trader(newParty()), id: created.id }, p.subscribing));

    // Assess
    expect(enabled).toMatchObject({ status: 'ACTIVE', consecutiveFailures: 0, disabledAt: null, disabledReason: null });
    expect(again).toEqual(enabled);
    expect(stranger).toMatchObject({ kind: 'NOT_FOUND', code: 'SUBSCRIPTION_NOT_FOUND' });
  });
});

describe('the notifying repository', () => {
  it('queues an event’s notification before it stores the event, so a stored event has been queued', async () => {
    // Prepare
    const steps: string[] = [];
    const inner = new InMemoryDeclarationRepository();
    const record = await storeSubmitted({ repository: inner, archive: new InMemoryDocumentArchive() });
    const failingQueue = { send: async () => Promise.reject(new Error('SQS unavailable')) };
    const recordingQueue = {
      send: async (message: PipelineMessage) => {
        steps.push(`queued ${message.version}; stored before: ${await inner.hasEvent(message.declarationId, message.version)}`);
      },
    };
    const event = submittedEvent(record);

    // Act
    const failed = await withEventNotifications(inner, failingQueue)
      .appendEvent(event)
      .catch((error: Error) => error.message);
    const storedAfterFailure = await inner.hasEvent(record.id, 1);
    const appended = await withEventNotifications(inner, recordingQueue).appendEvent(event);

    // Assess
    expect(failed).toBe('SQS unavailable');
    expect(storedAfterFailure).toBe(false);
    expect(appended).toBe(true);
    expect(steps).toEqual(['queued 1; stored before: false']);
  });
});
