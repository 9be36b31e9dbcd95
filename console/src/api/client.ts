/**
 * Calls the API by its route table (`#shared/http/operations`): method and path come from the
 * operation, and each answer is parsed with the operation's own response schema, so the console's
 * types are the API's. Errors are the API's problem documents (RFC 9457), kept whole for the page
 * to say what went wrong and what to do.
 */
import type { z } from 'zod';
import { type Problem, problemDocumentSchema } from '#shared/domain/problems.ts';
import type { OperationSpec } from '#shared/http/operation-spec.ts';

type SchemaOutput<R> = R extends { schema: infer S extends z.ZodType } ? z.output<S> : undefined;
/** What a successful call returns: the output of the operation's response schema. */
export type Success<O extends OperationSpec> = { [K in keyof O['responses']]: SchemaOutput<O['responses'][K]> }[keyof O['responses']];

export interface CallOptions {
  token: string | undefined;
  path?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** The version acted on, sent as `If-Match: "<version>"`. */
  ifMatch?: number;
  signal?: AbortSignal;
}

export type ApiErrorKind = 'network' | 'http' | 'unexpected-answer';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly kind: ApiErrorKind,
    /** HTTP status; 0 when no answer came. */
    readonly status: number,
    readonly title: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super(problems.length > 0 ? `${title}: ${problems.map((problem) => problem.message).join('; ')}` : title);
  }
  /** The first problem with this code, if any. */
  has(code: string): boolean {
    return this.problems.some((problem) => problem.code === code);
  }
}

export function pathOf(operation: OperationSpec, parameters: Record<string, string> = {}): string {
  return operation.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => {
    const value = parameters[name];
    if (value === undefined) throw new Error(`${operation.operationId}: path parameter ${name} missing`);
    return encodeURIComponent(value);
  });
}

export async function call<O extends OperationSpec>(operation: O, options: CallOptions): Promise<Success<O>> {
  const url = new URL(pathOf(operation, options.path), window.location.origin);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== '') url.searchParams.set(name, value);
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
  const init: RequestInit = { method: operation.method, headers };
  if (options.signal) init.signal = options.signal;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError('network', 0, 'The API did not answer');
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const problem = problemDocumentSchema.safeParse(json);
    if (problem.success) throw new ApiError('http', response.status, problem.data.title, problem.data.problems);
    // The gateway's own answers (401 Unauthorized, 404 Not Found...) are `{ "message": ... }`.
    const message = typeof json === 'object' && json !== null && 'message' in json ? String(json.message) : response.statusText;
    throw new ApiError('http', response.status, message || `HTTP ${response.status}`);
  }
  const schema = (operation.responses[response.status] as { schema?: z.ZodType } | undefined)?.schema;
  if (!schema) return undefined as Success<O>;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(
      'unexpected-answer',
      response.status,
      `The API answered ${operation.operationId} in a form this console does not know`,
      [{ pointer: '', code: 'UNEXPECTED_ANSWER', message: parsed.error.issues[0]?.message ?? 'unexpected answer' }],
    );
  }
  return parsed.data as Success<O>;
}
