/**
 * Documents under the customs seal against the local cloud (its KMS signs): a GREEN declaration
 * is assessed and released, the documents queue issues its assessment notice and its release
 * note, the owner downloads them; the public verification route and `npm run verify` (offline,
 * with the published JWKS only) call them genuine, and a copy with one changed character is not.
 * The local region prints on request: issuing archives no PDF and sends no printing message; the
 * first download asks for the PDF once (two downloads at once: one message) and answers it
 * printing, the sealed JSON's link at once. The printing queue has no event source mapping here:
 * the test counts its messages and hands them to the printing worker (printing-at-issue.test.ts
 * follows the mapping). The printable PDF is rendered to PNG by pdf.js in headless Chromium: it
 * shows the key facts and its QR code decodes (jsQR, from the canvas pixels) to a verification URL
 * that answers genuine. A printing stopped after archiving its PDF finishes when its message comes again.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { LocalFunction } from '#local/lambda.ts';
import { seedDemoData } from '#local/seed.ts';
import { keys } from '#shared/adapters/keys.ts';
import { archiveSpread } from '#shared/domain/archive-keys.ts';
import { type DeclarationDocument, type DocumentDownload, parseDocumentId } from '#shared/domain/declaration-documents.ts';
import type { AssessmentNotice, ReleaseNote, SealedDocument } from '#shared/domain/sealed-documents.ts';
import { functions } from '#shared/resources.ts';
import { chromiumPath, screenshotDir } from '#tests/console/support.ts';
import { sqsEventOf, withTriggersOff } from '#tests/support/held-messages.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';
import { apiClient, declarationFor, eventually } from './support.ts';

const BOREALIS = 'GB987654321000';
const run = promisify(execFile);

let cloud: LocalCloud;
let call: ReturnType<typeof apiClient>['call'];
let declarationId: string;
let note: SealedDocument<ReleaseNote>;
let trader: string;

beforeAll(async () => {
  cloud = await startLocalCloud({
    port: 0,
    dynamodbPort: 0,
    awsPort: 0,
    retryDelaySeconds: 0,
    logLevel: 'silent',
    functions: withTriggersOff('printDocuments'),
  });
  expect(cloud.environment.DOCUMENT_PRINTING).toBe('on-request');
  await seedDemoData();
  ({ call } = apiClient(cloud.apiUrl));
  const admin = cloud.mintToken({ role: 'admin' });
  expect((await call('PUT', '/v1/admin/reference-documents/risk-settings', { token: admin, body: noRandomSelection })).status).toBe(200);
  trader = cloud.mintToken({ role: 'trader', party: BOREALIS });
  const receipt = await call<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declarationFor(BOREALIS) });
  expect(receipt.status).toBe(202);
  declarationId = receipt.body.id;
  note = await eventually(
    async () => {
      const answer = await call<SealedDocument<ReleaseNote>>('GET', `/v1/declarations/${declarationId}/release-note`, { token: trader });
      return answer.status === 200 ? answer.body : undefined;
    },
    { timeoutMs: 60_000 },
  );
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

describe('release notes under the customs seal', () => {
  it('issues a sealed release note that the public route calls genuine, and a changed copy not', async () => {
    // Prepare
    const officer = cloud.mintToken({ role: 'officer' });
    const view = await call<{ ucr: string; status: string }>('GET', `/v1/declarations/${declarationId}`, { token: officer });
    const altered = { ...note, document: { ...note.document, ucr: `${note.document.ucr}0` } };

    // Act
    const genuine = await call<{ genuine: boolean; kid?: string; declarationId?: string }>('POST', '/v1/verify', { body: note });
    const changed = await call<{ genuine: boolean; reason?: string }>('POST', '/v1/verify', { body: altered });
    const keys = await call<{ keys: { kid: string; kty: string; d?: string }[] }>('GET', '/.well-known/jwks.json', {});

    // Assess
    expect(view.body.status).toBe('RELEASED');
    expect(note.document).toMatchObject({ kind: 'RELEASE_NOTE', declarationId, ucr: view.body.ucr, released: { by: 'RELEASE_STAGE' } });
    expect(genuine.body).toMatchObject({ genuine: true, declarationId });
    expect(keys.body.keys.map((key) => key.kid)).toContain(genuine.body.kid);
    expect(keys.body.keys.every((key) => key.kty === 'EC' && key.d === undefined)).toBe(true);
    expect(changed.body).toMatchObject({ genuine: false, reason: 'DOCUMENT_ALTERED' });
  });

  it('verifies offline with npm run verify and the published key set alone', async () => {
    // Prepare: the note and the key set as files, as a bank would keep them
    const folder = mkdtempSync(path.join(os.tmpdir(), 'verify-'));
    const keys = await call('GET', '/.well-known/jwks.json', {});
    writeFileSync(path.join(folder, 'jwks.json'), JSON.stringify(keys.body));
    writeFileSync(path.join(folder, 'note.json'), JSON.stringify(note, null, 2));
    writeFileSync(path.join(folder, 'altered.json'), JSON.stringify(note, null, 2).replace(note.document.lrn, `${note.document.lrn}X`));
    const verify = (file: string) =>
      run('node_modules/.bin/tsx', ['tools/verify.ts', path.join(folder, file), '--jwks', path.join(folder, 'jwks.json')]).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );

    // Act
    const genuine = await verify('note.json');
    const altered = await verify('altered.json');

    // Assess
    expect(genuine.code).toBe(0);
    expect(genuine.stdout).toContain(`GENUINE: RELEASE_NOTE of declaration ${declarationId}`);
    expect(altered.code).toBe(1);
    expect(altered.stdout).toContain('NOT GENUINE (DOCUMENT_ALTERED)');
  }, 60_000);

  it('issues the sealed JSON only: no PDF archived, no printing message', async () => {
    // Prepare
    const s3 = new S3Client({ endpoint: cloud.endpoints.s3 });
    const sqs = new SQSClient({ endpoint: cloud.endpoints.sqs });

    // Act
    const documents = await issuedDocuments();
    const archived = await s3.send(
      new ListObjectsV2Command({
        Bucket: cloud.bucketNames.archive,
        Prefix: `${archiveSpread(declarationId)}/declarations/${declarationId}/issued/`,
      }),
    );
    const waiting = await printingMessagesWaiting(sqs);
    s3.destroy();
    sqs.destroy();

    // Assess
    expect(documents.map((document) => [document.kind, document.files.map((file) => file.contentType)])).toEqual([
      ['ASSESSMENT_NOTICE', ['application/json']],
      ['RELEASE_NOTE', ['application/json']],
    ]);
    // The sealed JSON is in its sealing batch's object (batch-sealing.test.ts); beside the declaration, a PDF would be.
    expect(archived.Contents ?? []).toEqual([]);
    expect(waiting).toBe(0);
  });

  it('asks for the PDF on the first download, once for two downloads at once, and links it once printed', async () => {
    // Prepare
    const listed = (await issuedDocuments()).find((document) => document.kind === 'RELEASE_NOTE');
    const documentId = listed?.documentId ?? '';
    const reference = parseDocumentId(documentId);
    const version = reference?.source === 'CUSTOMS' ? reference.version : undefined;
    const sqs = new SQSClient({ endpoint: cloud.endpoints.sqs });

    // Act: two downloads at once, then the printing worker takes what they asked for, then a third download
    const downloads = await Promise.all([1, 2].map(() => call<DocumentDownload>('GET', `/v1/documents/${documentId}`, { token: trader })));
    const asked = await printWaitingDocuments(sqs);
    const printed = await call<DocumentDownload>('GET', `/v1/documents/${documentId}`, { token: trader });
    sqs.destroy();

    // Assess: both answered printing with the sealed JSON's link; one printing message; then the PDF's link
    for (const download of downloads) {
      expect(download.status).toBe(200);
      expect(download.headers.get('retry-after')).toBe('5');
      expect(download.body.pdf).toEqual({ status: 'printing', retryAfterSeconds: 5 });
      expect(download.body.files.map((file) => file.contentType)).toEqual(['application/json']);
    }
    const json = await fetch(downloads[0]?.body.files[0]?.url ?? '');
    expect(
      createHash('sha256')
        .update(Buffer.from(await json.arrayBuffer()))
        .digest('hex'),
    ).toBe(listed?.files[0]?.sha256);
    expect(asked.map((message) => JSON.parse(message.Body ?? '{}'))).toEqual([{ declarationId, version }]);
    expect(printed.headers.get('retry-after')).toBeNull();
    expect(printed.body.pdf).toEqual({ status: 'printed' });
    expect(printed.body.files.map((file) => file.contentType)).toEqual(['application/json', 'application/pdf']);
  });

  it('issues the assessment notice too: the parties, the duties per tax type, the ASSESSED head of the history, genuine', async () => {
    // Prepare: the notice's sealed JSON, linked at once (its PDF not printed)
    const documents = await issuedDocuments();
    const notice = documents.find((document) => document.kind === 'ASSESSMENT_NOTICE');
    const links = await call<DocumentDownload>('GET', `/v1/documents/${notice?.documentId}`, { token: trader });
    const json = links.body.files.find((file) => file.contentType === 'application/json');
    const sealed = (await (await fetch(json?.url ?? '')).json()) as SealedDocument<AssessmentNotice>;
    const events = await call<{ items: { type: string; version: number }[] }>('GET', `/v1/declarations/${declarationId}/events`, {
      token: trader,
    });

    // Act: verified as sent, and by its reference (as a printed copy's QR code names it)
    const verdict = await call<{ genuine: boolean; kind?: string }>('POST', '/v1/verify', { body: sealed });
    const byReference = await call<{ genuine: boolean; kind?: string; document?: unknown }>('POST', '/v1/verify', {
      body: { documentId: notice?.documentId, documentSha256: notice?.documentSha256 },
    });

    // Assess
    expect(documents.map((document) => document.kind)).toEqual(['ASSESSMENT_NOTICE', 'RELEASE_NOTE']);
    expect(sealed.document).toMatchObject({
      kind: 'ASSESSMENT_NOTICE',
      declarationId,
      ucr: note.document.ucr,
      lrn: note.document.lrn,
      parties: { declarant: { id: BOREALIS } },
      duties: { byTaxType: note.document.duties?.byTaxType, total: note.document.duties?.total },
      history: { version: events.body.items.find((event) => event.type === 'ASSESSED')?.version },
    });
    expect(verdict.body).toMatchObject({ genuine: true, kind: 'ASSESSMENT_NOTICE' });
    expect(byReference.body).toMatchObject({ genuine: true, kind: 'ASSESSMENT_NOTICE', document: sealed.document });
  });

  it('prints the release note: its PDF shows the key facts, and its QR code leads to a verification that answers genuine', async () => {
    // Prepare: the owner downloads the PDF through its short-lived link, once printed
    const listed = (await issuedDocuments()).find((document) => document.kind === 'RELEASE_NOTE');
    const links = await printedDownload(listed?.documentId ?? '');
    const pdfFile = links.files.find((file) => file.contentType === 'application/pdf');
    const pdf = Buffer.from(await (await fetch(pdfFile?.url ?? '')).arrayBuffer());
    const relisted = (await issuedDocuments()).find((document) => document.kind === 'RELEASE_NOTE');

    // Act: pdf.js draws page 1 in Chromium; its text and the QR code read back from the canvas
    const rendered = await renderFirstPage(pdf, path.join(screenshotDir, 'sealed-documents', 'release-note.png'));
    const url = new URL(rendered.qrCode ?? 'http://no-qr-code');
    const verdict = await call<{ genuine: boolean; kind?: string; document?: { ucr?: string } }>('POST', '/v1/verify', {
      body: { documentId: url.searchParams.get('document'), documentSha256: url.searchParams.get('sha256') },
    });

    // Assess
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(pdfFile?.sha256);
    expect(relisted?.files.map((file) => file.sha256)).toContain(pdfFile?.sha256);
    for (const fact of [
      'Release note',
      declarationId,
      note.document.ucr,
      note.document.lrn,
      `${note.document.duties?.total} GBP`,
      BOREALIS,
    ]) {
      expect(rendered.text).toContain(fact);
    }
    expect(`${url.origin}${url.pathname}`).toBe(`${cloud.apiUrl}/verify`);
    expect(url.searchParams.get('document')).toBe(listed?.documentId);
    expect(verdict.body).toMatchObject({ genuine: true, kind: 'RELEASE_NOTE', document: { ucr: note.document.ucr } });
  }, 90_000);

  it('finishes a printing that stopped after archiving its PDF: the message delivered again finds the same PDF and notes it', async () => {
    // Prepare: the release note's record loses its PDF, as if the worker had stopped between the archive and the record
    const documentId = (await issuedDocuments()).find((document) => document.kind === 'RELEASE_NOTE')?.documentId ?? '';
    const printed = (await printedDownload(documentId)).files.find((file) => file.contentType === 'application/pdf');
    const reference = parseDocumentId(documentId);
    if (reference?.source !== 'CUSTOMS') throw new Error(`not an issued document: ${documentId}`);
    const { PK, SK } = keys.issuedDocument(declarationId, reference.kind, reference.version);
    const dynamodb = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb });
    const sqs = new SQSClient({ endpoint: cloud.endpoints.sqs });
    await dynamodb.send(
      new UpdateItemCommand({ TableName: cloud.tableNames.main, Key: { PK: { S: PK }, SK: { S: SK } }, UpdateExpression: 'REMOVE pdf' }),
    );
    const unprinted = await call<{ items: DeclarationDocument[] }>('GET', `/v1/declarations/${declarationId}/documents`, { token: trader });

    // Act
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: cloud.queueUrls.printing,
        MessageBody: JSON.stringify({ declarationId, version: reference.version }),
      }),
    );
    await printWaitingDocuments(sqs);
    const reprinted = await call<{ items: DeclarationDocument[] }>('GET', `/v1/declarations/${declarationId}/documents`, { token: trader });
    dynamodb.destroy();
    sqs.destroy();

    // Assess
    const file = (listing: { items: DeclarationDocument[] }, contentType: string) =>
      listing.items.find((item) => item.documentId === documentId)?.files.find((file) => file.contentType === contentType);
    expect(file(unprinted.body, 'application/pdf')).toBeUndefined();
    expect(file(reprinted.body, 'application/pdf')?.sha256).toBe(printed?.sha256);
  });
});

/** The declaration's documents once the notice and the release note are both issued. */
function issuedDocuments(): Promise<DeclarationDocument[]> {
  return eventually(
    async () => {
      const answer = await call<{ items: DeclarationDocument[] }>('GET', `/v1/declarations/${declarationId}/documents`, { token: trader });
      const issued = answer.body.items.filter((item) => item.source === 'CUSTOMS');
      return issued.length === 2 ? issued : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

/** How many messages the printing queue holds (every send of a download is done when its answer comes). */
async function printingMessagesWaiting(sqs: SQSClient): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: cloud.queueUrls.printing,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/**
 * The printing worker, as its event source mapping would run it: every message waiting in the
 * printing queue, handed over in one batch, then deleted. The messages it printed.
 */
async function printWaitingDocuments(sqs: SQSClient): Promise<Message[]> {
  const expected = await printingMessagesWaiting(sqs);
  const held: Message[] = [];
  while (held.length < expected) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: cloud.queueUrls.printing, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 1 }),
    );
    held.push(...(answer.Messages ?? []));
  }
  if (held.length === 0) return held;
  const worker = new LocalFunction('printDocuments', functions.printDocuments, path.resolve('.'), cloud.environment.AWS_REGION ?? '');
  await worker.invoke(sqsEventOf(cloud, 'printing', held));
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: cloud.queueUrls.printing,
      Entries: held.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
    }),
  );
  return held;
}

/** An issued document's download once its PDF is printed: asked for by the first download, printed by the worker. */
async function printedDownload(documentId: string): Promise<DocumentDownload> {
  const sqs = new SQSClient({ endpoint: cloud.endpoints.sqs });
  try {
    return await eventually(async () => {
      const answer = await call<DocumentDownload>('GET', `/v1/documents/${documentId}`, { token: trader });
      if (answer.body.pdf?.status === 'printed') return answer.body;
      await printWaitingDocuments(sqs);
      return undefined;
    });
  } finally {
    sqs.destroy();
  }
}

/**
 * Page 1 of a PDF drawn by pdf.js (its legacy build, as a browser loads it) on a canvas in headless
 * Chromium: saved as PNG, its text content, and the QR code jsQR finds in the canvas pixels.
 */
async function renderFirstPage(pdf: Buffer, pngPath: string): Promise<{ text: string; qrCode: string | undefined }> {
  const modules = path.resolve('node_modules');
  const files: Record<string, { body: Buffer | string; contentType: string }> = {
    '/': {
      contentType: 'text/html',
      body: `<!doctype html><html><body><canvas id="page"></canvas><script src="/jsQR.js"></script><script type="module">
try {
const pdfjs = await import('/pdf.min.mjs');
pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.min.mjs';
const documentProxy = await pdfjs.getDocument({ url: new URL('/document.pdf', location.href).href }).promise;
const page = await documentProxy.getPage(1);
const viewport = page.getViewport({ scale: 2 });
const canvas = document.getElementById('page');
canvas.width = viewport.width;
canvas.height = viewport.height;
const context = canvas.getContext('2d', { willReadFrequently: true });
await page.render({ canvasContext: context, canvas, viewport }).promise;
const text = (await page.getTextContent()).items.map((item) => item.str).join(' ');
const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
const code = window.jsQR(pixels.data, pixels.width, pixels.height);
window.rendered = { text, qrCode: code ? code.data : undefined };
} catch (error) {
  window.rendered = { error: String(error && error.stack || error) };
}
</script></body></html>`,
    },
    '/pdf.min.mjs': { contentType: 'text/javascript', body: readFileSync(path.join(modules, 'pdfjs-dist/legacy/build/pdf.min.mjs')) },
    '/pdf.worker.min.mjs': {
      contentType: 'text/javascript',
      body: readFileSync(path.join(modules, 'pdfjs-dist/legacy/build/pdf.worker.min.mjs')),
    },
    '/jsQR.js': { contentType: 'text/javascript', body: readFileSync(path.join(modules, 'jsqr/dist/jsQR.js')) },
    '/document.pdf': { contentType: 'application/pdf', body: pdf },
  };
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true });
  try {
    const page = await browser.newPage();
    // The files come from this test, under a made-up origin: nothing listens on a port.
    await page.route('http://render.test/**', (route) => {
      const file = files[new URL(route.request().url()).pathname];
      return file ? route.fulfill({ status: 200, contentType: file.contentType, body: file.body }) : route.fulfill({ status: 404 });
    });
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto('http://render.test/');
    await page
      .waitForFunction(() => (globalThis as { rendered?: unknown }).rendered !== undefined, undefined, { timeout: 60_000 })
      .catch((error: unknown) => {
        throw new Error(`pdf.js did not render the PDF: ${failures.join('; ') || String(error)}`);
      });
    const rendered = await page.evaluate(
      () => (globalThis as unknown as { rendered: { text: string; qrCode: string | undefined; error?: string } }).rendered,
    );
    if (rendered.error) throw new Error(`pdf.js could not render the PDF: ${rendered.error}`);
    mkdirSync(path.dirname(pngPath), { recursive: true });
    await page.locator('#page').screenshot({ path: pngPath });
    return rendered;
  } finally {
    await browser.close();
  }
}
