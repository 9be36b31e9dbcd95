/**
 * Notifications for carriers and partner agencies, and permit decisions, on the fakes: who each
 * event concerns (notificationsOf, permitNotificationOf), the event types each kind of subscriber
 * may subscribe to, and the fan-out of a permit's application and decision queued before its write.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoPermitRules, plantHealthAgency } from '#demo/permit-rules-seed.ts';
import type { Principal } from '#shared/domain/auth.ts';
import type { DeclarationState, HistoryEvent } from '#shared/domain/declaration-record.ts';
import {
  type NotificationType,
  notificationsOf,
  PERMIT_EVENT_DELAY_SECONDS,
  type PermitEventMessage,
  wants,
} from '#shared/domain/notifications.ts';
import { permitRulesSchema } from '#shared/domain/permits.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemoryDeclarationRepository } from '#shared/ports/fakes/declaration-repository.ts';
import { InMemoryEventBus } from '#shared/ports/fakes/event-bus.ts';
import { InMemoryNotificationQueue } from '#shared/ports/fakes/notification-queue.ts';
import { InMemoryPermitStore } from '#shared/ports/fakes/permits.ts';
import {
  FixedWebhookSecrets,
  InMemoryDeliveryLog,
  InMemorySubscriptionStore,
  InMemoryWebhookQueue,
  StaticHostResolver,
} from '#shared/ports/fakes/webhooks.ts';
import { EventNotStoredError, fanOutNotification, PERMIT_WRITE_GRACE_SECONDS } from '#shared/usecases/fan-out-notifications.ts';
import { applyForPermit, decidePermit } from '#shared/usecases/manage-permits.ts';
import { createSubscription } from '#shared/usecases/manage-subscriptions.ts';
import { newParty } from '#tests/integration/support.ts';
import { tomatoesApplication } from '#tests/support/permits.ts';
import { refusal } from '#tests/support/scenarios.ts';

const released = JSON.parse(readFileSync(new URL('../../fixtures/webhooks/released-on-arrival.json', import.meta.url), 'utf8')) as {
  state: Pick<DeclarationState, 'id' | 'lrn' | 'ucr' | 'declarantId' | 'arrival' | 'permits' | 'permitsDrawnAt'>;
  events: Record<'submitted' | 'arrivalPending' | 'queuedForReview' | 'releasedByOfficer' | 'releasedOnArrival', HistoryEvent>;
};
const carrierId = 'GB555000111000';

const trader = (party: string): Principal => ({ subject: `user-${party}`, roles: ['trader'], partyId: party });
const carrier = (party: string): Principal => ({ subject: `carrier-${party}`, roles: ['carrier'], partyId: party });
const agency = (id: string): Principal => ({ subject: `inspector-${id}`, roles: ['agency'], partyId: undefined, agencyId: id });

/** Who gets which notification: `<kind>:<id> <type> <id>`. */
const audience = (event: HistoryEvent, state = released.state) =>
  notificationsOf(event, state).map(({ subscriber, notification }) => `${subscriber.kind}:${subscriber.id} ${notification.type}`);

describe('who an event concerns', () => {
  it('tells the declarant alone of an event before the goods are matched to a manifest line', () => {
    // Prepare: the state before release carries no arrival and no draws
    const before = { ...released.state, arrival: undefined, permitsDrawnAt: undefined };

    // Act
    const submitted = audience(released.events.submitted, before);
    const waiting = audience(released.events.arrivalPending, before);

    // Assess
    expect(submitted).toEqual(['trader:GB123456789000 declaration.status_changed']);
    expect(waiting).toEqual(['trader:GB123456789000 declaration.status_changed']);
  });

  it('tells the carrier that its line was declared when the release stage matched it, and released when an officer releases it', () => {
    // Act
    const matched = audience(released.events.queuedForReview);
    const byOfficer = notificationsOf(released.events.releasedByOfficer, released.state);

    // Assess
    expect(matched).toEqual(['trader:GB123456789000 declaration.status_changed', `carrier:${carrierId} cargo.declared`]);
    expect(byOfficer.map(({ subscriber, notification }) => `${subscriber.kind}:${subscriber.id} ${notification.type}`)).toEqual([
      'trader:GB123456789000 declaration.released',
      `carrier:${carrierId} cargo.released`,
      'agency:GB-PHSI permit.drawn',
      'agency:GB-CITES permit.drawn',
    ]);
    // The carrier learns its line, never the declaration (a trader's): as GET /v1/manifests/{id} shows it.
    expect(byOfficer[1]?.notification).toEqual({
      id: 'evt_GB555000111000-TWS042E-20261120_2_released',
      type: 'cargo.released',
      occurredAt: '2026-11-27T11:30:00.000Z',
      data: { manifestId: 'GB555000111000-TWS042E-20261120', line: 2, office: 'GBFXT', arrivedAt: '2026-11-20T06:30:00.000Z' },
    });
  });

  it('tells each agency what a release drew on its own permits only', () => {
    // Act
    const [, , , phsi, cites] = notificationsOf(released.events.releasedOnArrival, released.state);

    // Assess: released by the release stage itself, so declared and released at once
    expect(audience(released.events.releasedOnArrival)).toEqual([
      'trader:GB123456789000 declaration.released',
      `carrier:${carrierId} cargo.declared`,
      `carrier:${carrierId} cargo.released`,
      'agency:GB-PHSI permit.drawn',
      'agency:GB-CITES permit.drawn',
    ]);
    expect(phsi?.notification).toMatchObject({
      id: 'evt_01KB6Z3R6V8Q5C1ZP3M0T8W4XN_6_GB-PHSI',
      data: {
        declarationId: released.state.id,
        draws: [
          { permitId: 'PRM01KB6Z3R6V8Q5C1ZP3M0T8W4XA', permitType: 'PLANT_HEALTH', quantity: '7.5', unit: 'KGM' },
          { permitId: 'PRM01KB6Z3R6V8Q5C1ZP3M0T8W4XC', permitType: 'PLANT_HEALTH', quantity: '3', unit: 'KGM' },
        ],
      },
    });
    expect(cites?.notification).toMatchObject({ data: { draws: [{ permitId: 'PRM01KB6Z3R6V8Q5C1ZP3M0T8W4XB' }] } });
  });

  it('tells no carrier of a line another declaration had discharged, nor of a line recorded before carriers were named', () => {
    // Prepare
    const arrival = released.state.arrival as NonNullable<DeclarationState['arrival']>;
    const notDischarged = { ...released.state, arrival: { ...arrival, discharged: false }, permitsDrawnAt: undefined };
    const { carrierId: _unnamed, ...older } = arrival;

    // Act
    const taken = audience(released.events.releasedOnArrival, notDischarged);
    const unnamed = audience(released.events.releasedOnArrival, { ...notDischarged, arrival: { ...older, discharged: true } });

    // Assess
    expect(taken).toEqual(['trader:GB123456789000 declaration.released']);
    expect(unnamed).toEqual(['trader:GB123456789000 declaration.released']);
  });

  it('lets declaration.status_changed stand for every declaration type, and for none of the others', () => {
    // Prepare
    const subscription = { events: ['declaration.status_changed'] as NotificationType[] };

    // Act
    const taken = (['declaration.held', 'cargo.released', 'permit.approved', 'permit.drawn'] as const).map((type) =>
      wants(subscription, type),
    );

    // Assess
    expect(taken).toEqual([true, false, false, false]);
  });
});

function platform() {
  const clock = new ManualClock();
  const subscriptions = new InMemorySubscriptionStore();
  const deliveries = new InMemoryDeliveryLog();
  const queue = new InMemoryWebhookQueue();
  const bus = new InMemoryEventBus();
  const permits = new InMemoryPermitStore();
  const notifications = new InMemoryNotificationQueue();
  const rules = permitRulesSchema.parse(demoPermitRules);
  const subscribing = {
    subscriptions,
    resolver: new StaticHostResolver({ 'hooks.example.com': ['93.184.215.14'] }),
    secrets: new FixedWebhookSecrets(),
    clock,
    policy: { allowLoopback: false },
  };
  const permitDeps = { permits, rules: async () => rules, clock, notifications };
  const fanOutDeps = {
    repository: new InMemoryDeclarationRepository(),
    permits,
    subscriptions,
    deliveries,
    queue,
    bus,
    clock,
    settings: { deliveryRetentionDays: 90 },
  };
  /** Fans out every permit event queued so far, in order. */
  const fanOutQueued = async () => {
    const results = [];
    for (const message of notifications.sent.splice(0)) results.push(await fanOutNotification(message, fanOutDeps));
    return results;
  };
  return { clock, subscriptions, deliveries, queue, bus, permits, notifications, subscribing, permitDeps, fanOutDeps, fanOutQueued };
}

describe('what each kind may subscribe to', () => {
  it.each([
    ['carrier', carrier('GB555000111000'), ['cargo.released', 'permit.applied'], '/events/1'],
    ['carrier', carrier('GB555000111000'), ['declaration.status_changed'], '/events/0'],
    ['agency', agency(plantHealthAgency), ['permit.approved'], '/events/0'],
    ['agency', agency(plantHealthAgency), ['permit.drawn', 'cargo.declared'], '/events/1'],
    ['trader', trader('GB123456789000'), ['declaration.released', 'permit.applied'], '/events/1'],
    ['trader', trader('GB123456789000'), ['cargo.declared'], '/events/0'],
  ])('refuses a %s %j with a pointer to the type, storing nothing', async (kind, principal, events, pointer) => {
    // Prepare
    const p = platform();

    // Act
    const refused = await refusal(createSubscription({ principal, input: { url: 'https://hooks.example.com/a', events } }, p.subscribing));

    // Assess
    expect(refused).toMatchObject({ kind: 'BAD_REQUEST', code: 'EVENT_TYPE_NOT_ALLOWED', pointer });
    expect(refused.message).toContain(`a ${kind} may subscribe to`);
    const subscriber = { kind: kind as 'trader' | 'carrier' | 'agency', id: principal.agencyId ?? principal.partyId ?? '' };
    expect(await p.subscriptions.list(subscriber)).toEqual([]);
  });

  it.each([
    [carrier('GB555000111000'), ['cargo.declared', 'cargo.released'], { kind: 'carrier', id: 'GB555000111000' }],
    [agency(plantHealthAgency), ['permit.applied', 'permit.drawn'], { kind: 'agency', id: plantHealthAgency }],
    [trader('GB123456789000'), ['declaration.released', 'permit.approved', 'permit.refused'], { kind: 'trader', id: 'GB123456789000' }],
  ] as const)('subscribes %j to its own event types, under its party or agency', async (principal, events, subscriber) => {
    // Prepare
    const p = platform();

    // Act
    const created = await createSubscription(
      { principal, input: { url: 'https://hooks.example.com/a', events: [...events] } },
      p.subscribing,
    );

    // Assess
    expect(created.events).toEqual(events);
    expect((await p.subscriptions.list(subscriber)).map((subscription) => subscription.id)).toEqual([created.id]);
  });

  it('refuses an agency token without an agency id, and a carrier token without a party', async () => {
    // Prepare
    const p = platform();
    const input = { url: 'https://hooks.example.com/a', events: ['permit.applied'] };

    // Act
    const noAgency = await refusal(createSubscription({ principal: agency(''), input }, p.subscribing));
    const noParty = await refusal(createSubscription({ principal: carrier(''), input }, p.subscribing));

    // Assess
    expect(noAgency).toMatchObject({ kind: 'FORBIDDEN', code: 'AGENCY_REQUIRED' });
    expect(noParty).toMatchObject({ kind: 'FORBIDDEN', code: 'PARTY_REQUIRED' });
  });
});

describe('permit events', () => {
  it("delivers an application to its agency's subscription and the decision to the holder's, once each", async () => {
    // Prepare
    const p = platform();
    const party = newParty();
    const agencySubscription = await createSubscription(
      { principal: agency(plantHealthAgency), input: { url: 'https://hooks.example.com/phsi', events: ['permit.applied'] } },
      p.subscribing,
    );
    const traderSubscription = await createSubscription(
      { principal: trader(party), input: { url: 'https://hooks.example.com/acme', events: ['permit.approved', 'permit.refused'] } },
      p.subscribing,
    );

    // Act: the application and the decision, each fanned out twice (SQS delivers at least once)
    const applied = await applyForPermit({ principal: trader(party), input: tomatoesApplication() }, p.permitDeps);
    const [appliedMessage] = [...p.notifications.sent];
    const onApplication = await p.fanOutQueued();
    await fanOutNotification(appliedMessage as PermitEventMessage, p.fanOutDeps);
    const decision = {
      decision: 'APPROVE' as const,
      quantity: { value: '80', unit: 'KGM' },
      validFrom: '2026-11-27',
      validUntil: '2026-12-26',
    };
    await decidePermit({ principal: agency(plantHealthAgency), id: applied.id, input: decision }, p.permitDeps);
    const onDecision = await p.fanOutQueued();

    // Assess
    expect(onApplication).toEqual([{ outcome: 'published', deliveries: 1 }]);
    expect(onDecision).toEqual([{ outcome: 'published', deliveries: 1 }]);
    const toAgency = (await p.deliveries.listDeliveries(agencySubscription.id, { limit: 10, cursor: undefined })).items;
    const toTrader = (await p.deliveries.listDeliveries(traderSubscription.id, { limit: 10, cursor: undefined })).items;
    expect(toAgency.map((delivery) => [delivery.eventId, delivery.eventType])).toEqual([[`evt_${applied.id}_applied`, 'permit.applied']]);
    expect(toTrader.map((delivery) => [delivery.eventId, delivery.eventType])).toEqual([[`evt_${applied.id}_decided`, 'permit.approved']]);
    expect(JSON.parse(toAgency[0]?.payload ?? '')).toMatchObject({
      data: { permit: { id: applied.id, status: 'APPLIED', holderId: party } },
    });
    const approved = JSON.parse(toTrader[0]?.payload ?? '');
    expect(approved).toMatchObject({ data: { permit: { status: 'APPROVED', granted: { value: '80', unit: 'KGM' } } } });
    expect(approved.data.permit).not.toHaveProperty('decidedBy');
    expect(p.bus.published.map((notification) => notification.type)).toEqual(['permit.applied', 'permit.applied', 'permit.approved']);
    // Queued before the write, and delayed so the fan-out normally finds it written.
    expect(p.notifications.delays).toEqual([PERMIT_EVENT_DELAY_SECONDS, PERMIT_EVENT_DELAY_SECONDS]);
  });

  it('waits for a write that has not landed yet, then drops the message of a write that never did', async () => {
    // Prepare: the application is queued, and its write fails
    const p = platform();
    p.permits.create = async () => {
      throw new Error('DynamoDB unavailable');
    };
    const failed = await applyForPermit({ principal: trader(newParty()), input: tomatoesApplication() }, p.permitDeps).catch(
      (error: unknown) => error,
    );
    const [message] = p.notifications.sent;

    // Act
    const early = await fanOutNotification(message as PermitEventMessage, p.fanOutDeps).catch((error: unknown) => error);
    p.clock.advance(PERMIT_WRITE_GRACE_SECONDS * 1000);
    const late = await fanOutNotification(message as PermitEventMessage, p.fanOutDeps);

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(early).toBeInstanceOf(EventNotStoredError);
    expect(late).toEqual({ outcome: 'silent' });
    expect(p.bus.published).toEqual([]);
  });

  it('notifies only the decision that was stored when two came at once', async () => {
    // Prepare: two decisions read the application at once; the refusal is stored, the approval's write then fails its condition
    const p = platform();
    const applied = await applyForPermit({ principal: trader(newParty()), input: tomatoesApplication() }, p.permitDeps);
    await p.fanOutQueued();
    const refuse = { decision: 'REFUSE' as const, reason: 'no phytosanitary inspection booked' };
    await decidePermit({ principal: agency(plantHealthAgency), id: applied.id, input: refuse }, p.permitDeps);
    const stored = p.notifications.sent[0] as PermitEventMessage;
    const lost: PermitEventMessage = { permitId: applied.id, event: 'DECIDED', at: new Date(Date.parse(stored.at) + 5).toISOString() };

    // Act
    const forLost = await fanOutNotification(lost, p.fanOutDeps);
    const forStored = await p.fanOutQueued();

    // Assess
    expect(forLost).toEqual({ outcome: 'silent' });
    expect(forStored).toEqual([{ outcome: 'published', deliveries: 0 }]);
    expect(p.bus.published.map((notification) => [notification.type, notification.id])).toEqual([
      ['permit.applied', `evt_${applied.id}_applied`],
      ['permit.refused', `evt_${applied.id}_decided`],
    ]);
  });

  it('waits for a decision queued before its write while the permit still reads APPLIED', async () => {
    // Prepare
    const p = platform();
    const applied = await applyForPermit({ principal: trader(newParty()), input: tomatoesApplication() }, p.permitDeps);
    const queued: PermitEventMessage = { permitId: applied.id, event: 'DECIDED', at: p.clock.now().toISOString() };

    // Act
    const early = await fanOutNotification(queued, p.fanOutDeps).catch((error: unknown) => error);
    p.clock.advance(PERMIT_WRITE_GRACE_SECONDS * 1000);
    const late = await fanOutNotification(queued, p.fanOutDeps);

    // Assess
    expect(early).toBeInstanceOf(EventNotStoredError);
    expect(late).toEqual({ outcome: 'silent' });
  });
});
