/**
 * The trader's answer to a document request end to end on the local cloud: an officer asks for
 * the invoice (N935), the trader gets an upload URL, PUTs the bytes to it with fetch, the archive's
 * ObjectCreated event reaches the receive-document worker through the documentUploads queue, and
 * the declaration is back UNDER_REVIEW at the front of its queue. Wrong bytes and types are
 * refused with nothing changed; an event delivered again changes nothing. A received document is
 * listed with the declaration's documents and downloaded through its short-lived link.
 */
import { createHash } from 'node:crypto';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import type { DeclarationDocument, DocumentDownload } from '#shared/domain/declaration-documents.ts';
import { ferroSilicon } from '#tests/support/scenarios.ts';
import { startSeededCloud } from '#tests/support/seeded-cloud.ts';
import { type apiClient, declarationFor, eventually, newParty } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let sqs: SQSClient;
let officer: string;

interface DocumentView {
  documentId: string;
  type: string;
  ref: string;
  contentType: string;
  size: number;
  sha256: string;
  status: string;
  receivedAt: string | null;
  refusal: { reason: string } | null;
}
interface View {
  status: string;
  version: number;
  office: string;
  documents: DocumentView[];
}
interface Ticket {
  documentId: string;
  uploadUrl: string;
  expiresAt: string;
  headers: Record<string, string>;
}
interface Problem {
  problems: { pointer: string; code: string; message: string }[];
}

beforeAll(async () => {
  ({ cloud, api } = await startSeededCloud());
  sqs = new SQSClient({
    region: process.env.AWS_REGION,
    endpoint: cloud.endpoints.sqs,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  officer = cloud.mintToken({ role: 'officer', sub: 'officer-docs' });
}, 120_000);

afterAll(async () => {
  sqs?.destroy();
  await cloud?.stop();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pdf = (text: string) => Buffer.from(`%PDF-1.7\n${text}\n%%EOF\n`);

/** A RED declaration of a new trader, under review. */
async function underReview(): Promise<{ id: string; trader: string }> {
  const party = newParty();
  const trader = cloud.mintToken({ role: 'trader', party });
  const response = await api<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declarationFor(party, ferroSilicon) });
  expect(response.status).toBe(202);
  const id = response.body.id;
  await view(id, trader, (current) => current.status === 'UNDER_REVIEW');
  return { id, trader };
}

/** The officer asks for `types`. */
async function requestDocuments(id: string, types: string[]): Promise<void> {
  const decided = await api<{ status: string }>('POST', `/v1/review/declarations/${id}/decisions`, {
    token: officer,
    body: {
      action: 'REQUEST_DOCUMENTS',
      message: 'Please send the documents listed',
      documents: types.map((type) => ({ type, reason: 'documentary check' })),
    },
  });
  expect(decided.status).toBe(200);
  expect(decided.body.status).toBe('DOCUMENTS_REQUESTED');
}

/** The declaration as `token` reads it, once `until` holds. */
async function view(id: string, token: string, until: (current: View) => boolean = () => true): Promise<View> {
  return eventually(async () => {
    const response = await api<View>('GET', `/v1/declarations/${id}`, { token });
    return response.status === 200 && until(response.body) ? response.body : undefined;
  });
}

/** The trader's PUT to the upload URL, with the headers the ticket names. */
async function put(ticket: Ticket, bytes: Uint8Array): Promise<number> {
  const response = await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: bytes });
  await response.arrayBuffer();
  return response.status;
}

/** Every message of the queue handled (none waiting, none in flight). */
async function drained(queueUrl: string): Promise<void> {
  await eventually(async () => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Attributes.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '0' ? true : undefined;
  });
}

describe('the trader answers a document request over HTTP', () => {
  it('uploads the requested invoice to its presigned URL; the declaration is back under review, ahead of one queued after it', async () => {
    // Prepare: two RED declarations of the same office, this one queued first; the officer asks for its invoice
    const { id, trader } = await underReview();
    const later = await underReview();
    await requestDocuments(id, ['N935']);
    const requested = await view(id, trader);
    const bytes = pdf('Commercial invoice INV-2026-001');

    // Act
    const ticket = await api<Ticket>('POST', `/v1/declarations/${id}/documents`, {
      token: trader,
      body: { type: 'N935', ref: 'INV-2026-001', contentType: 'application/pdf', size: bytes.byteLength, sha256: sha256(bytes) },
    });
    const uploaded = await put(ticket.body, bytes);
    const back = await view(id, trader, (current) => current.status === 'UNDER_REVIEW');
    const firstInQueue = await api<{ items: { id: string }[] }>('GET', `/v1/review/queue?lane=RED&office=${back.office}&limit=1`, {
      token: officer,
    });
    const queue = await api<{ items: { id: string }[] }>('GET', `/v1/review/queue?lane=RED&office=${back.office}&limit=100`, {
      token: officer,
    });
    const events = await api<{ items: { type: string; status: string; actor: { kind: string } }[] }>(
      'GET',
      `/v1/declarations/${id}/events`,
      {
        token: trader,
      },
    );
    const asOfficer = await view(id, officer);

    // Assess
    expect(ticket.status).toBe(201);
    expect(new URL(ticket.body.uploadUrl).pathname).toBe(`/declarations/${id}/documents/${ticket.body.documentId}`);
    expect(ticket.body.headers).toEqual({
      'content-type': 'application/pdf',
      'content-length': String(bytes.byteLength),
      'x-amz-checksum-sha256': createHash('sha256').update(bytes).digest('base64'),
    });
    expect(Date.parse(ticket.body.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    expect(uploaded).toBe(200);
    expect(back.version).toBe(requested.version + 1);
    expect(back.documents).toEqual([
      expect.objectContaining({
        documentId: ticket.body.documentId,
        type: 'N935',
        ref: 'INV-2026-001',
        contentType: 'application/pdf',
        size: bytes.byteLength,
        sha256: sha256(bytes),
        status: 'RECEIVED',
        refusal: null,
      }),
    ]);
    expect(back.documents[0]?.receivedAt).not.toBeNull();
    expect(asOfficer.documents).toEqual(back.documents);
    expect(firstInQueue.body.items.map((item) => item.id)).toEqual([id]);
    const order = queue.body.items.map((item) => item.id);
    expect(order.indexOf(id)).toBeLessThan(order.indexOf(later.id));
    expect(events.body.items.at(-1)).toMatchObject({ type: 'DOCUMENTS_RECEIVED', status: 'UNDER_REVIEW', actor: { kind: 'trader' } });
  });

  it("lists a received document among the declaration's documents, and its short-lived link gives the officer the exact bytes", async () => {
    // Prepare: the invoice asked for, uploaded and received
    const { id, trader } = await underReview();
    await requestDocuments(id, ['N935']);
    const bytes = pdf('Commercial invoice INV-2026-042');
    const ticket = await api<Ticket>('POST', `/v1/declarations/${id}/documents`, {
      token: trader,
      body: { type: 'N935', ref: 'INV-2026-042', contentType: 'application/pdf', size: bytes.byteLength, sha256: sha256(bytes) },
    });
    await put(ticket.body, bytes);
    await view(id, trader, (current) => current.status === 'UNDER_REVIEW');

    // Act
    const listed = await api<{ items: DeclarationDocument[] }>('GET', `/v1/declarations/${id}/documents`, { token: officer });
    const upload = listed.body.items.find((document) => document.source === 'TRADER');
    const links = await api<DocumentDownload>('GET', `/v1/documents/${upload?.documentId}`, { token: officer });
    const downloaded = Buffer.from(await (await fetch(links.body.files[0]?.url ?? '')).arrayBuffer());

    // Assess
    expect(upload).toMatchObject({
      documentId: `${id}.${ticket.body.documentId}`,
      kind: 'N935',
      ref: 'INV-2026-042',
      files: [{ contentType: 'application/pdf', sha256: sha256(bytes) }],
      documentSha256: null,
    });
    expect(links.status).toBe(200);
    expect(links.body.files).toEqual([expect.objectContaining({ contentType: 'application/pdf', sha256: sha256(bytes) })]);
    expect(downloaded.equals(bytes)).toBe(true);
  });

  it('refuses a disallowed media type, a type not requested, and bytes other than those declared; nothing changes', async () => {
    // Prepare
    const { id, trader } = await underReview();
    await requestDocuments(id, ['N935']);
    const before = await view(id, trader);
    const declared = pdf('The invoice as declared');
    const sent = Buffer.from(declared).fill(0x58, 12, 20);
    const body = { type: 'N935', ref: 'INV-7', contentType: 'application/pdf', size: declared.byteLength, sha256: sha256(declared) };

    // Act
    const html = await api<Problem>('POST', `/v1/declarations/${id}/documents`, {
      token: trader,
      body: { ...body, contentType: 'text/html' },
    });
    const tooLarge = await api<Problem>('POST', `/v1/declarations/${id}/documents`, {
      token: trader,
      body: { ...body, size: 20 * 1024 * 1024 },
    });
    const notRequested = await api<Problem>('POST', `/v1/declarations/${id}/documents`, { token: trader, body: { ...body, type: 'C505' } });
    const byOfficer = await api<Problem>('POST', `/v1/declarations/${id}/documents`, { token: officer, body });
    const ticket = await api<Ticket>('POST', `/v1/declarations/${id}/documents`, { token: trader, body });
    const uploaded = await put(ticket.body, sent);
    const refused = await view(id, trader, (current) => current.documents.some((document) => document.status === 'REFUSED'));

    // Assess
    expect(html.status).toBe(400);
    expect(html.body.problems[0]).toMatchObject({ pointer: '/contentType', message: expect.stringContaining('application/pdf') });
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.problems[0]?.pointer).toBe('/size');
    expect(notRequested.status).toBe(409);
    expect(notRequested.body.problems[0]?.code).toBe('DOCUMENT_NOT_REQUESTED');
    expect(byOfficer.status).toBe(403);
    // fauxqs stores what is PUT (S3 in AWS would refuse it by the signed checksum): the worker refuses it.
    expect(uploaded).toBe(200);
    expect(refused).toMatchObject({ status: 'DOCUMENTS_REQUESTED', version: before.version });
    expect(refused.documents).toEqual([
      expect.objectContaining({
        documentId: ticket.body.documentId,
        status: 'REFUSED',
        receivedAt: null,
        refusal: expect.objectContaining({
          reason: `the uploaded file's SHA-256 is ${sha256(sent)}, not the ${sha256(declared)} declared`,
        }),
      }),
    ]);
  });

  it('changes nothing when the S3 event of a document is delivered again', async () => {
    // Prepare: one document received (one more still requested), one refused
    const { id, trader } = await underReview();
    await requestDocuments(id, ['N935', 'C505']);
    const good = pdf('invoice');
    const body = { type: 'N935', ref: 'INV-9', contentType: 'application/pdf', size: good.byteLength, sha256: sha256(good) };
    const accepted = await api<Ticket>('POST', `/v1/declarations/${id}/documents`, { token: trader, body });
    const refusedTicket = await api<Ticket>('POST', `/v1/declarations/${id}/documents`, { token: trader, body });
    await put(accepted.body, good);
    await put(refusedTicket.body, Buffer.from(good).fill(0x20, 9, 12));
    const settled = await view(id, trader, (current) => current.documents.every((document) => document.status !== 'PENDING'));
    const eventsBefore = await api<{ items: unknown[] }>('GET', `/v1/declarations/${id}/events`, { token: trader });
    const queueUrl = cloud.queueUrls.documentUploads;

    // Act: the same events again, as S3 may deliver them
    for (const ticket of [accepted.body, refusedTicket.body]) {
      const key = `declarations/${id}/documents/${ticket.documentId}`;
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify({
            Records: [
              {
                eventVersion: '2.1',
                eventSource: 'aws:s3',
                eventName: 'ObjectCreated:Put',
                s3: { bucket: { name: cloud.bucketNames.archive }, object: { key, size: good.byteLength } },
              },
            ],
          }),
        }),
      );
    }
    await drained(queueUrl);
    const after = await view(id, trader);
    const eventsAfter = await api<{ items: unknown[] }>('GET', `/v1/declarations/${id}/events`, { token: trader });

    // Assess
    expect(settled.status).toBe('DOCUMENTS_REQUESTED');
    expect(settled.documents.map((document) => document.status)).toEqual(['RECEIVED', 'REFUSED']);
    expect(after).toEqual(settled);
    expect(eventsAfter.body).toEqual(eventsBefore.body);
    expect(
      await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: cloud.deadLetterQueueUrls.documentUploads,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      ),
    ).toMatchObject({
      Attributes: { ApproximateNumberOfMessages: '0' },
    });
  });
});
