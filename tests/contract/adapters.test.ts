/** The contracts on the DynamoDB, S3 and SQS adapters, against the local cloud (dynalite, fauxqs, local Secrets Manager). */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AttributeValue, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { StoredItemError } from '#shared/adapters/declaration-item-codec.ts';
import { DynamoDbAccountLedger } from '#shared/adapters/dynamodb-accounts.ts';
import { keys } from '#shared/adapters/keys.ts';
import {
  accountLedger,
  cargoReports,
  clearanceCounters,
  declarationBodies,
  declarationRepository,
  documentArchive,
  documentSeal,
  documentSealer,
  documentUploads,
  notificationQueue,
  paymentRequests,
  permitStore,
  pipelineQueue,
  referenceDocuments,
  repaymentClaims,
  riskDataSources,
  sharedDynamoDb,
  sharedS3,
  signingKeys,
  statementIndex,
  webhookStore,
} from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { type LedgerEntry, openAccount } from '#shared/domain/accounts.ts';
import { firstEvent, nextEvent } from '#shared/domain/history.ts';
import { Dec, fixed2 } from '#shared/tariff/money.ts';
import { bookedEntry, chargeOnShards } from '#shared/usecases/account-shards.ts';
import { bookOnAccount } from '#shared/usecases/book-on-account.ts';
import { listDeclarationEvents } from '#shared/usecases/read-declarations.ts';
import { storeSubmitted } from '#tests/support/stored-declaration.ts';
import { shardedLedgerContract } from './account-shards.contract.ts';
import { cargoReportsContract } from './cargo-reports.contract.ts';
import { clearanceCountersContract } from './clearance-counters.contract.ts';
import { declarationRepositoryContract } from './declaration-repository.contract.ts';
import { documentArchiveContract } from './document-archive.contract.ts';
import { documentSealContract } from './document-seal.contract.ts';
import { documentUploadsContract } from './document-uploads.contract.ts';
import { notificationQueueContract } from './notification-queue.contract.ts';
import { permitStoreContract } from './permits.contract.ts';
import { pipelineQueueContract } from './pipeline-queue.contract.ts';
import { referenceDocumentStoreContract } from './reference-document-store.contract.ts';
import { repaymentClaimsContract } from './repayments.contract.ts';
import { accountLedgerContract, paymentRequestsContract } from './revenue.contract.ts';
import { riskStoresContract } from './risk-stores.contract.ts';
import { signingKeyStoreContract } from './signing-keys.contract.ts';
import { statementsContract } from './statements.contract.ts';
import { webhookStoreContract } from './webhooks.contract.ts';

let cloud: LocalCloud;
let sqs: SQSClient;

beforeAll(async () => {
  // No functions: only this test touches the table, the buckets and the queues.
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent', functions: {} });
  sqs = new SQSClient({
    region: process.env.AWS_REGION,
    endpoint: cloud.endpoints.sqs,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  sqs?.destroy();
  await cloud?.stop();
});

// The intake function's configuration: it may read and write the table and the archive, and send to validation.
declarationRepositoryContract('DynamoDB and S3 adapters on the local cloud', {
  repository: () => {
    const config = loadConfig('submitDeclaration');
    return declarationRepository(config, declarationBodies(config));
  },
  archive: () => documentArchive(loadConfig('submitDeclaration')),
});

// Admins open accounts; the release stage draws on them; payment callbacks confirm requests.
accountLedgerContract('DynamoDB adapter on the local cloud', { ledger: () => accountLedger(loadConfig('openAccount')) });
paymentRequestsContract('DynamoDB adapter on the local cloud', { payments: () => paymentRequests(loadConfig('paymentCallback')) });
// Sharded accounts: opened by the opening function, charged by the release stage, read and closed by the statements job.
shardedLedgerContract('DynamoDB adapter on the local cloud', {
  opener: () => accountLedger(loadConfig('openAccount')),
  ledger: () => accountLedger(loadConfig('decideRelease')),
  reader: () => accountLedger(loadConfig('closeStatements')),
});
// Officers decide claims (and list the pending ones); the decision pays out to a trader without a cash account.
repaymentClaimsContract('DynamoDB adapter on the local cloud', {
  claims: () => repaymentClaims(loadConfig('decideRepaymentClaim')),
  payouts: () => repaymentClaims(loadConfig('decideRepaymentClaim')),
});
permitStoreContract('DynamoDB adapter on the local cloud', { permits: () => permitStore(loadConfig('decideRelease')) });
// Accounts are opened by the opening function; the statements job lists them, the reconciliation reads a declaration's entries.
statementsContract('DynamoDB adapters on the local cloud', {
  ledger: () => accountLedger(loadConfig('openAccount')),
  reader: () => accountLedger(loadConfig('closeStatements')),
  statements: () => statementIndex(loadConfig('closeStatements')),
});

// The registration function writes keys; intake reads them.
signingKeyStoreContract('DynamoDB adapter on the local cloud', { keys: () => signingKeys(loadConfig('registerSigningKey')) });

// The delivery worker writes deliveries and counts failures; the fan-out creates deliveries.
webhookStoreContract('DynamoDB adapter on the local cloud', {
  subscriptions: () => webhookStore(loadConfig('deliverWebhooks')),
  deliveries: () => webhookStore(loadConfig('deliverWebhooks')),
});

documentArchiveContract('S3 adapter on the local cloud', { archive: () => documentArchive(loadConfig('submitDeclaration')) });

pipelineQueueContract('SQS adapter on the local cloud', {
  queue: () => pipelineQueue(loadConfig('submitDeclaration'), 'validation'),
  // Receives until the queue answers empty, deleting what it took, as the worker's event source mapping does.
  received: async () => {
    const queueUrl = loadConfig('submitDeclaration').queueUrl('validation');
    const bodies: unknown[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
      );
      if (Messages.length === 0) return bodies;
      for (const message of Messages) {
        const body = JSON.parse(message.Body ?? '') as { declarationId?: unknown };
        // The adapter also names the declaration in an attribute (for filtering and tracing).
        expect(message.MessageAttributes?.declarationId?.StringValue).toBe(body.declarationId);
        bodies.push(body);
      }
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
  },
});

// The permit routes queue their events; nothing consumes the queue here (no functions).
notificationQueueContract('SQS adapter on the local cloud', {
  queue: () => notificationQueue(loadConfig('decidePermit')),
  received: async () => {
    const queueUrl = loadConfig('decidePermit').queueUrl('notifications');
    const bodies: unknown[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) return bodies;
      bodies.push(...Messages.map((message) => JSON.parse(message.Body ?? '') as unknown));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
  },
});

// The valuation rebuild's configuration: it reads and writes the table and the reference bucket.
referenceDocumentStoreContract('S3 and DynamoDB adapter on the local cloud', {
  store: () => referenceDocuments(loadConfig('rebuildValuationReferences')),
});

// The risk stage's configuration: table, reference bucket and the selection secret.
riskStoresContract('DynamoDB adapter and local Secrets Manager', {
  profiles: () => riskDataSources(loadConfig('scoreRisk')).profiles,
  traders: () => riskDataSources(loadConfig('scoreRisk')).traders,
  selectionStats: () => riskDataSources(loadConfig('scoreRisk')).selectionStats,
  secrets: () => riskDataSources(loadConfig('scoreRisk')).secrets,
});

// The documents worker seals (the local cloud's KMS) and records; the public routes read the keys.
documentSealContract('KMS adapter (local KMS) and DynamoDB adapter on the local cloud', {
  sealer: () => documentSealer(loadConfig('issueDocuments')),
  keys: () => documentSeal(loadConfig('issueDocuments')),
  issued: () => documentSeal(loadConfig('issueDocuments')),
});

// The release stage adds to the counters and books (the ledger counts its entries), the payment
// callback counts immediate payments and paid payouts; the statistics function reads them.
clearanceCountersContract('DynamoDB adapter on the local cloud', {
  counters: () => {
    const adding = clearanceCounters(loadConfig('decideRelease'));
    const paying = clearanceCounters(loadConfig('paymentCallback'));
    const reading = clearanceCounters(loadConfig('clearanceStatistics'));
    return {
      add: (increment) => adding.add(increment),
      countLedgerEntry: (entry, count) => adding.countLedgerEntry(entry, count),
      countPaidPayment: (payment) => paying.countPaidPayment(payment),
      countPaidPayout: (payout) => paying.countPaidPayout(payout),
      readDays: (days) => reading.readDays(days),
    };
  },
  largestItemBytes: async (day) => {
    const items = await dayCounterItems(day);
    return Math.max(0, ...items.map(itemBytes));
  },
});

/** Every stored counter item of a day (all its shards), read by the test itself. */
async function dayCounterItems(day: string): Promise<Record<string, AttributeValue>[]> {
  const tableName = loadConfig('clearanceStatistics').tableName('main');
  const shards = Array.from({ length: keys.clearanceCounterShards }, (_, shard) => shard);
  const pages = await Promise.all(
    shards.map((shard) =>
      sharedDynamoDb().send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :partition',
          ExpressionAttributeValues: { ':partition': { S: keys.clearanceCountersPartition(day, shard) } },
        }),
      ),
    ),
  );
  return pages.flatMap((page) => page.Items ?? []);
}

/** An item's size as DynamoDB bills it (attribute names plus values; a number at most its digits' length). */
function itemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((size, [name, value]) => {
    const valueBytes = value.S !== undefined ? Buffer.byteLength(value.S) : value.N !== undefined ? value.N.length + 1 : 1;
    return size + Buffer.byteLength(name) + valueBytes;
  }, 0);
}

describe('DynamoDB clearance counters: items counted before each ledger had its own item', () => {
  it('reads the older items and honours their guards: nothing counted there counts again', async () => {
    // Prepare: a day counted by the previous version, its guards inside the revenue items (a ledger's
    // last entry counted a#, a paid payment p#, a paid payout o#), as data-model.md described them
    const counters = clearanceCounters(loadConfig('decideRelease'));
    const paying = clearanceCounters(loadConfig('paymentCallback'));
    const reading = clearanceCounters(loadConfig('clearanceStatistics'));
    const documents = DynamoDBDocumentClient.from(sharedDynamoDb());
    const tableName = loadConfig('decideRelease').tableName('main');
    const day = '2034-05-06';
    const at = `${day}T09:00:00.000Z`;
    const [charge] = JSON.parse(readFileSync(new URL('../fixtures/revenue/ledger-entries.json', import.meta.url), 'utf8')) as LedgerEntry[];
    const ledger = `L${randomUUID().slice(0, 8)}`;
    const paidBefore = `${randomUUID()}-1`;
    const paidOutBefore = `${randomUUID()}-2`;
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.legacyLedgerRevenue(day, ledger), entity: 'ClearanceCounters', [`a#${ledger}`]: 3, 't#A00': 5 },
      }),
    );
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.paidRevenue(day, paidBefore), entity: 'ClearanceCounters', [`p#${paidBefore}`]: true, 't#A00': 2 },
      }),
    );
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.paidRevenue(day, paidOutBefore),
        UpdateExpression: 'SET #guard = :counted ADD #total :amount',
        ExpressionAttributeNames: { '#guard': `o#${paidOutBefore}`, '#total': 't#A00' },
        ExpressionAttributeValues: { ':counted': true, ':amount': -1 },
      }),
    );
    const entry = (sequence: number): LedgerEntry => ({
      ...(charge as LedgerEntry),
      accountNumber: ledger,
      sequence,
      at,
      byTaxType: { A00: '0.25' },
    });

    // Act: after the change, the callbacks repeated, entry 3 finished again by a reader, entry 4 booked
    const before = await reading.readDays([day]);
    const repeats = [
      await paying.countPaidPayment({ reference: paidBefore, paidAt: at, byTaxType: { A00: '2' } }),
      await paying.countPaidPayout({ reference: paidOutBefore, paidAt: at, byTaxType: { A00: '1' } }),
      await counters.countLedgerEntry(entry(3), { finishing: true }),
    ];
    const fourth = await counters.countLedgerEntry(entry(4), { finishing: true });
    const after = await reading.readDays([day]);

    // Assess: 5 + 2 - 1 before; only entry 4 adds (0.25)
    expect(before[0]?.revenue).toEqual({ A00: '6' });
    expect(repeats).toEqual([false, false, false]);
    expect(fourth).toBe(true);
    expect(after[0]?.revenue).toEqual({ A00: '6.25' });
    // The refused transactions left no guard item (the local cloud put back what their first element wrote).
    const guard = await documents.send(
      new GetCommand({ TableName: tableName, Key: keys.revenueCounted(paidBefore, 'PAYMENT'), ConsistentRead: true }),
    );
    expect(guard.Item).toBeUndefined();
  });
});

// The upload URL function's configuration presigns; the receiving worker's reads (both name the archive bucket).
documentUploadsContract('S3 adapter on the local cloud (fetch PUTs to the presigned URL)', {
  uploads: () => {
    const presigning = documentUploads(loadConfig('requestDocumentUpload'));
    const reading = documentUploads(loadConfig('receiveDocument'));
    return { presignPut: (grant) => presigning.presignPut(grant), inspect: (key) => reading.inspect(key) };
  },
  put: async (url, request) => {
    const response = await fetch(url, { method: 'PUT', headers: request.headers, body: request.body });
    await response.arrayBuffer();
    return response.status;
  },
  place: async (key, body, contentType) => {
    await sharedS3().send(
      new PutObjectCommand({
        Bucket: loadConfig('submitDeclaration').bucketName('archive'),
        Key: key,
        Body: body,
        ContentType: contentType,
      }),
    );
  },
});

describe('DynamoDB declaration items read back', () => {
  it('shows an event edited in the table as a broken history chain', async () => {
    // Prepare: a declaration with two events, then its first event changed behind the platform's back
    const config = loadConfig('submitDeclaration');
    const repository = declarationRepository(config, declarationBodies(config));
    const record = await storeSubmitted({ repository, archive: documentArchive(config) });
    const at = new Date().toISOString();
    const actor = { kind: 'system', id: 'contract' } as const;
    const submitted = firstEvent(record.id, record.submission.sha256, { type: 'SUBMITTED', status: 'SUBMITTED', at, actor });
    const validated = nextEvent({ id: record.id, version: 1, lastEvent: submitted }, { type: 'VALIDATED', status: 'VALIDATED', at, actor });
    await repository.transition({
      id: record.id,
      from: 'SUBMITTED',
      expectedVersion: 1,
      to: 'VALIDATED',
      at,
      set: { lastEvent: validated },
    });
    await repository.appendEvent(submitted);
    await repository.appendEvent(validated);
    const trader = { subject: 't', partyId: record.declarantId };
    const before = await listDeclarationEvents({ principal: { ...trader, roles: ['trader'] }, id: record.id }, { repository });
    await DynamoDBDocumentClient.from(sharedDynamoDb()).send(
      new UpdateCommand({
        TableName: config.tableName('main'),
        Key: keys.historyEvent(record.id, 1),
        UpdateExpression: 'SET #at = :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': '2020-01-01T00:00:00.000Z' },
      }),
    );

    // Act
    const after = await listDeclarationEvents({ principal: { ...trader, roles: ['trader'] }, id: record.id }, { repository });

    // Assess
    expect(before.chain.status).toBe('INTACT');
    expect(after.chain).toMatchObject({ status: 'BROKEN', brokenAt: 2 });
  });

  it('lists and counts a declaration queued before the review queue had shards, and lets it leave as any other', async () => {
    // Prepare: a declaration under review whose queue entry is in the partition of before the shards
    const config = loadConfig('submitDeclaration');
    const repository = declarationRepository(config, declarationBodies(config));
    const record = await storeSubmitted({ repository, archive: documentArchive(config) });
    const lane = `LEGACY${Date.now()}`;
    const queuedAt = new Date().toISOString();
    await repository.transition({
      id: record.id,
      from: 'SUBMITTED',
      expectedVersion: 1,
      to: 'UNDER_REVIEW',
      at: queuedAt,
      set: { queuedAt },
    });
    await DynamoDBDocumentClient.from(sharedDynamoDb()).send(
      new UpdateCommand({
        TableName: config.tableName('main'),
        Key: keys.declaration(record.id),
        UpdateExpression: 'SET GSI2PK = :pk, GSI2SK = :sk',
        ExpressionAttributeValues: { ':pk': `LANE#${lane}#GBLHR`, ':sk': `${queuedAt}#${record.id}` },
      }),
    );

    // Act
    const listed = await repository.listReviewQueue(lane, 'GBLHR', { limit: 10 });
    const counted = await repository.countReviewQueue(lane, 'GBLHR');
    await repository.transition({
      id: record.id,
      from: 'UNDER_REVIEW',
      expectedVersion: 2,
      to: 'RELEASED',
      at: queuedAt,
      set: {},
      reviewQueue: null,
    });
    const afterLeaving = await repository.countReviewQueue(lane, 'GBLHR');

    // Assess
    expect(listed.map((state) => state.id)).toEqual([record.id]);
    expect([counted, afterLeaving]).toEqual([1, 0]);
  });

  it('refuses a damaged state item with an error naming the declaration and the field', async () => {
    // Prepare: a stored declaration whose item is then changed behind the repository's back
    const config = loadConfig('submitDeclaration');
    const repository = declarationRepository(config, declarationBodies(config));
    const record = await storeSubmitted({ repository, archive: documentArchive(config) });
    await DynamoDBDocumentClient.from(sharedDynamoDb()).send(
      new UpdateCommand({
        TableName: config.tableName('main'),
        Key: keys.declaration(record.id),
        UpdateExpression: 'SET #version = :text',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':text': 'two' },
      }),
    );

    // Act
    const reading = repository.getState(record.id);

    // Assess
    await expect(reading).rejects.toThrow(StoredItemError);
    await expect(reading).rejects.toThrow(`declaration ${record.id} is not a valid stored item (/version:`);
  });
});

describe('the archive bucket on the local cloud', () => {
  it('answers a second PutObject with If-None-Match: * on a key 412, and keeps the first bytes', async () => {
    // Prepare
    const bucket = loadConfig('submitDeclaration').bucketName('archive');
    const key = `contract/write-once/${randomUUID()}.json`;
    const put = (body: string) => sharedS3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, IfNoneMatch: '*' }));
    await put('first');

    // Act
    const second = await put('second').then(
      () => undefined,
      (error: unknown) => error as { name?: string; $metadata?: { httpStatusCode?: number } },
    );

    // Assess
    expect(second?.$metadata?.httpStatusCode).toBe(412);
    expect(second?.name).toBe('PreconditionFailed');
    const stored = await sharedS3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await stored.Body?.transformToString()).toBe('first');
  });

  it('answers a GetObject with Range: bytes=a-b 206 with those bytes (both inclusive), and a range past the end 416', async () => {
    // Prepare
    const bucket = loadConfig('submitDeclaration').bucketName('archive');
    const key = `contract/ranges/${randomUUID()}.ndjson`;
    await sharedS3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'first\nsecond\nthird\n' }));
    const get = (range: string) => sharedS3().send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));

    // Act
    const middle = await get('bytes=6-12');
    const past = await get('bytes=100-120').then(
      () => undefined,
      (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
    );

    // Assess
    expect(middle.$metadata.httpStatusCode).toBe(206);
    expect(middle.ContentRange).toBe('bytes 6-12/19');
    expect(await middle.Body?.transformToString()).toBe('second\n');
    expect(past).toBe(416);
  });

  it('answers the second of two concurrent conditional PUTs of one key 412: one object, the winner', async () => {
    // Prepare
    const bucket = loadConfig('submitDeclaration').bucketName('archive');
    const key = `contract/write-once/${randomUUID()}.json`;
    const put = (body: string) =>
      sharedS3()
        .send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, IfNoneMatch: '*' }))
        .then(
          () => body,
          (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
        );

    // Act
    const outcomes = await Promise.all([put('a'), put('b')]);

    // Assess
    const winners = outcomes.filter((outcome) => typeof outcome === 'string');
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 412)).toHaveLength(1);
    const stored = await sharedS3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await stored.Body?.transformToString()).toBe(winners[0]);
  });
});

cargoReportsContract('DynamoDB adapter on the local cloud', { cargo: () => cargoReports(loadConfig('decideRelease')) });

describe('DynamoDB sharded account after a writer stopped', () => {
  it('counts a shard charge whose writer stopped after claiming it, when a redelivery finds it by its source', async () => {
    // Prepare: a 2-shard cash account of 50.00; the release stage claims a charge's entry on a shard
    // and stops before counting it (its counter fails for charges), so the shard's cache stays behind.
    const config = loadConfig('decideRelease');
    const ledger = accountLedger(config);
    const counters = clearanceCounters(config);
    const at = '2033-02-17T09:00:00.000Z'; // a day of its own: its revenue is this charge's only
    const opened = openAccount(
      { kind: 'CASH', number: String(Date.now()).slice(-7), ownerId: `P${randomUUID()}`, currency: 'GBP', shards: 2 },
      at,
      'admin-1',
    );
    await accountLedger(loadConfig('openAccount')).open(opened.account, opened.entry);
    const number = opened.account.number;
    expect((await bookOnAccount(ledger, number, { kind: 'TOP_UP', at, amount: '50.00', source: 'TOPUP#T1', by: 'admin-1' })).ok).toBe(true);
    const stopping = new DynamoDbAccountLedger(sharedDynamoDb(), config.tableName('main'), {
      countLedgerEntry: (entry) => (entry.kind === 'CHARGE' ? Promise.reject(new Error('stopped')) : counters.countLedgerEntry(entry)),
    });
    const source = 'DECL#STOPPED#1';
    const draft = {
      kind: 'CHARGE' as const,
      at,
      amount: '12.30',
      source,
      declarationId: 'STOPPED',
      byTaxType: { A00: '12.30' },
      by: 'release',
    };
    await expect(chargeOnShards(stopping, opened.account, draft)).rejects.toThrow('stopped');
    const before = await counters.readDays(['2033-02-17']);

    // Act: the redelivery finds the charge by its source.
    const booked = await bookedEntry(ledger, number, source);

    // Assess: the same entry, now counted on its day and cached at its sequence on its shard.
    expect(booked).toMatchObject({ kind: 'CHARGE', source, amount: '12.30' });
    expect(before[0]?.revenue).toEqual({});
    const after = await counters.readDays(['2033-02-17']);
    expect(Object.keys(after[0]?.revenue ?? {})).toEqual(['A00']);
    expect(fixed2(new Dec(after[0]?.revenue.A00 ?? '0'))).toBe('12.30');
    const cache = await DynamoDBDocumentClient.from(sharedDynamoDb()).send(
      new GetCommand({ TableName: config.tableName('main'), Key: keys.accountShard(number, booked?.shard ?? -1), ConsistentRead: true }),
    );
    expect(cache.Item?.version).toBe(booked?.sequence);
  });
});
