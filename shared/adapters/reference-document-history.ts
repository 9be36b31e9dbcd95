import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ReferenceDocumentKind, ReferenceDocumentStore, ReferenceDocumentVersion } from '#shared/ports/reference-documents.ts';
import { keys } from './keys.ts';

/**
 * The load history of the reference documents (a history item per load in the main table), newest
 * first: the table only, so a function that lists loads (`referenceDocumentHistory`) bundles no
 * S3 client. `S3ReferenceDocumentStore.history` reads it the same way.
 */
export async function referenceDocumentLoads(
  documents: DynamoDBDocumentClient,
  tableName: string,
  kind: ReferenceDocumentKind,
): Promise<ReferenceDocumentVersion[]> {
  const result = await documents.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.referenceDocumentCurrent(kind).PK, ':prefix': 'LOAD#' },
      ScanIndexForward: false,
      Limit: 100,
    }),
  );
  return (result.Items ?? []).map(
    ({ kind: k, version, loadedAt, loadedBy, bytes }) => ({ kind: k, version, loadedAt, loadedBy, bytes }) as ReferenceDocumentVersion,
  );
}

/** The store's `history` alone, for a function that only lists loads. */
export function dynamoDbReferenceDocumentHistory(dynamodb: DynamoDBClient, tableName: string): Pick<ReferenceDocumentStore, 'history'> {
  const documents = DynamoDBDocumentClient.from(dynamodb);
  return { history: (kind) => referenceDocumentLoads(documents, tableName, kind) };
}
