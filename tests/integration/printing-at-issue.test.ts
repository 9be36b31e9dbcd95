/**
 * Printing at issue (region config `documentPrinting: 'at-issue'`) against the local cloud: the
 * documents worker hands each sealed document to the printing queue, whose worker (through its
 * event source mapping) archives both PDFs before anyone asks; a download then links both files
 * and asks for nothing. Printing on request, the default, is in sealed-documents.test.ts.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import type { DeclarationDocument, DocumentDownload } from '#shared/domain/declaration-documents.ts';
import { startSeededCloud } from '#tests/support/seeded-cloud.ts';
import { type apiClient, declarationFor, eventually } from './support.ts';

const BOREALIS = 'GB987654321000';

let cloud: LocalCloud;
let call: ReturnType<typeof apiClient>['call'];
let trader: string;

beforeAll(async () => {
  ({ cloud, api: call } = await startSeededCloud({ documentPrinting: 'at-issue' }));
  trader = cloud.mintToken({ role: 'trader', party: BOREALIS });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

describe('printing at issue', () => {
  it('prints the assessment notice and the release note of a GREEN declaration before any download; a download links both files', async () => {
    // Prepare
    const receipt = await call<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declarationFor(BOREALIS) });
    expect(receipt.status).toBe(202);

    // Act: only the listing is read until both documents have their PDF
    const documents = await eventually(
      async () => {
        const answer = await call<{ items: DeclarationDocument[] }>('GET', `/v1/declarations/${receipt.body.id}/documents`, {
          token: trader,
        });
        const issued = answer.body.items.filter((item) => item.source === 'CUSTOMS');
        return issued.length === 2 && issued.every((item) => item.files.length === 2) ? issued : undefined;
      },
      { timeoutMs: 60_000 },
    );
    const releaseNote = documents.find((document) => document.kind === 'RELEASE_NOTE');
    const download = await call<DocumentDownload>('GET', `/v1/documents/${releaseNote?.documentId}`, { token: trader });
    const pdfFile = download.body.files.find((file) => file.contentType === 'application/pdf');
    const pdf = Buffer.from(await (await fetch(pdfFile?.url ?? '')).arrayBuffer());

    // Assess
    expect(cloud.environment.DOCUMENT_PRINTING).toBe('at-issue');
    expect(documents.map((document) => [document.kind, document.files.map((file) => file.contentType)])).toEqual([
      ['ASSESSMENT_NOTICE', ['application/json', 'application/pdf']],
      ['RELEASE_NOTE', ['application/json', 'application/pdf']],
    ]);
    expect(download.status).toBe(200);
    expect(download.headers.get('retry-after')).toBeNull();
    expect(download.body.pdf).toEqual({ status: 'printed' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(releaseNote?.files[1]?.sha256);
  }, 90_000);
});
