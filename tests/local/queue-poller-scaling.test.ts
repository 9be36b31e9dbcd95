/**
 * The local event source mapping scales its poll loops with the backlog, as Lambda adds pollers
 * while messages are still available: one loop for a trickle, more (up to `maxPollersPerQueue`)
 * while receives come back full, back to one when the backlog is gone.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { concurrency } from '#tests/fixtures/handlers/slow-queue-worker.ts';
import { eventually, fixture, localSqsClient, quietCloud } from './support.ts';

let cloud: LocalCloud;
let sqs: SQSClient;

beforeAll(async () => {
  cloud = await startLocalCloud({
    ...quietCloud,
    maxPollersPerQueue: 3,
    queues: { jobs: { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 } },
    functions: {
      worker: {
        entry: fixture('slow-queue-worker'),
        handler: 'handler',
        timeoutSeconds: 5,
        triggers: [{ kind: 'queue', queue: 'jobs', batchSize: 10 }],
      },
    },
  });
  sqs = localSqsClient(cloud);
});

afterAll(async () => {
  sqs?.destroy();
  await cloud?.stop();
});

async function sendJobs(count: number, from: number): Promise<void> {
  for (let start = 0; start < count; start += 10) {
    const entries = Array.from({ length: Math.min(10, count - start) }, (_, index) => ({
      Id: `m${index}`,
      MessageBody: `job ${from + start + index}`,
    }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: cloud.queueUrls.jobs ?? '', Entries: entries }));
  }
}

describe('local poll loops scale with the backlog', () => {
  it('handles a trickle with one loop, a backlog with up to three at once, and goes back to one', async () => {
    // Prepare
    const state = concurrency();
    const loops = (): number => Object.entries(cloud.pollLoops()).find(([name]) => name.startsWith('worker '))?.[1] ?? 0;

    // Act: three messages one at a time, then a backlog of 120, then three more one at a time
    for (let index = 0; index < 3; index += 1) {
      await sendJobs(1, index);
      await eventually(async () => (state.startedAlongside.length === index + 1 ? true : undefined));
    }
    const loopsForTrickle = loops();
    let mostLoops = 0;
    const sampling = setInterval(() => {
      mostLoops = Math.max(mostLoops, loops());
    }, 10);
    await sendJobs(120, 100);
    await eventually(async () => (state.startedAlongside.length === 123 ? true : undefined), 30_000);
    clearInterval(sampling);
    const mostAtOnce = state.most;
    // Each trickle message ends an added loop that receives it (less than a full batch).
    for (let index = 0; index < 3; index += 1) {
      await sendJobs(1, 1000 + index);
      await eventually(async () => (state.startedAlongside.length === 124 + index ? true : undefined));
    }
    const loopsAfter = await eventually(async () => (loops() === 1 ? 1 : undefined), 30_000);

    // Assess: one loop for the trickle; two or three for the backlog, running batches at once; one again after it
    expect(loopsForTrickle).toBe(1);
    expect(mostLoops).toBeGreaterThanOrEqual(2);
    expect(mostLoops).toBeLessThanOrEqual(3);
    expect(mostAtOnce).toBeGreaterThanOrEqual(2);
    expect(loopsAfter).toBe(1);
  }, 90_000);
});
