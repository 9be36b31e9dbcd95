/**
 * What the DynamoDB stores of the main table do the same way: the document client (one set of
 * marshalling options: `DynamoDBDocumentClient.from` writes them onto the shared client's
 * configuration, so stores that differed would change each other's), an item without its table
 * keys, and every item under a partition key and sort key prefix, page by page.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

export const documentClientOf = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** The item's own attributes: without `PK`, `SK` and `entity`. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { PK: _pk, SK: _sk, entity: _entity, ...rest } = item;
  return rest;
}

/** Every item of partition `PK` whose sort key begins with `SKPrefix`, in sort key order, following every page. */
export async function queryByPrefix(
  documents: DynamoDBDocumentClient,
  tableName: string,
  prefix: { PK: string; SKPrefix: string },
  options: { consistent: boolean },
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': prefix.PK, ':prefix': prefix.SKPrefix },
        ConsistentRead: options.consistent,
        ExclusiveStartKey: startKey,
      }),
    );
    found.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
}
