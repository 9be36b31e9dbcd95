/**
 * The HTTP middleware stack (shared/http/middleware.ts): log lines of a request carry its API
 * Gateway request id as `correlation_id`, and an unexpected error becomes a 500 problem.
 */
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type HttpEvent, httpHandler } from '#shared/http/middleware.ts';

const context = {
  functionName: 'test',
  functionVersion: '1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:test',
  memoryLimitInMB: '128',
  awsRequestId: 'lambda-request-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

const eventWithRequestId = (requestId: string) => ({ requestContext: { requestId } }) as unknown as HttpEvent;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('httpHandler', () => {
  it("logs an unexpected error under the request's API Gateway request id and answers 500", async () => {
    // Prepare
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
    }
    const handler = httpHandler(async () => {
      throw new Error('boom');
    });

    // Act
    const first = await handler(eventWithRequestId('api-request-1'), context);
    const second = await handler(eventWithRequestId('api-request-2'), context);

    // Assess
    vi.restoreAllMocks();
    expect([first.statusCode, second.statusCode]).toEqual([500, 500]);
    const errors = lines
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('unhandled error'))
      .map((line) => JSON.parse(line) as { correlation_id?: string });
    expect(errors.map((line) => line.correlation_id)).toEqual(['api-request-1', 'api-request-2']);
  });
});
