/**
 * The clearance counters' additions inside an SQS invocation (shared/adapters/dynamodb-clearance-counters.ts
 * behind shared/workers/send-barrier.ts): the records' additions to one counter of one day go as one
 * UpdateItem of their sums; a refused write is redone one addition at a time, a write whose fate is
 * unknown is not (counts are at most once). Against a client that records what it is sent.
 */
import type { DynamoDBClient, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbClearanceCounters } from '#shared/adapters/dynamodb-clearance-counters.ts';
import { withSendBarrier } from '#shared/workers/send-barrier.ts';

const named = (name: string): Error => Object.assign(new Error(name), { name });

/** A client whose first answers are `failures` (undefined: success), then success; it keeps each UpdateItem's additions by attribute name. */
function clientAnswering(failures: (Error | undefined)[]) {
  const writes: Record<string, string>[] = [];
  const client = {
    send: async (command: { input: UpdateItemCommandInput }) => {
      const { ExpressionAttributeNames: names = {}, ExpressionAttributeValues: values = {} } = command.input;
      writes.push(
        Object.fromEntries(
          Object.entries(names)
            .filter(([alias]) => alias.startsWith('#n'))
            .map(([alias, name]) => [name, values[`:v${alias.slice(2)}`]?.N ?? '']),
        ),
      );
      const failure = failures.shift();
      if (failure) throw failure;
      return {};
    },
  } as unknown as DynamoDBClient;
  return { client, writes };
}

const lane = (shardOf: string) => ({ kind: 'lane', day: '2026-11-28', shardOf, lane: 'GREEN' }) as const;

/** Three records of one invocation, each adding a GREEN declaration; how each record's addition settled. */
async function threeRecords(counters: DynamoDbClearanceCounters) {
  return withSendBarrier((runRecord) =>
    Promise.allSettled(['01A', '01B', '01C'].map((id) => runRecord(() => counters.add(lane(id))))),
  ).then((settled) => settled.map((each) => each.status));
}

describe('clearance counter additions in one SQS invocation', () => {
  it('writes the three additions to the day’s lanes as one UpdateItem of 3', async () => {
    // Prepare
    const { client, writes } = clientAnswering([]);

    // Act
    const settled = await threeRecords(new DynamoDbClearanceCounters(client, 'main'));

    // Assess
    expect(settled).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(writes).toEqual([{ GREEN: '3' }]);
  });

  it('writes each addition on its own after DynamoDB refused the sum (throttled), so only what fails again is lost', async () => {
    // Prepare: the sum is throttled, then the second single addition too
    const { client, writes } = clientAnswering([
      named('ProvisionedThroughputExceededException'),
      undefined,
      named('ProvisionedThroughputExceededException'),
    ]);

    // Act
    const settled = await threeRecords(new DynamoDbClearanceCounters(client, 'main'));

    // Assess
    expect(writes).toEqual([{ GREEN: '3' }, { GREEN: '1' }, { GREEN: '1' }, { GREEN: '1' }]);
    expect(settled).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('writes nothing again after an error that leaves it unknown whether the sum landed (a time-out): none counts twice', async () => {
    // Prepare
    const { client, writes } = clientAnswering([named('TimeoutError')]);

    // Act
    const settled = await threeRecords(new DynamoDbClearanceCounters(client, 'main'));

    // Assess
    expect(writes).toEqual([{ GREEN: '3' }]);
    expect(settled).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('writes nothing again after a refusal that came after other attempts (one of which may have landed)', async () => {
    // Prepare: throttled at the SDK's third attempt of a write not sent at most once (nothing marks the attempts before as refusals)
    const retried = Object.assign(named('ProvisionedThroughputExceededException'), { $metadata: { httpStatusCode: 400, attempts: 3 } });
    const { client, writes } = clientAnswering([retried]);

    // Act
    const settled = await threeRecords(new DynamoDbClearanceCounters(client, 'main'));

    // Assess
    expect(writes).toEqual([{ GREEN: '3' }]);
    expect(settled).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('writes an addition outside an invocation’s barrier at once (an officer’s release through the API)', async () => {
    // Prepare
    const { client, writes } = clientAnswering([]);

    // Act
    await new DynamoDbClearanceCounters(client, 'main').add(lane('01A'));

    // Assess
    expect(writes).toEqual([{ GREEN: '1' }]);
  });
});
