/**
 * Start, stop, restart and persistence of the local cloud: clean shutdown (no handles left),
 * sequential clouds in one process, what survives a restart with a data directory.
 */
import dns from 'node:dns';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { journal } from '#tests/fixtures/handlers/queue-worker.ts';
import { bearer, eventually, fixture, gatewayFunctions, quietCloud, request } from './support.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const clouds: LocalCloud[] = [];
/** The gateway's fixtures and a queue worker on `jobs`. */
const withQueueWorker = {
  queues: { jobs: { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 } },
  functions: {
    ...gatewayFunctions,
    worker: {
      entry: fixture('queue-worker'),
      handler: 'handler',
      timeoutSeconds: 5,
      triggers: [{ kind: 'queue' as const, queue: 'jobs', batchSize: 5 }],
    },
  },
};
const directories: string[] = [];

async function start(options: Parameters<typeof startLocalCloud>[0] = {}): Promise<LocalCloud> {
  const cloud = await startLocalCloud({ ...quietCloud, functions: gatewayFunctions, ...options });
  clouds.push(cloud);
  return cloud;
}

afterEach(async () => {
  for (const cloud of clouds.splice(0)) await cloud.stop();
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

/** Open sockets and servers of this process, by kind. */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'TCPServerWrap' || kind === 'TCPSocketWrap') counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/**
 * The worker threads of this process, by their OS thread name (Node names them `WorkerThread`);
 * undefined where /proc is not there to ask (not Linux).
 */
function workerThreads(): number | undefined {
  if (!existsSync('/proc/self/task')) return undefined;
  return readdirSync('/proc/self/task').filter((task) => {
    try {
      return readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim() === 'WorkerThread';
    } catch {
      return false; // the thread ended while being listed
    }
  }).length;
}

describe('stop()', () => {
  it('leaves no servers or sockets behind and puts DNS and environment back', async () => {
    // Prepare
    const lookupBefore = dns.lookup;
    const endpointBefore = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    const before = handles();
    const cloud = await start({
      ...withQueueWorker,
    });
    const token = cloud.mintToken({ role: 'trader', party: 'GB123456789000' });
    await request(`${cloud.apiUrl}/store/lifecycle`, { method: 'PUT', headers: bearer(token) });
    expect(dns.lookup).not.toBe(lookupBefore);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(cloud.endpoints.dynamodb);

    // Act
    await cloud.stop();
    await cloud.stop();

    // Assess
    expect(dns.lookup).toBe(lookupBefore);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(endpointBefore);
    await eventually(() => (JSON.stringify(handles()) === JSON.stringify(before) ? true : undefined), 5_000);
    const refused = await fetch(cloud.apiUrl).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
  });

  it('ends the worker threads of the emulators (dynalite, fauxqs)', async (context) => {
    // Prepare
    const before = workerThreads();
    if (before === undefined) context.skip('no /proc to list threads by');
    const cloud = await start();
    const running = workerThreads();

    // Act
    await cloud.stop();

    // Assess
    expect(running).toBe((before ?? 0) + 2);
    expect(workerThreads()).toBe(before);
  });

  it('ends the function thread too (functionThread)', async (context) => {
    // Prepare
    const before = workerThreads();
    if (before === undefined) context.skip('no /proc to list threads by');
    const cloud = await start({
      functionThread: true,
      ...withQueueWorker,
    });
    const running = workerThreads();

    // Act
    await cloud.stop();

    // Assess: the emulators' two and the function thread (the module hooks tsx registers there may run on one more)
    expect(running).toBeGreaterThanOrEqual((before ?? 0) + 3);
    expect(workerThreads()).toBe(before);
  });

  it('starts one new function thread for the calls that find it ended, and stop() ends it', async (context) => {
    // Prepare
    const before = workerThreads();
    if (before === undefined) context.skip('no /proc to list threads by');
    const cloud = await start({
      functionThread: true,
      queues: withQueueWorker.queues,
      functions: {
        ...withQueueWorker.functions,
        strays: {
          entry: fixture('thread-trouble'),
          handler: 'strays',
          timeoutSeconds: 5,
          triggers: [{ kind: 'schedule', everyMinutes: 60 }],
        },
      },
    });
    await expect(cloud.runScheduled('strays')).rejects.toThrow(/stray rejection/);

    // Act: several loads at once, each finding the thread ended
    const loaded = await Promise.all([cloud.preloadHandlers(), cloud.preloadHandlers(), cloud.preloadHandlers()]);
    const running = workerThreads();
    await cloud.stop();

    // Assess: the emulators' two, one function thread (and perhaps its module hooks' thread), none after stop
    const threaded = loaded.flat().filter((result) => result.name === 'worker' || result.name === 'strays');
    expect(threaded).toHaveLength(6);
    expect(threaded.every((result) => result.ok)).toBe(true);
    expect(running).toBeLessThanOrEqual((before ?? 0) + 4);
    expect(workerThreads()).toBe(before);
  });

  it('refuses a second cloud while one is running', async () => {
    // Prepare
    await start();

    // Act
    const second = startLocalCloud(quietCloud);

    // Assess
    await expect(second).rejects.toThrow(/already running/);
  });
});

describe('sequential clouds in one process', () => {
  it('serve requests one after another, with handlers that keep module-scope SDK clients', async () => {
    // Prepare
    const first = await start();
    const firstReply = await request(`${first.apiUrl}/store/one`, { method: 'PUT', headers: bearer(first.mintToken({ role: 'admin' })) });
    await first.stop();

    // Act
    const second = await start();
    const secondReply = await request(`${second.apiUrl}/store/two`, {
      method: 'PUT',
      headers: bearer(second.mintToken({ role: 'admin' })),
    });

    // Assess
    expect(firstReply.status).toBe(201);
    expect(secondReply.status).toBe(201);
    expect(second.endpoints).toEqual(first.endpoints);
    const dynamodb = new DynamoDBClient({ region: 'eu-west-2', endpoint: second.endpoints.dynamodb, credentials });
    const item = await dynamodb.send(
      new GetItemCommand({ TableName: second.tableNames.main, Key: { PK: { S: 'FIXTURE#two' }, SK: { S: 'META' } } }),
    );
    dynamodb.destroy();
    expect(item.Item).toBeDefined();
  });
});

describe('emulators in the main thread (emulatorThreads: false, the A/B of the bench)', () => {
  it('serve the same requests, and no worker thread is started', async () => {
    // Prepare
    const before = workerThreads();
    const cloud = await start({ emulatorThreads: false });
    const threadsWhileRunning = workerThreads();

    // Act
    const reply = await request(`${cloud.apiUrl}/store/in-process`, { method: 'PUT', headers: bearer(cloud.mintToken({ role: 'admin' })) });

    // Assess
    expect(reply.status).toBe(201);
    const dynamodb = new DynamoDBClient({ region: 'eu-west-2', endpoint: cloud.endpoints.dynamodb, credentials });
    const item = await dynamodb.send(
      new GetItemCommand({ TableName: cloud.tableNames.main, Key: { PK: { S: 'FIXTURE#in-process' }, SK: { S: 'META' } } }),
    );
    dynamodb.destroy();
    expect(item.Item).toBeDefined();
    expect(threadsWhileRunning).toBe(before);
  });
});

describe('persistence with a data directory', () => {
  it('keeps tables, S3 objects and the signing key across a restart; queues start empty', async () => {
    // Prepare
    const dataDir = await mkdtemp(path.join(tmpdir(), 'customs-local-'));
    directories.push(dataDir);
    const first = await start({ dataDir });
    const jwksBefore = await request(`${first.apiUrl}/local/jwks.json`);
    const dynamodb = new DynamoDBClient({ region: 'eu-west-2', endpoint: first.endpoints.dynamodb, credentials });
    const s3 = new S3Client({ region: 'eu-west-2', endpoint: first.endpoints.s3, credentials });
    const sqs = new SQSClient({ region: 'eu-west-2', endpoint: first.endpoints.sqs, credentials });
    await dynamodb.send(new PutItemCommand({ TableName: first.tableNames.main, Item: { PK: { S: 'DECL#kept' }, SK: { S: 'META' } } }));
    await s3.send(new PutObjectCommand({ Bucket: first.bucketNames.archive, Key: 'kept/doc.json', Body: '{"kept":true}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: first.queueUrls.validation, MessageBody: 'in memory only' }));
    await first.stop();

    // Act
    const second = await start({ dataDir });

    // Assess
    expect(second.persistence).toEqual({ dynamodb: true, s3: true, signingKey: true, sqs: false });
    const item = await dynamodb.send(
      new GetItemCommand({ TableName: second.tableNames.main, Key: { PK: { S: 'DECL#kept' }, SK: { S: 'META' } } }),
    );
    expect(item.Item?.PK?.S).toBe('DECL#kept');
    const object = await s3.send(new GetObjectCommand({ Bucket: second.bucketNames.archive, Key: 'kept/doc.json' }));
    expect(await object.Body?.transformToString()).toBe('{"kept":true}');
    const jwksAfter = await request(`${second.apiUrl}/local/jwks.json`);
    expect(jwksAfter.json).toEqual(jwksBefore.json);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: second.queueUrls.validation, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
    dynamodb.destroy();
    s3.destroy();
    sqs.destroy();
  });
});

describe('queue workers', () => {
  it('waits retryDelaySeconds before redelivering a failed record', async () => {
    // Prepare
    const cloud = await start({
      retryDelaySeconds: 1,
      queues: { jobs: { visibilityTimeoutSeconds: 60, maxReceiveCount: 2 } },
      functions: {
        worker: {
          entry: fixture('queue-worker'),
          handler: 'handler',
          timeoutSeconds: 5,
          triggers: [{ kind: 'queue', queue: 'jobs', batchSize: 1 }],
        },
      },
    });
    const sqs = new SQSClient({ region: 'eu-west-2', endpoint: cloud.endpoints.sqs, credentials });
    const id = `delay-${Date.now()}`;

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: cloud.queueUrls.jobs ?? '', MessageBody: JSON.stringify({ id, fail: 'once' }) }));
    const attempts = await eventually(() => {
      const seen = journal().filter((entry) => entry.id === id);
      return seen.length === 2 ? seen : undefined;
    });
    sqs.destroy();

    // Assess
    const [firstAttempt, secondAttempt] = attempts;
    expect((secondAttempt?.at ?? 0) - (firstAttempt?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect((secondAttempt?.at ?? 0) - (firstAttempt?.at ?? 0)).toBeLessThan(10_000);
  });

  it('does not consume messages while the worker module cannot be loaded', async () => {
    // Prepare
    const cloud = await start({
      queues: { jobs: { visibilityTimeoutSeconds: 60, maxReceiveCount: 1 } },
      functions: {
        worker: {
          entry: fixture('not-written-yet'),
          handler: 'handler',
          timeoutSeconds: 5,
          triggers: [{ kind: 'queue', queue: 'jobs', batchSize: 1 }],
        },
      },
    });
    const sqs = new SQSClient({ region: 'eu-west-2', endpoint: cloud.endpoints.sqs, credentials });

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: cloud.queueUrls.jobs ?? '', MessageBody: 'waiting' }));
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    // Assess
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: cloud.queueUrls.jobs ?? '',
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    sqs.destroy();
    expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '0' });
    const preload = await cloud.preloadHandlers();
    expect(preload).toEqual([expect.objectContaining({ name: 'worker', ok: false, error: expect.stringContaining('not-written-yet') })]);
  });
});
