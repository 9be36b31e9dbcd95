/** In-memory webhook ports; the contract suite holds the stores to what the DynamoDB adapter does. */

import type { Delivery, DeliveryAttempt, DeliveryKey, DeliveryMessage, Subscriber, Subscription } from '#shared/domain/notifications.ts';
import { deriveWebhookSecret } from '#shared/domain/webhook-signature.ts';
import { InvalidCursorError, type Page } from '#shared/ports/declarations.ts';
import type {
  DeliveryLog,
  HostResolver,
  PostOutcome,
  SubscriptionStore,
  WebhookQueue,
  WebhookSecrets,
  WebhookSender,
} from '#shared/ports/webhooks.ts';

const subscriberKey = (subscriber: Subscriber, id: string) => `${subscriber.kind}#${subscriber.id}#${id}`;

export class InMemorySubscriptionStore implements SubscriptionStore {
  readonly #items = new Map<string, Subscription>();

  async create(subscription: Subscription): Promise<boolean> {
    const key = subscriberKey(subscription.subscriber, subscription.id);
    if (this.#items.has(key)) return false;
    this.#items.set(key, structuredClone(subscription));
    return true;
  }

  async get(subscriber: Subscriber, id: string): Promise<Subscription | undefined> {
    const found = this.#items.get(subscriberKey(subscriber, id));
    return found ? structuredClone(found) : undefined;
  }

  async list(subscriber: Subscriber): Promise<Subscription[]> {
    return [...this.#items.values()]
      .filter((item) => item.subscriber.kind === subscriber.kind && item.subscriber.id === subscriber.id)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((item) => structuredClone(item));
  }

  async delete(subscriber: Subscriber, id: string): Promise<boolean> {
    return this.#items.delete(subscriberKey(subscriber, id));
  }

  async countFailedDelivery(
    subscriber: Subscriber,
    id: string,
    failure: { eventId: string; at: string; disableAfter: number },
  ): Promise<Subscription | undefined> {
    const item = this.#items.get(subscriberKey(subscriber, id));
    if (!item) return undefined;
    if (item.lastFailedEventId !== failure.eventId) {
      item.consecutiveFailures += 1;
      item.lastFailedEventId = failure.eventId;
    }
    if (item.status === 'ACTIVE' && item.consecutiveFailures >= failure.disableAfter) {
      Object.assign(item, {
        status: 'DISABLED',
        disabledAt: failure.at,
        disabledReason: `${item.consecutiveFailures} deliveries in a row failed every attempt`,
      });
    }
    return structuredClone(item);
  }

  async resetFailures(subscriber: Subscriber, id: string): Promise<void> {
    const item = this.#items.get(subscriberKey(subscriber, id));
    if (item) item.consecutiveFailures = 0;
  }

  async rotateSecret(
    subscriber: Subscriber,
    id: string,
    rotation: { fromVersion: number; previousValidUntil: string },
  ): Promise<Subscription | 'CHANGED' | undefined> {
    const item = this.#items.get(subscriberKey(subscriber, id));
    if (!item) return undefined;
    if (item.secretVersion !== rotation.fromVersion) return 'CHANGED';
    item.previousSecret = { version: item.secretVersion, validUntil: rotation.previousValidUntil };
    item.secretVersion += 1;
    return structuredClone(item);
  }

  async enable(subscriber: Subscriber, id: string): Promise<Subscription | undefined> {
    const item = this.#items.get(subscriberKey(subscriber, id));
    if (!item) return undefined;
    if (item.status === 'DISABLED') {
      item.status = 'ACTIVE';
      item.consecutiveFailures = 0;
      delete item.disabledAt;
      delete item.disabledReason;
    }
    return structuredClone(item);
  }
}

const deliveryId = (key: DeliveryKey) => `${key.subscriptionId}#${key.occurredAt}#${key.eventId}`;

export class InMemoryDeliveryLog implements DeliveryLog {
  readonly #items = new Map<string, Delivery>();

  async createDelivery(delivery: Delivery): Promise<boolean> {
    if (this.#items.has(deliveryId(delivery))) return false;
    this.#items.set(deliveryId(delivery), structuredClone(delivery));
    return true;
  }

  async getDelivery(key: DeliveryKey): Promise<Delivery | undefined> {
    const found = this.#items.get(deliveryId(key));
    return found ? structuredClone(found) : undefined;
  }

  async listDeliveries(subscriptionId: string, options: { limit: number; cursor: string | undefined }): Promise<Page<Delivery>> {
    const all = [...this.#items.entries()]
      .filter(([, item]) => item.subscriptionId === subscriptionId)
      .sort(([a], [b]) => (a < b ? 1 : -1));
    let start = 0;
    if (options.cursor !== undefined) {
      start = all.findIndex(([id]) => Buffer.from(id).toString('base64url') === options.cursor) + 1;
      if (start === 0) throw new InvalidCursorError();
    }
    const page = all.slice(start, start + options.limit);
    const last = page.at(-1);
    return {
      items: page.map(([, item]) => structuredClone(item)),
      nextCursor: last && start + options.limit < all.length ? Buffer.from(last[0]).toString('base64url') : null,
    };
  }

  async recordAttempt(
    key: DeliveryKey,
    attempt: DeliveryAttempt & { number: number },
    after: { status: 'PENDING' | 'DELIVERED' | 'FAILED'; nextAttemptAt: string | undefined },
  ): Promise<boolean> {
    const item = this.#items.get(deliveryId(key));
    if (item?.status !== 'PENDING' || item.attempts.length !== attempt.number - 1) return false;
    const { number: _number, ...recorded } = attempt;
    item.attempts.push(recorded);
    item.status = after.status;
    if (after.nextAttemptAt === undefined) delete item.nextAttemptAt;
    else item.nextAttemptAt = after.nextAttemptAt;
    return true;
  }

  async skipDelivery(key: DeliveryKey, reason: string): Promise<boolean> {
    const item = this.#items.get(deliveryId(key));
    if (item?.status !== 'PENDING') return false;
    item.status = 'SKIPPED';
    item.skippedReason = reason;
    delete item.nextAttemptAt;
    return true;
  }
}

/** Holds what was sent until a test takes it (as SQS holds messages until a worker polls). */
export class InMemoryWebhookQueue implements WebhookQueue {
  readonly sent: Array<{ message: DeliveryMessage; delaySeconds: number }> = [];
  /** The size of each `sendAll` (one SQS request per 10 messages in AWS). */
  readonly batches: number[] = [];
  async send(message: DeliveryMessage, delaySeconds: number): Promise<void> {
    this.sent.push({ message: structuredClone(message), delaySeconds });
  }
  async sendAll(messages: readonly DeliveryMessage[]): Promise<void> {
    this.batches.push(messages.length);
    for (const message of messages) this.sent.push({ message: structuredClone(message), delaySeconds: 0 });
  }
}

/** A receiver whose answers the test scripts (DELIVERED with 204 once the script is used up); remembers each request. */
export class ScriptedWebhookSender implements WebhookSender {
  readonly requests: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
  constructor(private readonly script: PostOutcome[] = []) {}
  async post(request: { url: string; headers: Record<string, string>; body: string }): Promise<PostOutcome> {
    this.requests.push(structuredClone(request));
    return this.script.shift() ?? { outcome: 'DELIVERED', statusCode: 204 };
  }
}

/** DNS from a table: a host not in it does not resolve. */
export class StaticHostResolver implements HostResolver {
  constructor(private readonly table: Record<string, string[]>) {}
  async resolve(host: string): Promise<string[]> {
    const addresses = this.table[host.toLowerCase()];
    if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return [...addresses];
  }
}

/** Secrets derived from a fixed master secret, as the adapter derives them from Secrets Manager's. */
export class FixedWebhookSecrets implements WebhookSecrets {
  constructor(private readonly master = 'test-webhook-master-secret-0123456789abcdef') {}
  async secretFor(subscriptionId: string, version: number): Promise<string> {
    return deriveWebhookSecret(this.master, subscriptionId, version);
  }
}
