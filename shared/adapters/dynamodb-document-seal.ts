/**
 * The seal's published keys and the documents issued, in the single table: `SEALKEYS` /
 * `KEY#<kid>` (one item per key ever used), and `DECL#<id>` / `ISSUED#<kind>#<version>` (one per
 * document of a kind and documented version, written once: the first sealed copy is the one that
 * counts; its printable copy is added once, later, and asked for by a download when printing is on request).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PublicJwk } from '#shared/domain/sealed-documents.ts';
import type { ArchivedPdf, IssuedDocument, IssuedDocumentKind, IssuedDocuments, SealKeyRegistry } from '#shared/ports/document-seal.ts';
import { conditional } from './conditional-write.ts';
import { documentClientOf } from './dynamodb-items.ts';
import { getItemCoalesced } from './dynamodb-read-coalescer.ts';
import { keys } from './keys.ts';

export class DynamoDbDocumentSeal implements SealKeyRegistry, IssuedDocuments {
  private readonly documents: DynamoDBDocumentClient;
  /** Keys this execution environment has published: one write per key, not one per document. */
  private readonly published = new Set<string>();

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = documentClientOf(client);
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
          Item: { ...keys.issuedDocument(document.declarationId, document.kind, document.version), entity: 'IssuedDocument', ...document },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async get(declarationId: string, kind: IssuedDocumentKind, version: number): Promise<IssuedDocument | undefined> {
    // With the other records' reads (the documents worker's), one BatchGetItem.
    const item = await getItemCoalesced(this.documents, this.tableName, keys.issuedDocument(declarationId, kind, version), {
      consistent: true,
    });
    return item ? issuedDocumentOf(item) : undefined;
  }

  async list(declarationId: string): Promise<IssuedDocument[]> {
    const found: IssuedDocument[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :issued)',
          ExpressionAttributeValues: { ':pk': keys.declaration(declarationId).PK, ':issued': keys.issuedDocumentPrefix },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(page.Items ?? []).map(issuedDocumentOf));
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }

  requestPrinting(declarationId: string, kind: IssuedDocumentKind, version: number, at: string, askedBefore: string): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.issuedDocument(declarationId, kind, version),
          UpdateExpression: 'SET printRequestedAt = :at',
          // ISO 8601 instants of one format compare as strings.
          ConditionExpression:
            'attribute_exists(PK) AND attribute_not_exists(pdf) AND (attribute_not_exists(printRequestedAt) OR printRequestedAt < :askedBefore)',
          ExpressionAttributeValues: { ':at': at, ':askedBefore': askedBefore },
        }),
      ),
    );
  }

  attachPdf(declarationId: string, kind: IssuedDocumentKind, version: number, pdf: ArchivedPdf): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.issuedDocument(declarationId, kind, version),
          UpdateExpression: 'SET pdf = :pdf',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(pdf)',
          ExpressionAttributeValues: { ':pdf': pdf },
        }),
      ),
    );
  }
}

function issuedDocumentOf(item: Record<string, unknown>): IssuedDocument {
  const { PK: _pk, SK: _sk, entity: _entity, ...document } = item;
  return document as unknown as IssuedDocument;
}
