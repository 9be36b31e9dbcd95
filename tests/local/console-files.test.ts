/**
 * The local gateway serves the built console beside the API: files with their content types, the
 * app for its own routes (browser navigations only), a strict Content-Security-Policy, nothing
 * outside the folder, and API paths never answered with the app. A fixture folder stands in for
 * console/dist; the demo user list backs the console's local sign-in.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { consoleBuildState } from '#local/console-build.ts';
import { consoleCsp } from '#local/console-files.ts';
import { demoUsers } from '#local/demo-users.ts';
import { bearer, gatewayFunctions, request } from './support.ts';

let cloud: LocalCloud;
let consoleDir: string;
const indexHtml =
  '<!doctype html><html lang="en"><head><title>console</title><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="root"></div></body></html>\n';
const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

beforeAll(async () => {
  consoleDir = mkdtempSync(path.join(tmpdir(), 'console-dist-'));
  mkdirSync(path.join(consoleDir, 'assets'));
  writeFileSync(path.join(consoleDir, 'index.html'), indexHtml);
  writeFileSync(path.join(consoleDir, 'assets', 'app-1a2b3c.js'), 'console.log("app");\n');
  writeFileSync(path.join(consoleDir, 'assets', 'app-1a2b3c.css'), 'body { margin: 0 }\n');
  writeFileSync(path.join(consoleDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(consoleDir, '.build-stamp'), 'built\n');
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, functions: gatewayFunctions, consoleDir, logLevel: 'silent' });
});

/** The archive bucket's origin: the one place beyond its own the console sends requests to (document uploads). */
const archiveOrigin = () => `http://${cloud.bucketNames.archive}.s3.localhost:${new URL(cloud.endpoints.s3).port}`;
/** The policy the gateway sends: strict, with the archive's origin in connect-src. */
const policyOf = () => consoleCsp([archiveOrigin()]);

afterAll(async () => {
  await cloud?.stop();
  rmSync(consoleDir, { recursive: true, force: true });
});

describe('the console beside the API', () => {
  it('serves index.html at / and each file with its content type, under a strict Content-Security-Policy', async () => {
    // Act
    const root = await request(`${cloud.apiUrl}/`);
    const script = await request(`${cloud.apiUrl}/assets/app-1a2b3c.js`);
    const style = await request(`${cloud.apiUrl}/assets/app-1a2b3c.css`);
    const icon = await request(`${cloud.apiUrl}/favicon.svg`);
    const head = await fetch(`${cloud.apiUrl}/`, { method: 'HEAD' });

    // Assess
    expect(root.status).toBe(200);
    expect(root.text).toBe(indexHtml);
    expect(root.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(root.headers.get('cache-control')).toBe('no-cache');
    expect([script.headers.get('content-type'), style.headers.get('content-type'), icon.headers.get('content-type')]).toEqual([
      'text/javascript; charset=utf-8',
      'text/css; charset=utf-8',
      'image/svg+xml',
    ]);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const CONSOLE_CSP = policyOf();
    for (const reply of [root, script, style, icon]) {
      expect(reply.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('x-frame-options')).toBe('DENY');
    }
    const policy = Object.fromEntries(CONSOLE_CSP.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]));
    expect(policy['default-src']).toEqual(["'self'"]);
    expect(policy['script-src']).toEqual(["'self'"]);
    expect(policy['connect-src']).toEqual(["'self'", archiveOrigin()]);
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers browser navigations to the app routes with index.html, and anything else with the JSON 404', async () => {
    // Act
    const navigation = await request(`${cloud.apiUrl}/review/declarations/01HZX3Y4Z5A6B7C8D9E0F1G2H3?tab=risk`, { headers: html });
    const scripted = await request(`${cloud.apiUrl}/review/declarations/01HZX3Y4Z5A6B7C8D9E0F1G2H3`);
    const missingAsset = await request(`${cloud.apiUrl}/assets/gone-000000.js`, { headers: html });
    const apiPaths = await Promise.all(
      ['/v1/nothing-here', '/local/nothing-here', '/local-issuer/x', '/openapi.json'].map((route) =>
        request(`${cloud.apiUrl}${route}`, { headers: html }),
      ),
    );
    const post = await request(`${cloud.apiUrl}/review`, { method: 'POST', headers: html });

    // Assess
    expect(navigation.status).toBe(200);
    expect(navigation.text).toBe(indexHtml);
    expect(navigation.headers.get('content-security-policy')).toBe(policyOf());
    for (const reply of [scripted, missingAsset, ...apiPaths, post]) {
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual({ message: 'Not Found' });
    }
  });

  it('serves nothing outside the folder and no dot files, however the path is written', async () => {
    // Prepare
    const attempts = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/assets/..%5c..%5cpackage.json',
      '/.build-stamp',
      '/%2ebuild-stamp',
      '/index.html%00.js',
      '/%E0%A4%A',
    ];

    // Act
    const replies = await Promise.all(attempts.map((attempt) => request(`${cloud.apiUrl}${attempt}`)));

    // Assess
    for (const reply of replies) {
      expect(reply.status).toBe(404);
      expect(reply.text).not.toContain('customs-clearance');
      expect(reply.text).not.toContain('built');
    }
  });

  it('keeps the API routes first: a route still answers, with its own headers', async () => {
    // Act
    const route = await request<{ event: { rawPath: string } }>(`${cloud.apiUrl}/inferred`, { headers: html });
    const unauthorised = await request(`${cloud.apiUrl}/items/1`, { headers: html });

    // Assess
    expect(route.status).toBe(200);
    expect(route.headers.get('content-security-policy')).toBeNull();
    expect(unauthorised.status).toBe(401);
  });

  it('lists the demo users for the local sign-in page, without secrets', async () => {
    // Act
    const reply = await request<{ items: { username: string; role: string; party: string | null; name: string; sub: string }[] }>(
      `${cloud.apiUrl}/local/demo-users`,
    );
    const token = await request<{ token: string }>(`${cloud.apiUrl}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'officer' }),
    });
    const me = await request(`${cloud.apiUrl}/items/1`, { headers: bearer(token.json.token) });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.json.items).toEqual(
      demoUsers.map((user) => ({ username: user.username, role: user.role, party: user.party ?? null, name: user.name, sub: user.sub })),
    );
    expect(reply.text).not.toContain('email');
    expect(me.status).toBe(200);
  });
});

describe('document uploads from the console', () => {
  it('the archive answers the preflight of a PUT from the console origin, and gives no other origin CORS headers', async () => {
    // Prepare
    const url = `${archiveOrigin()}/declarations/01HZX3Y4Z5A6B7C8D9E0F1G2H3/documents/01HZX3Y4Z5A6B7C8D9E0F1G2H4`;
    const preflight = (origin: string) =>
      fetch(url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type,x-amz-checksum-sha256' },
      });

    // Act
    const fromConsole = await preflight(cloud.apiUrl);
    const fromElsewhere = await preflight('http://evil.example');

    // Assess
    expect(fromConsole.status).toBe(204);
    expect(fromConsole.headers.get('access-control-allow-origin')).toBe(cloud.apiUrl);
    expect(fromConsole.headers.get('access-control-allow-methods')).toBe('PUT');
    expect(fromConsole.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-checksum-sha256');
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('without a built console', () => {
  it('tells a browser how to build it, and still answers the API', async () => {
    // Prepare: the folder exists but holds no build
    await cloud.stop();
    const empty = mkdtempSync(path.join(tmpdir(), 'console-empty-'));
    cloud = await startLocalCloud({
      port: 0,
      dynamodbPort: 0,
      awsPort: 0,
      functions: gatewayFunctions,
      consoleDir: empty,
      logLevel: 'silent',
    });

    // Act
    const page = await request(`${cloud.apiUrl}/`, { headers: html });
    const route = await request(`${cloud.apiUrl}/inferred`);

    // Assess
    expect(page.status).toBe(503);
    expect(page.text).toContain('npm run console:build');
    expect(page.headers.get('content-security-policy')).toBe(policyOf());
    expect(route.status).toBe(200);
    rmSync(empty, { recursive: true, force: true });
  });
});

describe('when npm start builds the console', () => {
  it('builds when console/dist is missing or older than a source (console/, shared/, package files), not otherwise', () => {
    // Prepare: a repository in miniature
    const root = mkdtempSync(path.join(tmpdir(), 'console-build-'));
    const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
    const write = (file: string, seconds: number) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), file);
      utimesSync(path.join(root, file), at(seconds), at(seconds));
    };
    write('console/src/main.tsx', 10);
    write('shared/domain/review.ts', 10);
    write('package-lock.json', 10);
    const missing = consoleBuildState(root);
    write('console/dist/index.html', 20);
    const withoutStamp = consoleBuildState(root);
    write('console/dist/.build-stamp', 20);
    const fresh = consoleBuildState(root);
    write('console/dist/assets/later.js', 30);
    const ownOutputLater = consoleBuildState(root);
    write('shared/domain/review.ts', 40);
    const sharedChanged = consoleBuildState(root);
    write('console/dist/.build-stamp', 50);
    write('package-lock.json', 60);
    const dependenciesChanged = consoleBuildState(root);
    rmSync(root, { recursive: true, force: true });

    // Assess
    expect(missing).toEqual({ upToDate: false, reason: 'console/dist is missing' });
    expect(withoutStamp).toEqual({ upToDate: false, reason: 'console/dist is missing' });
    expect(fresh).toEqual({ upToDate: true });
    expect(ownOutputLater).toEqual({ upToDate: true });
    expect(sharedChanged).toEqual({
      upToDate: false,
      reason: `${path.join('shared', 'domain', 'review.ts')} changed since the last build`,
    });
    expect(dependenciesChanged).toEqual({ upToDate: false, reason: 'package-lock.json changed since the last build' });
  });
});
