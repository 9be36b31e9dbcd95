/**
 * Documents under the customs seal against the local cloud (its KMS signs): a GREEN declaration
 * is assessed and released, the documents queue issues its assessment notice and its release
 * note, the owner downloads them; the public verification route and `npm run verify` (offline,
 * with the published JWKS only) call them genuine, and a copy with one changed character is not.
 * The printable PDF is rendered to PNG by pdf.js in headless Chromium: it shows the key facts and
 * its QR code decodes (jsQR, from the canvas pixels) to a verification URL that answers genuine.
 * A printing stopped after archiving its PDF finishes when its message comes again.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import { keys } from '#shared/adapters/keys.ts';
import { type DeclarationDocument, type DocumentDownload, parseDocumentId } from '#shared/domain/declaration-documents.ts';
import type { AssessmentNotice, ReleaseNote, SealedDocument } from '#shared/domain/sealed-documents.ts';
import { chromiumPath, screenshotDir } from '#tests/console/support.ts';
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
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
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

  it('issues the assessment notice too: the parties, the duties per tax type, the ASSESSED head of the history, genuine', async () => {
    // Prepare: the documents as listed, once both are printed
    const documents = await printedDocuments();
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
    // Prepare: the owner downloads the PDF through its short-lived link
    const documents = await printedDocuments();
    const listed = documents.find((document) => document.kind === 'RELEASE_NOTE');
    const links = await call<DocumentDownload>('GET', `/v1/documents/${listed?.documentId}`, { token: trader });
    const pdfFile = links.body.files.find((file) => file.contentType === 'application/pdf');
    const pdf = Buffer.from(await (await fetch(pdfFile?.url ?? '')).arrayBuffer());

    // Act: pdf.js draws page 1 in Chromium; its text and the QR code read back from the canvas
    const rendered = await renderFirstPage(pdf, path.join(screenshotDir, 'sealed-documents', 'release-note.png'));
    const url = new URL(rendered.qrCode ?? 'http://no-qr-code');
    const verdict = await call<{ genuine: boolean; kind?: string; document?: { ucr?: string } }>('POST', '/v1/verify', {
      body: { documentId: url.searchParams.get('document'), documentSha256: url.searchParams.get('sha256') },
    });

    // Assess
    expect(links.status).toBe(200);
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(pdfFile?.sha256);
    expect(listed?.files.map((file) => file.sha256)).toContain(pdfFile?.sha256);
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
    const listed = (await printedDocuments()).find((document) => document.kind === 'RELEASE_NOTE');
    const reference = parseDocumentId(listed?.documentId ?? '');
    if (reference?.source !== 'CUSTOMS') throw new Error(`not an issued document: ${listed?.documentId}`);
    const printed = listed?.files.find((file) => file.contentType === 'application/pdf');
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
    const reprinted = await eventually(async () => {
      const answer = await call<{ items: DeclarationDocument[] }>('GET', `/v1/declarations/${declarationId}/documents`, { token: trader });
      const document = answer.body.items.find((item) => item.documentId === listed?.documentId);
      return document?.files.find((file) => file.contentType === 'application/pdf');
    });
    dynamodb.destroy();
    sqs.destroy();

    // Assess
    const releaseNote = unprinted.body.items.find((item) => item.documentId === listed?.documentId);
    expect(releaseNote?.files.map((file) => file.contentType)).toEqual(['application/json']);
    expect(reprinted.sha256).toBe(printed?.sha256);
  });
});

/** The declaration's documents once the notice and the release note both have their PDF. */
function printedDocuments(): Promise<DeclarationDocument[]> {
  return eventually(
    async () => {
      const answer = await call<{ items: DeclarationDocument[] }>('GET', `/v1/declarations/${declarationId}/documents`, { token: trader });
      const issued = answer.body.items.filter((item) => item.source === 'CUSTOMS');
      return issued.length === 2 && issued.every((item) => item.files.some((file) => file.contentType === 'application/pdf'))
        ? issued
        : undefined;
    },
    { timeoutMs: 60_000 },
  );
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
