/**
 * The seal's published keys and the documents issued, in the single table: `SEALKEYS` /
 * `KEY#<kid>` (one item per key ever used), and `DECL#<id>` / `ISSUED#<kind>` (one per document
 * of a kind, written once: the first sealed copy is the one that counts).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PublicJwk } from '#shared/domain/sealed-documents.ts';
import type { IssuedDocument, IssuedDocumentKind, IssuedDocuments, SealKeyRegistry } from '#shared/ports/document-seal.ts';
import { conditional } from './conditional-write.ts';
import { keys } from './keys.ts';

export class DynamoDbDocumentSeal implements SealKeyRegistry, IssuedDocuments {
  private readonly documents: DynamoDBDocumentClient;
  /** Keys this execution environment has published: one write per key, not one per document. */
  private readonly published = new Set<string>();

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async publish(key: PublicJwk, at: string): Promise<void> {
    if (this.published.has(key.kid)) return;
    await conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.sealKey(key.kid), entity: 'SealKey', jwk: key, publishedAt: at },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
    this.published.add(key.kid);
  }

  async all(): Promise<PublicJwk[]> {
    const found: { jwk: PublicJwk; publishedAt: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.sealKeysPartition },
          ExclusiveStartKey: start,
        }),
      );
      found.push(...((page.Items ?? []) as { jwk: PublicJwk; publishedAt: string }[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return found.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt)).map((item) => item.jwk);
  }

  record(document: IssuedDocument): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.issuedDocument(document.declarationId, document.kind), entity: 'IssuedDocument', ...document },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async get(declarationId: string, kind: IssuedDocumentKind): Promise<IssuedDocument | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.issuedDocument(declarationId, kind), ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    const { PK: _pk, SK: _sk, entity: _entity, ...document } = result.Item;
    return document as IssuedDocument;
  }
}
