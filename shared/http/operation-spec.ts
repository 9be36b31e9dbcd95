/**
 * An operation's declaration without the machinery that serves it: what the route table
 * (`shared/http/operations/`) is written in. Only zod and types, so that the console (a browser
 * bundle) can import the route table for its API client and forms; `operation.ts` serves it.
 */
import * as z from 'zod';
import type { Role } from '#shared/domain/auth.ts';

/** The methods the API uses (`shared/resources.ts` routes functions by them). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface JsonBody {
  kind: 'json';
  /** Validates the parsed body; without one the use case parses it (e.g. by path parameter). */
  schema?: z.ZodType;
  /** Documented in OpenAPI when the schema is chosen at run time. */
  documentedAs?: z.ZodType;
  /** Largest body accepted, in bytes, after decompression. */
  maxBytes: number;
  /** Accept `Content-Encoding: gzip` (large admin uploads). */
  gzip?: boolean;
}

/** The exact bytes, for intake: archived as sent, parsed by the use case. */
export interface BytesBody {
  kind: 'bytes';
  /** What the bytes must hold (validated by the use case; used for OpenAPI). */
  documentedAs: z.ZodType;
  maxBytes: number;
}

export interface HeaderParameter {
  name: string;
  description: string;
  /** Parses the header's value when present (headers are optional). */
  schema: z.ZodType<unknown, string>;
  /** The 400 problem when the value does not parse. */
  invalid: { code: string; message: string };
}

export interface OperationSpec {
  operationId: string;
  method: HttpMethod;
  path: string;
  summary: string;
  /** Roles allowed to call; 'public' needs no token. */
  roles: readonly Role[] | 'public';
  pathParameters?: z.ZodObject;
  query?: z.ZodObject;
  headers?: readonly HeaderParameter[];
  body?: JsonBody | BytesBody;
  /** Success responses by status code, with the headers they may carry (name: what it says; an integer). */
  responses: Record<number, { description: string; schema?: z.ZodType; headers?: Record<string, string> }>;
  /** Error statuses this operation may answer beyond 400/401/403, with what they mean. */
  problems?: Record<number, string>;
}

/** Declares an operation; the identity function, there for type inference. */
export const defineOperation = <const O extends OperationSpec>(operation: O): O => operation;

/** Query integers in plain decimal only (no "0x10", "1e2" or " 16"), within bounds. */
export const queryInteger = (min: number, max: number) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,8})$/, 'must be a whole number written in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** An opaque pagination cursor as the API returned it. */
export const cursorParameter = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,2048}$/, 'must be a cursor this API returned (base64url, at most 2048 characters)');
