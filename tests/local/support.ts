/** Shared set-up of the local cloud tests: fixture functions and small HTTP helpers. */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { LocalCloud, LocalFunctionDefinition } from '#local/cloud.ts';

export const fixture = (name: string): string => `tests/fixtures/handlers/${name}.ts`;

/** A local cloud on free ports that logs nothing: spread into startLocalCloud's options. */
export const quietCloud = { port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent' as const };

/** An SQS client of the local cloud's queues (fauxqs), as a test sends and receives with it. */
export const localSqsClient = (cloud: LocalCloud): SQSClient =>
  new SQSClient({ region: 'eu-west-2', endpoint: cloud.endpoints.sqs, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

export const gatewayFunctions: Record<string, LocalFunctionDefinition> = {
  echo: {
    entry: fixture('echo'),
    handler: 'handler',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      { kind: 'http', method: 'GET', path: '/items/{id}', auth: 'jwt' },
      { kind: 'http', method: 'POST', path: '/items', auth: 'jwt' },
      { kind: 'http', method: 'GET', path: '/files/{path+}', auth: 'none' },
    ],
  },
  echoSpecific: {
    entry: fixture('echo'),
    handler: 'handler',
    timeoutSeconds: 5,
    triggers: [{ kind: 'http', method: 'GET', path: '/items/special', auth: 'jwt' }],
  },
  inferred: {
    entry: fixture('inferred'),
    handler: 'handler',
    timeoutSeconds: 5,
    triggers: [{ kind: 'http', method: 'GET', path: '/inferred', auth: 'none' }],
  },
  binary: {
    entry: fixture('binary'),
    handler: 'handler',
    timeoutSeconds: 5,
    triggers: [{ kind: 'http', method: 'GET', path: '/binary', auth: 'none' }],
  },
  throws: {
    entry: fixture('throws'),
    handler: 'handler',
    timeoutSeconds: 5,
    triggers: [{ kind: 'http', method: 'GET', path: '/boom', auth: 'jwt' }],
  },
  slow: {
    entry: fixture('slow'),
    handler: 'handler',
    timeoutSeconds: 1,
    triggers: [{ kind: 'http', method: 'GET', path: '/slow', auth: 'none' }],
  },
  missing: {
    entry: fixture('does-not-exist'),
    handler: 'handler',
    timeoutSeconds: 5,
    triggers: [{ kind: 'http', method: 'GET', path: '/missing', auth: 'none' }],
  },
  wrongExport: {
    entry: fixture('inferred'),
    handler: 'main',
    timeoutSeconds: 5,
    triggers: [{ kind: 'http', method: 'GET', path: '/wrong-export', auth: 'none' }],
  },
  awsStore: {
    entry: fixture('aws-store'),
    handler: 'handler',
    timeoutSeconds: 10,
    triggers: [{ kind: 'http', method: 'PUT', path: '/store/{id}', auth: 'jwt' }],
  },
};

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

export async function request<T = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<Reply<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as T };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
