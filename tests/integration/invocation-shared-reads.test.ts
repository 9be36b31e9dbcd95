/**
 * Reads shared by the records of one SQS invocation (shared/workers/invocation-reads.ts), on the
 * real adapters against the local cloud (dynalite), with a DynamoDB client that counts its calls:
 * the newest reference document load is read once for the records of an invocation, and still each
 * record gets the load in force at its own moment; a deferment account is routed on one read.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { DynamoDbAccountLedger } from '#shared/adapters/dynamodb-accounts.ts';
import { clearanceCounters, sharedS3 } from '#shared/adapters/platform.ts';
import { S3ReferenceDocumentStore } from '#shared/adapters/reference-document-store.ts';
import { loadConfig } from '#shared/config.ts';
import { openAccount } from '#shared/domain/accounts.ts';
import { contentVersion } from '#shared/usecases/reference-documents.ts';
import { withSharedReads } from '#shared/workers/invocation-reads.ts';
import { watchedDynamoDbClient } from '#tests/support/watched-dynamodb-client.ts';

let cloud: LocalCloud;
let client: DynamoDBClient;
/** Each call the client made: its command and, for a query, its key condition's upper bound. */
let calls: { command: string; last?: string }[] = [];
/** When set, the next query whose upper bound is this fails (a throttled read). */
let failNextQueryUpTo: string | undefined;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent', functions: {} });
  client = watchedDynamoDbClient(cloud, (command, input) => {
    // The document client's commands reach this step before they are marshalled: plain strings.
    const raw = (input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':last'];
    const last = typeof raw === 'string' ? raw : (raw as { S?: string } | undefined)?.S;
    calls.push({ command, ...(last ? { last } : {}) });
    if (command === 'QueryCommand' && last !== undefined && last === failNextQueryUpTo) {
      failNextQueryUpTo = undefined;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    }
  });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await cloud?.stop();
});

/** The risk stage's configuration: it reads the table and the reference bucket. */
function referenceStore(): S3ReferenceDocumentStore {
  const config = loadConfig('scoreRisk');
  return new S3ReferenceDocumentStore(sharedS3(), () => config.bucketName('reference'), client, config.tableName('main'));
}

function document(label: string) {
  const content = Buffer.from(JSON.stringify({ label, run: randomUUID() }));
  return { content, version: contentVersion(content) };
}

const asIs = (raw: unknown) => raw;
const queries = () => calls.filter((call) => call.command === 'QueryCommand');

describe('reads shared by the records of one SQS invocation', () => {
  it('reads the newest reference document load once for the records after it; a record from before it reads its own', async () => {
    // Prepare: two loads of a kind no other test here uses
    const store = referenceStore();
    const [january, march] = [document('january'), document('march')];
    await store.put('permitRules', january.version, january.content, { at: '2034-01-01T00:00:00.000Z', by: 'admin' });
    await store.put('permitRules', march.version, march.content, { at: '2034-03-01T00:00:00.000Z', by: 'admin' });
    const moments = ['2034-04-01T00:00:00.000Z', '2034-05-01T00:00:00.000Z', '2034-03-01T00:00:00.000Z', '2034-02-01T00:00:00.000Z'];
    const versionsAt = () => Promise.all(moments.map((moment) => store.asOf('permitRules', moment, asIs).then((found) => found?.version)));

    // Act: the four records of one invocation at once, then the same four outside any invocation
    calls = [];
    const shared = await withSharedReads(versionsAt);
    const sharedQueries = queries();
    calls = [];
    const alone = await versionsAt();
    const aloneQueries = queries();

    // Assess: the same answers; one query for the newest load and one for February's record, where there were four
    const expected = [march.version, march.version, march.version, january.version];
    expect(shared).toEqual(expected);
    expect(alone).toEqual(expected);
    expect(sharedQueries.map((call) => call.last)).toEqual(['LOAD#~', 'LOAD#2034-02-01T00:00:00.000Z#~']);
    expect(aloneQueries).toHaveLength(4);
  });

  it('answers as the records would alone: none without any load, the first load before it, of two loads of one moment the one the key orders last', async () => {
    // Prepare: valuation references loaded twice at one moment; no risk settings at all
    const store = referenceStore();
    const [first, second] = [document('first'), document('second')];
    const moment = '2036-01-01T00:00:00.000Z';
    await store.put('valuationReferences', first.version, first.content, { at: moment, by: 'admin' });
    await store.put('valuationReferences', second.version, second.content, { at: moment, by: 'admin' });
    const moments = ['2035-06-01T00:00:00.000Z', moment, '2036-06-01T00:00:00.000Z'];
    const versionsAt = (kind: 'valuationReferences' | 'riskSettings') =>
      Promise.all(moments.map((at) => store.asOf(kind, at, asIs).then((found) => found?.version)));

    // Act
    calls = [];
    const shared = await withSharedReads(async () => ({
      valuation: await versionsAt('valuationReferences'),
      risk: await versionsAt('riskSettings'),
    }));
    const sharedQueries = queries().length;
    const alone = { valuation: await versionsAt('valuationReferences'), risk: await versionsAt('riskSettings') };

    // Assess: the same answers; without any load one query for the three records, not two each
    expect(shared).toEqual(alone);
    const newestOfTheMoment = [first.version, second.version].sort().at(-1);
    expect(alone.valuation).toEqual([[first.version, second.version].sort()[0], newestOfTheMoment, newestOfTheMoment]);
    expect(alone.risk).toEqual([undefined, undefined, undefined]);
    // valuation: the shared read, then the record before every load its own two (none up to it, then the first); risk: one
    expect(sharedQueries).toBe(1 + 2 + 1);
  });

  it('lets each record read on its own when the shared read fails, and the next invocation read afresh', async () => {
    // Prepare: one load of a kind of its own
    const store = referenceStore();
    const rates = document('rates');
    await store.put('alcoholDutyRates', rates.version, rates.content, { at: '2035-01-01T00:00:00.000Z', by: 'admin' });
    const moments = ['2035-02-01T00:00:00.000Z', '2035-03-01T00:00:00.000Z', '2035-04-01T00:00:00.000Z'];
    const versionsAt = () =>
      Promise.all(moments.map((moment) => store.asOf('alcoholDutyRates', moment, asIs).then((found) => found?.version)));

    // Act: the shared read of the newest load is throttled
    calls = [];
    failNextQueryUpTo = 'LOAD#~';
    const answers = await withSharedReads(versionsAt);
    const failedQueries = queries().map((call) => call.last);
    calls = [];
    const next = await withSharedReads(versionsAt);
    const nextQueries = queries().map((call) => call.last);

    // Assess: every record answered, each from its own read; the next invocation shares one read again
    expect(answers).toEqual([rates.version, rates.version, rates.version]);
    expect(failedQueries).toEqual(['LOAD#~', ...moments.map((moment) => `LOAD#${moment}#~`)]);
    expect(next).toEqual([rates.version, rates.version, rates.version]);
    expect(nextQueries).toEqual(['LOAD#~']);
  });

  it("routes the charges of one invocation on one account on one read of the account's item", async () => {
    // Prepare: a sharded cash account, opened by an administrator
    const config = loadConfig('decideRelease');
    const ledger = new DynamoDbAccountLedger(client, config.tableName('main'), clearanceCounters(config));
    const opened = openAccount(
      { kind: 'CASH', number: String(randomInt(1_000_000, 9_999_999)), ownerId: 'GB123456789000', currency: 'GBP', shards: 4 },
      '2026-11-28T10:00:00.000Z',
      'admin-1',
    );
    await ledger.open(opened.account, opened.entry);
    const peekFive = () => Promise.all(Array.from({ length: 5 }, () => ledger.peek(opened.account.number)));

    // Act
    calls = [];
    const shared = await withSharedReads(peekFive);
    const sharedReads = calls.filter((call) => call.command === 'GetItemCommand').length;
    calls = [];
    const alone = await peekFive();
    const aloneReads = calls.filter((call) => call.command === 'GetItemCommand').length;

    // Assess: five records, one read, each its own copy of the account
    expect(shared.map((account) => account?.number)).toEqual(Array(5).fill(opened.account.number));
    expect(shared[0]).toEqual(alone[0]);
    expect(shared[0]).not.toBe(shared[1]);
    expect(sharedReads).toBe(1);
    expect(aloneReads).toBe(5);
  });
});
