/** Payment requests and accepted provider events in the main table (docs/data-model.md), single conditional writes. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type PaymentRequest, paymentRequestSchema } from '#shared/domain/duties.ts';
import type { ConfirmOutcome, PaymentRequests } from '#shared/ports/payments.ts';
import { conditional } from './conditional-write.ts';
import { documentClientOf } from './dynamodb-items.ts';
import { getItemCoalesced } from './dynamodb-read-coalescer.ts';
import { entityTypes, keys } from './keys.ts';

export class DynamoDbPaymentRequests implements PaymentRequests {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = documentClientOf(client);
  }

  create(request: PaymentRequest): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.paymentRequest(request.reference), entity: entityTypes.paymentRequest, ...request },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async get(reference: string): Promise<PaymentRequest | undefined> {
    // With the other records' reads (the release stage's), one BatchGetItem.
    const item = await getItemCoalesced(this.documents, this.tableName, keys.paymentRequest(reference), { consistent: true });
    if (!item) return undefined;
    const { PK: _pk, SK: _sk, entity: _entity, ...request } = item;
    return paymentRequestSchema.parse(request);
  }

  /**
   * The request moves PENDING -> PAID naming the event first, then the event is recorded: a
   * confirmation that stopped between the two is recognised by the event the request names.
   */
  async confirm(reference: string, confirmation: { provider: string; eventId: string; at: string }): Promise<ConfirmOutcome> {
    const eventKey = keys.paymentEvent(confirmation.provider, confirmation.eventId);
    const seen = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: eventKey, ConsistentRead: true }));
    if (seen.Item) return { outcome: 'replayed' };
    const confirmedBy = { provider: confirmation.provider, eventId: confirmation.eventId };
    const paid = await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.paymentRequest(reference),
          UpdateExpression: 'SET #status = :paid, paidAt = :at, confirmedBy = :by',
          ConditionExpression: 'attribute_exists(PK) AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':paid': 'PAID', ':pending': 'PENDING', ':at': confirmation.at, ':by': confirmedBy },
        }),
      ),
    );
    const request = await this.get(reference);
    if (!request) return { outcome: 'not-found' };
    const byThisEvent = request.confirmedBy?.provider === confirmation.provider && request.confirmedBy.eventId === confirmation.eventId;
    if (byThisEvent) await this.recordEvent(eventKey, reference, confirmation.at);
    if (paid) return { outcome: 'confirmed', request };
    return byThisEvent ? { outcome: 'replayed' } : { outcome: 'already-paid', request };
  }

  private recordEvent(key: { PK: string; SK: string }, reference: string, at: string): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, entity: entityTypes.paymentEvent, reference, at },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }
}
