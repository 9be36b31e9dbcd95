/**
 * What the DynamoDB stores of the main table do the same way: the document client (one set of
 * marshalling options: `DynamoDBDocumentClient.from` writes them onto the shared client's
 * configuration, so stores that differed would change each other's), an item without its table
 * keys, every item under a partition key and sort key prefix, page by page, and the items of a set
 * of keys (BatchGetItem and the keys it leaves unprocessed).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

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

/** BatchGetItem takes at most 100 keys, each once. */
const MAX_KEYS_PER_BATCH_GET = 100;
/** Pauses before asking again for keys DynamoDB left unprocessed (throttled), then it gives up. */
const UNPROCESSED_PAUSES_MS = [25, 50, 100, 200, 400];

/**
 * The items of `keys` that exist, in no set order: BatchGetItem calls of up to 100 distinct keys;
 * the keys DynamoDB leaves unprocessed (its answer to throttling) asked again after a pause, five
 * times at most, then an error, so that a read that cannot finish fails (and its record is retried
 * by SQS, its API call answered 5xx) instead of asking again for ever while the invocation runs out.
 */
export async function batchGetItems(
  documents: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  options: { consistent: boolean },
): Promise<Record<string, unknown>[]> {
  const distinct = [...new Map(keys.map((key) => [JSON.stringify(Object.entries(key).sort()), key])).values()];
  const found: Record<string, unknown>[] = [];
  for (let start = 0; start < distinct.length; start += MAX_KEYS_PER_BATCH_GET) {
    let pending = distinct.slice(start, start + MAX_KEYS_PER_BATCH_GET);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      const result = await documents.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistent } } }),
      );
      found.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      if (pending.length === 0) break;
      const pause = UNPROCESSED_PAUSES_MS[attempt];
      if (pause === undefined)
        throw new Error(`DynamoDB left ${pending.length} key(s) of ${tableName} unprocessed after ${attempt + 1} attempts`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
  return found;
}
