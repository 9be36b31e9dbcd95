/**
 * The customs console (the single-page app built into `console/dist`) served by the local gateway
 * beside the API, as CloudFront would serve it in front of the deployed stack: files by path with
 * their content types, and `index.html` for the app's own routes (a browser navigation to
 * `/review/declarations/01J...` gets the app, which routes on the client).
 *
 * API paths (`/v1/...`, `/local/...`, `/openapi.json`) are never answered with the app: a missing
 * API route stays a JSON 404. Requests that do not ask for HTML (curl, fetch) get the 404 too, so
 * only browser navigations fall back to `index.html`.
 *
 * Every answer carries a strict Content-Security-Policy: scripts, styles and requests from this
 * origin only (and, for requests, the origins the gateway names: the local archive bucket that
 * traders PUT documents to), no inline scripts or styles, no eval, no framing
 * (`shared/http/console-headers.ts`, the same policy CloudFront sends for the deployed console).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import { consoleSecurityHeaders, securityHeadersFor } from '#shared/http/console-headers.ts';

export { CONSOLE_CSP, consoleCsp, consoleSecurityHeaders, securityHeadersFor } from '#shared/http/console-headers.ts';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Paths of the API and the local issuer: never the console's. */
const apiPath = /^\/(v\d+|local|local-issuer)(\/|$)|^\/openapi\.json$/;

export interface ConsoleFile {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * The console's answer to a GET or HEAD of `rawPath` (the path as sent, still percent-encoded), or
 * undefined when the console has nothing to say (an API path, a missing file asked for by a
 * non-browser client): the gateway then answers its JSON 404. `connectSources` widen the policy's
 * connect-src (see `consoleCsp`).
 */
export async function consoleFile(
  directory: string,
  rawPath: string,
  accept: string | undefined,
  connectSources: readonly string[] = [],
): Promise<ConsoleFile | undefined> {
  const headers = connectSources.length > 0 ? securityHeadersFor(connectSources) : consoleSecurityHeaders;
  if (apiPath.test(rawPath)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = path.posix.normalize(decoded).split('/').filter(Boolean);
  // No dot files (the build stamp), no way out of the folder.
  if (segments.some((segment) => segment.startsWith('.'))) return undefined;
  const root = path.resolve(directory);
  const wantsHtml = /\btext\/html\b/i.test(accept ?? '');

  const file = segments.length === 0 ? path.join(root, 'index.html') : path.join(root, ...segments);
  if (file !== root && !file.startsWith(`${root}${path.sep}`)) return undefined;
  const found = await readRegularFile(file);
  if (found) return fileAnswer(file, found, segments[0] === 'assets', headers);

  // A client-side route: a browser navigation to a path without a file extension gets the app.
  const last = segments.at(-1) ?? '';
  if (segments.length === 0 || (wantsHtml && !last.includes('.'))) {
    const index = path.join(root, 'index.html');
    const html = await readRegularFile(index);
    if (html) return fileAnswer(index, html, false, headers);
    return notBuilt(headers);
  }
  return undefined;
}

async function readRegularFile(file: string): Promise<Buffer | undefined> {
  try {
    if (!(await stat(file)).isFile()) return undefined;
    return await readFile(file);
  } catch {
    return undefined;
  }
}

function fileAnswer(file: string, body: Buffer, hashed: boolean, security: Readonly<Record<string, string>>): ConsoleFile {
  return {
    status: 200,
    headers: {
      'content-type': contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      // Vite names every asset by its content hash: cached for good. The rest is checked each time.
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...security,
    },
    body,
  };
}

function notBuilt(security: Readonly<Record<string, string>>): ConsoleFile {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Customs console not built</title></head>
<body><main><h1>The customs console is not built</h1>
<p><code>npm start</code> builds it into <code>console/dist</code> when it starts; the build failed or was skipped (see the start output).
Build it with <code>npm run console:build</code> and reload this page. The API works without it.</p></main></body></html>
`;
  return {
    status: 503,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...security },
    body: Buffer.from(html),
  };
}
