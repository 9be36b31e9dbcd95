/**
 * The queue- and schedule-triggered functions in a thread of their own (startLocalCloud's
 * `functionThread`, local/function-thread.ts): they run there with the handlers' environment and
 * the local cloud's access control, their failures reach the pollers as in the main thread, and the
 * platform's pipeline takes a declaration to RELEASED with its stages in the thread.
 */
import { threadId } from 'node:worker_threads';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, type LocalFunctionDefinition, startLocalCloud } from '#local/cloud.ts';
import type { FunctionAccess } from '#shared/resources.ts';
import { startSeededCloud } from '#tests/support/seeded-cloud.ts';
import { apiClient, declarationFor } from '../integration/support.ts';
import { eventually, fixture, localSqsClient, quietCloud } from './support.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
// Declaration items only: the probe's read of a trader profile is undeclared.
const access: FunctionAccess = { tables: { main: [{ actions: ['GetItem', 'PutItem'], keys: ['DECL#*'] }] } };
const functions: Record<string, LocalFunctionDefinition> = {
  probe: {
    entry: fixture('thread-probe'),
    handler: 'handler',
    timeoutSeconds: 10,
    triggers: [{ kind: 'queue', queue: 'jobs', batchSize: 5 }],
    access,
  },
  missing: {
    entry: fixture('does-not-exist'),
    handler: 'handler',
    timeoutSeconds: 5,
    triggers: [{ kind: 'schedule', everyMinutes: 60 }],
  },
  blocks: { entry: fixture('thread-trouble'), handler: 'blocks', timeoutSeconds: 1, triggers: [{ kind: 'schedule', everyMinutes: 60 }] },
  strays: { entry: fixture('thread-trouble'), handler: 'strays', timeoutSeconds: 5, triggers: [{ kind: 'schedule', everyMinutes: 60 }] },
  echo: {
    entry: fixture('echo'),
    handler: 'handler',
    timeoutSeconds: 5,
    triggers: [{ kind: 'http', method: 'GET', path: '/files/{path+}', auth: 'none' }],
  },
};

describe('functions in the function thread', () => {
  let cloud: LocalCloud;
  let dynamodb: DynamoDBClient;
  const stored = (id: string) =>
    eventually(async () => {
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: cloud.tableNames.main, Key: { PK: { S: `DECL#${id}` }, SK: { S: 'META' } } }),
      );
      return Item;
    });

  beforeAll(async () => {
    cloud = await startLocalCloud({
      ...quietCloud,
      consoleDir: false,
      retryDelaySeconds: 0,
      queues: { jobs: { visibilityTimeoutSeconds: 30, maxReceiveCount: 1 } },
      functions,
      functionThread: true,
    });
    dynamodb = new DynamoDBClient({ region: 'eu-west-2', endpoint: cloud.endpoints.dynamodb, credentials });
  });

  afterAll(async () => {
    dynamodb?.destroy();
    await cloud?.stop();
  });

  it('runs a queue-triggered handler in another thread, with its environment and its access enforced there', async () => {
    // Prepare
    const sqs = localSqsClient(cloud);

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: cloud.queueUrls.jobs, MessageBody: JSON.stringify({ id: '01THREADPROBE1' }) }));
    const item = await stored('01THREADPROBE1');

    // Assess
    expect(Number(item.threadId?.N)).not.toBe(threadId);
    expect(item.undeclared?.S).toBe('AccessDeniedException');
    expect(item.tableName?.S).toBe(cloud.tableNames.main);
    expect(Number(item.remainingMs?.N)).toBeGreaterThan(0);
    expect(Number(item.remainingMs?.N)).toBeLessThanOrEqual(10_000);
  });

  it('keeps the functions with an HTTP route in the main thread', async () => {
    // Act
    const response = await fetch(`${cloud.apiUrl}/files/a.txt`);

    // Assess
    expect(response.status).toBe(200);
    expect(((await response.json()) as { threadId?: number }).threadId).toBe(threadId);
  });

  it('hands a crashed invocation back to its queue, which moves the record to the dead-letter queue', async () => {
    // Prepare
    const sqs = localSqsClient(cloud);

    // Act
    await sqs.send(
      new SendMessageCommand({ QueueUrl: cloud.queueUrls.jobs, MessageBody: JSON.stringify({ id: '01THREADPROBE2', crash: true }) }),
    );
    const dead = await eventually(async () => {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: cloud.deadLetterQueueUrls.jobs, WaitTimeSeconds: 1 }));
      return Messages?.[0];
    });

    // Assess
    expect(JSON.parse(dead.Body ?? '{}')).toEqual({ id: '01THREADPROBE2', crash: true });
    await stored('01THREADPROBE2');
  });

  it('replaces a thread that a stray rejection ended: the invocation fails, the next one runs in a new thread', async () => {
    // Prepare
    const sqs = localSqsClient(cloud);
    await sqs.send(new SendMessageCommand({ QueueUrl: cloud.queueUrls.jobs, MessageBody: JSON.stringify({ id: '01THREADPROBE3' }) }));
    const before = Number((await stored('01THREADPROBE3')).threadId?.N);

    // Act
    const failed = cloud.runScheduled('strays');
    await expect(failed).rejects.toMatchObject({ name: 'InvocationError', kind: 'error' });
    await expect(failed).rejects.toThrow(/the function thread failed: a stray rejection nobody handles/);
    await sqs.send(new SendMessageCommand({ QueueUrl: cloud.queueUrls.jobs, MessageBody: JSON.stringify({ id: '01THREADPROBE4' }) }));
    const after = await stored('01THREADPROBE4');

    // Assess
    expect(Number(after.threadId?.N)).not.toBe(before);
    expect(Number(after.threadId?.N)).not.toBe(threadId);
    expect(after.undeclared?.S).toBe('AccessDeniedException');
  });

  it('gives up on a thread a handler blocks past its deadline: a timeout, and a new thread for the next call', async () => {
    // Act
    const blocked = cloud.runScheduled('blocks');

    // Assess
    await expect(blocked).rejects.toMatchObject({ name: 'InvocationError', kind: 'timeout' });
    await expect(blocked).rejects.toThrow(/an invocation of blocks had no answer within 6000 ms/);
    // A thread answers again: the stray rejection ends it, which only a running thread can report.
    await expect(cloud.runScheduled('strays')).rejects.toThrow(/the function thread failed: a stray rejection nobody handles/);
  }, 20_000);

  it("reports a threaded function's import failure as the main thread would", async () => {
    // Act
    const loaded = await cloud.preloadHandlers();

    // Assess
    const missing = loaded.find((result) => result.name === 'missing');
    expect(missing?.ok).toBe(false);
    expect(missing?.error).toMatch(/cannot load tests\/fixtures\/handlers\/does-not-exist\.ts/);
    expect(loaded.find((result) => result.name === 'probe')?.ok).toBe(true);
  });
});

describe('the platform with its pipeline in the function thread', () => {
  let cloud: LocalCloud;

  beforeAll(async () => {
    ({ cloud } = await startSeededCloud({ functionThread: true }));
  }, 120_000);

  afterAll(async () => {
    await cloud?.stop();
  });

  it("releases a trusted trader's declaration", async () => {
    // Prepare
    const party = 'GB987654321000';
    const token = cloud.mintToken({ role: 'trader', party });
    const { call } = apiClient(cloud.apiUrl);

    // Act
    const submitted = await call<{ id: string }>('POST', '/v1/declarations', { token, body: declarationFor(party) });
    const released = await eventually(async () => {
      const view = await call<{ status: string; lane: string | null }>('GET', `/v1/declarations/${submitted.body.id}`, { token });
      return view.body.status === 'RELEASED' ? view.body : undefined;
    }, 30_000);

    // Assess
    expect(submitted.status).toBe(202);
    expect(released.lane).toBe('GREEN');
  });
});
