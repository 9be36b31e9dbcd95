/**
 * The trader's side of the console in headless Chromium against the local cloud: an officer asks
 * for the invoice of a RED declaration, the trader uploads a real PDF from the browser (hashed
 * there, PUT to the archive's presigned URL), the officer sees it with its SHA-256 and releases;
 * the trader amends another declaration and reads the earlier version; the status filter narrows
 * the trader's list; the trader downloads a release note, whose PDF is printed on that request
 * (the page says it is being prepared and asks again when the API says to). Every page is checked with axe-core (no serious or critical violations) and
 * saved as a screenshot; no page logs an error or breaks its Content-Security-Policy.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { apiClient, declarationFor, eventually } from '#tests/integration/support.ts';
import { ferroSiliconCif } from '#tests/support/scenarios.ts';
import { type ConsoleRig, checkPage, openPage, sidewaysScrolling, signIn, startConsoleRig } from './support.ts';

/** Acme Imports Ltd, the demo trader the console signs in as. */
const ACME = 'GB123456789000';
const invoicePath = new URL('../fixtures/documents/invoice.pdf', import.meta.url).pathname;
const invoice = readFileSync(invoicePath);

let cloud: LocalCloud;
let rig: ConsoleRig;
let browser: Browser;
let trader: string;
let call: ReturnType<typeof apiClient>['call'];
/** RED declarations under review: [0] gets a document request, [1] is amended. */
const red: { id: string; lrn: string }[] = [];
/** One the criteria leave alone. */
let plain: { id: string; lrn: string };

interface View {
  status: string;
  version: number;
  amendment: number;
  declaration: DeclarationInput;
  documents: { sha256: string; status: string }[];
}

/** Ferro-silicon from China, priced CIF in pounds: the demo anti-dumping profile selects it for the RED lane. */
const settled = new Set(['UNDER_REVIEW', 'RELEASED', 'REJECTED', 'PROCESSING_FAILED', 'DOCUMENTS_REQUESTED', 'HELD']);

async function submit(declaration: DeclarationInput): Promise<{ id: string; lrn: string }> {
  const receipt = await call<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declaration });
  expect(receipt.status).toBe(202);
  await eventually(async () => ((await read(receipt.body.id)).status.match(/UNDER_REVIEW|RELEASED/) ? true : undefined), {
    timeoutMs: 30_000,
  });
  return { id: receipt.body.id, lrn: declaration.lrn };
}

async function read(id: string): Promise<View> {
  const response = await call<View>('GET', `/v1/declarations/${id}`, { token: trader });
  expect(response.status).toBe(200);
  return response.body;
}

beforeAll(async () => {
  rig = await startConsoleRig('trader-flows');
  ({ cloud, browser } = rig);
  ({ call } = apiClient(cloud.apiUrl));
  trader = cloud.mintToken({ role: 'trader', party: ACME });
  plain = await submit(declarationFor(ACME));
  // Duty-free with the VAT postponed: nothing is booked on an account, so [1] stays amendable under review.
  const unbooked = (d: DeclarationInput) => {
    ferroSiliconCif(d);
    d.payment = { ...d.payment, method: 'E', postponedVat: true };
  };
  for (let index = 0; index < 2; index++) red.push(await submit(declarationFor(ACME, unbooked)));
  for (const declaration of red) expect((await read(declaration.id)).status).toBe('UNDER_REVIEW');
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

/** The officer holds the declaration (claims it when nobody does). */
async function holdClaim(page: Page, lrn: string): Promise<void> {
  const actions = page.getByRole('region', { name: 'Actions', exact: true });
  await actions.getByRole('button', { name: /Claim this declaration|Let it go/ }).waitFor();
  if (await actions.getByRole('button', { name: 'Claim this declaration' }).isVisible()) {
    await actions.getByRole('button', { name: 'Claim this declaration' }).click();
    await page
      .getByRole('dialog', { name: `Claim declaration ${lrn}?` })
      .getByRole('button', { name: 'Claim' })
      .click();
    await actions.getByRole('button', { name: 'Let it go' }).waitFor();
  }
}

describe("the trader's side of the console", () => {
  it('an officer requests the invoice; the trader uploads a PDF; the officer sees it with its SHA-256 and releases', async () => {
    const target = red[0]!;
    const sha256 = createHash('sha256').update(invoice).digest('hex');
    const officer = await openPage(browser);
    const acme = await openPage(browser);

    // The officer claims the RED declaration and asks for the commercial invoice (N935)
    await signIn(officer.page, cloud.apiUrl, /Olivia Okafor/);
    await officer.page.goto(`${cloud.apiUrl}/review/declarations/${target.id}`);
    await officer.page.getByRole('heading', { level: 1, name: `Declaration ${target.lrn}` }).waitFor();
    await holdClaim(officer.page, target.lrn);
    const decision = officer.page.getByRole('form', { name: 'Decide' });
    await decision.getByRole('radio', { name: /^Request documents/ }).check();
    await decision.getByLabel(/Message to the trader/).fill('Please send the commercial invoice');
    await decision.getByLabel('Document 1 code').fill('N935');
    await decision.getByLabel('Document 1: why it is needed').fill('Documentary check of the declared value');
    await decision.getByRole('button', { name: 'Continue' }).click();
    const requestDialog = officer.page.getByRole('dialog', { name: `Request documents declaration ${target.lrn}?` });
    await requestDialog.getByRole('button', { name: 'Request documents' }).click();
    await officer.page.getByText(`Request documents: declaration ${target.lrn} is now documents requested.`).waitFor();

    // The trader sees what was asked for, with a labelled upload control per document
    await signIn(acme.page, cloud.apiUrl, /Acme Imports Ltd/);
    await acme.page.goto(`${cloud.apiUrl}/declarations/${target.id}`);
    const requested = acme.page.getByRole('region', { name: 'Documents customs asked for' });
    await requested.getByText('Customs: Documentary check of the declared value').waitFor();
    const upload = acme.page.getByRole('form', { name: 'Document N935' });
    const file = upload.getByLabel('File of document N935');
    expect(await file.getAttribute('accept')).toBe('application/pdf,image/png,image/jpeg,application/xml');
    expect(await checkPage(acme.page, '01-trader-documents-requested')).toEqual([]);

    // Nothing chosen: the form says so, before anything is sent
    await upload.getByRole('button', { name: 'Upload document N935' }).click();
    await upload.getByText('Choose the file to upload').waitFor();
    expect(await file.getAttribute('aria-invalid')).toBe('true');

    // Keyboard: reference, file, button in order
    const reference = upload.getByLabel('Reference of document N935');
    await reference.focus();
    await acme.page.keyboard.press('Tab');
    expect(await acme.page.evaluate('document.activeElement.getAttribute("type")')).toBe('file');
    await acme.page.keyboard.press('Tab');
    expect(await acme.page.evaluate('document.activeElement.textContent')).toBe('Upload document N935');

    // Upload the invoice: hashed in the browser, PUT to the archive, then received
    await reference.fill('INV-2026-042');
    await file.setInputFiles(invoicePath);
    await upload.getByRole('button', { name: 'Upload document N935' }).click();
    await upload.getByText('Document N935 received: customs has it.').waitFor();
    await upload.getByText(`Received: INV-2026-042, SHA-256 ${sha256}`).waitFor();
    await acme.page.getByRole('region', { name: 'History', exact: true }).getByText('Document received', { exact: true }).waitFor();
    const traderDocuments = acme.page.getByRole('table', { name: /Documents uploaded for customs/ });
    expect(await traderDocuments.textContent()).toContain(sha256);
    expect(await checkPage(acme.page, '02-trader-document-received')).toEqual([]);
    const stored = await read(target.id);
    expect(stored.documents).toEqual([expect.objectContaining({ sha256, status: 'RECEIVED' })]);
    expect(stored.status).toBe('UNDER_REVIEW');

    // The officer sees the document with the SHA-256 of the bytes sent, and releases
    await officer.page.reload();
    await officer.page.getByRole('heading', { level: 1, name: `Declaration ${target.lrn}` }).waitFor();
    const officerDocuments = officer.page.getByRole('table', { name: /Documents uploaded for customs/ });
    const row = officerDocuments.getByRole('row', { name: /INV-2026-042/ });
    expect(await row.textContent()).toContain(sha256);
    expect(await row.textContent()).toContain('Received');
    expect(await row.textContent()).toContain(`${invoice.byteLength} bytes`);
    expect(await checkPage(officer.page, '03-officer-sees-document')).toEqual([]);
    await holdClaim(officer.page, target.lrn);
    await decision.getByRole('radio', { name: /^Release/ }).check();
    await decision.getByLabel(/Message to the trader/).fill('Invoice checked; released');
    await decision.getByRole('button', { name: 'Continue' }).click();
    await officer.page
      .getByRole('dialog', { name: `Release declaration ${target.lrn}?` })
      .getByRole('button', { name: 'Release' })
      .click();
    await officer.page.getByText(`Release: declaration ${target.lrn} is now released.`).waitFor();
    expect((await read(target.id)).status).toBe('RELEASED');

    await officer.context.close();
    await acme.context.close();
    expect(officer.problems).toEqual([]);
    expect(acme.problems).toEqual([]);
  }, 120_000);

  it("a trader's amendment is checked with the declaration schema, sent with If-Match, and shows up as a new version", async () => {
    const target = red[1]!;
    const before = await read(target.id);
    const { context, page, problems } = await openPage(browser);
    await signIn(page, cloud.apiUrl, /Acme Imports Ltd/);
    await page.goto(`${cloud.apiUrl}/declarations/${target.id}`);
    await page.getByRole('heading', { level: 1, name: `Declaration ${target.lrn}` }).waitFor();
    const amend = page.getByRole('form', { name: 'Amend this declaration' });

    // The schema's own messages, on the fields they are about
    await amend.getByLabel('Invoice total').fill('five thousand');
    await amend.getByLabel('Items (JSON)').fill('[{"commodityCode": "72"}]');
    await amend.getByRole('button', { name: 'Send amendment' }).click();
    await amend
      .getByText(/must be a non-negative decimal string/)
      .first()
      .waitFor();
    expect(await amend.getByLabel('Invoice total').getAttribute('aria-invalid')).toBe('true');
    await amend.getByText(/items\[0\]\.commodityCode: must be a commodity code/).waitFor();
    expect(await checkPage(page, '04-amendment-errors')).toEqual([]);

    // The invoice was 5,200.00, not 5,000.00
    const items = before.declaration.items.map((item, index) => (index === 0 ? { ...item, invoiceAmount: '5200.00' } : item));
    await amend.getByLabel('Invoice total').fill('5200.00');
    await amend.getByLabel('Items (JSON)').fill(JSON.stringify(items, null, 2));
    await amend.getByRole('button', { name: 'Send amendment' }).click();
    await amend.getByText('Amendment 1 sent: the declaration is checked, scored and assessed again.').waitFor();
    const summary = page.getByRole('region', { name: 'Summary', exact: true });
    await summary.getByText('Under review').waitFor();
    const versions = page.getByRole('region', { name: 'Amendments', exact: true });
    await versions.getByText('Amendment 1').waitFor();
    expect(await checkPage(page, '05-amended')).toEqual([]);

    // The API has it as amendment 1 at a later version, with the amended invoice; amendment 0 is as first submitted
    const after = await eventually(async () => {
      const view = await read(target.id);
      return view.status === 'UNDER_REVIEW' ? view : undefined;
    });
    expect(after.amendment).toBe(1);
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.declaration.valuation.invoiceTotal).toBe('5200.00');
    expect(after.declaration.items[0]?.invoiceAmount).toBe('5200.00');
    expect(await summary.textContent()).toContain(`Version${after.version}`);
    const first = await call<View>('GET', `/v1/declarations/${target.id}/amendments/0`, { token: trader });
    expect(first.body.declaration.valuation.invoiceTotal).toBe('5000.00');

    // The earlier version, as it stood
    await versions.getByRole('link', { name: 'As first submitted' }).click();
    await page.getByRole('heading', { level: 1, name: `As first submitted of declaration ${target.lrn}` }).waitFor();
    expect(await page.getByRole('region', { name: 'Parties and consignment' }).textContent()).toContain('£5,000.00');
    expect(await checkPage(page, '06-first-version')).toEqual([]);

    await context.close();
    expect(problems).toEqual([]);
  }, 90_000);

  it('the status filter narrows the list to what the API holds in that status, also at 390 px', async () => {
    // Prepare: what the API lists per status
    const listed = async (status: string) =>
      (await call<{ items: { lrn: string }[] }>('GET', `/v1/declarations?status=${status}`, { token: trader })).body.items
        .map((item) => item.lrn)
        .sort();
    await eventually(async () => (settled.has((await read(red[1]!.id)).status) ? true : undefined));
    const released = await listed('RELEASED');
    const underReview = await listed('UNDER_REVIEW');
    expect(released).toContain(red[0]!.lrn);
    expect(underReview).toContain(red[1]!.lrn);
    const { context, page, problems } = await openPage(browser, 390, 844);

    // Act
    await signIn(page, cloud.apiUrl, /Acme Imports Ltd/);
    const all = page.getByRole('table', { name: /Your declarations/ });
    await all.getByRole('link', { name: plain.lrn }).waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('UNDER_REVIEW');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    const filtered = page.getByRole('table', { name: /Your declarations, under review/ });
    await filtered.waitFor();
    await expect.poll(async () => (await filtered.locator('tbody tr a').allTextContents()).sort()).toEqual(underReview);
    expect(await checkPage(page, '07-filtered-390px')).toEqual([]);
    expect(await sidewaysScrolling(page)).toEqual([]);
    await page.getByLabel('Status', { exact: true }).selectOption('RELEASED');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    const releasedTable = page.getByRole('table', { name: /Your declarations, released/ });
    await releasedTable.waitFor();
    await expect.poll(async () => (await releasedTable.locator('tbody tr a').allTextContents()).sort()).toEqual(released);

    // The trader's declaration page at 390 px: amendment form and documents readable without sideways scrolling
    await page.goto(`${cloud.apiUrl}/declarations/${red[0]!.id}`);
    await page.getByRole('heading', { level: 1, name: `Declaration ${red[0]!.lrn}` }).waitFor();
    await page.getByRole('table', { name: /Documents uploaded for customs/ }).waitFor();
    expect(await checkPage(page, '08-trader-declaration-390px')).toEqual([]);
    expect(await sidewaysScrolling(page)).toEqual([]);

    await context.close();
    expect(problems).toEqual([]);
  }, 90_000);

  it('downloads a release note: the sealed JSON at once, "preparing the PDF" while it prints, then the PDF once printed', async () => {
    // Prepare: the GREEN declaration's documents issued, nobody has asked for their PDF
    const issued = await eventually(
      async () => {
        const answer = await call<{ items: { kind: string; documentId: string; files: { contentType: string; sha256: string }[] }[] }>(
          'GET',
          `/v1/declarations/${plain.id}/documents`,
          { token: trader },
        );
        const note = answer.body.items.find((item) => item.kind === 'RELEASE_NOTE');
        return answer.body.items.length === 2 && note ? { items: answer.body.items, note } : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(issued.items.every((item) => item.files.map((file) => file.contentType).join() === 'application/json')).toBe(true);
    const { context, page, problems } = await openPage(browser);

    // Act
    await signIn(page, cloud.apiUrl, /Acme Imports Ltd/);
    await page.goto(`${cloud.apiUrl}/declarations/${plain.id}`);
    const section = page.getByRole('region', { name: /Customs documents/ });
    await section.getByRole('button', { name: 'Download release note' }).click();
    const files = section.getByRole('list', { name: 'Release note files' });
    await files.getByRole('link', { name: 'Release note, sealed (JSON)' }).waitFor();
    const preparing = await files.getByRole('status').textContent();
    expect(await checkPage(page, '09-release-note-preparing-pdf')).toEqual([]);
    const pdfLink = files.getByRole('link', { name: 'Release note, printable copy (PDF)' });
    await pdfLink.waitFor();
    const pdf = Buffer.from(await (await fetch((await pdfLink.getAttribute('href')) ?? '')).arrayBuffer());
    const json = await fetch((await files.getByRole('link', { name: 'Release note, sealed (JSON)' }).getAttribute('href')) ?? '');
    expect(await checkPage(page, '10-release-note-printed')).toEqual([]);
    const listed = await call<{ items: { documentId: string; files: { contentType: string; sha256: string }[] }[] }>(
      'GET',
      `/v1/declarations/${plain.id}/documents`,
      { token: trader },
    );

    // Assess
    expect(preparing).toMatch(/Preparing the PDF: asking again in 5 seconds/);
    expect(json.status).toBe(200);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const note = listed.body.items.find((item) => item.documentId === issued.note.documentId);
    expect(note?.files.find((file) => file.contentType === 'application/pdf')?.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    await context.close();
    expect(problems).toEqual([]);
  }, 90_000);
});
