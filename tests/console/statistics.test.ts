/**
 * The statistics page in headless Chromium against the local cloud: declarations submitted by
 * two traders go through the pipeline (GREEN ones released by the release stage, a RED one by an
 * officer), then the page's charts and tables show exactly what the test counts from those
 * declarations: per lane, released, revenue per tax type, and the profile that selected the RED one.
 */
import { Decimal } from 'decimal.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { apiClient, declarationFor, eventually } from '#tests/integration/support.ts';
import { ferroSiliconCif } from '#tests/support/scenarios.ts';
import { type ConsoleRig, checkPage, openPage, signIn, startConsoleRig } from './support.ts';

const ACME = 'GB123456789000';
const BOREALIS = 'GB987654321000';

interface Settled {
  id: string;
  status: string;
  lane: string;
  byTaxType: Record<string, string>;
}

let cloud: LocalCloud;
let rig: ConsoleRig;
let browser: Browser;
const settled: Settled[] = [];

beforeAll(async () => {
  rig = await startConsoleRig('statistics');
  ({ cloud, browser } = rig);
  const { call } = apiClient(cloud.apiUrl);
  const _admin = cloud.mintToken({ role: 'admin' });
  const officer = cloud.mintToken({ role: 'officer' });

  const submissions: { party: string; change?: (d: DeclarationInput) => void }[] = [
    { party: BOREALIS },
    { party: BOREALIS },
    { party: ACME },
    { party: ACME, change: ferroSiliconCif },
  ];
  for (const { party, change } of submissions) {
    const token = cloud.mintToken({ role: 'trader', party });
    const receipt = await call<{ id: string }>('POST', '/v1/declarations', { token, body: declarationFor(party, change) });
    expect(receipt.status).toBe(202);
    const view = await eventually(
      async () => {
        const read = await call<{ status: string; version: number; lane: string }>('GET', `/v1/declarations/${receipt.body.id}`, {
          token: officer,
        });
        return ['RELEASED', 'UNDER_REVIEW'].includes(read.body.status) ? read.body : undefined;
      },
      { timeoutMs: 60_000 },
    );
    if (view.status === 'UNDER_REVIEW') {
      // An officer releases it: counted by the decision, not by the release stage.
      expect((await call('POST', `/v1/review/declarations/${receipt.body.id}/claim`, { token: officer })).status).toBe(200);
      const released = await call('POST', `/v1/review/declarations/${receipt.body.id}/decisions`, {
        token: officer,
        body: { action: 'RELEASE', message: 'Goods checked' },
      });
      expect(released.status).toBe(200);
    }
    const final = await call<{ status: string; lane: string; assessment: { totals: { byTaxType: Record<string, string> } } | null }>(
      'GET',
      `/v1/declarations/${receipt.body.id}`,
      { token: officer },
    );
    settled.push({
      id: receipt.body.id,
      status: final.body.status,
      lane: final.body.lane,
      byTaxType: final.body.assessment?.totals.byTaxType ?? {},
    });
  }
}, 180_000);

afterAll(async () => {
  await rig?.stop();
});

describe('the statistics page', () => {
  it('shows charts and figures that match the declarations submitted: lanes, releases, revenue, the selecting profile', async () => {
    // Prepare: what the test itself counts from its declarations
    const lanesCounted = new Map<string, number>();
    const revenue = new Map<string, Decimal>();
    for (const declaration of settled) {
      lanesCounted.set(declaration.lane, (lanesCounted.get(declaration.lane) ?? 0) + 1);
      for (const [taxType, amount] of Object.entries(declaration.byTaxType)) {
        revenue.set(taxType, (revenue.get(taxType) ?? new Decimal(0)).plus(amount));
      }
    }
    expect(settled.every((declaration) => declaration.status === 'RELEASED')).toBe(true);
    expect(lanesCounted.get('RED')).toBe(1);
    expect(lanesCounted.get('GREEN') ?? 0).toBeGreaterThan(0);
    const { context, page, problems } = await openPage(browser);

    // Act
    await signIn(page, cloud.apiUrl, /Olivia Okafor/);
    await page.getByRole('link', { name: 'Statistics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Statistics' }).waitFor();
    const lanesTable = page.getByRole('table', { name: /Declarations per day by lane/ });
    await lanesTable.waitFor();
    await page.getByRole('table', { name: /Risk profiles by selections/ }).waitFor();

    // Assess: four charts drawn (SVG bars), and today's row is what the test counted
    const charts = page.locator('figure.chart');
    await expect.poll(() => charts.count()).toBe(4);
    for (const chart of await charts.all()) {
      await expect
        .poll(() => chart.locator('.recharts-bar-rectangle').count(), { message: (await chart.getAttribute('aria-label')) ?? '' })
        .toBeGreaterThan(0);
    }
    const headers = await lanesTable.locator('thead th').allTextContents();
    const todayRow = lanesTable.locator('tbody tr').last();
    const cells = await todayRow.locator('th, td').allTextContents();
    const laneCells = Object.fromEntries(headers.map((header, index) => [header, cells[index]]));
    expect(laneCells['Green (released)']).toBe(String(lanesCounted.get('GREEN') ?? 0));
    expect(laneCells['Red (physical inspection)']).toBe('1');
    expect(laneCells.Total).toBe(String(settled.length));

    const releaseTable = page.getByRole('table', { name: 'Release time per lane' });
    const releaseRows = Object.fromEntries(
      await Promise.all(
        (await releaseTable.locator('tbody tr').all()).map(async (row) => {
          const rowCells = await row.locator('th, td').allTextContents();
          return [rowCells[0], rowCells[1]] as const;
        }),
      ),
    );
    expect(releaseRows['Green (released)']).toBe(String(lanesCounted.get('GREEN') ?? 0));
    expect(releaseRows['Red (physical inspection)']).toBe('1');

    const revenueTable = page.getByRole('table', { name: /Revenue per day by tax type/ });
    const revenueHeaders = await revenueTable.locator('thead th').allTextContents();
    const revenueCells = await revenueTable.locator('tbody tr').last().locator('th, td').allTextContents();
    const total = [...revenue.values()].reduce((sum, amount) => sum.plus(amount), new Decimal(0));
    const gbp = (amount: Decimal) => `£${Number(amount.toFixed(2)).toLocaleString('en-GB', { minimumFractionDigits: 2 })}`;
    for (const [taxType, amount] of revenue) {
      const column = revenueHeaders.findIndex((header) => header.startsWith(taxType));
      expect(revenueCells[column], taxType).toBe(gbp(amount));
    }
    expect(revenueCells.at(-1)).toBe(gbp(total));

    const profiles = page.getByRole('table', { name: /Risk profiles by selections/ });
    const firstProfile = await profiles.locator('tbody tr').first().locator('th, td').allTextContents();
    expect(firstProfile[0]).toContain('RP-GB-FESI-AD');
    expect(firstProfile[1]).toBe('1');
    expect(await checkPage(page, 'statistics')).toEqual([]);

    // A reversed period is refused at the field, before any request
    await page.getByRole('textbox', { name: 'From' }).fill('2026-12-31');
    await page.getByRole('textbox', { name: 'To' }).fill('2026-01-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('must not be after to').waitFor();
    expect(await page.getByRole('textbox', { name: 'From' }).getAttribute('aria-invalid')).toBe('true');
    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);
});
