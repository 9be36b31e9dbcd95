/**
 * Browser tests of the console: headless Chromium (the Debian `chromium` package, or
 * CHROMIUM_PATH) driven by playwright-core, axe-core injected into each page, a screenshot of
 * each page saved into .vitest/screenshots/.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AxeResults, Result } from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { expect } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { ensureConsoleBuilt } from '#local/console-build.ts';
import { seedDemoData } from '#local/seed.ts';
import { apiClient } from '#tests/integration/support.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const screenshotDir = path.join(repositoryRoot, '.vitest', 'screenshots');

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The Chromium to drive: CHROMIUM_PATH, or a system install. */
export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      'The console browser tests need Chromium: `apt-get install -y chromium` (Debian; .ci/run does it), or set CHROMIUM_PATH to a Chrome or Chromium binary.',
    );
  }
  return found;
}

/**
 * An emptied folder for one test file's screenshots, `.vitest/screenshots/<suite>/`: console test
 * files run in parallel, so each owns its own folder.
 */
export function freshScreenshotDir(suite: string): string {
  const folder = path.join(screenshotDir, suite);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  currentFolder = folder;
  return folder;
}

let currentFolder = screenshotDir;

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** What a page must not have: axe-core violations of serious or critical impact. */
export async function seriousViolations(page: Page): Promise<Result[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  const results = await page.evaluate<AxeResults>('window.axe.run(document, { resultTypes: ["violations"] })');
  return results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

export function describeViolations(violations: Result[]): string {
  return violations
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help}\n${violation.nodes
          .slice(0, 5)
          .map((node) => `    ${node.target.join(' ')}: ${node.failureSummary ?? ''}`.replace(/\n/g, ' '))
          .join('\n')}`,
    )
    .join('\n');
}

/** Checks the page with axe-core and saves a full-page screenshot named after it. */
export async function checkPage(page: Page, name: string): Promise<string[]> {
  await page.screenshot({ path: path.join(currentFolder, `${name}.png`), fullPage: true });
  const violations = await seriousViolations(page);
  return violations.length > 0 ? [`${name}:\n${describeViolations(violations)}`] : [];
}

/**
 * What makes the page scroll sideways, if anything: the page's width, then the innermost elements
 * whose content spills out of them (wide tables scroll inside their own region instead).
 */
export async function sidewaysScrolling(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    const spilling = [...document.querySelectorAll('body *')].filter(
      (element) => element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).overflowX === 'visible',
    );
    const innermost = spilling.filter((element) => !spilling.some((other) => other !== element && element.contains(other)));
    return ['page ' + root.scrollWidth + ' px wide', ...innermost.slice(0, 10).map((element) => element.tagName.toLowerCase() + '.' + element.className + ': ' + (element.textContent ?? '').slice(0, 60))];
  })()`);
}

/** A browser tab that records console errors, failed requests and CSP violations. */
export async function openPage(
  browser: Browser,
  width = 1280,
  height = 800,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const problems: string[] = [];
  const context = await browser.newContext({ viewport: { width, height }, locale: 'en-GB', timezoneId: 'Europe/London' });
  // Generous: CI runs the browser beside the rest of the suite on two cores.
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  return { context, page, problems };
}

/** Signs in on the local sign-in page as the demo user whose name matches `who`. */
export async function signIn(page: Page, apiUrl: string, who: RegExp): Promise<void> {
  await page.goto(`${apiUrl}/`);
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByRole('radio', { name: who }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Signed in once the first page shows: navigating earlier would race the token being stored.
  await page
    .getByRole('heading', { level: 1 })
    .filter({ hasText: /Review queue|My declarations/ })
    .waitFor();
}

/** What a console test file runs against: a seeded local cloud and headless Chromium. */
export interface ConsoleRig {
  cloud: LocalCloud;
  browser: Browser;
  call: ReturnType<typeof apiClient>['call'];
  /** Closes the browser, stops the cloud and prints where the screenshots are. */
  stop(): Promise<void>;
}

/**
 * For one console test file: its emptied screenshot folder (`.vitest/screenshots/<suite>/`), the
 * console built, a local cloud seeded with the demo data and without random selection (lanes
 * come from the criteria alone), and Chromium.
 */
export async function startConsoleRig(suite: string): Promise<ConsoleRig> {
  const screenshots = freshScreenshotDir(suite);
  const executablePath = chromiumPath();
  await ensureConsoleBuilt();
  const cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData();
  const { call } = apiClient(cloud.apiUrl);
  const settings = await call('PUT', '/v1/admin/reference-documents/risk-settings', {
    token: cloud.mintToken({ role: 'admin' }),
    body: noRandomSelection,
  });
  expect(settings.status).toBe(200);
  const browser = await chromium.launch({ executablePath, headless: true });
  return {
    cloud,
    browser,
    call,
    stop: async () => {
      await browser.close();
      await cloud.stop();
      // Where to look: printed with the test output.
      console.log(`console screenshots: ${screenshots}`);
    },
  };
}
