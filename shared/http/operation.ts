/**
 * An API operation, declared once: method, path, who may call it, the path, query and body
 * schemas, the body limit, and the responses. The same declaration parses and authorises each
 * request (`httpOperation`) and describes the API (`shared/http/openapi.ts`), so the two cannot
 * disagree.
 *
 * Order of work on a request, cheapest refusal first: the caller's role (403, before a byte of
 * the body is read), the path and the query (400), then the body: media type (415), encoding
 * (415), size before and after decompression (413), UTF-8 and JSON with unique member names
 * (400), the schema (400). A hostile body therefore costs a caller without the role nothing.
 */
import { gunzipSync } from 'node:zlib';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { type Principal, type Role, requireRole } from '#shared/domain/auth.ts';
import { parseJsonBytes } from '#shared/domain/json-text.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import { type HttpEvent, type HttpResult, httpHandler } from './middleware.ts';
import type { BytesBody, HeaderParameter, JsonBody, OperationSpec } from './operation-spec.ts';
import { principalFromEvent } from './principal.ts';

// The declaration side lives in operation-spec.ts (browser-safe); re-exported for the handlers.
export type { BytesBody, HeaderParameter, JsonBody, OperationSpec } from './operation-spec.ts';
export { cursorParameter, defineOperation, queryInteger } from './operation-spec.ts';

type Parsed<T, Fallback> = T extends z.ZodType ? z.output<T> : Fallback;
type HeadersOf<H> = H extends readonly HeaderParameter[]
  ? { [P in H[number] as P['name']]?: z.output<P['schema']> }
  : Record<string, never>;
type BodyOf<B> = B extends BytesBody ? Uint8Array : B extends { schema: z.ZodType } ? z.output<B['schema']> : unknown;

export interface OperationInput<O extends OperationSpec> {
  principal: O['roles'] extends 'public' ? Principal | undefined : Principal;
  path: Parsed<O['pathParameters'], Record<string, never>>;
  query: Parsed<O['query'], Record<string, never>>;
  /** The declared headers that were sent, parsed. */
  headers: HeadersOf<O['headers']>;
  body: BodyOf<O['body']>;
  event: HttpEvent;
  context: Context;
}

/** Wraps a handler: authorise, parse, then call it with typed input. */
export function httpOperation<const O extends OperationSpec>(
  operation: O,
  handler: (input: OperationInput<O>) => Promise<HttpResult>,
  options: { metrics?: boolean } = {},
) {
  const wrapped = httpHandler(async (event, context) => {
    const principal = operation.roles === 'public' ? undefined : authorise(event, operation.roles);
    const path = parseParameters(operation.pathParameters, event.pathParameters, 'Invalid path');
    const query = parseParameters(operation.query, event.queryStringParameters, 'Invalid query');
    const headers = parseHeaders(operation.headers, event.headers);
    const body = operation.body ? readBody(event, operation.body) : undefined;
    return handler({ principal, path, query, headers, body, event, context } as OperationInput<O>);
  }, options);
  // Which operation this handler serves: tests check it against the route it is deployed on.
  return Object.assign(wrapped, { operation });
}

function authorise(event: HttpEvent, roles: readonly Role[]): Principal {
  const principal = principalFromEvent(event);
  requireRole(principal, ...roles);
  return principal;
}

function parseParameters(schema: z.ZodObject | undefined, values: Record<string, string | undefined> | undefined, title: string) {
  if (!schema) return {};
  const parsed = schema.safeParse(values ?? {}, { reportInput: true });
  if (!parsed.success) throw DomainError.fromZod('BAD_REQUEST', title, parsed.error);
  return parsed.data;
}

function parseHeaders(declared: readonly HeaderParameter[] | undefined, sent: HttpEvent['headers']): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const header of declared ?? []) {
    const value = sent[header.name.toLowerCase()];
    if (value === undefined) continue;
    const parsed = header.schema.safeParse(value);
    if (!parsed.success)
      throw new DomainError('BAD_REQUEST', `Invalid ${header.name}`, [problem('', header.invalid.code, header.invalid.message)]);
    headers[header.name] = parsed.data;
  }
  return headers;
}

const tooLarge = (bytes: number | string, maxBytes: number) =>
  new DomainError('PAYLOAD_TOO_LARGE', 'Body too large', [
    problem('', 'BODY_TOO_LARGE', `the body has ${bytes} bytes; this operation accepts at most ${maxBytes}`),
  ]);

function readBody(event: HttpEvent, spec: JsonBody | BytesBody): unknown {
  const contentType = event.headers['content-type'] ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\s*(;|$)/i.test(contentType)) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', [
      problem('', 'JSON_REQUIRED', `send the body as application/json (got '${contentType.slice(0, 100) || 'no content-type'}')`),
    ]);
  }
  const encoding = (event.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const gzip = spec.kind === 'json' && spec.gzip === true;
  if (encoding !== 'identity' && !(gzip && encoding === 'gzip')) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content encoding', [
      problem(
        '',
        'UNSUPPORTED_CONTENT_ENCODING',
        `Content-Encoding '${encoding.slice(0, 40)}' is not accepted here; send ${gzip ? 'identity or gzip' : 'the body uncompressed'}`,
      ),
    ]);
  }
  const raw = event.body ?? '';
  // Refused before decoding when even the smallest reading of the text is over the limit.
  if ((event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) - 2 : raw.length) > spec.maxBytes)
    throw tooLarge(`over ${spec.maxBytes}`, spec.maxBytes);
  let bytes: Uint8Array = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.byteLength > spec.maxBytes) throw tooLarge(bytes.byteLength, spec.maxBytes);
  if (encoding === 'gzip') bytes = gunzipWithin(bytes, spec.maxBytes);
  if (bytes.byteLength === 0)
    throw new DomainError('BAD_REQUEST', 'Invalid body', [problem('', 'BODY_REQUIRED', 'the request needs a JSON body')]);
  if (spec.kind === 'bytes') return bytes;
  const value = parseJsonBytes(bytes);
  if (!spec.schema) return value;
  const parsed = spec.schema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw DomainError.fromZod('BAD_REQUEST', 'Invalid body', parsed.error);
  return parsed.data;
}

function gunzipWithin(bytes: Uint8Array, maxBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(`over ${maxBytes} (decompressed)`, maxBytes);
    throw new DomainError('BAD_REQUEST', 'Invalid body', [
      problem('', 'MALFORMED_GZIP', `the gzip body cannot be read: ${(error as Error).message.slice(0, 200)}`),
    ]);
  }
}
