/**
 * The review queue page in headless Chromium against the local cloud: RED before YELLOW by
 * default (the YELLOW one waited longest), the "waiting longer than" filter, a column sort with
 * `aria-sort`, and times in the user's zone with the UTC time on hover. Checked with axe-core.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { apiClient, declarationFor, eventually } from '#tests/integration/support.ts';
import { ferroSiliconCif } from '#tests/support/scenarios.ts';
import { type ConsoleRig, checkPage, openPage, signIn, startConsoleRig } from './support.ts';

const ACME = 'GB123456789000';

let cloud: LocalCloud;
let rig: ConsoleRig;
let browser: Browser;
/** Queued in this order: one YELLOW (a documentary check of shaver parts), then two RED. */
const lrns: { lane: 'RED' | 'YELLOW'; lrn: string }[] = [];

beforeAll(async () => {
  rig = await startConsoleRig('review-queue');
  ({ cloud, browser } = rig);
  const { call } = apiClient(cloud.apiUrl);
  const _admin = cloud.mintToken({ role: 'admin' });
  const profile = await call('POST', '/v1/admin/risk-profiles', {
    token: cloud.mintToken({ role: 'officer' }),
    body: {
      name: 'Shaver parts documentary check',
      reason: 'Check the invoices of shaver parts.',
      validFrom: '2020-01-01',
      criteria: { kind: 'commodityCode', prefixes: ['8510'] },
      outcome: { lane: 'YELLOW' },
    },
  });
  expect(profile.status).toBe(201);
  const trader = cloud.mintToken({ role: 'trader', party: ACME });
  for (const lane of ['YELLOW', 'RED', 'RED'] as const) {
    const declaration = lane === 'RED' ? declarationFor(ACME, ferroSiliconCif) : declarationFor(ACME);
    const receipt = await call<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declaration });
    expect(receipt.status).toBe(202);
    await eventually(async () => {
      const view = await call<{ status: string }>('GET', `/v1/declarations/${receipt.body.id}`, { token: trader });
      return view.body.status === 'UNDER_REVIEW' ? true : undefined;
    });
    lrns.push({ lane, lrn: declaration.lrn });
  }
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

describe('the review queue page', () => {
  it('lists RED first, filters by age, sorts a column and shows UTC on hover', async () => {
    const { context, page, problems } = await openPage(browser);
    await signIn(page, cloud.apiUrl, /Olivia Okafor/);
    const queue = page.getByRole('table', { name: /Waiting for an officer/ });
    const rows = queue.locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(3);
    const order = async () => Promise.all((await rows.all()).map(async (row) => (await row.getByRole('link').textContent()) ?? ''));

    // RED first, each oldest first: the YELLOW one waited longest but comes last
    const red = lrns.filter((entry) => entry.lane === 'RED').map((entry) => entry.lrn);
    const yellow = lrns.filter((entry) => entry.lane === 'YELLOW').map((entry) => entry.lrn);
    expect(await order()).toEqual([...red, ...yellow]);
    expect(await page.getByRole('region', { name: 'Waiting per lane' }).textContent()).toMatch(/2\s*Red[\s\S]*1\s*Yellow/);

    // The queue time in the user's zone, the UTC time on hover
    const time = rows.nth(0).locator('time').first();
    expect(await time.getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \(UTC\)$/);

    // Sort by queue time: the header button says how it is sorted; oldest first over the lanes
    const queued = queue.getByRole('columnheader', { name: /Queued/ });
    expect(await queued.getAttribute('aria-sort')).toBe('none');
    await queued.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => queued.getAttribute('aria-sort')).toBe('ascending');
    expect(await order()).toEqual(lrns.map((entry) => entry.lrn));
    await queued.getByRole('button').click();
    await expect.poll(() => queued.getAttribute('aria-sort')).toBe('descending');
    expect(await order()).toEqual(lrns.map((entry) => entry.lrn).reverse());
    expect(await checkPage(page, '01-review-queue-sorted')).toEqual([]);

    // Waiting longer than an hour: none of these yet
    await page.getByLabel('Waiting longer than (hours)').fill('1');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/minAgeHours=1/);
    await page.getByText('Nothing is waiting for an officer with these filters.').waitFor();
    expect(await page.getByText(/waiting longer than 1 h/).count()).toBeGreaterThan(0);
    expect(await checkPage(page, '02-review-queue-older-than-an-hour')).toEqual([]);

    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
