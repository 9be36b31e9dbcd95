import { gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import { DomainError, problem, problemsFromZod } from '../domain/problems.ts';
import type { HttpEvent } from './middleware.ts';

/** The body exactly as the client sent it. */
export function bodyBytes(event: HttpEvent): Uint8Array {
  if (event.body === undefined || event.body === null) return new Uint8Array();
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

export function requireJsonContent(event: HttpEvent): void {
  const contentType = event.headers['content-type'] ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', [
      problem('', 'JSON_REQUIRED', `send the body as application/json (got '${contentType || 'no content-type'}')`),
    ]);
  }
}

/** Parses query string parameters; problems point at /<parameter>. */
export function parseQuery<T extends z.ZodType>(schema: T, event: HttpEvent): z.infer<T> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {}, { reportInput: true });
  if (!parsed.success) throw new DomainError('BAD_REQUEST', 'Invalid query', problemsFromZod(parsed.error));
  return parsed.data;
}

export function pathParameter(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new DomainError('BAD_REQUEST', 'Invalid path', [problem(`/${name}`, 'REQUIRED', `path parameter ${name} is required`)]);
  return value;
}

/** Largest JSON body an admin may upload (after gunzip when Content-Encoding is gzip). */
export const maxJsonBodyBytes = 50_000_000;

/** A JSON body, gzip-encoded or not; problems point at '' (the body). */
export function jsonBody(event: HttpEvent): unknown {
  requireJsonContent(event);
  let bytes = bodyBytes(event);
  if (/gzip/i.test(event.headers['content-encoding'] ?? '')) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxJsonBodyBytes });
    } catch (error) {
      throw new DomainError('BAD_REQUEST', 'Invalid body', [problem('', 'MALFORMED_GZIP', `the gzip body cannot be read: ${(error as Error).message}`)]);
    }
  }
  if (bytes.byteLength === 0) throw new DomainError('BAD_REQUEST', 'Invalid body', [problem('', 'BODY_REQUIRED', 'the request needs a JSON body')]);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new DomainError('BAD_REQUEST', 'Invalid body', [problem('', 'MALFORMED_JSON', `the body is not valid UTF-8 JSON: ${(error as Error).message}`)]);
  }
}

/** If-Match: "<version>" for optimistic concurrency on edits. */
export function ifMatchVersion(event: HttpEvent): number | undefined {
  const header = event.headers['if-match'];
  if (header === undefined) return undefined;
  const version = Number(header.replace(/^W\//, '').replaceAll('"', ''));
  if (!Number.isInteger(version) || version < 1) {
    throw new DomainError('BAD_REQUEST', 'Invalid If-Match', [problem('', 'INVALID_IF_MATCH', 'If-Match must be the version you edit, e.g. "3"')]);
  }
  return version;
}
