/**
 * Intake and validation end to end against the local cloud: HTTP gateway with JWT checks,
 * the real handler modules, dynalite, fauxqs (SQS and S3), and the validation poller.
 */

import { createHash } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import { generateUcr } from '#shared/domain/ids.ts';
import { apiClient, declarationFor, eventually, newParty } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let sqs: SQSClient;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData(); // validated declarations go on through risk and duty, which need it
  api = apiClient(cloud.apiUrl).call;
  sqs = new SQSClient({ endpoint: cloud.endpoints.sqs });
});

afterAll(async () => {
  sqs?.destroy();
  await cloud?.stop();
});

const traderToken = (party: string) => cloud.mintToken({ role: 'trader', party });

interface Receipt {
  id: string;
  lrn: string;
  ucr: string;
  status: string;
  links: { self: string; events: string };
}
interface Problems {
  title: string;
  status: number;
  problems: { pointer: string; code: string; message: string }[];
}
interface View {
  id: string;
  status: string;
  version: number;
  declarantId: string;
  validation: { problems: { pointer: string; code: string }[] } | null;
  submission: { sha256: string; bytes: number };
}

/** Waits for a status; validated declarations go on through risk, duty and release at once. */
async function waitForStatus(id: string, token: string, ...statuses: string[]): Promise<View> {
  return eventually(async () => {
    const response = await api<View>('GET', `/v1/declarations/${id}`, { token });
    return statuses.includes(response.body.status) ? response.body : undefined;
  });
}
const decided = ['RELEASED', 'UNDER_REVIEW'];

async function listCount(token: string): Promise<number> {
  const response = await api<{ items: unknown[] }>('GET', '/v1/declarations', { token });
  return response.body.items.length;
}

async function queueIsDrained(queueUrl: string): Promise<true | undefined> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Attributes?.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '0' ? true : undefined;
}

describe('POST /v1/declarations', () => {
  it('accepts a valid declaration, archives its bytes and validates it', async () => {
    // Prepare
    const party = newParty();
    const token = traderToken(party);
    const declaration = declarationFor(party);
    const bytes = JSON.stringify(declaration);

    // Act
    const submitted = await api<Receipt>('POST', '/v1/declarations', { token, rawBody: bytes });

    // Assess
    expect(submitted.status).toBe(202);
    expect(submitted.headers.get('location')).toBe(`/v1/declarations/${submitted.body.id}`);
    expect(submitted.body).toMatchObject({ lrn: declaration.lrn, status: 'SUBMITTED' });
    expect(submitted.body.ucr).toBe(generateUcr(new Date(), party, declaration.lrn));
    const validated = await waitForStatus(submitted.body.id, token, ...decided);
    expect(validated.version).toBe(5);
    expect(validated.validation?.problems).toEqual([]);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(validated.submission).toEqual({ sha256, bytes: Buffer.byteLength(bytes) });
    const s3 = new S3Client({ endpoint: cloud.endpoints.s3 });
    const archived = await s3.send(
      new GetObjectCommand({ Bucket: cloud.bucketNames.archive, Key: archiveKeys.submitted(submitted.body.id, sha256) }),
    );
    expect(await archived.Body?.transformToString()).toBe(bytes);
    s3.destroy();
    const events = await api<{ items: { version: number; type: string }[] }>('GET', submitted.body.links.events, { token });
    expect(events.body.items.map((event) => [event.version, event.type]).slice(0, 2)).toEqual([
      [1, 'SUBMITTED'],
      [2, 'VALIDATED'],
    ]);
  });

  it('rejects a declaration that fails reference checks, listing every problem with its pointer', async () => {
    // Prepare
    const party = newParty();
    const token = traderToken(party);
    const declaration = declarationFor(party, (d) => {
      d.items[0]!.commodityCode = '9999999999';
      d.items[0]!.origin = 'QQ';
    });

    // Act
    const submitted = await api<Receipt>('POST', '/v1/declarations', { token, body: declaration });

    // Assess
    expect(submitted.status).toBe(202);
    const rejected = await waitForStatus(submitted.body.id, token, 'REJECTED');
    const found = rejected.validation?.problems.map((p) => [p.pointer, p.code]);
    expect(found).toContainEqual(['/items/0/commodityCode', 'UNKNOWN_COMMODITY_CODE']);
    expect(found).toContainEqual(['/items/0/origin', 'UNKNOWN_COUNTRY']);
  });

  it('replays the first response for the same Idempotency-Key and body, and refuses the key with another body', async () => {
    // Prepare
    const party = newParty();
    const token = traderToken(party);
    const declaration = declarationFor(party);
    const headers = { 'idempotency-key': `key-${party}` };

    // Act
    const first = await api<Receipt>('POST', '/v1/declarations', { token, body: declaration, headers });
    const replay = await api<Receipt>('POST', '/v1/declarations', { token, body: declaration, headers });
    const otherBody = await api<Problems>('POST', '/v1/declarations', {
      token,
      body: { ...declaration, lrn: `${declaration.lrn}-B` },
      headers,
    });

    // Assess
    expect(first.status).toBe(202);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    expect(otherBody.status).toBe(422);
    expect(otherBody.headers.get('content-type')).toBe('application/problem+json');
    expect(otherBody.body.problems[0]?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await listCount(token)).toBe(1);
  });

  it('refuses a second declaration with the same LRN with 409 pointing at /lrn', async () => {
    // Prepare
    const party = newParty();
    const token = traderToken(party);
    const declaration = declarationFor(party);
    const first = await api<Receipt>('POST', '/v1/declarations', { token, body: declaration });

    // Act
    const changed = { ...declaration, office: 'GBFXT' };
    const second = await api<Problems>('POST', '/v1/declarations', { token, body: changed });

    // Assess
    expect(first.status).toBe(202);
    expect(second.status).toBe(409);
    expect(second.body.problems).toEqual([expect.objectContaining({ pointer: '/lrn', code: 'LRN_ALREADY_USED' })]);
    expect(second.body.problems[0]?.message).toContain(first.body.id);
    expect(await listCount(token)).toBe(1);
  });

  it('treats the very same bytes for the same LRN as a retry of the first submission', async () => {
    // Prepare
    const party = newParty();
    const token = traderToken(party);
    const rawBody = JSON.stringify(declarationFor(party));
    const first = await api<Receipt>('POST', '/v1/declarations', { token, rawBody });

    // Act
    const retry = await api<Receipt>('POST', '/v1/declarations', { token, rawBody });

    // Assess
    expect(retry.status).toBe(202);
    expect(retry.body.id).toBe(first.body.id);
    expect(await listCount(token)).toBe(1);
  });

  it('stores one declaration when the same bytes arrive many times at once', async () => {
    // Prepare
    const party = newParty();
    const token = traderToken(party);
    const rawBody = JSON.stringify(declarationFor(party));

    // Act
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => api<Receipt & Problems>('POST', '/v1/declarations', { token, rawBody })),
    );

    // Assess
    const accepted = responses.filter((r) => r.status === 202);
    const refused = responses.filter((r) => r.status !== 202);
    expect(accepted.length).toBeGreaterThan(0);
    expect(new Set(accepted.map((r) => r.body.id)).size).toBe(1);
    for (const response of refused) {
      expect(response.status).toBe(409);
      expect(response.body.problems[0]?.code).toBe('LRN_IN_USE');
    }
    expect(await listCount(token)).toBe(1);
  });

  it.each([
    ['not JSON', '{"lrn": ', [['', 'MALFORMED_JSON']]],
    [
      'an empty object',
      '{}',
      [
        ['/lrn', 'REQUIRED'],
        ['/items', 'REQUIRED'],
      ],
    ],
    ['money as a JSON number', null, [['/valuation/invoiceTotal', 'INVALID_TYPE']]],
    ['an unknown field', null, [['/items/0/colour', 'UNKNOWN_FIELD']]],
    ['no items', null, [['/items', 'TOO_SMALL']]],
  ] as const)('answers 400 with pointed problems for %s and stores nothing', async (name, rawBody, expected) => {
    // Prepare
    const party = newParty();
    const token = traderToken(party);
    const body =
      rawBody ??
      JSON.stringify(
        declarationFor(party, (d) => {
          // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed input, any shape
          const loose = d as unknown as Record<string, any>;
          if (name === 'money as a JSON number') loose.valuation.invoiceTotal = 5000;
          if (name === 'an unknown field') loose.items[0].colour = 'red';
          if (name === 'no items') loose.items = [];
        }),
      );

    // Act
    const response = await api<Problems>('POST', '/v1/declarations', { token, rawBody: body });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const found = response.body.problems.map((p) => [p.pointer, p.code]);
    for (const problem of expected) expect(found).toContainEqual(problem);
    for (const problem of response.body.problems) expect(problem.message.length).toBeGreaterThan(0);
    expect(await listCount(token)).toBe(0);
  });

  it('refuses a body that is not JSON with 415, and declaring for another party with 403', async () => {
    // Prepare
    const party = newParty();
    const token = traderToken(party);

    // Act
    const notJson = await api<Problems>('POST', '/v1/declarations', {
      token,
      rawBody: 'lrn=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const forOther = await api<Problems>('POST', '/v1/declarations', { token, body: declarationFor(newParty()) });

    // Assess
    expect(notJson.status).toBe(415);
    expect(forOther.status).toBe(403);
    expect(forOther.body.problems[0]).toMatchObject({ pointer: '/declarant/id', code: 'DECLARANT_MISMATCH' });
    expect(await listCount(token)).toBe(0);
  });

  it('answers 401 without a valid token', async () => {
    // Act
    const missing = await api('POST', '/v1/declarations', { body: declarationFor(newParty()) });
    const forged = await api('GET', '/v1/declarations', { token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl' });

    // Assess
    expect(missing.status).toBe(401);
    expect(forged.status).toBe(401);
  });
});

describe('reading declarations', () => {
  it('hides a declaration from another trader (404) but shows it to an officer', async () => {
    // Prepare
    const owner = newParty();
    const submitted = await api<Receipt>('POST', '/v1/declarations', { token: traderToken(owner), body: declarationFor(owner) });
    const stranger = traderToken(newParty());
    const officer = cloud.mintToken({ role: 'officer' });

    // Act
    const byStranger = await api<Problems>('GET', `/v1/declarations/${submitted.body.id}`, { token: stranger });
    const eventsByStranger = await api<Problems>('GET', `/v1/declarations/${submitted.body.id}/events`, { token: stranger });
    const byOfficer = await api<View>('GET', `/v1/declarations/${submitted.body.id}`, { token: officer });

    // Assess
    expect(byStranger.status).toBe(404);
    expect(byStranger.body.problems[0]?.code).toBe('DECLARATION_NOT_FOUND');
    expect(eventsByStranger.status).toBe(404);
    expect(byOfficer.status).toBe(200);
    expect(byOfficer.body.declarantId).toBe(owner);
  });

  it("lists a trader's own declarations newest first with cursor pagination", async () => {
    // Prepare
    const party = newParty();
    const token = traderToken(party);
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const response = await api<Receipt>('POST', '/v1/declarations', { token, body: declarationFor(party) });
      ids.push(response.body.id);
    }
    await api('POST', '/v1/declarations', { token: traderToken(newParty()), body: declarationFor(newParty()) });

    // Act
    const first = await api<{ items: { id: string }[]; nextCursor: string | null }>('GET', '/v1/declarations?limit=2', { token });
    const second = await api<{ items: { id: string }[]; nextCursor: string | null }>(
      'GET',
      `/v1/declarations?limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      { token },
    );
    const tampered = await api<Problems>('GET', '/v1/declarations?cursor=bm90LWEtY3Vyc29y', { token });

    // Assess
    expect(first.body.items.map((item) => item.id)).toEqual([ids[2], ids[1]]);
    expect(second.body.items.map((item) => item.id)).toEqual([ids[0]]);
    expect(tampered.status).toBe(400);
    expect(tampered.body.problems[0]).toMatchObject({ pointer: '/cursor', code: 'INVALID_CURSOR' });
  });

  it('serves the OpenAPI document without a token', async () => {
    // Act
    const response = await api<{ openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>(
      'GET',
      '/openapi.json',
    );

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toContain('/v1/declarations/{id}');
    expect(response.body.components.schemas).toHaveProperty('Declaration');
  });
});

describe('validation stage delivery guarantees', () => {
  it('changes nothing when the same validation message is delivered again', async () => {
    // Prepare
    const party = newParty();
    const token = traderToken(party);
    const submitted = await api<Receipt>('POST', '/v1/declarations', { token, body: declarationFor(party) });
    const before = await waitForStatus(submitted.body.id, token, ...decided);
    await eventually(() => queueIsDrained(cloud.queueUrls.validation));

    // Act
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: cloud.queueUrls.validation,
        MessageBody: JSON.stringify({ declarationId: submitted.body.id, version: 1 }),
      }),
    );
    await eventually(() => queueIsDrained(cloud.queueUrls.validation));

    // Assess
    const view = await api<View>('GET', `/v1/declarations/${submitted.body.id}`, { token });
    expect(view.body).toMatchObject({ status: before.status, version: before.version });
    const events = await api<{ items: unknown[] }>('GET', submitted.body.links.events, { token });
    expect(events.body.items).toHaveLength(before.version);
  });

  it('moves a poison message to the dead-letter queue after maxReceiveCount attempts', async () => {
    // Prepare
    const poison = JSON.stringify({ declarationId: 'not-a-declaration', version: 'x' });

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: cloud.queueUrls.validation, MessageBody: poison }));

    // Assess
    const deadLetter = await eventually(async () => {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: cloud.deadLetterQueueUrls.validation,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      return received.Messages?.find((message) => message.Body === poison);
    });
    expect(deadLetter.Body).toBe(poison);
  });
});
