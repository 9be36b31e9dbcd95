/**
 * Webhook subscriptions and their deliveries: the subscriptions a party holds, the delivery log,
 * the queue of delivery attempts, the HTTP client that posts them (and refuses forbidden
 * addresses at connect time), DNS for the check at registration, and the subscriptions' secrets.
 */
import type {
  Delivery,
  DeliveryAttempt,
  DeliveryKey,
  DeliveryMessage,
  NotificationMessage,
  Subscriber,
  Subscription,
} from '#shared/domain/notifications.ts';
import type { Page } from './declarations.ts';

export interface SubscriptionStore {
  /** Stores a new subscription; false when one with this id exists already. */
  create(subscription: Subscription): Promise<boolean>;
  get(subscriber: Subscriber, id: string): Promise<Subscription | undefined>;
  /** Every subscription of the subscriber, oldest first. */
  list(subscriber: Subscriber): Promise<Subscription[]>;
  /** Removes it; false when the subscriber has no such subscription. */
  delete(subscriber: Subscriber, id: string): Promise<boolean>;
  /**
   * Counts a delivery that failed every attempt (once per event: `eventId` again counts nothing)
   * and disables the subscription once `disableAfter` deliveries in a row failed. The subscription
   * afterwards, or undefined when it is gone.
   */
  countFailedDelivery(
    subscriber: Subscriber,
    id: string,
    failure: { eventId: string; at: string; disableAfter: number },
  ): Promise<Subscription | undefined>;
  /** A delivery succeeded: the failures in a row start again from 0 (no write when already 0). */
  resetFailures(subscriber: Subscriber, id: string): Promise<void>;
  /**
   * Moves the secret from version `fromVersion` to the next, the old one signing beside it until
   * `previousValidUntil`; only if the secret is still at `fromVersion`. The subscription afterwards;
   * 'CHANGED' when another rotation came first; undefined when there is no such subscription.
   */
  rotateSecret(
    subscriber: Subscriber,
    id: string,
    rotation: { fromVersion: number; previousValidUntil: string },
  ): Promise<Subscription | 'CHANGED' | undefined>;
  /** A DISABLED subscription ACTIVE again, its failures in a row at 0 (no write when ACTIVE). The subscription afterwards, or undefined. */
  enable(subscriber: Subscriber, id: string): Promise<Subscription | undefined>;
}

export interface DeliveryLog {
  /** Records a new PENDING delivery; false when this event's delivery to this subscription exists already. */
  createDelivery(delivery: Delivery): Promise<boolean>;
  getDelivery(key: DeliveryKey): Promise<Delivery | undefined>;
  /** A subscription's deliveries, newest first. */
  listDeliveries(subscriptionId: string, options: { limit: number; cursor: string | undefined }): Promise<Page<Delivery>>;
  /**
   * Records attempt number `attempt.number` and the delivery's status after it, only if the
   * delivery is PENDING with `number - 1` attempts recorded; false otherwise (another worker recorded it).
   */
  recordAttempt(
    key: DeliveryKey,
    attempt: DeliveryAttempt & { number: number },
    after: { status: 'PENDING' | 'DELIVERED' | 'FAILED'; nextAttemptAt: string | undefined },
  ): Promise<boolean>;
  /** Marks a PENDING delivery SKIPPED (its subscription was disabled or deleted); false when not PENDING. */
  skipDelivery(key: DeliveryKey, reason: string): Promise<boolean>;
}

/** The queue of delivery attempts; a retry waits `delaySeconds` (0 to 900) before it is visible. */
export interface WebhookQueue {
  send(message: DeliveryMessage, delaySeconds: number): Promise<void>;
  /** First attempts of one event's deliveries, visible at once, queued together (SQS: one request per 10 messages). */
  sendAll(messages: readonly DeliveryMessage[]): Promise<void>;
}

/** The notifications queue, for what is not a declaration's history event (a permit's application or decision). */
export interface NotificationQueue {
  /** Visible after `delaySeconds` (0 to 900). */
  send(message: NotificationMessage, delaySeconds: number): Promise<void>;
}

export type PostOutcome =
  | { outcome: 'DELIVERED'; statusCode: number }
  | { outcome: 'FAILED'; statusCode: number | null; error: string | null };

/** Posts one delivery attempt; never throws for what the receiver does (refused, slow, 5xx): it reports it. */
export interface WebhookSender {
  post(request: { url: string; headers: Record<string, string>; body: string }): Promise<PostOutcome>;
}

/** DNS, for the check of a subscription's host at registration. */
export interface HostResolver {
  /** Every address the host resolves to; throws when it does not resolve. */
  resolve(host: string): Promise<string[]>;
}

/** The secrets of a subscription (derived from the region's webhook master secret), by version: 0 at creation, one more per rotation. */
export interface WebhookSecrets {
  secretFor(subscriptionId: string, version: number): Promise<string>;
}
