/**
 * Push notifications: the events a party may subscribe to, the webhook subscriptions and their
 * delivery log, and how a declaration's history event becomes a notification. Only zod and pure
 * functions here (the route table imports these schemas).
 *
 * Subscribers are parties of a kind: a trader (its party), a carrier (its party) or a partner
 * agency (its agency id). Each kind may subscribe to the event types that concern it
 * (`eventTypesFor`); `notificationsOf` says which notifications a declaration's history event makes
 * and for whom, `permitNotificationOf` the same for a permit's application and decision.
 */
import * as z from 'zod';
import { hasRole, type Principal, requireAgency, requireParty } from './auth.ts';
import { declarationStatus } from './declaration.ts';
import { type DeclarationState, type HistoryEvent, pipelineMessageSchema } from './declaration-record.ts';
import { type Permit, permitSchema } from './permits.ts';
import { DomainError, problem } from './problems.ts';
import { plainText } from './text.ts';

const isoTime = z.string().min(1);
const ulidSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a subscription id (ULID)');

/**
 * What a subscriber may ask for. `declaration.status_changed` covers every change of a
 * declaration's status; the other `declaration.*` types are the moments that need the trader
 * (documents requested, a hold) or end the wait (release). A notification has the most specific
 * type that fits it. `cargo.*` tell a carrier about the goods of its manifest lines, `permit.*` a
 * trader about its applications' decisions and an agency about applications to it and about the
 * releases that drew on its permits.
 */
export const declarationNotificationTypes = [
  'declaration.status_changed',
  'declaration.documents_requested',
  'declaration.held',
  'declaration.released',
] as const;
export const cargoNotificationTypes = ['cargo.declared', 'cargo.released'] as const;
export const permitDecisionNotificationTypes = ['permit.approved', 'permit.refused'] as const;
export const notificationTypes = [
  ...declarationNotificationTypes,
  ...cargoNotificationTypes,
  'permit.applied',
  ...permitDecisionNotificationTypes,
  'permit.drawn',
] as const;
export const notificationType = z.enum(notificationTypes);
export type NotificationType = z.infer<typeof notificationType>;

export const subscriberKinds = ['trader', 'carrier', 'agency'] as const;
export type SubscriberKind = (typeof subscriberKinds)[number];
export const subscriberSchema = z.object({ kind: z.enum(subscriberKinds), id: z.string() });
export type Subscriber = z.infer<typeof subscriberSchema>;

/** The event types each kind of subscriber may subscribe to: those about what is its own. */
export const eventTypesFor: Record<SubscriberKind, readonly NotificationType[]> = {
  trader: [...declarationNotificationTypes, ...permitDecisionNotificationTypes],
  carrier: cargoNotificationTypes,
  agency: ['permit.applied', 'permit.drawn'],
};

/** The subscriber a caller acts as: a trader or a carrier its party, an agency user its agency. */
export function subscriberOf(principal: Principal): Subscriber {
  if (hasRole(principal, 'trader')) return { kind: 'trader', id: requireParty(principal) };
  if (hasRole(principal, 'carrier')) return { kind: 'carrier', id: requireParty(principal) };
  if (hasRole(principal, 'agency')) return { kind: 'agency', id: requireAgency(principal) };
  throw new DomainError('FORBIDDEN', 'Forbidden', [
    problem('', 'ROLE_REQUIRED', 'webhook subscriptions are for traders, carriers and partner agencies'),
  ]);
}

/** Subscriptions a subscriber may hold at once: fan-out reads them all for every event. */
export const MAX_SUBSCRIPTIONS = 10;

export const createSubscriptionInputSchema = z
  .strictObject({
    url: z
      .string()
      .max(2048, 'must be at most 2048 characters')
      .meta({ description: 'https URL of your receiver (public addresses only)' }),
    events: z
      .array(notificationType)
      .meta({
        description:
          'trader: declaration.* and permit.approved, permit.refused; carrier: cargo.declared, cargo.released; agency: permit.applied, permit.drawn',
      })
      .min(1, 'name at least one event type')
      .max(notificationTypes.length)
      .refine((types) => new Set(types).size === types.length, { message: 'must not repeat an event type', params: { code: 'DUPLICATE' } }),
    description: plainText(200).optional(),
  })
  .meta({ id: 'SubscriptionInput' });
export type CreateSubscriptionInput = z.infer<typeof createSubscriptionInputSchema>;

export const subscriptionStatuses = ['ACTIVE', 'DISABLED'] as const;

export const subscriptionSchema = z.object({
  id: ulidSchema,
  subscriber: subscriberSchema,
  url: z.string(),
  events: z.array(notificationType),
  description: z.string().optional(),
  status: z.enum(subscriptionStatuses),
  createdAt: isoTime,
  createdBy: z.string(),
  /** Deliveries in a row that failed every attempt; reset by a delivery that succeeds. */
  consecutiveFailures: z.number().int().nonnegative(),
  /** The event of the last failed delivery counted (so a retried count counts once). */
  lastFailedEventId: z.string().optional(),
  disabledAt: isoTime.optional(),
  disabledReason: z.string().optional(),
  /** Which derivation of the secret signs deliveries: 0 at creation, one more at each rotation (items stored before rotation existed have none). */
  secretVersion: z.number().int().nonnegative().default(0),
  /** The secret before the last rotation, which still signs deliveries (beside the new one) until `validUntil`. */
  previousSecret: z.object({ version: z.number().int().nonnegative(), validUntil: isoTime }).optional(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

/**
 * How long the secret before a rotation keeps signing deliveries beside the new one, so a receiver
 * can switch keys without losing one (Standard Webhooks: several space-separated signatures; 24 h as Svix does).
 */
export const SECRET_ROTATION_OVERLAP_HOURS = 24;

/** The versions of the secret that sign a delivery at `now`: the current one, and the previous one while it overlaps. */
export function signingSecretVersions(subscription: Pick<Subscription, 'secretVersion' | 'previousSecret'>, now: Date): number[] {
  const previous = subscription.previousSecret;
  return previous && Date.parse(previous.validUntil) > now.getTime()
    ? [subscription.secretVersion, previous.version]
    : [subscription.secretVersion];
}

export const subscriptionViewSchema = z
  .object({
    id: ulidSchema,
    url: z.string(),
    events: z.array(notificationType),
    description: z.string().nullable(),
    status: z.enum(subscriptionStatuses),
    createdAt: isoTime,
    consecutiveFailures: z.number().int(),
    disabledAt: isoTime.nullable(),
    disabledReason: z.string().nullable(),
    secretVersion: z.number().int().meta({ description: '0 at creation, one more at each rotation' }),
    previousSecretValidUntil: isoTime
      .nullable()
      .meta({ description: 'Until when the secret before the last rotation still signs deliveries beside the new one' }),
  })
  .meta({ id: 'Subscription' });
export type SubscriptionView = z.infer<typeof subscriptionViewSchema>;

export const createdSubscriptionSchema = subscriptionViewSchema
  .extend({
    secret: z.string().meta({ description: 'whsec_<base64>: the key of the webhook signatures, shown this once' }),
  })
  .meta({ id: 'CreatedSubscription' });

export const subscriptionListSchema = z.object({ items: z.array(subscriptionViewSchema) }).meta({ id: 'SubscriptionList' });

export const toSubscriptionView = (subscription: Subscription): SubscriptionView => ({
  id: subscription.id,
  url: subscription.url,
  events: subscription.events,
  description: subscription.description ?? null,
  status: subscription.status,
  createdAt: subscription.createdAt,
  consecutiveFailures: subscription.consecutiveFailures,
  disabledAt: subscription.disabledAt ?? null,
  disabledReason: subscription.disabledReason ?? null,
  secretVersion: subscription.secretVersion,
  previousSecretValidUntil: subscription.previousSecret?.validUntil ?? null,
});

export const rotatedSecretSchema = subscriptionViewSchema
  .extend({
    secret: z.string().meta({
      description: `whsec_<base64>: the new key of the webhook signatures, shown this once; the previous one signs beside it for ${SECRET_ROTATION_OVERLAP_HOURS} hours`,
    }),
  })
  .meta({ id: 'RotatedSubscriptionSecret' });

const notificationEnvelope = {
  /** The same for every delivery and retry of this event, and on the bus: receivers deduplicate by it. */
  id: z.string(),
  /** When it happened (the history event's, the application's or the decision's time). */
  occurredAt: isoTime,
};

/** A declaration's history event, for its declarant. */
export const declarationNotificationSchema = z
  .object({
    ...notificationEnvelope,
    type: z.enum(declarationNotificationTypes),
    data: z.object({
      declarationId: z.string(),
      lrn: z.string(),
      ucr: z.string(),
      /** The status the change left the declaration in. */
      status: declarationStatus,
      /** The declaration's version after the change (its history event's version). */
      version: z.number().int().positive(),
      /** The history event's type (e.g. DOCUMENTS_RECEIVED). */
      event: z.string(),
      /** What the trader may read about the change (an officer's message); never customs' internal note. */
      detail: z.string().nullable(),
    }),
  })
  .meta({ id: 'DeclarationNotification' });

/**
 * The goods of a carrier's manifest line: declared (the release stage matched a declaration to the
 * line and discharged it), released. Like `GET /v1/manifests/{id}`, it names the line, never the
 * declaration (a trader's).
 */
export const cargoNotificationSchema = z
  .object({
    ...notificationEnvelope,
    type: z.enum(cargoNotificationTypes),
    data: z.object({
      manifestId: z.string(),
      /** 1-based position on the manifest. */
      line: z.number().int().positive(),
      office: z.string(),
      arrivedAt: isoTime,
    }),
  })
  .meta({ id: 'CargoNotification' });

/** What a permit's holder and its agency both read of it (GET /v1/permits/{id}), as of the event. */
const permitNotificationData = permitSchema.omit({ remaining: true, appliedBy: true, decidedBy: true });

/** An application to an agency (for the agency), or its decision (for the holder). */
export const permitNotificationSchema = z
  .object({
    ...notificationEnvelope,
    type: z.enum(['permit.applied', ...permitDecisionNotificationTypes]),
    data: z.object({ permit: permitNotificationData }),
  })
  .meta({ id: 'PermitNotification' });

/** A released declaration that drew on an agency's permits: what it drew from each (for that agency). */
export const permitDrawnNotificationSchema = z
  .object({
    ...notificationEnvelope,
    type: z.literal('permit.drawn'),
    data: z.object({
      declarationId: z.string(),
      ucr: z.string(),
      draws: z.array(z.object({ permitId: z.string(), permitType: z.string(), quantity: z.string(), unit: z.string() })),
    }),
  })
  .meta({ id: 'PermitDrawnNotification' });

/** What is delivered (the webhook body) and put on the event bus. */
export const notificationSchema = z
  .union([declarationNotificationSchema, cargoNotificationSchema, permitNotificationSchema, permitDrawnNotificationSchema])
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof notificationSchema>;
export type DeclarationNotification = z.infer<typeof declarationNotificationSchema>;

/** A notification and the one subscriber it is for. */
export interface AddressedNotification {
  subscriber: Subscriber;
  notification: Notification;
}

export const notificationId = (declarationId: string, version: number): string => `evt_${declarationId}_${version}`;

/** The most specific type of a history event's notification; none for events that change nothing the trader sees. */
function typeOf(event: HistoryEvent): DeclarationNotification['type'] | undefined {
  switch (event.type) {
    // An inspection is customs' own work on the declaration: its status stays, its findings are internal.
    case 'INSPECTED':
      return undefined;
    case 'DOCUMENTS_REQUESTED':
      return 'declaration.documents_requested';
    case 'HELD':
      return 'declaration.held';
    case 'RELEASED':
      return 'declaration.released';
    default:
      return 'declaration.status_changed';
  }
}

/** The declarant's notification of a declaration's history event, or undefined when it notifies nobody. */
export function notificationOf(
  event: HistoryEvent,
  state: Pick<DeclarationState, 'id' | 'lrn' | 'ucr'>,
): DeclarationNotification | undefined {
  const type = typeOf(event);
  if (!type) return undefined;
  return {
    id: notificationId(state.id, event.version),
    type,
    occurredAt: event.at,
    data: {
      declarationId: state.id,
      lrn: state.lrn,
      ucr: state.ucr,
      status: event.status,
      version: event.version,
      event: event.type,
      detail: event.detail ?? null,
    },
  };
}

/** The release stage's name, the actor of the event in which it matched the goods to their manifest line. */
const RELEASE_STAGE = 'release';

/**
 * Everything a declaration's history event notifies, each for whom it concerns: its declarant
 * always (unless it notifies nobody); the carrier of the manifest line the declaration discharged
 * when the release stage matched it (`cargo.declared`) and when it is released (`cargo.released`);
 * at release, each agency whose permits it drew on (`permit.drawn`, with its own permits only).
 */
export function notificationsOf(
  event: HistoryEvent,
  state: Pick<DeclarationState, 'id' | 'lrn' | 'ucr' | 'declarantId' | 'arrival' | 'permits' | 'permitsDrawnAt'>,
): AddressedNotification[] {
  const declared = notificationOf(event, state);
  if (!declared) return [];
  const addressed: AddressedNotification[] = [{ subscriber: { kind: 'trader', id: state.declarantId }, notification: declared }];
  const arrival = state.arrival;
  // A line another declaration discharged first is not this one's to tell its carrier about; older records name no carrier.
  if (arrival?.discharged && arrival.carrierId) {
    const line = { manifestId: arrival.manifestId, line: arrival.line, office: arrival.office, arrivedAt: arrival.arrivedAt };
    const carrier: Subscriber = { kind: 'carrier', id: arrival.carrierId };
    const lineId = `evt_${arrival.manifestId}_${arrival.line}`;
    // The release stage's event that is not a wait is the one that matched the line (it sets `arrival`).
    if (event.actor.kind === 'system' && event.actor.id === RELEASE_STAGE && event.type !== 'ARRIVAL_PENDING') {
      addressed.push({
        subscriber: carrier,
        notification: { id: `${lineId}_declared`, type: 'cargo.declared', occurredAt: event.at, data: line },
      });
    }
    if (event.type === 'RELEASED') {
      addressed.push({
        subscriber: carrier,
        notification: { id: `${lineId}_released`, type: 'cargo.released', occurredAt: event.at, data: line },
      });
    }
  }
  if (event.type === 'RELEASED' && state.permitsDrawnAt !== undefined) {
    const agencies = [...new Set((state.permits ?? []).map((citation) => citation.agencyId))];
    for (const agencyId of agencies) {
      const draws = (state.permits ?? [])
        .filter((citation) => citation.agencyId === agencyId)
        .map(({ permitId, permitType, quantity, unit }) => ({ permitId, permitType, quantity, unit }));
      addressed.push({
        subscriber: { kind: 'agency', id: agencyId },
        notification: {
          id: `${notificationId(state.id, event.version)}_${agencyId}`,
          type: 'permit.drawn',
          occurredAt: event.at,
          data: { declarationId: state.id, ucr: state.ucr, draws },
        },
      });
    }
  }
  return addressed;
}

/** A permit's events that are notified: its application, and its decision. */
export const permitEvents = ['APPLIED', 'DECIDED'] as const;

/**
 * A permit's application or decision: the notification, for the agency (applied) or the holder
 * (decided), made from the permit as stored; undefined when the stored permit is not at that event
 * (not decided yet, or decided at another time: another decision won).
 */
export function permitNotificationOf(
  permit: Permit,
  event: { event: (typeof permitEvents)[number]; at: string },
): AddressedNotification | undefined {
  const { remaining: _remaining, appliedBy: _appliedBy, decidedBy: _decidedBy, ...visible } = permit;
  if (event.event === 'APPLIED') {
    if (permit.appliedAt !== event.at) return undefined;
    const { id, agencyId, permitType, holderId, commodityCode, origin, description, requested, appliedAt } = permit;
    const application = { id, agencyId, permitType, holderId, commodityCode, ...(origin ? { origin } : {}), description, requested };
    return {
      subscriber: { kind: 'agency', id: permit.agencyId },
      notification: {
        id: `evt_${permit.id}_applied`,
        type: 'permit.applied',
        occurredAt: appliedAt,
        data: { permit: { ...application, status: 'APPLIED', appliedAt } },
      },
    };
  }
  if (permit.status === 'APPLIED' || permit.decidedAt !== event.at) return undefined;
  return {
    subscriber: { kind: 'trader', id: permit.holderId },
    notification: {
      id: `evt_${permit.id}_decided`,
      type: permit.status === 'APPROVED' ? 'permit.approved' : 'permit.refused',
      occurredAt: event.at,
      data: { permit: visible },
    },
  };
}

/**
 * The message of the notifications queue: a declaration's history event (`{ declarationId,
 * version }`, queued by the declaration repository before the event is stored), or a permit's
 * application or decision (queued by the permit routes before the write: the fan-out checks the
 * stored permit, docs/notifications.md).
 */
export const permitEventMessageSchema = z.strictObject({
  permitId: z.string(),
  event: z.enum(permitEvents),
  /** The application's or decision's time, as it is (to be) stored on the permit. */
  at: isoTime,
});
export type PermitEventMessage = z.infer<typeof permitEventMessageSchema>;
/**
 * How long a permit's event waits on the queue: it is queued just before the permit's write, and
 * the fan-out notifies only what is stored, so it should arrive after the write (a few ms); one
 * that arrives earlier is retried after the queue's visibility timeout (3 minutes).
 */
export const PERMIT_EVENT_DELAY_SECONDS = 2;
export const notificationMessageSchema = z.union([pipelineMessageSchema, permitEventMessageSchema]);
export type NotificationMessage = z.infer<typeof notificationMessageSchema>;

/**
 * A subscription to `declaration.status_changed` takes every declaration notification; otherwise
 * a subscription takes its own types. Whatever its status: the fan-out's list may be up to 30 s old (a subscription enabled
 * again must not miss events for it), so the delivery worker, which reads the subscription
 * before every attempt, is the one that skips a disabled or deleted one (the owner sees SKIPPED).
 */
export const wants = (subscription: Pick<Subscription, 'events'>, type: NotificationType): boolean =>
  subscription.events.includes(type) ||
  ((declarationNotificationTypes as readonly NotificationType[]).includes(type) &&
    subscription.events.includes('declaration.status_changed'));

export const deliveryStatuses = ['PENDING', 'DELIVERED', 'FAILED', 'SKIPPED'] as const;

export const deliveryAttemptSchema = z.object({
  at: isoTime,
  outcome: z.enum(['DELIVERED', 'FAILED']),
  /** The receiver's HTTP status, when it answered. */
  statusCode: z.number().int().nullable(),
  /** Why the attempt failed, when it did (e.g. ECONNREFUSED, TIMEOUT, TARGET_FORBIDDEN: ...). */
  error: z.string().nullable(),
});
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

/** One delivery of one event to one subscription: created once, then one attempt recorded at a time. */
export const deliverySchema = z.object({
  subscriptionId: ulidSchema,
  eventId: z.string(),
  eventType: notificationType,
  occurredAt: isoTime,
  createdAt: isoTime,
  status: z.enum(deliveryStatuses),
  attempts: z.array(deliveryAttemptSchema),
  nextAttemptAt: isoTime.optional(),
  /** Why it was not attempted (SKIPPED). */
  skippedReason: z.string().optional(),
  /** The exact body delivered (the same bytes on every attempt). */
  payload: z.string(),
  /** Unix seconds after which DynamoDB's TTL removes the record (the region's delivery retention); absent on records kept for good. */
  purgeAt: z.number().int().positive().optional(),
});
export type Delivery = z.infer<typeof deliverySchema>;

/** Names one delivery: its subscription, and the event (time first, so a subscription's log sorts by time). */
export interface DeliveryKey {
  subscriptionId: string;
  occurredAt: string;
  eventId: string;
}

export const deliveryViewSchema = z
  .object({
    eventId: z.string(),
    eventType: notificationType,
    occurredAt: isoTime,
    status: z.enum(deliveryStatuses),
    attempts: z.array(deliveryAttemptSchema),
    nextAttemptAt: isoTime.nullable(),
    skippedReason: z.string().nullable(),
    payload: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export const deliveryListSchema = z
  .object({ items: z.array(deliveryViewSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'WebhookDeliveryList' });

export const toDeliveryView = (delivery: Delivery): z.infer<typeof deliveryViewSchema> => ({
  eventId: delivery.eventId,
  eventType: delivery.eventType,
  occurredAt: delivery.occurredAt,
  status: delivery.status,
  attempts: delivery.attempts,
  nextAttemptAt: delivery.nextAttemptAt ?? null,
  skippedReason: delivery.skippedReason ?? null,
  payload: delivery.payload,
});

/** The message of the webhook deliveries queue: one attempt of one delivery. */
export const deliveryMessageSchema = z.object({
  subscriber: subscriberSchema,
  subscriptionId: ulidSchema,
  occurredAt: isoTime,
  eventId: z.string(),
  /** Which attempt this message asks for (1 for the first). */
  attempt: z.number().int().positive(),
});
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

/** How deliveries are retried and when a subscription is disabled (region config). */
export interface WebhookSettings {
  /** Attempts per delivery, the first included. */
  maxAttempts: number;
  /** Wait before the second attempt; doubled before each next one, at most 900 s (the SQS delay limit). */
  retryBaseSeconds: number;
  /** Deliveries in a row that failed every attempt before the subscription is disabled. */
  disableAfterFailedDeliveries: number;
  /** Days a delivery record (payload and attempts) is kept in the log before DynamoDB's TTL removes it. */
  deliveryRetentionDays: number;
}

/** When a delivery created at `createdAt` leaves the log: Unix seconds, DynamoDB's TTL format. */
export const deliveryPurgeAt = (settings: Pick<WebhookSettings, 'deliveryRetentionDays'>, createdAt: Date): number =>
  Math.floor(createdAt.getTime() / 1000) + settings.deliveryRetentionDays * 24 * 60 * 60;

/** Seconds to wait before attempt `next` (2 or more): exponential, capped at SQS's 15-minute delay. */
export const retryDelaySeconds = (settings: Pick<WebhookSettings, 'retryBaseSeconds'>, next: number): number =>
  Math.min(900, settings.retryBaseSeconds * 2 ** (next - 2));
