/**
 * The local HTTP gateway: API Gateway HTTP API (payload format 2.0, JWT authorizer) on node:http.
 *
 * Per request: match the route (404 `{"message":"Not Found"}` otherwise), check the bearer JWT for
 * `auth: 'jwt'` routes (401 `{"message":"Unauthorized"}`), build the v2 event, invoke the handler,
 * map its result back. A handler that throws, times out or cannot be loaded gives 500
 * `{"message":"Internal Server Error"}`. Local-only routes live under `/local/` and `/local-issuer/`.
 * GET and HEAD requests that match no route are offered to the console (`consoleDir`, the built
 * single-page app: see console-files.ts) before the 404.
 */
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { JWTPayload } from 'jose';
import { consoleFile } from './console-files.ts';
import { demoUsers, isRole } from './demo-users.ts';
import { AuthorizationError, flattenClaims, type LocalIssuer, type MintTokenInput, TOKEN_LIFETIME_SECONDS } from './issuer.ts';
import { ACCOUNT_ID, InvocationError, type LocalFunction, messageOf } from './lambda.ts';
import { describeError, type Log } from './log.ts';
import { matchRoute, type Route } from './routes.ts';
import { closeServer, listen } from './servers.ts';

/** API Gateway's request payload limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
export const LOCAL_API_ID = 'local';

export interface GatewayOptions {
  routes: readonly Route<LocalFunction>[];
  log: Log;
  /** The built console (`console/dist`) to serve at `/` beside the API; none when undefined. */
  consoleDir?: string;
  /** Origins beyond its own the console may send requests to (its CSP connect-src): the local archive bucket. */
  consoleConnectSources?: readonly string[];
  /** More local-only routes under `/local/` (the payment provider simulator's payouts endpoint): a JSON answer, or undefined. */
  localRoutes?: (request: {
    method: string;
    path: string;
    headers: IncomingMessage['headers'];
    body: Buffer | undefined;
  }) => Promise<{ status: number; body: unknown } | undefined>;
}

export interface Gateway {
  server: Server;
  listen(port: number): Promise<number>;
  /** Requests are answered 503 until the issuer is set (it needs the port for its URL). */
  setIssuer(issuer: LocalIssuer): void;
  close(): Promise<void>;
}

type HttpResult = { status: number; headers?: Record<string, string>; cookies?: string[]; body?: Buffer | string };

const json = (status: number, value: unknown, headers: Record<string, string> = {}): HttpResult => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

export function createGateway(options: GatewayOptions): Gateway {
  const { log } = options;
  let issuer: LocalIssuer | undefined;
  const inFlight = new Set<Promise<void>>();

  const server = createServer((req, res) => {
    const task = handle(req, res).catch((error: unknown) => {
      log.error(`gateway failure on ${req.method} ${req.url}: ${describeError(error)}`, error);
      if (!res.headersSent) send(res, json(500, { message: 'Internal Server Error' }), newRequestId());
      else res.destroy();
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  });
  // Long handler timeouts are the handlers' business, not node's.
  server.requestTimeout = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = newRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    const [rawPath = '/', rawQueryString = ''] = splitOnce(req.url ?? '/', '?');
    let functionName: string | undefined;
    let note = '';
    const finish = (result: HttpResult): void => {
      send(res, result, requestId);
      const ms = Math.round(performance.now() - started);
      log.info(`${method} ${rawPath} ${result.status} ${ms}ms${functionName ? ` ${functionName}` : ''}${note ? ` (${note})` : ''}`);
    };

    if (!issuer) return finish(json(503, { message: 'Service Unavailable' }));

    const body = await readBody(req);
    if (body === 'too-large') {
      res.setHeader('connection', 'close');
      res.once('finish', () => req.destroy());
      note = 'body over 10 MB';
      return finish(json(413, { message: 'Request Entity Too Large' }));
    }

    const local = await localRoute(req, method, rawPath, body, issuer);
    if (local) return finish(local);

    const match = matchRoute(options.routes, method, rawPath);
    if (!match) {
      if (options.consoleDir && (method === 'GET' || method === 'HEAD')) {
        const file = await consoleFile(options.consoleDir, rawPath, req.headers.accept, options.consoleConnectSources);
        if (file) {
          note = 'console';
          return finish(file);
        }
      }
      return finish(json(404, { message: 'Not Found' }));
    }
    const { route } = match;
    functionName = route.target.name;

    let claims: JWTPayload | undefined;
    if (route.auth === 'jwt') {
      const token = bearerToken(req.headers.authorization);
      if (!token) {
        note = 'no token';
        return finish(json(401, { message: 'Unauthorized' }));
      }
      try {
        claims = await issuer.verify(token);
      } catch (error) {
        const reason = error instanceof AuthorizationError ? error.message : describeError(error);
        note = reason;
        return finish(
          json(
            401,
            { message: 'Unauthorized' },
            {
              'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${reason.replaceAll('"', "'")}"`,
            },
          ),
        );
      }
    }

    const event = buildHttpEvent({
      req,
      method,
      rawPath,
      rawQueryString,
      body,
      route,
      pathParameters: match.pathParameters,
      claims,
      requestId,
    });
    let result: unknown;
    try {
      result = await route.target.invoke(event);
    } catch (error) {
      if (error instanceof InvocationError && error.kind === 'payload-too-large') {
        note = error.message;
        return finish(json(413, { message: 'Request Entity Too Large' }));
      }
      note = error instanceof InvocationError ? error.message : messageOf(error);
      log.error(`${route.target.name} (${route.routeKey}) failed: ${note}`, error instanceof Error ? (error.cause ?? error) : error);
      return finish(json(500, { message: 'Internal Server Error' }));
    }
    const mapped = mapResult(result);
    if ('malformed' in mapped) {
      note = `malformed Lambda response: ${mapped.malformed}`;
      log.error(`${route.target.name} (${route.routeKey}) returned a malformed response: ${mapped.malformed}`);
      return finish(json(500, { message: 'Internal Server Error' }));
    }
    return finish(mapped);
  }

  async function localRoute(
    req: IncomingMessage,
    method: string,
    rawPath: string,
    body: Buffer | undefined,
    current: LocalIssuer,
  ): Promise<HttpResult | undefined> {
    if (method === 'GET' && (rawPath === '/local/jwks.json' || rawPath === '/local-issuer/.well-known/jwks.json')) {
      return json(200, current.jwks);
    }
    if (method === 'GET' && rawPath === '/local-issuer/.well-known/openid-configuration') {
      return json(200, {
        issuer: current.issuer,
        jwks_uri: `${current.issuer}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: ['RS256'],
        subject_types_supported: ['public'],
        response_types_supported: ['id_token'],
      });
    }
    if (method === 'GET' && rawPath === '/local/health') return json(200, { status: 'ok' });
    if (options.localRoutes && rawPath.startsWith('/local/')) {
      const answer = await options.localRoutes({ method, path: rawPath, headers: req.headers, body });
      if (answer) return json(answer.status, answer.body);
    }
    // The console's local sign-in page lists these (no secrets: the identities are in the repository).
    if (method === 'GET' && rawPath === '/local/demo-users') {
      return json(200, {
        items: demoUsers.map(({ username, role, party, name, sub }) => ({ username, role, party: party ?? null, name, sub })),
      });
    }
    if (method === 'POST' && rawPath === '/local/token') {
      // Only for this machine's own clients: a web page elsewhere that reaches the port through
      // DNS rebinding sends its own Host name, and a cross-site form cannot send application/json
      // without a CORS preflight, which this gateway never grants.
      if (!isLoopbackHost(req.headers.host))
        return json(403, { message: 'The local token endpoint answers only to Host 127.0.0.1, localhost or [::1]' });
      if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
        return json(415, { message: 'Send the token request as application/json: {"role":"trader","party":"GB123456789000"}' });
      }
      let input: unknown;
      try {
        input = JSON.parse(body?.toString('utf8') || '{}');
      } catch {
        return json(400, { message: 'Body must be JSON: {"role":"trader","party":"GB123456789000"}' });
      }
      const parsed = parseTokenRequest(input);
      if (typeof parsed === 'string') return json(400, { message: parsed });
      const token = await current.mint(parsed);
      return json(200, { token, tokenType: 'Bearer', expiresIn: TOKEN_LIFETIME_SECONDS });
    }
    return undefined;
  }

  return {
    server,
    listen: (port) => listen(server, port),
    setIssuer: (value) => {
      issuer = value;
    },
    close: async () => {
      const closing = closeServer(server);
      await Promise.allSettled([...inFlight]);
      await closing;
    },
  };
}

/** Host header naming the loopback interface (any port). */
export const isLoopbackHost = (host: string | undefined): boolean => /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i.test(host ?? '');

function parseTokenRequest(input: unknown): MintTokenInput | string {
  if (typeof input !== 'object' || input === null) return 'Body must be a JSON object';
  const { role, party, sub, agency } = input as Record<string, unknown>;
  if (!isRole(role)) return "role must be one of 'trader', 'officer', 'admin', 'carrier', 'agency'";
  if (party !== undefined && (typeof party !== 'string' || party.trim() === '' || party.length > 17)) {
    return 'party must be an EORI such as GB123456789000';
  }
  if (role === 'trader' && party === undefined) return 'a trader token needs a party (EORI), e.g. GB123456789000';
  if (role === 'carrier' && party === undefined) return 'a carrier token needs a party (EORI), e.g. GB555000111000';
  if (role !== 'trader' && role !== 'carrier' && party !== undefined) return `a ${role} token has no party`;
  if (sub !== undefined && (typeof sub !== 'string' || sub === '')) return 'sub must be a non-empty string';
  if (agency !== undefined && (typeof agency !== 'string' || !/^[A-Z]{2}-[A-Z0-9]{2,16}$/.test(agency))) {
    return 'agency must be an agency id such as GB-PHSI';
  }
  if (role !== 'agency' && agency !== undefined) return `a ${role} token has no agency`;
  return {
    role,
    ...(party !== undefined ? { party: party.trim() } : {}),
    ...(sub !== undefined ? { sub } : {}),
    ...(agency !== undefined ? { agency } : {}),
  };
}

interface EventInput {
  req: IncomingMessage;
  method: string;
  rawPath: string;
  rawQueryString: string;
  body: Buffer | undefined;
  route: Route<LocalFunction>;
  pathParameters: Record<string, string> | undefined;
  claims: JWTPayload | undefined;
  requestId: string;
}

/**
 * The API Gateway HTTP API payload format 2.0 event (`APIGatewayProxyEventV2WithJWTAuthorizer` for
 * JWT routes, `APIGatewayProxyEventV2` for open ones). Returned as plain JSON data: the handler gets
 * it after a JSON round trip anyway.
 */
export function buildHttpEvent(input: EventInput): Record<string, unknown> {
  const { req, method, rawPath, rawQueryString, body, route, claims, requestId } = input;
  const now = new Date();
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const { headers, cookies } = collectHeaders(req.rawHeaders);
  const localPort = String(req.socket.localPort ?? '');
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-port'] = localPort;
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] = `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  const domainName = headers.host ?? `127.0.0.1:${localPort}`;

  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
  };
  if (cookies.length > 0) event.cookies = cookies;
  event.headers = headers;
  const query = parseQuery(rawQueryString);
  if (query) event.queryStringParameters = query;

  const requestContext: Record<string, unknown> = {
    accountId: ACCOUNT_ID,
    apiId: LOCAL_API_ID,
    domainName,
    domainPrefix: domainName.split('.')[0] ?? domainName,
    http: {
      method,
      path: rawPath,
      protocol: `HTTP/${req.httpVersion}`,
      sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId,
    routeKey: route.routeKey,
    stage: '$default',
    time: apiGatewayTime(now),
    timeEpoch: now.getTime(),
  };
  if (claims) {
    const scope = typeof claims.scope === 'string' && claims.scope !== '' ? claims.scope.split(' ') : null;
    requestContext.authorizer = { jwt: { claims: flattenClaims(claims), scopes: scope } };
  }
  event.requestContext = requestContext;
  if (input.pathParameters) event.pathParameters = input.pathParameters;

  if (body && body.length > 0) {
    // An encoded body (Content-Encoding: gzip...) is bytes whatever its media type, as API Gateway sees it.
    // Local choice: bytes that are not valid UTF-8 are handed over base64-encoded rather than with
    // U+FFFD in place of each bad byte, so the handler sees (and refuses) what was really sent.
    const text = isTextContent(headers['content-type']) && !headers['content-encoding'] && isUtf8(body);
    event.body = text ? body.toString('utf8') : body.toString('base64');
    event.isBase64Encoded = !text;
  } else {
    event.isBase64Encoded = false;
  }
  return event;
}

/** Lower-cased headers, duplicates joined with commas; `cookie` headers go to `cookies`. */
function collectHeaders(rawHeaders: readonly string[]): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] ?? '').toLowerCase();
    const value = rawHeaders[index + 1] ?? '';
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((cookie) => cookie.trim())
          .filter((cookie) => cookie !== ''),
      );
      continue;
    }
    if (name === 'connection' || name === 'keep-alive') continue;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return { headers, cookies };
}

/** Decoded query parameters, duplicates joined with commas; undefined when there is no query. */
function parseQuery(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  }
  return Object.keys(query).length > 0 ? query : undefined;
}

/**
 * Content types passed to the handler as text; everything else (including a missing content type
 * and form posts) arrives base64-encoded with `isBase64Encoded: true`, as HTTP APIs do.
 */
export function isTextContent(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript'
  );
}

/**
 * Maps a payload format 2.0 response. A result with `statusCode` is a structured response;
 * anything else is "inferred": 200, JSON content type, the value (or the string itself) as body.
 */
export function mapResult(result: unknown): HttpResult | { malformed: string } {
  if (typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result) {
    const structured = result as Record<string, unknown>;
    const status = structured.statusCode;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
      return { malformed: `statusCode ${JSON.stringify(status)}` };
    }
    const headers: Record<string, string> = {};
    if (structured.headers !== undefined && structured.headers !== null) {
      if (typeof structured.headers !== 'object') return { malformed: 'headers is not an object' };
      for (const [name, value] of Object.entries(structured.headers as Record<string, unknown>)) {
        if (value === undefined || value === null) continue;
        if (typeof value === 'object') return { malformed: `header ${name} is not a string, number or boolean` };
        headers[name.toLowerCase()] = String(value);
      }
    }
    let cookies: string[] = [];
    if (structured.cookies !== undefined && structured.cookies !== null) {
      if (!Array.isArray(structured.cookies) || structured.cookies.some((cookie) => typeof cookie !== 'string')) {
        return { malformed: 'cookies is not a list of strings' };
      }
      cookies = structured.cookies as string[];
    }
    const body = structured.body;
    if (body !== undefined && body !== null && typeof body !== 'string') return { malformed: 'body is not a string' };
    const bytes = typeof body === 'string' ? (structured.isBase64Encoded === true ? Buffer.from(body, 'base64') : body) : undefined;
    return { status, headers, cookies, ...(bytes !== undefined ? { body: bytes } : {}) };
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
  };
}

function send(res: ServerResponse, result: HttpResult, requestId: string): void {
  const headers: Record<string, string | string[]> = { ...result.headers, 'apigw-requestid': requestId };
  if (result.cookies && result.cookies.length > 0) {
    const existing = headers['set-cookie'];
    headers['set-cookie'] = [...(typeof existing === 'string' ? [existing] : []), ...result.cookies];
  }
  const body = result.body === undefined ? undefined : typeof result.body === 'string' ? Buffer.from(result.body) : result.body;
  headers['content-length'] = String(body?.length ?? 0);
  res.writeHead(result.status, headers);
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolve(size > 0 ? Buffer.concat(chunks) : undefined);
    });
    req.on('error', reject);
  });
}

/** The token of an Authorization header, with or without the `Bearer ` prefix (API Gateway accepts both). */
function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const token = header.replace(/^Bearer\s+/i, '').trim();
  return token === '' ? undefined : token;
}

function newRequestId(): string {
  return randomBytes(10).toString('base64');
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the format of `requestContext.time`. */
function apiGatewayTime(date: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

function splitOnce(value: string, separator: string): [string, string] {
  const index = value.indexOf(separator);
  return index === -1 ? [value, ''] : [value.slice(0, index), value.slice(index + 1)];
}
