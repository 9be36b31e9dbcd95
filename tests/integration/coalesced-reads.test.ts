/**
 * Eventually consistent reads coalesced inside an SQS invocation (shared/adapters/dynamodb-read-coalescer.ts),
 * against the local cloud's DynamoDB (dynalite) with a client that counts its calls: the records'
 * reads at the send barrier go as one BatchGetItem (keys asked twice asked once, a missing item
 * answered as missing); a lone read, and any read outside a barrier, is a GetItem.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { documentClientOf } from '#shared/adapters/dynamodb-items.ts';
import { getItemEventually } from '#shared/adapters/dynamodb-read-coalescer.ts';
import { loadConfig } from '#shared/config.ts';
import { withSendBarrier } from '#shared/workers/send-barrier.ts';
import { watchedDynamoDbClient } from '#tests/support/watched-dynamodb-client.ts';

let cloud: LocalCloud;
let client: DynamoDBClient;
let calls: { command: string; keys: number }[] = [];
let tableName: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent', functions: {} });
  client = watchedDynamoDbClient(cloud, (command, input) => {
    const requests = (input.RequestItems ?? {}) as Record<string, { Keys: unknown[] }>;
    calls.push({ command, keys: Object.values(requests).reduce((sum, request) => sum + request.Keys.length, 0) });
  });
  tableName = loadConfig('fanOutNotifications').tableName('main');
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await cloud?.stop();
});

/** A declaration's state item key, as the repository reads it. */
const stateKey = (id: string) => ({ PK: `DECL#${id}`, SK: 'META' });

describe('eventually consistent reads coalesced inside an SQS invocation', () => {
  it('reads the items of the records of one invocation with one BatchGetItem, each key once, a missing one as missing', async () => {
    // Prepare: two items stored; four records read them, one of them twice, and one item that does not exist
    const documents = documentClientOf(client);
    const [first, second, missing] = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of [first, second]) {
      await documents.send(new PutCommand({ TableName: tableName, Item: { ...stateKey(id), label: id } }));
    }
    const reads = [first, second, first, missing].map((id) => () => getItemEventually(documents, tableName, stateKey(id)));

    // Act
    calls = [];
    const items = await withSendBarrier((runRecord) => Promise.all(reads.map((read) => runRecord(read))));

    // Assess
    expect(items.map((item) => item?.label)).toEqual([first, second, first, undefined]);
    expect(calls).toEqual([{ command: 'BatchGetItemCommand', keys: 3 }]);
  });

  it('reads a lone record’s item, and any item outside an invocation, with a GetItem', async () => {
    // Prepare
    const documents = documentClientOf(client);
    const id = randomUUID();
    await documents.send(new PutCommand({ TableName: tableName, Item: { ...stateKey(id), label: id } }));

    // Act
    calls = [];
    const alone = await withSendBarrier((runRecord) => runRecord(() => getItemEventually(documents, tableName, stateKey(id))));
    const outside = await getItemEventually(documents, tableName, stateKey(id));

    // Assess
    expect([alone?.label, outside?.label]).toEqual([id, id]);
    expect(calls.map((call) => call.command)).toEqual(['GetItemCommand', 'GetItemCommand']);
  });

  it('fails every read of a call DynamoDB refuses, and only those', async () => {
    // Prepare: two records read from a table that does not exist
    const documents = documentClientOf(client);
    const reads = [randomUUID(), randomUUID()].map((id) => () => getItemEventually(documents, 'customs-no-such-table', stateKey(id)));

    // Act
    const outcomes = await withSendBarrier((runRecord) => Promise.allSettled(reads.map((read) => runRecord(read))));

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toContain('ResourceNotFound');
  });
});
