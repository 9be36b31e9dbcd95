/**
 * Webhook subscriptions and their delivery log in the main table (docs/data-model.md, patterns
 * 42 to 49): subscriptions under `SUBSCRIBER#<kind>#<id>` / `SUB#<id>`, deliveries under
 * `WEBHOOK#<subscriptionId>` / `DLV#<occurredAt>#<eventId>`. Every change is a conditional write.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Delivery,
  type DeliveryAttempt,
  type DeliveryKey,
  deliverySchema,
  type Subscriber,
  type Subscription,
  subscriptionSchema,
} from '#shared/domain/notifications.ts';
import { InvalidCursorError, type Page } from '#shared/ports/declarations.ts';
import type { DeliveryLog, SubscriptionStore } from '#shared/ports/webhooks.ts';
import { conditional } from './conditional-write.ts';
import { documentClientOf, queryByPrefix, withoutKeys } from './dynamodb-items.ts';
import { entityTypes, keys } from './keys.ts';

const subscriptionKey = (subscriber: Subscriber, id: string) => keys.subscription(subscriber.kind, subscriber.id, id);
const deliveryKey = (key: DeliveryKey) => keys.webhookDelivery(key.subscriptionId, key.occurredAt, key.eventId);
const deliverySortKey = /^DLV#[0-9T:.Z-]{1,40}#evt_[0-9A-HJKMNP-TV-Z]{26}_[0-9]{1,9}$/;

export class DynamoDbWebhookStore implements SubscriptionStore, DeliveryLog {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = documentClientOf(client);
  }

  create(subscription: Subscription): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...subscriptionKey(subscription.subscriber, subscription.id), entity: entityTypes.subscription, ...subscription },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async get(subscriber: Subscriber, id: string): Promise<Subscription | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: subscriptionKey(subscriber, id), ConsistentRead: true }),
    );
    return result.Item ? subscriptionSchema.parse(withoutKeys(result.Item)) : undefined;
  }

  async list(subscriber: Subscriber): Promise<Subscription[]> {
    const prefix = keys.subscriptionPrefix(subscriber.kind, subscriber.id);
    const items = await queryByPrefix(this.documents, this.tableName, prefix, { consistent: true });
    return items.map((item) => subscriptionSchema.parse(withoutKeys(item)));
  }

  delete(subscriber: Subscriber, id: string): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new DeleteCommand({ TableName: this.tableName, Key: subscriptionKey(subscriber, id), ConditionExpression: 'attribute_exists(PK)' }),
      ),
    );
  }

  async countFailedDelivery(
    subscriber: Subscriber,
    id: string,
    failure: { eventId: string; at: string; disableAfter: number },
  ): Promise<Subscription | undefined> {
    await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(subscriber, id),
          UpdateExpression: 'SET consecutiveFailures = consecutiveFailures + :one, lastFailedEventId = :event',
          // Once per event: a retried count finds its event recorded.
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(lastFailedEventId) OR lastFailedEventId <> :event)',
          ExpressionAttributeValues: { ':one': 1, ':event': failure.eventId },
        }),
      ),
    );
    const counted = await this.get(subscriber, id);
    if (counted?.status !== 'ACTIVE' || counted.consecutiveFailures < failure.disableAfter) return counted;
    await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(subscriber, id),
          UpdateExpression: 'SET #status = :disabled, disabledAt = :at, disabledReason = :reason',
          ConditionExpression: '#status = :active AND consecutiveFailures >= :limit',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':disabled': 'DISABLED',
            ':active': 'ACTIVE',
            ':at': failure.at,
            ':limit': failure.disableAfter,
            ':reason': `${counted.consecutiveFailures} deliveries in a row failed every attempt`,
          },
        }),
      ),
    );
    return this.get(subscriber, id);
  }

  async resetFailures(subscriber: Subscriber, id: string): Promise<void> {
    await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(subscriber, id),
          UpdateExpression: 'SET consecutiveFailures = :zero',
          ConditionExpression: 'consecutiveFailures > :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      ),
    );
  }

  async rotateSecret(
    subscriber: Subscriber,
    id: string,
    rotation: { fromVersion: number; previousValidUntil: string },
  ): Promise<Subscription | 'CHANGED' | undefined> {
    // Items stored before rotation existed have no secretVersion: they are at version 0.
    const atVersion =
      rotation.fromVersion === 0 ? '(attribute_not_exists(secretVersion) OR secretVersion = :from)' : 'secretVersion = :from';
    const rotated = await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(subscriber, id),
          UpdateExpression: 'SET secretVersion = :next, previousSecret = :previous',
          ConditionExpression: `attribute_exists(PK) AND ${atVersion}`,
          ExpressionAttributeValues: {
            ':from': rotation.fromVersion,
            ':next': rotation.fromVersion + 1,
            ':previous': { version: rotation.fromVersion, validUntil: rotation.previousValidUntil },
          },
        }),
      ),
    );
    const after = await this.get(subscriber, id);
    if (!after) return undefined;
    return rotated ? after : 'CHANGED';
  }

  async enable(subscriber: Subscriber, id: string): Promise<Subscription | undefined> {
    await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(subscriber, id),
          UpdateExpression: 'SET #status = :active, consecutiveFailures = :zero REMOVE disabledAt, disabledReason',
          ConditionExpression: 'attribute_exists(PK) AND #status = :disabled',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':active': 'ACTIVE', ':disabled': 'DISABLED', ':zero': 0 },
        }),
      ),
    );
    return this.get(subscriber, id);
  }

  createDelivery(delivery: Delivery): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...deliveryKey(delivery), entity: entityTypes.webhookDelivery, ...delivery },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async getDelivery(key: DeliveryKey): Promise<Delivery | undefined> {
    const result = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: deliveryKey(key), ConsistentRead: true }));
    return result.Item ? deliverySchema.parse(withoutKeys(result.Item)) : undefined;
  }

  async listDeliveries(subscriptionId: string, options: { limit: number; cursor: string | undefined }): Promise<Page<Delivery>> {
    const { PK, SKPrefix } = keys.webhookDeliveryPrefix(subscriptionId);
    const page = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': PK, ':prefix': SKPrefix },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: options.cursor === undefined ? undefined : { PK, SK: decodeDeliveryCursor(options.cursor) },
      }),
    );
    const last = page.LastEvaluatedKey?.SK;
    return {
      items: (page.Items ?? []).map((item) => deliverySchema.parse(withoutKeys(item))),
      nextCursor: typeof last === 'string' ? Buffer.from(last).toString('base64url') : null,
    };
  }

  recordAttempt(
    key: DeliveryKey,
    attempt: DeliveryAttempt & { number: number },
    after: { status: 'PENDING' | 'DELIVERED' | 'FAILED'; nextAttemptAt: string | undefined },
  ): Promise<boolean> {
    const { number, ...recorded } = attempt;
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(key),
          UpdateExpression: `SET attempts = list_append(attempts, :attempt), #status = :status${after.nextAttemptAt ? ', nextAttemptAt = :next' : ''}${after.nextAttemptAt ? '' : ' REMOVE nextAttemptAt'}`,
          ConditionExpression: '#status = :pending AND size(attempts) = :before',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':attempt': [recorded],
            ':status': after.status,
            ':pending': 'PENDING',
            ':before': number - 1,
            ...(after.nextAttemptAt ? { ':next': after.nextAttemptAt } : {}),
          },
        }),
      ),
    );
  }

  skipDelivery(key: DeliveryKey, reason: string): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(key),
          UpdateExpression: 'SET #status = :skipped, skippedReason = :reason REMOVE nextAttemptAt',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':skipped': 'SKIPPED', ':pending': 'PENDING', ':reason': reason },
        }),
      ),
    );
  }
}

/** A cursor is the base64url of the last sort key read, checked to be one (never another partition's key). */
function decodeDeliveryCursor(cursor: string): string {
  const sortKey = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!deliverySortKey.test(sortKey)) throw new InvalidCursorError();
  return sortKey;
}
