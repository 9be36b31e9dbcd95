/**
 * The public verification page in headless Chromium against the local cloud, with nobody signed
 * in: the reference a printed release note's QR code carries (`/verify?document=<id>&sha256=<hash>`)
 * is answered "Genuine" with the sealing key; the same reference with another hash is "Not
 * genuine" or unknown to customs; the page passes axe-core and shows no console error.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { apiClient, declarationFor, eventually } from '#tests/integration/support.ts';
import { type ConsoleRig, checkPage, openPage, startConsoleRig } from './support.ts';

/** Borealis Trading, the trusted demo trader: its plain declarations are released by the release stage. */
const BOREALIS = 'GB987654321000';

interface DocumentEntry {
  documentId: string;
  kind: string;
  documentSha256: string | null;
  kid: string | null;
}

let cloud: LocalCloud;
let rig: ConsoleRig;
let browser: Browser;
let releaseNote: DocumentEntry;

beforeAll(async () => {
  rig = await startConsoleRig('verify-page');
  ({ cloud, browser } = rig);
  const { call } = apiClient(cloud.apiUrl);
  const token = cloud.mintToken({ role: 'trader', party: BOREALIS });
  const receipt = await call<{ id: string }>('POST', '/v1/declarations', { token, body: declarationFor(BOREALIS) });
  expect(receipt.status).toBe(202);
  releaseNote = await eventually(
    async () => {
      const listed = await call<{ items: DocumentEntry[] }>('GET', `/v1/declarations/${receipt.body.id}/documents`, { token });
      return listed.body.items?.find((entry) => entry.kind === 'RELEASE_NOTE' && entry.documentSha256 !== null);
    },
    { timeoutMs: 60_000 },
  );
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

describe('the public verification page', () => {
  it('says a sealed release note is genuine, by the reference its QR code carries, without sign-in', async () => {
    // Prepare
    const { context, page, problems } = await openPage(browser);

    // Act
    await page.goto(`${cloud.apiUrl}/verify?document=${releaseNote.documentId}&sha256=${releaseNote.documentSha256}`);
    const verdict = page.getByRole('heading', { level: 2, name: 'Genuine' });
    await verdict.waitFor();

    // Assess
    expect(await page.getByText(releaseNote.kid ?? '').count()).toBeGreaterThan(0);
    expect(await checkPage(page, '01-verify-genuine')).toEqual([]);
    await context.close();
    expect(problems).toEqual([]);
  });

  it('does not call a changed reference genuine', async () => {
    // Prepare: the same document named with another hash, as a forged or damaged QR code would
    const { context, page } = await openPage(browser);
    const otherHash = (releaseNote.documentSha256 ?? '').replace(/^./, (first) => (first === '0' ? '1' : '0'));

    // Act
    await page.goto(`${cloud.apiUrl}/verify?document=${releaseNote.documentId}&sha256=${otherHash}`);
    await page
      .getByText(/Not genuine|not genuine/)
      .first()
      .waitFor();

    // Assess
    expect(await page.getByRole('heading', { level: 2, name: 'Genuine' }).count()).toBe(0);
    expect(await checkPage(page, '02-verify-changed-reference')).toEqual([]);
    await context.close();
  });
});
