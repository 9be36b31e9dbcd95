/**
 * The customs console in headless Chromium against the local cloud, as an officer and a trader
 * use it: sign in with a demo user, the review queue, a RED declaration's reasons and duty lines,
 * claim, an inspection with a corrected invoice amount and the difference it makes, release; the
 * trader sees it released and withdraws another. Every page is checked with axe-core (no serious
 * or critical violations) and saved as a screenshot; no page logs an error or breaks its
 * Content-Security-Policy.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { apiClient, declarationFor, eventually } from '#tests/integration/support.ts';
import { ferroSiliconCif } from '#tests/support/scenarios.ts';
import { type ConsoleRig, checkPage, openPage, sidewaysScrolling, signIn, startConsoleRig } from './support.ts';

/** Acme Imports Ltd, the demo trader the console signs in as. */
const ACME = 'GB123456789000';

let cloud: LocalCloud;
let rig: ConsoleRig;
let browser: Browser;
/** The two RED declarations, oldest first. */
const red: { id: string; lrn: string }[] = [];

beforeAll(async () => {
  rig = await startConsoleRig('officer-and-trader');
  ({ cloud, browser } = rig);
  const { call } = apiClient(cloud.apiUrl);
  const trader = cloud.mintToken({ role: 'trader', party: ACME });
  for (let index = 0; index < 2; index++) {
    const declaration = declarationFor(ACME, ferroSiliconCif);
    const receipt = await call<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declaration });
    expect(receipt.status).toBe(202);
    await eventually(async () => {
      const view = await call<{ status: string }>('GET', `/v1/declarations/${receipt.body.id}`, { token: trader });
      return view.body.status === 'UNDER_REVIEW' ? true : undefined;
    });
    red.push({ id: receipt.body.id, lrn: declaration.lrn });
  }
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

describe('the customs console in a browser', () => {
  it('an officer inspects the oldest RED declaration with a corrected invoice amount, sees the new assessment and its difference, and releases it', async () => {
    const { context, page, problems } = await openPage(browser);
    const oldest = red[0]!;

    // The sign-in page
    await page.goto(`${cloud.apiUrl}/`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await checkPage(page, '01-sign-in')).toEqual([]);
    await page.getByRole('radio', { name: /Olivia Okafor/ }).check();
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The review queue, narrowed to the RED lane: oldest first, counts per lane, nobody on it yet
    await page.getByRole('heading', { level: 1, name: 'Review queue' }).waitFor();
    await page.getByLabel('Lane', { exact: true }).selectOption('RED');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/lane=RED/);
    const queue = page.getByRole('table', { name: /Waiting for an officer, RED lane/ });
    await queue.waitFor();
    const rows = queue.locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    expect(await rows.nth(0).getByRole('link').textContent()).toBe(oldest.lrn);
    expect(await rows.nth(0).textContent()).toContain('nobody');
    expect(await page.getByRole('region', { name: 'Waiting per lane' }).textContent()).toMatch(/2\s*Red/);
    expect(await checkPage(page, '02-review-queue')).toEqual([]);

    // The declaration: why risk selected it (with the profile version) and the duty per item and tax type with its calculation
    await rows.nth(0).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: `Declaration ${oldest.lrn}` }).waitFor();
    const reasons = page.getByRole('table', { name: 'Why it was selected' });
    expect(await reasons.textContent()).toMatch(/RP-GB-FESI-AD\s*v1/);
    const dutyLines = page.getByRole('table', { name: /^Item 1: 7202210/ });
    expect(await dutyLines.textContent()).toContain('B00');
    expect(await dutyLines.textContent()).toContain('20.00% * £5,000.00');
    expect(await page.getByRole('region', { name: 'Summary', exact: true }).textContent()).toContain('£1,000.00');
    expect(await checkPage(page, '03-declaration')).toEqual([]);

    // Claim, after confirming
    await page.getByRole('button', { name: 'Claim this declaration' }).click();
    const claimDialog = page.getByRole('dialog', { name: `Claim declaration ${oldest.lrn}?` });
    await claimDialog.waitFor();
    expect(await checkPage(page, '04-claim-confirmation')).toEqual([]);
    await claimDialog.getByRole('button', { name: 'Claim' }).click();
    await page.getByText(`You claimed declaration ${oldest.lrn}.`).waitFor();
    await page
      .getByRole('region', { name: 'Summary', exact: true })
      .getByText(/Claimed by you until/)
      .waitFor();

    // Record an inspection: the invoice was 6,213.37, not 5,000.00
    const inspection = page.getByRole('form', { name: 'Record an inspection' });
    await inspection.getByRole('radio', { name: /^Discrepancy/ }).check();
    await inspection.getByLabel('Findings').fill('The real invoice was in the container: 6,213.37 GBP');
    await inspection.getByLabel('Invoice amount (GBP)').fill('6213.37');
    await inspection.getByRole('button', { name: 'Continue' }).click();
    const inspectDialog = page.getByRole('dialog', { name: `Record the inspection of ${oldest.lrn}?` });
    await inspectDialog.waitFor();
    expect(await inspectDialog.textContent()).toContain('invoice amount £6,213.37');
    expect(await checkPage(page, '05-inspection-confirmation')).toEqual([]);
    await inspectDialog.getByRole('button', { name: 'Record inspection' }).click();

    // The new assessment and its difference per tax type, by hand: A00 stays 0 % (0.00 either way);
    // B00 20 % x 6,213.37 = 1,242.67 (was 20 % x 5,000.00 = 1,000.00), so 242.67 more in all
    await page.getByText(/Inspection recorded\. Re-assessed: additional amount due £242\.67/).waitFor();
    const difference = page.getByRole('table', { name: 'Difference per tax type' });
    expect(await difference.getByRole('row', { name: /B00/ }).textContent()).toContain('+£242.67');
    expect(await difference.getByRole('row', { name: /Total/ }).textContent()).toContain('+£242.67');
    const inspected = page.getByRole('region', { name: 'Inspection', exact: true });
    expect(await inspected.textContent()).toContain('£1,242.67');
    expect(await page.getByRole('region', { name: 'Summary', exact: true }).textContent()).toContain('£1,242.67');
    expect(await checkPage(page, '06-inspection-recorded')).toEqual([]);

    // The decision form checks with the API's own schema: a rejection needs a message for the trader
    const decision = page.getByRole('form', { name: 'Decide' });
    await decision.getByRole('button', { name: 'Continue' }).click();
    await decision.getByText('Choose a decision').waitFor();
    await decision.getByRole('radio', { name: /^Reject/ }).check();
    await decision.getByRole('button', { name: 'Continue' }).click();
    await decision.getByText('a REJECT decision needs a message for the trader').waitFor();
    expect(await decision.getByLabel(/Message to the trader/).getAttribute('aria-invalid')).toBe('true');
    expect(await checkPage(page, '07-decision-form-errors')).toEqual([]);

    // Release, after confirming
    await decision.getByRole('radio', { name: /^Release/ }).check();
    await decision.getByLabel(/Message to the trader/).fill('Released; the additional VAT is due');
    await decision.getByRole('button', { name: 'Continue' }).click();
    const releaseDialog = page.getByRole('dialog', { name: `Release declaration ${oldest.lrn}?` });
    await releaseDialog.waitFor();
    await releaseDialog.getByRole('button', { name: 'Release' }).click();
    await page.getByText(`Release: declaration ${oldest.lrn} is now released.`).waitFor();
    await page.getByRole('region', { name: 'Summary', exact: true }).locator('.badge', { hasText: 'Released' }).waitFor();
    await page.getByRole('region', { name: 'History', exact: true }).getByText('Released', { exact: true }).waitFor();
    expect(await checkPage(page, '08-released')).toEqual([]);

    await context.close();
    expect(problems).toEqual([]);
  }, 90_000);

  it('the trader sees it RELEASED with the new amount, not the findings, and withdraws another declaration', async () => {
    const { context, page, problems } = await openPage(browser);
    const [released, other] = [red[0]!, red[1]!];

    // My declarations: newest first, status, lane and total due
    await signIn(page, cloud.apiUrl, /Acme Imports Ltd/);
    await page.getByRole('heading', { level: 1, name: 'My declarations' }).waitFor();
    const list = page.getByRole('table', { name: /Your declarations/ });
    const releasedRow = list.getByRole('row', { name: new RegExp(released.lrn) });
    await releasedRow.getByText('£1,242.67').waitFor();
    expect(await releasedRow.textContent()).toContain('Released');
    expect(await releasedRow.textContent()).toContain('RED');
    expect(await list.locator('tbody tr').nth(0).getByRole('link').textContent()).toBe(other.lrn);
    expect(await checkPage(page, '09-my-declarations')).toEqual([]);

    // Filter by status
    await page.getByLabel('Status', { exact: true }).selectOption('RELEASED');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await page.getByRole('table', { name: /Your declarations, released/ }).waitFor();
    await expect
      .poll(() =>
        page
          .getByRole('table', { name: /Your declarations, released/ })
          .locator('tbody tr')
          .count(),
      )
      .toBe(1);

    // The released declaration as the trader sees it
    await page.getByRole('link', { name: released.lrn }).click();
    await page.getByRole('heading', { level: 1, name: `Declaration ${released.lrn}` }).waitFor();
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).toContain('Released; the additional VAT is due');
    expect(body).toContain('+£242.67');
    expect(body).not.toContain('The real invoice was in the container');
    expect(body).not.toContain('RP-GB-FESI-AD');
    expect(await checkPage(page, '10-trader-declaration')).toEqual([]);

    // Withdraw the other one, after confirming
    await page.goto(`${cloud.apiUrl}/declarations/${other.id}`);
    await page.getByRole('heading', { level: 1, name: `Declaration ${other.lrn}` }).waitFor();
    await page.getByLabel('Why you withdraw it').fill('Order withdrawn by the buyer');
    await page.getByRole('button', { name: 'Withdraw declaration' }).click();
    const dialog = page.getByRole('dialog', { name: `Withdraw declaration ${other.lrn}?` });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Withdraw' }).click();
    await page.getByText(`Declaration ${other.lrn} is cancelled.`).waitFor();
    await page.getByRole('region', { name: 'Summary', exact: true }).locator('.badge', { hasText: 'Cancelled' }).waitFor();
    expect(await checkPage(page, '11-withdrawn')).toEqual([]);

    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('works by keyboard alone and at 390 px: visible focus, no sideways scrolling of the page', async () => {
    const { context, page, problems } = await openPage(browser, 390, 844);

    // Sign in with the keyboard only: skip link, the choices, the button
    await page.goto(`${cloud.apiUrl}/`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    let reachedOfficer = false;
    for (let presses = 0; presses < 10 && !reachedOfficer; presses++) {
      await page.keyboard.press('Tab');
      reachedOfficer = (await page.evaluate('document.activeElement.type')) === 'radio';
    }
    expect(reachedOfficer).toBe(true);
    const outline = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page
      .getByRole('heading', { level: 1 })
      .filter({ hasText: /Review queue|My declarations/ })
      .waitFor();
    await page.getByRole('heading', { name: 'Waiting per lane' }).waitFor();
    expect(await checkPage(page, '12-first-page-390px')).toEqual([]);
    expect(await sidewaysScrolling(page)).toEqual([]);

    // An officer's declaration page at 390 px
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, cloud.apiUrl, /Olivia Okafor/);
    await page.goto(`${cloud.apiUrl}/review/declarations/${red[0]!.id}`);
    await page.getByRole('heading', { level: 1, name: `Declaration ${red[0]!.lrn}` }).waitFor();
    await page.getByRole('region', { name: 'History', exact: true }).getByRole('listitem').first().waitFor();
    expect(await checkPage(page, '13-declaration-390px')).toEqual([]);
    expect(await sidewaysScrolling(page)).toEqual([]);

    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('says what went wrong and what to do: no such declaration, not a declaration id, the wrong role, an expired sign-in', async () => {
    const { context, page, problems } = await openPage(browser);
    await signIn(page, cloud.apiUrl, /Olivia Okafor/);
    await page.getByRole('heading', { level: 1, name: 'Review queue' }).waitFor();

    // A declaration id nobody has
    await page.goto(`${cloud.apiUrl}/review/declarations/01ZZZZZZZZZZZZZZZZZZZZZZZZ`);
    const missing = page.getByRole('alert');
    await missing.getByText(/The declaration could not be loaded \(404/).waitFor();
    expect(await missing.textContent()).toContain('Check the link, or go back to the list');
    expect(await checkPage(page, '14-no-such-declaration')).toEqual([]);

    // An address that is no declaration id: refused without asking the API
    await page.goto(`${cloud.apiUrl}/review/declarations/not-an-id`);
    await page
      .getByRole('alert')
      .getByText(/does not name a declaration/)
      .waitFor();

    // An officer on a trader's page
    await page.goto(`${cloud.apiUrl}/declarations`);
    await page.getByRole('heading', { level: 1, name: 'Not a page for your role' }).waitFor();
    await page.getByRole('link', { name: 'go to your pages' }).waitFor();

    // A sign-in the API no longer accepts: offered to sign in again
    await page.evaluate(`(() => {
      const stored = JSON.parse(sessionStorage.getItem('customs-console.session'));
      stored.token = stored.token.slice(0, -6) + (stored.token.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
      sessionStorage.setItem('customs-console.session', JSON.stringify(stored));
    })()`);
    await page.goto(`${cloud.apiUrl}/review`);
    const expired = page.getByRole('alert');
    await expired.getByText(/Sign in again\./).waitFor();
    expect(await checkPage(page, '15-sign-in-expired')).toEqual([]);
    await expired.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

    await context.close();
    // Only the two refusals asked for (and the browser's own note of each), nothing else
    expect(problems).toEqual([
      '404 GET /v1/declarations/01ZZZZZZZZZZZZZZZZZZZZZZZZ',
      'error: Failed to load resource: the server responded with a status of 404 (Not Found)',
      '401 GET /v1/review/queue',
      'error: Failed to load resource: the server responded with a status of 401 (Unauthorized)',
    ]);
  }, 60_000);
});
