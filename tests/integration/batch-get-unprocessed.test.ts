/**
 * `batchGetItems` (shared/adapters/dynamodb-items.ts), the one BatchGetItem loop of the DynamoDB
 * adapters, when DynamoDB leaves keys unprocessed (its answer to throttling, which dynalite never
 * gives): against dynalite through the real SDK, with a middleware that moves answered items back
 * to `UnprocessedKeys`, as a throttled partition would leave them.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { batchGetItems, documentClientOf } from '#shared/adapters/dynamodb-items.ts';
import { loadConfig } from '#shared/config.ts';
import { quietCloud } from '#tests/local/support.ts';

type Item = Record<string, unknown>;

let cloud: LocalCloud;
let tableName: string;

beforeAll(async () => {
  // No functions: only this test touches the table.
  cloud = await startLocalCloud({ ...quietCloud, functions: {} });
  tableName = loadConfig('scoreRisk').tableName('main');
}, 60_000);

afterAll(async () => {
  await cloud?.stop();
});

/** Three items of a partition of their own, stored; their keys. */
async function threeStoredItems(): Promise<{ PK: string; SK: string }[]> {
  const documents = documentClientOf(new DynamoDBClient({}));
  const keys = ['A', 'B', 'C'].map((SK) => ({ PK: `BATCHGET#${randomUUID()}`, SK }));
  for (const key of keys) await documents.send(new PutCommand({ TableName: tableName, Item: { ...key, entity: 'Test' } }));
  return keys;
}

/** A document client whose BatchGetItem answers leave one answered key unprocessed, `times` times; it counts the calls. */
function leavingOneUnprocessed(times: number) {
  const client = new DynamoDBClient({});
  const calls = { made: 0 };
  let left = times;
  (client.middlewareStack as { add(middleware: unknown, options: Record<string, unknown>): void }).add(
    (
      next: (
        args: unknown,
      ) => Promise<{ output: { Responses?: Record<string, Item[]>; UnprocessedKeys?: Record<string, { Keys: Item[] }> } }>,
    ) =>
      async (args: unknown) => {
        calls.made += 1;
        const result = await next(args);
        const answered = result.output.Responses?.[tableName] ?? [];
        const [held, ...rest] = answered;
        if (left > 0 && held) {
          left -= 1;
          result.output.Responses = { [tableName]: rest };
          result.output.UnprocessedKeys = { [tableName]: { Keys: [{ PK: held.PK, SK: held.SK }] } };
        }
        return result;
      },
    { step: 'initialize', priority: 'high', name: 'throttledPartition' },
  );
  return { documents: documentClientOf(client), calls };
}

describe('BatchGetItem with keys left unprocessed', () => {
  it('asks again for the keys left unprocessed and returns every item', async () => {
    // Prepare
    const keys = await threeStoredItems();
    const { documents, calls } = leavingOneUnprocessed(2);

    // Act
    const items = await batchGetItems(documents, tableName, keys, { consistent: true });

    // Assess
    expect(items.map((item) => item.SK).sort()).toEqual(['A', 'B', 'C']);
    expect(calls.made).toBe(3);
  });

  it('gives up with an error after five pauses when keys stay unprocessed, rather than asking for ever', async () => {
    // Prepare
    const keys = await threeStoredItems();
    const { documents, calls } = leavingOneUnprocessed(Number.POSITIVE_INFINITY);

    // Act
    const read = batchGetItems(documents, tableName, keys, { consistent: false });

    // Assess
    await expect(read).rejects.toThrow(/left 1 key\(s\) of .* unprocessed after 6 attempts/);
    expect(calls.made).toBe(6);
  });

  it('asks for a key named twice once (BatchGetItem refuses duplicates)', async () => {
    // Prepare
    const keys = await threeStoredItems();
    const { documents, calls } = leavingOneUnprocessed(0);

    // Act
    const items = await batchGetItems(documents, tableName, [...keys, { ...keys[0] }], { consistent: true });

    // Assess
    expect(items).toHaveLength(3);
    expect(calls.made).toBe(1);
  });
});
