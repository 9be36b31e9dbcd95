import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { capProblems, type DomainErrorKind, type Problem, type ProblemDocument } from '#shared/domain/problems.ts';

export const statusByKind: Record<DomainErrorKind, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PRECONDITION_REQUIRED: 428,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
};

/** Largest problem list in a response, in characters of JSON (the count says how many there were). */
const MAX_PROBLEM_LIST_CHARS = 60_000;

const securityHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...securityHeaders, ...headers },
    body: JSON.stringify(body),
  };
}

/** 204: done, nothing to say. */
export function noContent(): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 204, headers: { ...securityHeaders } };
}

/** RFC 9457 problem document with the platform's `problems` extension. */
export function problemResponse(
  statusCode: number,
  title: string,
  problems: readonly Problem[],
  options: { detail?: string; problemCount?: number } = {},
): APIGatewayProxyStructuredResultV2 {
  const capped = capProblems(problems, options.problemCount);
  // Bounded as a whole too: 100 long pointers would still make a large document.
  let listed = capped.problems;
  while (listed.length > 1 && JSON.stringify(listed).length > MAX_PROBLEM_LIST_CHARS)
    listed = listed.slice(0, Math.ceil(listed.length / 2));
  const document: ProblemDocument = {
    type: `https://customs.example/problems/${statusCode}`,
    title,
    status: statusCode,
    ...(options.detail ? { detail: options.detail } : {}),
    problems: listed,
    problemCount: capped.problemCount,
  };
  return {
    statusCode,
    headers: { 'content-type': 'application/problem+json', ...securityHeaders },
    body: JSON.stringify(document),
  };
}
