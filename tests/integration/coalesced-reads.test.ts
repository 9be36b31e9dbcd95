/**
 * Item reads coalesced inside an SQS invocation (shared/adapters/dynamodb-read-coalescer.ts),
 * against the local cloud's DynamoDB (dynalite) with a client that counts its calls: the records'
 * reads at the send barrier go as one BatchGetItem per consistency (keys asked twice asked once, a
 * missing item answered as missing); a lone read, and any read outside a barrier, is a GetItem.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { documentClientOf } from '#shared/adapters/dynamodb-items.ts';
import { getItemCoalesced, getItemsCoalesced } from '#shared/adapters/dynamodb-read-coalescer.ts';
import { loadConfig } from '#shared/config.ts';
import { withSendBarrier } from '#shared/workers/send-barrier.ts';
import { watchedDynamoDbClient } from '#tests/support/watched-dynamodb-client.ts';

let cloud: LocalCloud;
let client: DynamoDBClient;
let calls: { command: string; keys: number; consistent?: boolean }[] = [];
let tableName: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent', functions: {} });
  client = watchedDynamoDbClient(cloud, (command, input) => {
    const requests = Object.values((input.RequestItems ?? {}) as Record<string, { Keys: unknown[]; ConsistentRead?: boolean }>);
    const consistent = command === 'GetItemCommand' ? input.ConsistentRead : requests[0]?.ConsistentRead;
    calls.push({
      command,
      keys: requests.reduce((sum, request) => sum + request.Keys.length, 0),
      ...(consistent === undefined ? {} : { consistent: Boolean(consistent) }),
    });
  });
  tableName = loadConfig('fanOutNotifications').tableName('main');
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await cloud?.stop();
});

/** A declaration's state item key, as the repository reads it. */
const stateKey = (id: string) => ({ PK: `DECL#${id}`, SK: 'META' });
const eventually = { consistent: false };
const consistently = { consistent: true };

describe('item reads coalesced inside an SQS invocation', () => {
  it('reads the items of the records of one invocation with one BatchGetItem, each key once, a missing one as missing', async () => {
    // Prepare: two items stored; four records read them, one of them twice, and one item that does not exist
    const documents = documentClientOf(client);
    const [first, second, missing] = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of [first, second]) {
      await documents.send(new PutCommand({ TableName: tableName, Item: { ...stateKey(id), label: id } }));
    }
    const reads = [first, second, first, missing].map((id) => () => getItemCoalesced(documents, tableName, stateKey(id), eventually));

    // Act
    calls = [];
    const items = await withSendBarrier((runRecord) => Promise.all(reads.map((read) => runRecord(read))));

    // Assess
    expect(items.map((item) => item?.label)).toEqual([first, second, first, undefined]);
    expect(calls).toEqual([{ command: 'BatchGetItemCommand', keys: 3, consistent: false }]);
  });

  it('reads a lone record’s item, and any item outside an invocation, with a GetItem', async () => {
    // Prepare
    const documents = documentClientOf(client);
    const id = randomUUID();
    await documents.send(new PutCommand({ TableName: tableName, Item: { ...stateKey(id), label: id } }));

    // Act
    calls = [];
    const alone = await withSendBarrier((runRecord) => runRecord(() => getItemCoalesced(documents, tableName, stateKey(id), eventually)));
    const outside = await getItemCoalesced(documents, tableName, stateKey(id), eventually);

    // Assess
    expect([alone?.label, outside?.label]).toEqual([id, id]);
    expect(calls.map((call) => call.command)).toEqual(['GetItemCommand', 'GetItemCommand']);
  });

  it('fails every read of a call DynamoDB refuses, and only those', async () => {
    // Prepare: two records read from a table that does not exist
    const documents = documentClientOf(client);
    const reads = [randomUUID(), randomUUID()].map(
      (id) => () => getItemCoalesced(documents, 'customs-no-such-table', stateKey(id), eventually),
    );

    // Act
    const outcomes = await withSendBarrier((runRecord) => Promise.allSettled(reads.map((read) => runRecord(read))));

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toContain('ResourceNotFound');
  });

  it('reads strongly consistent items in a call of their own, asked with ConsistentRead', async () => {
    // Prepare: three records read strongly consistent (the release stage's guards and shards), one eventually (the fan-out's)
    const documents = documentClientOf(client);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await documents.send(new PutCommand({ TableName: tableName, Item: { ...stateKey(id), label: id } }));
    const reads = [
      ...ids.map((id) => () => getItemCoalesced(documents, tableName, stateKey(id), consistently)),
      () => getItemCoalesced(documents, tableName, stateKey(ids[0] as string), eventually),
    ];

    // Act
    calls = [];
    const items = await withSendBarrier((runRecord) => Promise.all(reads.map((read) => runRecord(read))));

    // Assess
    expect(items.map((item) => item?.label)).toEqual([...ids, ids[0]]);
    expect(calls).toHaveLength(2);
    expect(calls).toEqual(
      expect.arrayContaining([
        { command: 'BatchGetItemCommand', keys: 3, consistent: true },
        { command: 'GetItemCommand', keys: 0 }, // eventually consistent: no ConsistentRead
      ]),
    );
  });

  it('reads what a record wrote before it asked, in the same flush as the others', async () => {
    // Prepare: the item exists with one label; a record changes it, then reads it strongly consistent
    const documents = documentClientOf(client);
    const [changed, other] = [randomUUID(), randomUUID()];
    for (const id of [changed, other])
      await documents.send(new PutCommand({ TableName: tableName, Item: { ...stateKey(id), label: 'before' } }));

    // Act
    calls = [];
    const [afterWrite, otherRead] = await withSendBarrier((runRecord) =>
      Promise.all([
        runRecord(async () => {
          await documents.send(new PutCommand({ TableName: tableName, Item: { ...stateKey(changed), label: 'after' } }));
          return getItemCoalesced(documents, tableName, stateKey(changed), consistently);
        }),
        runRecord(() => getItemCoalesced(documents, tableName, stateKey(other), consistently)),
      ]),
    );

    // Assess: the read waited for the writing record, then both went in one consistent call
    expect([afterWrite?.label, otherRead?.label]).toEqual(['after', 'before']);
    expect(calls.filter((call) => call.command !== 'PutItemCommand')).toEqual([
      { command: 'BatchGetItemCommand', keys: 2, consistent: true },
    ]);
  });

  it('answers a record’s several keys in their order, with the other records’ keys, or as one BatchGetItem outside', async () => {
    // Prepare: a record asks for three keys (one twice, one missing), another record for one
    const documents = documentClientOf(client);
    const [first, second, missing] = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of [first, second]) await documents.send(new PutCommand({ TableName: tableName, Item: { ...stateKey(id), label: id } }));
    const asked = [first, missing, first, second].map(stateKey);

    // Act
    calls = [];
    const [several, single] = await withSendBarrier((runRecord) =>
      Promise.all([
        runRecord(() => getItemsCoalesced(documents, tableName, asked, consistently)),
        runRecord(() => getItemCoalesced(documents, tableName, stateKey(second), consistently)),
      ]),
    );
    const insideCalls = calls;
    calls = [];
    const outside = await getItemsCoalesced(documents, tableName, asked, consistently);

    // Assess
    expect(several.map((item) => item?.label)).toEqual([first, undefined, first, second]);
    expect(single?.label).toBe(second);
    expect(insideCalls).toEqual([{ command: 'BatchGetItemCommand', keys: 3, consistent: true }]);
    expect(outside.map((item) => item?.label)).toEqual([first, undefined, first, second]);
    expect(calls).toEqual([{ command: 'BatchGetItemCommand', keys: 3, consistent: true }]);
  });
});
