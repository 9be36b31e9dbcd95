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
