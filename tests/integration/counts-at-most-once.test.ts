/**
 * Counts are at most once (docs/data-model.md, patterns 18, 33, 34), also when DynamoDB applied an
 * `ADD` but its answer was lost (a 500: "the request may or may not have been processed"). Against
 * dynalite through the real SDK and its retry loop: a middleware inside that loop, where the network
 * or DynamoDB's 500 would fail an attempt, lets a write through and then fails it, or refuses it as
 * throttled without sending it (shared/adapters/at-most-once.ts, barrier-additions.ts).
 */
import { randomInt } from 'node:crypto';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { DynamoDbClearanceCounters } from '#shared/adapters/dynamodb-clearance-counters.ts';
import { DynamoDbRiskStore } from '#shared/adapters/dynamodb-risk-store.ts';
import { keys } from '#shared/adapters/keys.ts';
import { loadConfig } from '#shared/config.ts';
import { withSendBarrier } from '#shared/workers/send-barrier.ts';
import { quietCloud } from '#tests/local/support.ts';

type Fault = 'applied-then-500' | 'throttled';

let cloud: LocalCloud;
let tableName: string;

beforeAll(async () => {
  // No functions: only this test touches the table.
  cloud = await startLocalCloud({ ...quietCloud, functions: {} });
  tableName = loadConfig('decideRelease').tableName('main');
}, 60_000);

afterAll(async () => {
  await cloud?.stop();
});

/** An error as the SDK deserialises DynamoDB's answer. */
const dynamoDbError = (name: string, httpStatusCode: number): Error =>
  Object.assign(new Error(`${name} (injected)`), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  });

/**
 * A client of the local table whose attempts meet `faults` in turn (then none); it counts the attempts.
 * Three attempts at most, stated (the SDK's default for DynamoDB has changed between versions).
 */
function clientMeeting(faults: Fault[]) {
  const client = new DynamoDBClient({ maxAttempts: 3 });
  const attempts = { made: 0 };
  // Typed loosely, as local/chaos.ts does: the middleware sees every command of the client.
  (client.middlewareStack as { add(middleware: unknown, options: Record<string, unknown>): void }).add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      attempts.made += 1;
      const fault = faults.shift();
      if (fault === 'throttled') throw dynamoDbError('ThrottlingException', 400);
      const result = await next(args);
      if (fault === 'applied-then-500') throw dynamoDbError('InternalServerError', 500);
      return result;
    },
    // Inside the SDK's retry loop (its middleware has the step's high priority), below atMostOnce's normal one.
    { step: 'finalizeRequest', priority: 'low', name: 'faultyNetwork' },
  );
  return { client, attempts };
}

/** A day of its own for each test (a year far ahead), so that counts start at 0. */
const freshDay = (): string => `2${randomInt(100, 999)}-0${randomInt(1, 9)}-1${randomInt(0, 9)}`;
const greenLane = (day: string, shardOf: string) => ({ kind: 'lane', day, shardOf, lane: 'GREEN' }) as const;

async function greenOn(day: string): Promise<number> {
  const [counted] = await new DynamoDbClearanceCounters(new DynamoDBClient({}), tableName).readDays([day]);
  return counted?.lanes.GREEN ?? Number.NaN;
}

/** Three records of one SQS invocation, each adding a GREEN declaration to a fresh day, through a client meeting `faults`. */
async function threeRecordsMeeting(faults: Fault[]) {
  const day = freshDay();
  const { client, attempts } = clientMeeting(faults);
  const counters = new DynamoDbClearanceCounters(client, tableName);
  const settled = await withSendBarrier((runRecord) =>
    Promise.allSettled(['01A', '01B', '01C'].map((id) => runRecord(() => counters.add(greenLane(day, id))))),
  );
  return { settled: settled.map((each) => each.status), attempts: attempts.made, counted: await greenOn(day) };
}

describe('counts at most once against the SDK’s retries', () => {
  it('the SDK alone retries an ADD whose answer was a 500 and counts it twice (what at-most-once prevents)', async () => {
    // Prepare: the same fault, a plain UpdateItem without atMostOnce
    const day = freshDay();
    const { client, attempts } = clientMeeting(['applied-then-500']);

    // Act
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { PK: { S: keys.clearanceCounters(day, 0, 'LANES').PK }, SK: { S: 'LANES' } },
        UpdateExpression: 'ADD GREEN :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );

    // Assess
    expect(attempts.made).toBe(2);
    expect(await greenOn(day)).toBe(2);
  });

  it('a lane addition that DynamoDB applied but answered with a 500 fails as WriteOutcomeUnknown, is not retried, and counts once', async () => {
    // Prepare
    const day = freshDay();
    const { client, attempts } = clientMeeting(['applied-then-500']);

    // Act
    const added = new DynamoDbClearanceCounters(client, tableName).add(greenLane(day, '01A'));

    // Assess
    await expect(added).rejects.toMatchObject({ name: 'WriteOutcomeUnknown' });
    expect(attempts.made).toBe(1);
    expect(await greenOn(day)).toBe(1);
  });

  it('three records’ additions written as one sum that landed but was answered with a 500: all three fail, none is written again, the day counts 3', async () => {
    // Act
    const outcome = await threeRecordsMeeting(['applied-then-500']);

    // Assess
    expect(outcome).toEqual({ settled: ['rejected', 'rejected', 'rejected'], attempts: 1, counted: 3 });
  });

  it('a sum throttled on every attempt (nothing applied) is written again one addition at a time: the day counts 3, not 0 or 6', async () => {
    // Act: the SDK's three attempts of the sum are throttled; the single additions go through
    const outcome = await threeRecordsMeeting(['throttled', 'throttled', 'throttled']);

    // Assess
    expect(outcome).toEqual({ settled: ['fulfilled', 'fulfilled', 'fulfilled'], attempts: 3 + 3, counted: 3 });
  });

  it('a sum that landed at its first attempt, whose retry was throttled, is not written again one by one: the day counts 3', async () => {
    // Act: the first attempt lands and is answered with a 500, the next refused (the sequence the SDK alone would retry)
    const outcome = await threeRecordsMeeting(['applied-then-500', 'throttled', 'throttled']);

    // Assess: at-most-once stopped at the unknown outcome; nothing was written twice
    expect(outcome).toEqual({ settled: ['rejected', 'rejected', 'rejected'], attempts: 1, counted: 3 });
  });

  it('a trader’s declaration count that landed but was answered with a 500 counts once', async () => {
    // Prepare
    const party = `GB${randomInt(100_000_000, 999_999_999)}000`;
    const { client, attempts } = clientMeeting(['applied-then-500']);
    const reader = new DynamoDbRiskStore(new DynamoDBClient({}), tableName);

    // Act
    const counted = new DynamoDbRiskStore(client, tableName).countDeclaration(party, '2026-11-29T10:00:00.000Z');

    // Assess
    await expect(counted).rejects.toMatchObject({ name: 'WriteOutcomeUnknown' });
    expect(attempts.made).toBe(1);
    expect((await reader.get(party))?.declarationsCount).toBe(1);
  });
});
