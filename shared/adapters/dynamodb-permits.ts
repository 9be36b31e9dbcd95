/**
 * Permits in the main table (docs/data-model.md, patterns 67 to 72). The listing entries under the
 * agency and the holder are put before the permit, so a listing never misses a stored permit (an
 * entry whose permit was never stored is skipped). What remains of a permit is a DynamoDB number,
 * exact to 38 digits (written from the decimal string), so the drawing is one conditional update: `remaining >= quantity` and this
 * declaration not among `drawnFor` (no transactions: the local cloud's dynalite has none).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, NumberValue, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Permit, type PermitDraw, permitDrawSchema, permitSchema } from '#shared/domain/permits.ts';
import type { DrawOutcome, PermitStore } from '#shared/ports/permits.ts';
import { conditional } from './conditional-write.ts';
import { documentClientOf, queryByPrefix, withoutKeys } from './dynamodb-items.ts';
import { entityTypes, keys } from './keys.ts';

/** The stored item as the domain sees it: no keys, `remaining` as a decimal string, no `drawnFor`. */
function toPermit(item: Record<string, unknown>): Permit {
  const { PK: _pk, SK: _sk, entity: _entity, drawnFor: _drawnFor, remaining, ...rest } = item;
  return permitSchema.parse({ ...rest, ...(remaining !== undefined ? { remaining: String(remaining) } : {}) });
}

export class DynamoDbPermitStore implements PermitStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    // No `wrapNumbers`: DynamoDBDocumentClient.from() sets its options on the shared client's
    // configuration, so they would reach every other adapter's reads. `remaining` is read back as a
    // JS number, exact because permit quantities have at most 15 significant digits (shared/domain/permits.ts).
    this.documents = documentClientOf(client);
  }

  async create(permit: Permit): Promise<boolean> {
    await this.putOnce({ ...keys.permitOfAgency(permit.agencyId, permit.id), entity: entityTypes.permitListing, id: permit.id });
    await this.putOnce({ ...keys.permitOfHolder(permit.holderId, permit.id), entity: entityTypes.permitListing, id: permit.id });
    return this.putOnce({ ...keys.permit(permit.id), entity: entityTypes.permit, ...this.stored(permit) });
  }

  async get(id: string): Promise<Permit | undefined> {
    const result = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: keys.permit(id), ConsistentRead: true }));
    return result.Item ? toPermit(result.Item) : undefined;
  }

  listByAgency(agencyId: string): Promise<Permit[]> {
    const { PK, SKPrefix } = keys.permitOfAgencyPrefix(agencyId);
    return this.listed(PK, SKPrefix);
  }

  listByHolder(holderId: string): Promise<Permit[]> {
    const { PK, SKPrefix } = keys.permitOfHolderPrefix(holderId);
    return this.listed(PK, SKPrefix);
  }

  decide(decided: Permit): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.permit(decided.id), entity: entityTypes.permit, ...this.stored(decided) },
          ConditionExpression: '#status = :applied',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':applied': 'APPLIED' },
        }),
      ),
    );
  }

  async draw(permitId: string, declarationId: string, quantity: string, at: string): Promise<DrawOutcome> {
    const drawn = await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.permit(permitId),
          UpdateExpression: 'SET remaining = remaining - :quantity ADD drawnFor :declarations',
          ConditionExpression: '#status = :approved AND remaining >= :quantity AND NOT contains(drawnFor, :declaration)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':quantity': NumberValue.from(quantity),
            ':declarations': new Set([declarationId]),
            ':declaration': declarationId,
            ':approved': 'APPROVED',
          },
        }),
      ),
    );
    if (!drawn) {
      const permit = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: keys.permit(permitId), ConsistentRead: true }),
      );
      const drawnFor = permit.Item?.drawnFor as Set<string> | undefined;
      if (!drawnFor?.has(declarationId)) return 'insufficient';
    }
    // Written after the drawing, and again by a redelivery that finds the drawing made (it may be missing).
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.permitDraw(permitId, declarationId), entity: entityTypes.permitDraw, declarationId, quantity, at },
      }),
    );
    return drawn ? 'drawn' : 'already';
  }

  async giveBack(permitId: string, declarationId: string, quantity: string): Promise<boolean> {
    const given = await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.permit(permitId),
          UpdateExpression: 'SET remaining = remaining + :quantity DELETE drawnFor :declarations',
          ConditionExpression: 'contains(drawnFor, :declaration)',
          ExpressionAttributeValues: {
            ':quantity': NumberValue.from(quantity),
            ':declarations': new Set([declarationId]),
            ':declaration': declarationId,
          },
        }),
      ),
    );
    // Marked, not deleted: the release stage deletes nothing (least privilege).
    await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.permitDraw(permitId, declarationId),
          UpdateExpression: 'SET givenBack = :yes',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':yes': true },
        }),
      ),
    );
    return given;
  }

  async draws(permitId: string): Promise<PermitDraw[]> {
    const { PK, SKPrefix } = keys.permitDrawPrefix(permitId);
    return (await this.queryAll(PK, SKPrefix)).filter((item) => item.givenBack !== true).map((item) => permitDrawSchema.parse(item));
  }

  /** The permit as stored: `remaining` as a number, so the drawing can compare and subtract it. */
  private stored(permit: Permit): Record<string, unknown> {
    const { remaining, ...rest } = permit;
    return { ...rest, ...(remaining !== undefined ? { remaining: NumberValue.from(remaining) } : {}) };
  }

  private async listed(pk: string, prefix: string): Promise<Permit[]> {
    const entries = await this.queryAll(pk, prefix);
    const permits = await Promise.all(entries.map((entry) => this.get(String(entry.id))));
    return permits.filter((permit): permit is Permit => permit !== undefined);
  }

  /** A write-once item (a listing entry, the permit): a repeat finds it there. */
  private putOnce(item: Record<string, unknown>): Promise<boolean> {
    return conditional(() =>
      this.documents.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' })),
    );
  }

  private async queryAll(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
    return (await queryByPrefix(this.documents, this.tableName, { PK: pk, SKPrefix: prefix }, { consistent: true })).map(withoutKeys);
  }
}
