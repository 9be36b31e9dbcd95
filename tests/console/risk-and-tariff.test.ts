/**
 * The officers' risk profile and tariff pages in headless Chromium against the local cloud: the
 * profiles with their effectiveness (checked against the API), an edit refused at the field by
 * the profile schema, a dry run whose count matches the dry-run route's, a save as the next
 * version and a save refused because a colleague saved first; a commodity's measures and a duty
 * estimate whose total matches the estimate route's. Every page is checked with axe-core and
 * saved as a screenshot; the pages work by keyboard and at 390 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { listRiskProfilesOperation } from '#shared/http/operations/risk-profiles.ts';
import { apiClient, declarationFor, eventually } from '#tests/integration/support.ts';
import { ferroSiliconCif } from '#tests/support/scenarios.ts';
import { type ConsoleRig, checkPage, openPage, sidewaysScrolling, signIn, startConsoleRig } from './support.ts';

/** Acme Imports Ltd, the demo trader. */
const ACME = 'GB123456789000';
/** The demo anti-dumping profile: ferro-silicon from China or Russia to the RED lane. */
const FESI = 'RP-GB-FESI-AD';
const OFFICER = /Olivia Okafor/;

let cloud: LocalCloud;
let rig: ConsoleRig;
let browser: Browser;
let api: ReturnType<typeof apiClient>['call'];
let officer: string;

/** Money as the console writes it (en-GB), from the API's decimal string. */
const money = (amount: string, currency: string) =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(amount as Intl.StringNumericLiteral);

beforeAll(async () => {
  rig = await startConsoleRig('risk-and-tariff');
  ({ cloud, browser } = rig);
  api = apiClient(cloud.apiUrl).call;
  officer = cloud.mintToken({ role: 'officer' });
  // Two ferro-silicon declarations the anti-dumping profile selects; one inspected, with a discrepancy.
  const trader = cloud.mintToken({ role: 'trader', party: ACME });
  const selected: { id: string; version: number }[] = [];
  for (let index = 0; index < 2; index++) {
    const receipt = await api<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declarationFor(ACME, ferroSiliconCif) });
    expect(receipt.status).toBe(202);
    selected.push(
      await eventually(async () => {
        const view = await api<{ status: string; version: number }>('GET', `/v1/declarations/${receipt.body.id}`, { token: officer });
        return view.body.status === 'UNDER_REVIEW' ? { id: receipt.body.id, version: view.body.version } : undefined;
      }),
    );
  }
  const inspected = selected[0]!;
  const claimed = await api<{ version: number }>('POST', `/v1/review/declarations/${inspected.id}/claim`, { token: officer });
  expect(claimed.status).toBe(200);
  const inspection = await api('POST', `/v1/review/declarations/${inspected.id}/inspections`, {
    token: officer,
    headers: { 'if-match': `"${claimed.body.version}"` },
    body: { result: 'DISCREPANCY', findings: 'Silicon content below what was declared' },
  });
  expect(inspection.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await rig?.stop();
});

/** The profile list as the API answers it. */
async function listedProfiles() {
  const listed = await api<unknown>('GET', '/v1/admin/risk-profiles', { token: officer });
  return listRiskProfilesOperation.responses[200].schema.parse(listed.body);
}

const criteriaBox = (page: Page) => page.getByRole('form', { name: 'Edit the risk profile' }).getByLabel('Criteria (JSON)');

describe('risk profiles and the tariff in the console', () => {
  it('an officer sees the profiles with their effectiveness, dry-runs an edit, saves it as the next version, and is told when a colleague saved first', async () => {
    // Prepare
    const { context, page, problems } = await openPage(browser);
    const before = await listedProfiles();
    const fesi = before.items.find((profile) => profile.id === FESI)!;
    await signIn(page, cloud.apiUrl, OFFICER);

    // Act: the list, from the header navigation
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Risk profiles' }).click();
    await page.getByRole('heading', { level: 1, name: 'Risk profiles' }).waitFor();
    const table = page.getByRole('table', { name: /Risk profiles \(current versions\)/ });
    await table.waitFor();

    // Assess: every profile, with the API's version and counts; hit rate = hits / inspections
    expect(await table.locator('tbody tr').count()).toBe(before.items.length);
    for (const profile of before.items) {
      const counts = before.effectiveness[profile.id]!;
      const cells = await table
        .getByRole('row', { name: new RegExp(profile.id) })
        .getByRole('cell')
        .allTextContents();
      expect(cells[2]).toBe(`v${profile.version}`);
      expect(cells.slice(5, 8)).toEqual([String(counts.selections), String(counts.inspections), String(counts.hits)]);
      if (counts.inspections === 0) expect(cells[8]).toBe('—');
    }
    expect(before.effectiveness[FESI]).toEqual({ selections: 2, inspections: 1, hits: 1 });
    const fesiCells = await table
      .getByRole('row', { name: new RegExp(FESI) })
      .getByRole('cell')
      .allTextContents();
    expect(fesiCells[1]).toBe('Enabled');
    expect(fesiCells[4]).toBe('commodity 720221, 720229 and origin CN, RU');
    expect(fesiCells[8]).toBe('100%');
    expect(await checkPage(page, '01-risk-profiles')).toEqual([]);

    // Act: the profile page
    await table.getByRole('link', { name: fesi.name }).click();
    await page.getByRole('heading', { level: 1, name: `Risk profile: ${fesi.name}` }).waitFor();
    await page.getByRole('table', { name: 'Versions, newest first' }).waitFor();
    expect(await page.getByTestId('current-version').textContent()).toBe(`v${fesi.version}`);
    expect(await checkPage(page, '02-risk-profile')).toEqual([]);

    // Act: an invalid country in the criteria, and a validity that ends before it starts
    await criteriaBox(page).fill(JSON.stringify({ kind: 'origin', countries: ['china'] }));
    await page.getByLabel('Valid to (optional)').fill('2025-12-31');
    await page.getByRole('button', { name: 'Save as a new version' }).click();

    // Assess: the schema's messages at their fields, criteria ones with their pointer; nothing sent
    await page.getByText('/countries/0: must be an ISO 3166-1 alpha-2 country code such as "CN"').waitFor();
    expect(await criteriaBox(page).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Valid to (optional)').getAttribute('aria-invalid')).toBe('true');
    await page.getByText('must be after validFrom').waitFor();
    expect(await checkPage(page, '03-profile-errors')).toEqual([]);

    // Act: a valid draft (ferro-silicon from China only), dry-run first
    const draftCriteria = {
      kind: 'and',
      of: [
        { kind: 'commodityCode', prefixes: ['720221'] },
        { kind: 'origin', countries: ['CN'] },
      ],
    };
    await criteriaBox(page).fill(JSON.stringify(draftCriteria, null, 2));
    await page.getByLabel('Valid to (optional)').fill('');
    const dryRunRequest = page.waitForRequest((request) => request.url().includes('/v1/admin/risk-profiles/dry-run'));
    await page.getByRole('button', { name: 'Dry run' }).click();
    const posted = (await dryRunRequest).postDataJSON() as Record<string, unknown>;
    await page.getByRole('heading', { name: 'Dry run: not saved' }).waitFor();
    const direct = await api<{ matched: number; evaluated: number }>('POST', '/v1/admin/risk-profiles/dry-run?days=7', {
      token: officer,
      body: posted,
    });

    // Assess: the draft as the form sends it, and the API's own count on the page; nothing saved yet
    expect(posted).toMatchObject({ name: fesi.name, criteria: draftCriteria, outcome: { lane: 'RED' }, enabled: true });
    expect(direct.body.matched).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('dry-run-matched').textContent()).toBe(String(direct.body.matched));
    expect(await page.locator('.dry-run-count').textContent()).toContain(`of ${direct.body.evaluated} declarations`);
    expect((await listedProfiles()).items.find((profile) => profile.id === FESI)?.version).toBe(fesi.version);
    expect(await checkPage(page, '04-dry-run')).toEqual([]);

    // Act: save
    await page.getByRole('button', { name: 'Save as a new version' }).click();

    // Assess: version + 1, in the API and on the page
    await page.getByText(`Saved as version ${fesi.version + 1}: declarations scored from now on use it`).waitFor();
    await expect.poll(() => page.getByTestId('current-version').textContent()).toBe(`v${fesi.version + 1}`);
    const saved = (await listedProfiles()).items.find((profile) => profile.id === FESI)!;
    expect(saved.version).toBe(fesi.version + 1);
    expect(saved.criteria).toEqual(draftCriteria);
    await page
      .getByRole('table', { name: 'Versions, newest first' })
      .getByRole('row', { name: new RegExp(`v${fesi.version + 1}`) })
      .waitFor();
    expect(await checkPage(page, '05-profile-saved')).toEqual([]);

    // Act: a colleague saves the next version meanwhile; this officer saves the page's version
    const { id: _id, version: _version, createdAt: _at, createdBy: _by, ...input } = saved;
    const colleague = await api('PUT', `/v1/admin/risk-profiles/${FESI}`, {
      token: cloud.mintToken({ role: 'officer' }),
      headers: { 'if-match': `"${saved.version}"` },
      body: { ...input, owner: 'Colleague' },
    });
    expect(colleague.status).toBe(200);
    await page.getByLabel('Name').fill(`${fesi.name} (checked)`);
    await page.getByRole('button', { name: 'Save as a new version' }).click();

    // Assess: refused, and told what to do; loading the latest puts the colleague's version in the form
    const refusal = page.getByRole('alert').filter({ hasText: 'The profile was not saved' });
    await refusal.getByText(/Someone else saved a new version of this profile while you were editing/).waitFor();
    expect(await refusal.textContent()).toContain('412');
    expect(await checkPage(page, '06-profile-edited-meanwhile')).toEqual([]);
    await page.getByRole('button', { name: 'Load the latest version (your changes are discarded)' }).click();
    await page.getByRole('heading', { name: `Edit (saved as version ${saved.version + 2})` }).waitFor();
    expect(await page.getByLabel('Owner (optional)').inputValue()).toBe('Colleague');

    await context.close();
    expect(problems).toEqual([
      `412 PUT /v1/admin/risk-profiles/${FESI}`,
      'error: Failed to load resource: the server responded with a status of 412 (Precondition Failed)',
    ]);
  }, 120_000);

  it('an officer creates a profile with the same form, then disables it after confirming', async () => {
    // Prepare
    const { context, page, problems } = await openPage(browser);
    await signIn(page, cloud.apiUrl, OFFICER);
    await page.goto(`${cloud.apiUrl}/risk-profiles`);
    await page.getByRole('link', { name: 'New profile' }).click();
    await page.getByRole('heading', { level: 1, name: 'New risk profile' }).waitFor();
    const form = page.getByRole('form', { name: 'New risk profile' });

    // Act: a score profile for shaver parts from Vietnam
    await form.getByLabel('Name').fill('Shaver parts from Vietnam');
    await form.getByLabel('Reason').fill('Origin checks on shaver parts declared as Vietnamese.');
    await form.getByRole('radio', { name: 'Add to the score' }).check();
    await form.getByLabel('Score points').fill('25');
    await form.getByLabel('Criteria (JSON)').fill(
      JSON.stringify({
        kind: 'and',
        of: [
          { kind: 'commodityCode', prefixes: ['8510'] },
          { kind: 'origin', countries: ['VN'] },
        ],
      }),
    );
    await form.getByRole('button', { name: 'Dry run' }).click();
    await form.getByRole('heading', { name: 'Dry run: not saved' }).waitFor();
    expect(await checkPage(page, '07-new-risk-profile')).toEqual([]);
    // A changed draft takes the dry run of the previous one away
    await form.getByLabel('Score points').fill('30');
    await form.getByRole('heading', { name: 'Dry run: not saved' }).waitFor({ state: 'detached' });
    await form.getByRole('button', { name: 'Create profile' }).click();

    // Assess: its own page, version 1, as the API has it
    await page.getByRole('heading', { level: 1, name: 'Risk profile: Shaver parts from Vietnam' }).waitFor();
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
    expect(await page.getByTestId('current-version').textContent()).toBe('v1');
    const created = await api<{ items: { version: number; enabled: boolean; outcome: unknown }[] }>(
      'GET',
      `/v1/admin/risk-profiles/${id}`,
      { token: officer },
    );
    expect(created.body.items.map((version) => [version.version, version.enabled, version.outcome])).toEqual([[1, true, { score: 30 }]]);

    // Act: disable, after confirming
    await page.getByRole('button', { name: 'Disable this profile' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable Shaver parts from Vietnam?' });
    await dialog.waitFor();
    expect(await checkPage(page, '08-disable-confirmation')).toEqual([]);
    await dialog.getByRole('button', { name: 'Disable' }).click();

    // Assess: version 2, disabled, on the page and in the API
    await page.getByText('Disabled: version 2 no longer selects declarations.').waitFor();
    await expect.poll(() => page.getByTestId('current-version').textContent()).toBe('v2');
    await page.getByRole('region', { name: 'Current version' }).getByText('Disabled', { exact: true }).waitFor();
    const disabled = await api<{ items: { version: number; enabled: boolean }[] }>('GET', `/v1/admin/risk-profiles/${id}`, {
      token: officer,
    });
    expect(disabled.body.items.map((version) => [version.version, version.enabled])).toEqual([
      [1, true],
      [2, false],
    ]);

    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('an officer looks up ferro-silicon from China and estimates its duty: the total is the estimate route’s', async () => {
    // Prepare
    const { context, page, problems } = await openPage(browser);
    await signIn(page, cloud.apiUrl, OFFICER);
    const found = await api<{ measures: unknown[] }>('GET', '/v1/tariff/commodities/7202210000?origin=CN', { token: officer });

    // Act: the measures
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tariff' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tariff' }).waitFor();
    const lookup = page.getByRole('form', { name: 'Look up a commodity' });
    await lookup.getByLabel('Commodity code').fill('7202210000');
    await lookup.getByLabel('Origin (optional)').fill('CN');
    await lookup.getByRole('button', { name: 'Look up' }).click();

    // Assess
    const measures = page.getByRole('table', { name: /^Measures for 7202210000 from CN/ });
    await measures.waitFor();
    expect(await measures.locator('tbody tr').count()).toBe(found.body.measures.length);
    expect(await measures.textContent()).toContain('Value added tax');

    // Act: an estimate with nothing filled in
    const estimate = page.getByRole('form', { name: 'Duty estimate' });
    await estimate.getByRole('button', { name: 'Estimate the duty' }).click();

    // Assess: the declaration schema's messages at the fields; nothing sent
    await estimate.getByText('must be a commodity code of 6, 8 or 10 digits such as "8510900000"').waitFor();
    expect(await estimate.getByLabel('Commodity code').getAttribute('aria-invalid')).toBe('true');
    expect(await checkPage(page, '09-tariff-errors')).toEqual([]);

    // Act: wrist-watches, whose duty is per item, without the number of items
    await estimate.getByLabel('Commodity code').fill('9101110000');
    await estimate.getByLabel('Country of origin').fill('CN');
    await estimate.getByLabel('Invoice amount (GBP)').fill('5000.00');
    await estimate.getByLabel('Net mass (kg)').fill('10');
    await estimate.getByRole('button', { name: 'Estimate the duty' }).click();

    // Assess: the API's problem (a JSON pointer to the item's quantities) shown at the quantity field
    const quantity = estimate.getByLabel('Supplementary quantity (optional)');
    await estimate
      .locator('.field-invalid')
      .getByText(/needs a quantity in .*unit NAR/)
      .waitFor();
    expect(await quantity.getAttribute('aria-invalid')).toBe('true');
    expect(await checkPage(page, '10-estimate-needs-quantity')).toEqual([]);

    // Act: ferro-silicon from China
    await estimate.getByLabel('Commodity code').fill('7202210000');
    await estimate.getByLabel('Net mass (kg)').fill('1000');
    const estimateRequest = page.waitForRequest((request) => request.url().endsWith('/v1/duty-estimates'));
    await estimate.getByRole('button', { name: 'Estimate the duty' }).click();
    const posted = (await estimateRequest).postDataJSON() as unknown;
    const direct = await api<{ currency: string; totals: { total: string; byTaxType: Record<string, string> } }>(
      'POST',
      '/v1/duty-estimates',
      {
        token: officer,
        body: posted,
      },
    );

    // Assess: the route's total and lines, with their calculation
    expect(direct.status).toBe(200);
    const result = estimate.getByRole('region', { name: 'Estimated duty and taxes' });
    await result.waitFor();
    expect(await result.textContent()).toContain(money(direct.body.totals.total, direct.body.currency));
    expect(direct.body.totals.byTaxType.B00).toBe('1000.00');
    const lines = result.getByRole('table', { name: /^Item 1: 7202210/ });
    expect(await lines.getByRole('row', { name: /B00/ }).textContent()).toContain('20.00% * £5,000.00');
    expect(await quantity.getAttribute('aria-invalid')).toBeNull();
    expect(await checkPage(page, '11-tariff-estimate')).toEqual([]);

    await context.close();
    expect(problems).toEqual([
      '422 POST /v1/duty-estimates',
      'error: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
    ]);
  }, 60_000);

  it('an officer estimates the Alcohol Duty on wine from its alcohol facts: the lines are the estimate route’s', async () => {
    // Prepare
    const { context, page, problems } = await openPage(browser);
    await signIn(page, cloud.apiUrl, OFFICER);
    await page.goto(`${cloud.apiUrl}/tariff`);
    const estimate = page.getByRole('form', { name: 'Duty estimate' });
    await estimate.getByLabel('Commodity code').fill('2204219811');
    await estimate.getByLabel('Country of origin').fill('CL');
    await estimate.getByLabel('Invoice amount (GBP)').fill('4000.00');
    await estimate.getByLabel('Net mass (kg)').fill('1000');
    await estimate.getByLabel('Alcohol duty tax type').fill('X333');
    await estimate.getByLabel('Strength (% vol)').fill('13');
    await estimate.getByLabel('Litres', { exact: true }).fill('1000');

    // Act
    const estimateRequest = page.waitForRequest((request) => request.url().endsWith('/v1/duty-estimates'));
    await estimate.getByRole('button', { name: 'Estimate the duty' }).click();
    const posted = (await estimateRequest).postDataJSON() as { items: { additionalCodes: string[]; quantities: unknown[] }[] };
    const direct = await api<{ totals: { byTaxType: Record<string, string> } }>('POST', '/v1/duty-estimates', {
      token: officer,
      body: posted,
    });

    // Assess: 130 LPA x 30.62 = 3,980.60 in the page and from the route
    expect(posted.items[0]).toMatchObject({
      additionalCodes: ['X333'],
      quantities: [
        { value: '13', unit: 'ASV' },
        { value: '1000', unit: 'LTR' },
      ],
    });
    expect(direct.body.totals.byTaxType['333']).toBe('3980.60');
    const result = estimate.getByRole('region', { name: 'Estimated duty and taxes' });
    await result.waitFor();
    expect(
      await result
        .getByRole('table', { name: /^Item 1: 2204219811/ })
        .getByRole('row', { name: /333/ })
        .textContent(),
    ).toContain('130 LPA');

    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);

  it('works by keyboard at 390 px, and a trader has the duty estimate page', async () => {
    // Prepare
    const { context, page, problems } = await openPage(browser, 390, 844);
    await signIn(page, cloud.apiUrl, OFFICER);

    // Act: the tariff page, the look-up by keyboard alone
    await page.goto(`${cloud.apiUrl}/tariff`);
    await page.getByRole('heading', { level: 1, name: 'Tariff' }).waitFor();
    const code = page.getByRole('form', { name: 'Look up a commodity' }).getByLabel('Commodity code');
    const codeId = await code.getAttribute('id');
    let reached = false;
    for (let presses = 0; presses < 15 && !reached; presses++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate<string>('document.activeElement.id')) === codeId;
    }
    expect(reached).toBe(true);
    await page.keyboard.type('7202210000');
    await page.keyboard.press('Tab');
    await page.keyboard.type('CN');
    await page.keyboard.press('Enter');

    // Assess
    await page.getByRole('table', { name: /^Measures for 7202210000 from CN/ }).waitFor();
    expect(await checkPage(page, '12-tariff-390px')).toEqual([]);
    expect(await sidewaysScrolling(page)).toEqual([]);

    // Act: the risk profiles at 390 px
    await page.goto(`${cloud.apiUrl}/risk-profiles`);
    await page.getByRole('table', { name: /Risk profiles \(current versions\)/ }).waitFor();
    expect(await checkPage(page, '13-risk-profiles-390px')).toEqual([]);
    expect(await sidewaysScrolling(page)).toEqual([]);
    await page.goto(`${cloud.apiUrl}/risk-profiles/new`);
    await page.getByRole('heading', { level: 1, name: 'New risk profile' }).waitFor();
    expect(await checkPage(page, '14-new-risk-profile-390px')).toEqual([]);
    expect(await sidewaysScrolling(page)).toEqual([]);

    // Act: a trader's duty estimate page
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, cloud.apiUrl, /Acme Imports Ltd/);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Duty estimate' }).click();
    await page.getByRole('heading', { level: 1, name: 'Duty estimate' }).waitFor();
    expect(await checkPage(page, '15-trader-estimate-390px')).toEqual([]);
    expect(await sidewaysScrolling(page)).toEqual([]);

    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
