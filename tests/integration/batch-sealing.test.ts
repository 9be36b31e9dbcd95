/**
 * Batch sealing against the local cloud (its KMS signs): the documents worker gets the messages of
 * two released declarations in ONE SQS batch and seals their four documents with one signature
 * over a Merkle root; both release notes verify through POST /v1/verify, sent whole and by their
 * printed copy's reference. A release note sealed one by one before batch sealing (format 1, a
 * stored fixture sealed with a key since rotated, still published) verifies too.
 *
 * The documents queue has no event source mapping here: the test receives the four messages and
 * hands them to the worker as one batch, as Lambda's mapping does under load (locally, one
 * declaration at a time, its batches hold one message).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { LocalFunction } from '#local/lambda.ts';
import { seedDemoData } from '#local/seed.ts';
import { DynamoDbDocumentSeal } from '#shared/adapters/dynamodb-document-seal.ts';
import type { DeclarationDocument, DocumentDownload } from '#shared/domain/declaration-documents.ts';
import type { PublicJwk, ReleaseNote, SealedDocument } from '#shared/domain/sealed-documents.ts';
import { functions } from '#shared/resources.ts';
import { holdMessages, sqsEventOf, withTriggersOff } from '#tests/support/held-messages.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';
import { apiClient, released, submitDeclarations } from './support.ts';

const BOREALIS = 'GB987654321000';
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/sealed-documents/${name}`, import.meta.url), 'utf8'));

let cloud: LocalCloud;
let call: ReturnType<typeof apiClient>['call'];
let trader: string;
/** The declarations whose documents the first test sealed in one batch. */
let batchIds: string[] = [];

beforeAll(async () => {
  cloud = await startLocalCloud({
    port: 0,
    dynamodbPort: 0,
    awsPort: 0,
    retryDelaySeconds: 0,
    logLevel: 'silent',
    functions: withTriggersOff('issueDocuments'),
  });
  await seedDemoData();
  ({ call } = apiClient(cloud.apiUrl));
  const admin = cloud.mintToken({ role: 'admin' });
  expect((await call('PUT', '/v1/admin/reference-documents/risk-settings', { token: admin, body: noRandomSelection })).status).toBe(200);
  trader = cloud.mintToken({ role: 'trader', party: BOREALIS });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

describe('documents sealed in one batch', () => {
  it('seals the documents of two declarations released together with one signature; both release notes verify', async () => {
    // Prepare: two GREEN declarations released; their four documents messages (duty and release stage each) wait in the queue
    const ids = await submitDeclarations(call, trader, BOREALIS, 2);
    await released(call, trader, ids);
    const sqs = new SQSClient({ endpoint: cloud.endpoints.sqs });
    const messages = await holdMessages(cloud, sqs, 'documents', 4);
    const worker = new LocalFunction('issueDocuments', functions.issueDocuments, path.resolve('.'), cloud.environment.AWS_REGION ?? '');

    // Act: one invocation for the whole batch, as the event source mapping hands it over
    const response = (await worker.invoke(sqsEventOf(cloud, 'documents', messages))) as SQSBatchResponse;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: cloud.queueUrls.documents,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
      }),
    );
    sqs.destroy();
    const notes = await Promise.all(
      ids.map(
        async (id) => (await call<SealedDocument<ReleaseNote>>('GET', `/v1/declarations/${id}/release-note`, { token: trader })).body,
      ),
    );
    const verdicts = await Promise.all(notes.map(async (note) => (await call('POST', '/v1/verify', { body: note })).body));
    const listed = await Promise.all(
      ids.map(
        async (id) =>
          (await call<{ items: DeclarationDocument[] }>('GET', `/v1/declarations/${id}/documents`, { token: trader })).body.items,
      ),
    );
    const byReference = await Promise.all(
      listed.flat().map(async (document) => {
        const body = { documentId: document.documentId, documentSha256: document.documentSha256 };
        return (await call('POST', '/v1/verify', { body })).body;
      }),
    );
    const altered = await call('POST', '/v1/verify', {
      body: { ...notes[0], document: { ...notes[0]?.document, lrn: notes[1]?.document.lrn } },
    });

    // Assess
    expect(messages.map((message) => JSON.parse(message.Body ?? '{}').declarationId).sort()).toEqual([...ids, ...ids].sort());
    expect(response.batchItemFailures).toEqual([]);
    expect(new Set(notes.map((note) => note.seal)).size).toBe(1);
    expect(notes.map((note) => note.proof?.treeSize)).toEqual([4, 4]);
    expect(verdicts).toEqual(
      ids.map((declarationId) =>
        expect.objectContaining({
          genuine: true,
          kind: 'RELEASE_NOTE',
          declarationId,
          sealFormat: 2,
          tree: expect.objectContaining({ treeSize: 4 }),
        }),
      ),
    );
    expect(listed.flat().map((document) => document.kind)).toEqual([
      'ASSESSMENT_NOTICE',
      'RELEASE_NOTE',
      'ASSESSMENT_NOTICE',
      'RELEASE_NOTE',
    ]);
    for (const verdict of byReference) expect(verdict).toMatchObject({ genuine: true, sealFormat: 2 });
    expect(altered.body).toMatchObject({ genuine: false, reason: 'DOCUMENT_ALTERED' });
    batchIds = ids;
  }, 120_000);

  it('archives the batch as ONE object: each record names it and its range, read back byte-exact with a ranged GET; downloads carry the bytes', async () => {
    // Prepare: the batch of the test above (its four documents)
    const dynamodb = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb });
    const records = (await Promise.all(batchIds.map((id) => new DynamoDbDocumentSeal(dynamodb, cloud.tableNames.main).list(id)))).flat();
    dynamodb.destroy();
    const s3 = new S3Client({ endpoint: cloud.endpoints.s3 });
    const objectKey = records[0]?.archiveKey ?? '';

    // Act
    const whole = Buffer.from(
      (await (await s3.send(new GetObjectCommand({ Bucket: cloud.bucketNames.archive, Key: objectKey }))).Body?.transformToByteArray()) ??
        [],
    );
    const ranged = await Promise.all(
      records.map(async ({ range }) => {
        const part = await s3.send(
          new GetObjectCommand({
            Bucket: cloud.bucketNames.archive,
            Key: objectKey,
            Range: `bytes=${range?.offset}-${(range?.offset ?? 0) + (range?.length ?? 0) - 1}`,
          }),
        );
        return Buffer.from((await part.Body?.transformToByteArray()) ?? []);
      }),
    );
    s3.destroy();
    const downloads = await Promise.all(
      records.map(async (record) => {
        const kind = record.kind === 'RELEASE_NOTE' ? 'release-note' : 'assessment-notice';
        const answer = await call<DocumentDownload>('GET', `/v1/documents/${record.declarationId}.${kind}.${record.version}`, {
          token: trader,
        });
        const json = answer.body.files.find((file) => file.contentType === 'application/json');
        return Buffer.from(await (await fetch(json?.url ?? '')).arrayBuffer());
      }),
    );
    const verdicts = await Promise.all(
      ranged.map(async (bytes) => (await call('POST', '/v1/verify', { body: JSON.parse(bytes.toString('utf8')) })).body),
    );

    // Assess
    expect(records).toHaveLength(4);
    expect(objectKey).toMatch(/^[0-9a-f]{2}\/sealed-batches\/[0-9a-f]{64}\.ndjson$/);
    expect(new Set(records.map((record) => record.archiveKey)).size).toBe(1);
    expect(whole.byteLength).toBe(records.reduce((total, record) => total + (record.range?.length ?? 0), 0));
    for (const [index, record] of records.entries()) {
      const { offset = -1, length = 0 } = record.range ?? {};
      expect(ranged[index]).toEqual(whole.subarray(offset, offset + length));
      expect(
        createHash('sha256')
          .update(ranged[index] ?? '')
          .digest('hex'),
      ).toBe(record.sha256);
      expect(downloads[index]).toEqual(ranged[index]);
    }
    for (const verdict of verdicts) expect(verdict).toMatchObject({ genuine: true, sealFormat: 2, tree: { treeSize: 4 } });
  });

  it('still verifies a release note sealed alone before batch sealing (format 1), with its rotated key still published', async () => {
    // Prepare: the fixture's key was the seal key once; every key ever used stays in the JWKS
    const old = fixture('release-note-format-1.json') as SealedDocument;
    const [key] = (fixture('jwks-format-1.json') as { keys: PublicJwk[] }).keys;
    if (!key) throw new Error('the fixture JWKS has no key');
    const dynamodb = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb });
    await new DynamoDbDocumentSeal(dynamodb, cloud.tableNames.main).publish(key, '2026-01-01T00:00:00.000Z');
    dynamodb.destroy();

    // Act
    const genuine = await call('POST', '/v1/verify', { body: old });
    const altered = await call('POST', '/v1/verify', { body: { ...old, document: { ...old.document, ucr: `${old.document.ucr}0` } } });
    const published = await call<{ keys: { kid: string }[] }>('GET', '/.well-known/jwks.json', {});

    // Assess
    expect(published.body.keys.map((published) => published.kid)).toContain(key.kid);
    expect(genuine.body).toEqual({
      genuine: true,
      kind: 'RELEASE_NOTE',
      declarationId: old.document.declarationId,
      issuedAt: old.document.issuedAt,
      kid: key.kid,
      alg: 'ES256',
      sealFormat: 1,
    });
    expect(altered.body).toMatchObject({ genuine: false, reason: 'DOCUMENT_ALTERED' });
  });
  it('reads a document recorded before batches were one object (its own object, no range): verified by its reference', async () => {
    // Prepare: the stored record of the format-1 release note (fixture) and the object it names, its exact bytes
    const stored = fixture('issued-record-one-object.json') as Record<string, unknown> & { archiveKey: string; sha256: string };
    const bytes = readFileSync(new URL('../fixtures/sealed-documents/release-note-format-1.json', import.meta.url));
    const s3 = new S3Client({ endpoint: cloud.endpoints.s3 });
    await s3.send(new PutObjectCommand({ Bucket: cloud.bucketNames.archive, Key: stored.archiveKey, Body: bytes }));
    s3.destroy();
    const dynamodb = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb });
    await DynamoDBDocumentClient.from(dynamodb).send(new PutCommand({ TableName: cloud.tableNames.main, Item: stored }));
    const [key] = (fixture('jwks-format-1.json') as { keys: PublicJwk[] }).keys;
    if (!key) throw new Error('the fixture JWKS has no key');
    await new DynamoDbDocumentSeal(dynamodb, cloud.tableNames.main).publish(key, '2026-01-01T00:00:00.000Z');
    dynamodb.destroy();
    const old = JSON.parse(bytes.toString('utf8')) as SealedDocument;

    // Act
    const verdict = await call('POST', '/v1/verify', {
      body: { documentId: `${old.document.declarationId}.release-note.5`, documentSha256: stored.documentSha256 },
    });

    // Assess
    expect(verdict.status).toBe(200);
    expect(verdict.body).toMatchObject({ genuine: true, sealFormat: 1, kind: 'RELEASE_NOTE', document: old.document });
  });
});
