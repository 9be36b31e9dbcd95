/**
 * The deployed console's sign-in in headless Chromium: the built console, served as CloudFront
 * serves it (its files, the deployed Content-Security-Policy with connect-src extended to the
 * sign-in origin, and a `config.json` naming the authorization server), signs in against a small
 * OAuth authorization server that plays the Cognito managed login: authorization code with PKCE,
 * the S256 challenge checked against the verifier at the token endpoint, a wrong verifier refused,
 * and its /logout on sign-out.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { consoleDistDir, ensureConsoleBuilt } from '#local/console-build.ts';
import { consoleFile } from '#local/console-files.ts';
import { consoleCsp } from '#shared/http/console-headers.ts';
import { checkPage, chromiumPath, freshScreenshotDir } from './support.ts';

const CLIENT_ID = 'console-client-id';
const ACME = 'GB123456789000';
const PENDING_KEY = 'customs-console.pending-sign-in';

interface Grant {
  challenge: string;
  redirectUri: string;
}

/** What the authorization server saw. */
interface Exchanges {
  accepted: number;
  refused: string[];
}

let browser: Browser;
let authServer: Server;
let consoleServer: Server;
let authority: string;
let consoleOrigin: string;
const grants = new Map<string, Grant>();
const exchanges: Exchanges = { accepted: 0, refused: [] };
/** The sign-outs the authorization server was asked for, as `client_id logout_uri`. */
const signOuts: string[] = [];
/** The bearer tokens the console sent to the API. */
const apiAuthorizations: string[] = [];
let issuedIdToken = '';

const base64Url = (input: Buffer | string): string => Buffer.from(input).toString('base64url');

/** A Cognito-shaped ID token (the console reads its claims; the API, not the console, checks signatures). */
function idToken(): string {
  const claims = {
    sub: 'b5f0c1de-0000-4000-8000-00000000acme',
    'cognito:groups': ['trader'],
    'custom:party_id': ACME,
    given_name: 'Ada',
    family_name: 'Acme',
    email: 'ada@acme.example',
    aud: CLIENT_ID,
    token_use: 'id',
    exp: Math.floor(Date.now() / 1000) + 3600,
  };
  return `${base64Url(JSON.stringify({ alg: 'RS256', kid: 'test' }))}.${base64Url(JSON.stringify(claims))}.${base64Url('not-checked')}`;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(json));
}

/** The managed login, reduced to what the console relies on: /oauth2/authorize (signed in at once) and /oauth2/token. */
async function authorizationServer(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', authority);
  if (request.method === 'GET' && url.pathname === '/oauth2/authorize') {
    const query = url.searchParams;
    const expected = {
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `${consoleOrigin}/auth/callback`,
      code_challenge_method: 'S256',
    };
    const wrong = Object.entries(expected).find(([name, value]) => query.get(name) !== value);
    const challenge = query.get('code_challenge') ?? '';
    if (wrong || !/^[A-Za-z0-9_-]{43}$/.test(challenge) || !query.get('state') || query.get('scope') !== 'openid email profile') {
      send(response, 400, {
        error: 'invalid_request',
        error_description: wrong ? `${wrong[0]} is not ${wrong[1]}` : 'bad challenge, state or scope',
      });
      return;
    }
    const code = randomBytes(16).toString('hex');
    grants.set(code, { challenge, redirectUri: expected.redirect_uri });
    const back = new URL(expected.redirect_uri);
    back.search = new URLSearchParams({ code, state: query.get('state')! }).toString();
    response.writeHead(302, { location: back.toString() });
    response.end();
    return;
  }
  if (request.method === 'POST' && url.pathname === '/oauth2/token') {
    // Cognito's token endpoint answers browsers of any origin (CORS); no preflight for a form post.
    const cors = { 'access-control-allow-origin': consoleOrigin };
    const form = new URLSearchParams(await body(request));
    const grant = grants.get(form.get('code') ?? '');
    grants.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    const refuse = (reason: string): void => {
      exchanges.refused.push(reason);
      send(response, 400, { error: 'invalid_grant', error_description: reason }, cors);
    };
    if (request.headers['content-type'] !== 'application/x-www-form-urlencoded') return refuse('not form-encoded');
    if (form.get('grant_type') !== 'authorization_code' || form.get('client_id') !== CLIENT_ID) return refuse('wrong grant or client');
    if (form.has('client_secret') || request.headers.authorization) return refuse('a public client sends no secret');
    if (!grant) return refuse('unknown or used code');
    if (form.get('redirect_uri') !== grant.redirectUri) return refuse('redirect_uri differs');
    if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) return refuse('code_verifier does not match');
    exchanges.accepted++;
    issuedIdToken = idToken();
    send(
      response,
      200,
      { id_token: issuedIdToken, access_token: 'access', refresh_token: 'refresh', token_type: 'Bearer', expires_in: 3600 },
      cors,
    );
    return;
  }
  if (request.method === 'GET' && url.pathname === '/logout') {
    const logoutUri = url.searchParams.get('logout_uri') ?? '';
    signOuts.push(`${url.searchParams.get('client_id')} ${logoutUri}`);
    if (logoutUri !== `${consoleOrigin}/sign-in`) return send(response, 400, { error: 'invalid_request' });
    response.writeHead(302, { location: logoutUri });
    response.end();
    return;
  }
  send(response, 404, { error: 'not_found' });
}

/** The console as CloudFront serves it: the built files, the deployed policy, the deployed config.json and the API. */
async function consoleSite(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', consoleOrigin);
  if (url.pathname === '/config.json') {
    const config = {
      signIn: 'cognito',
      authority,
      clientId: CLIENT_ID,
      redirectUri: `${consoleOrigin}/auth/callback`,
      logoutUri: `${consoleOrigin}/sign-in`,
    };
    send(response, 200, config, { 'content-security-policy': consoleCsp([authority]) });
    return;
  }
  if (url.pathname === '/v1/declarations') {
    apiAuthorizations.push(request.headers.authorization ?? '');
    send(response, 200, { items: [], nextCursor: null });
    return;
  }
  const file = await consoleFile(consoleDistDir, url.pathname, request.headers.accept);
  if (!file) {
    send(response, 404, { message: 'Not Found' });
    return;
  }
  response.writeHead(file.status, { ...file.headers, 'content-security-policy': consoleCsp([authority]) });
  response.end(file.body);
}

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Promise<[Server, string]> {
  const server = createServer((request, response) => {
    handler(request, response).catch((error: unknown) => send(response, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  freshScreenshotDir('managed-login');
  const executablePath = chromiumPath();
  await ensureConsoleBuilt();
  [authServer, authority] = await listen(authorizationServer);
  [consoleServer, consoleOrigin] = await listen(consoleSite);
  browser = await chromium.launch({ executablePath, headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => authServer?.close(resolve));
  await new Promise((resolve) => consoleServer?.close(resolve));
});

beforeEach(() => {
  exchanges.accepted = 0;
  exchanges.refused = [];
  apiAuthorizations.length = 0;
  signOuts.length = 0;
});

/** A browser tab that records console errors, failed requests (but the expected ones) and CSP violations. */
async function openPage(expectedFailures: RegExp[] = []): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const problems: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const expected = (text: string): boolean => expectedFailures.some((pattern) => pattern.test(text));
  page.on('console', (message) => {
    const text = `${message.type()}: ${message.text()}`;
    if ((message.type() === 'error' || message.type() === 'warning') && !expected(text)) problems.push(text);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    const text = `${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`;
    if (response.status() >= 400 && !expected(text)) problems.push(text);
  });
  return { context, page, problems };
}

describe('the deployed console signs in with the managed login (authorization code with PKCE)', () => {
  it('sends a trader to the sign-in page, redeems the code with the verifier, and opens the page they asked for with the ID token', async () => {
    // Prepare
    const { context, page, problems } = await openPage();
    await page.goto(`${consoleOrigin}/declarations`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    const signInChecks = await checkPage(page, '01-sign-in');

    // Act
    await page.getByRole('button', { name: 'Continue to sign-in' }).click();
    await page.getByRole('heading', { level: 1, name: 'My declarations' }).waitFor();

    // Assess
    expect(signInChecks).toEqual([]);
    expect(exchanges).toEqual({ accepted: 1, refused: [] });
    expect(new URL(page.url()).pathname).toBe('/declarations');
    expect(await page.getByRole('banner').textContent()).toContain('Ada Acme');
    expect(apiAuthorizations.at(-1)).toBe(`Bearer ${issuedIdToken}`);
    expect(await page.evaluate(`sessionStorage.getItem(${JSON.stringify(PENDING_KEY)})`)).toBeNull();
    expect(await checkPage(page, '02-signed-in')).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("signs out of the managed login too, and comes back to the console's sign-in page", async () => {
    // Prepare
    const { context, page, problems } = await openPage();
    await page.goto(`${consoleOrigin}/sign-in`);
    await page.getByRole('button', { name: 'Continue to sign-in' }).click();
    await page.getByRole('heading', { level: 1, name: 'My declarations' }).waitFor();

    // Act
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${consoleOrigin}/sign-in`);
    await page.getByRole('button', { name: 'Continue to sign-in' }).waitFor();

    // Assess
    expect(signOuts).toEqual([`${CLIENT_ID} ${consoleOrigin}/sign-in`]);
    expect(await page.evaluate(`sessionStorage.getItem('customs-console.session')`)).toBeNull();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('is refused by the authorization server when the code verifier does not match the challenge, and says so', async () => {
    // Prepare: the verifier kept in this tab is swapped before the callback page redeems the code.
    const { context, page, problems } = await openPage([/^400 POST \/oauth2\/token$/, /status of 400/]);
    await context.addInitScript(`(() => {
      if (location.pathname !== '/auth/callback') return;
      const pending = JSON.parse(sessionStorage.getItem(${JSON.stringify(PENDING_KEY)}) || '{}');
      pending.verifier = 'x'.repeat(43);
      sessionStorage.setItem(${JSON.stringify(PENDING_KEY)}, JSON.stringify(pending));
    })()`);
    await page.goto(`${consoleOrigin}/sign-in`);

    // Act
    await page.getByRole('button', { name: 'Continue to sign-in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign-in failed' }).waitFor();

    // Assess
    expect(exchanges).toEqual({ accepted: 0, refused: ['code_verifier does not match'] });
    expect(await page.getByRole('alert').textContent()).toContain('code_verifier does not match');
    expect(await page.evaluate(`sessionStorage.getItem('customs-console.session')`)).toBeNull();
    expect(apiAuthorizations).toEqual([]);
    expect(await checkPage(page, '03-wrong-verifier')).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('refuses a callback whose state this tab did not issue, without redeeming its code', async () => {
    // Prepare
    const { context, page, problems } = await openPage();

    // Act
    await page.goto(`${consoleOrigin}/auth/callback?code=stolen&state=forged`);
    await page.getByRole('heading', { level: 1, name: 'Sign-in failed' }).waitFor();

    // Assess
    expect(await page.getByRole('alert').textContent()).toContain('was not started here');
    expect(exchanges).toEqual({ accepted: 0, refused: [] });
    expect(await page.getByRole('link', { name: 'Sign in again' }).getAttribute('href')).toBe('/sign-in');
    expect(await checkPage(page, '04-forged-state')).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
