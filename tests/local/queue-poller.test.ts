/**
 * The local SQS event source mapping behaves like Lambda's: SQSEvent shape, partial batch failures,
 * redelivery, and redrive to the dead-letter queue after maxReceiveCount (done by fauxqs).
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { journal } from '#tests/fixtures/handlers/queue-worker.ts';
import { eventually, fixture, localSqsClient, quietCloud } from './support.ts';

const MAX_RECEIVE_COUNT = 2;

let cloud: LocalCloud;
let sqs: SQSClient;

beforeAll(async () => {
  cloud = await startLocalCloud({
    ...quietCloud,
    retryDelaySeconds: 0,
    queues: { jobs: { visibilityTimeoutSeconds: 30, maxReceiveCount: MAX_RECEIVE_COUNT } },
    functions: {
      worker: {
        entry: fixture('queue-worker'),
        handler: 'handler',
        timeoutSeconds: 5,
        triggers: [{ kind: 'queue', queue: 'jobs', batchSize: 10, maxConcurrency: 2 }],
      },
    },
  });
  sqs = localSqsClient(cloud);
});

afterAll(async () => {
  sqs?.destroy();
  await cloud?.stop();
});

const jobs = (): string => cloud.queueUrls.jobs ?? '';
const jobsDlq = (): string => cloud.deadLetterQueueUrls.jobs ?? '';
const deliveries = (id: string) => journal().filter((entry) => entry.id === id);

async function send(id: string, fail: 'never' | 'once' | 'always' | 'throw'): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: jobs(),
      MessageBody: JSON.stringify({ id, fail }),
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'test' },
        blob: { DataType: 'Binary', BinaryValue: Buffer.from('bytes') },
      },
    }),
  );
}

async function drained(queueUrl: string): Promise<true | undefined> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const empty =
    Attributes?.ApproximateNumberOfMessages === '0' &&
    Attributes.ApproximateNumberOfMessagesNotVisible === '0' &&
    Attributes.ApproximateNumberOfMessagesDelayed === '0';
  return empty ? true : undefined;
}

async function receiveAll(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    if (!Messages?.length) return bodies;
    bodies.push(...Messages.map((message) => message.Body ?? ''));
  }
}

describe('SQS event source mapping', () => {
  it('delivers SQSEvents shaped like Lambda', async () => {
    // Act
    await send('shape', 'never');
    const [entry] = await eventually(() => (deliveries('shape').length > 0 ? deliveries('shape') : undefined));

    // Assess
    expect(entry?.record).toMatchObject({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      body: JSON.stringify({ id: 'shape', fail: 'never' }),
      md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: 'aws:sqs',
      eventSourceARN: cloud.queueArns.jobs,
      awsRegion: 'eu-west-2',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      },
      messageAttributes: {
        kind: { stringValue: 'test', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: Buffer.from('bytes').toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
    });
    expect(cloud.queueArns.jobs).toMatch(/^arn:aws:sqs:eu-west-2:\d{12}:customs-local-jobs$/);
    await eventually(() => drained(jobs()));
  });

  it('deletes successful records, redelivers failed ones and redrives a poison message to the DLQ', async () => {
    // Prepare
    const run = `run-${Date.now()}`;

    // Act
    await send(`${run}-ok`, 'never');
    await send(`${run}-flaky`, 'once');
    await send(`${run}-poison`, 'always');
    await eventually(() => drained(jobs()));
    const inDlq = await receiveAll(jobsDlq());

    // Assess
    expect(deliveries(`${run}-ok`).map((entry) => entry.receiveCount)).toEqual([1]);
    expect(deliveries(`${run}-flaky`).map((entry) => entry.receiveCount)).toEqual([1, 2]);
    expect(deliveries(`${run}-poison`).map((entry) => entry.receiveCount)).toEqual([1, 2]);
    expect(inDlq).toEqual([JSON.stringify({ id: `${run}-poison`, fail: 'always' })]);
  });

  it('keeps the whole batch when the handler throws, until the records reach the DLQ', async () => {
    // Prepare
    const run = `crash-${Date.now()}`;

    // Act
    await send(`${run}-crash`, 'throw');
    await eventually(() => drained(jobs()));
    const inDlq = await receiveAll(jobsDlq());

    // Assess
    expect(deliveries(`${run}-crash`).map((entry) => entry.receiveCount)).toEqual([1, 2]);
    expect(inDlq).toEqual([JSON.stringify({ id: `${run}-crash`, fail: 'throw' })]);
  });

  it('hands several records to one invocation, up to the batch size', async () => {
    // Prepare
    const run = `batch-${Date.now()}`;
    const ids = Array.from({ length: 12 }, (_, index) => `${run}-${index}`);

    // Act
    await Promise.all(ids.map((id) => send(id, 'never')));
    await eventually(() => (ids.every((id) => deliveries(id).length === 1) ? true : undefined));
    await eventually(() => drained(jobs()));

    // Assess
    const sizes = ids.map((id) => deliveries(id)[0]?.batchSize ?? 0);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
  });
});
