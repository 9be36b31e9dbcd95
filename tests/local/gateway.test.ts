/**
 * The local HTTP gateway behaves like API Gateway (HTTP API, payload format 2.0, JWT authorizer):
 * real HTTP over loopback, fixture handlers, real emulators. No mocks.
 */

import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { bearer, gatewayFunctions, request } from './support.ts';

interface Echo {
  event: {
    version: string;
    routeKey: string;
    rawPath: string;
    rawQueryString: string;
    cookies?: string[];
    headers: Record<string, string>;
    queryStringParameters?: Record<string, string>;
    pathParameters?: Record<string, string>;
    body?: string;
    isBase64Encoded: boolean;
    requestContext: {
      accountId: string;
      apiId: string;
      domainName: string;
      http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
      requestId: string;
      routeKey: string;
      stage: string;
      time: string;
      timeEpoch: number;
      authorizer?: { jwt: { claims: Record<string, unknown>; scopes: string[] | null } };
    };
  };
  context: { functionName: string; awsRequestId: string; invokedFunctionArn: string; memoryLimitInMB: string; remainingMs: number };
}

let cloud: LocalCloud;
let traderToken: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, functions: gatewayFunctions, logLevel: 'silent' });
  traderToken = cloud.mintToken({ role: 'trader', party: 'GB123456789000' });
});

afterAll(async () => {
  await cloud?.stop();
});

describe('payload format 2.0 event', () => {
  it('carries path parameters, query, headers, cookies and flattened JWT claims', async () => {
    // Prepare
    const url = `${cloud.apiUrl}/items/abc%20def?tag=a&tag=b&q=hello%20world&empty=`;

    // Act
    const reply = await request<Echo>(url, {
      headers: { ...bearer(traderToken), 'X-Custom-Header': 'Value', cookie: 'a=1; b=2', 'user-agent': 'local-test' },
    });

    // Assess
    expect(reply.status).toBe(200);
    const { event, context } = reply.json;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /items/{id}',
      rawPath: '/items/abc%20def',
      rawQueryString: 'tag=a&tag=b&q=hello%20world&empty=',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { tag: 'a,b', q: 'hello world', empty: '' },
      pathParameters: { id: 'abc def' },
      isBase64Encoded: false,
    });
    expect(event.body).toBeUndefined();
    expect(event.headers['x-custom-header']).toBe('Value');
    expect(event.headers['user-agent']).toBe('local-test');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.requestContext).toMatchObject({
      accountId: expect.any(String),
      apiId: expect.any(String),
      routeKey: 'GET /items/{id}',
      stage: '$default',
      http: { method: 'GET', path: '/items/abc%20def', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'local-test' },
    });
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(10_000);
    expect(reply.headers.get('apigw-requestid')).toBe(event.requestContext.requestId);
    const claims = event.requestContext.authorizer?.jwt.claims ?? {};
    expect(claims['cognito:groups']).toBe('[trader]');
    expect(claims['custom:party_id']).toBe('GB123456789000');
    expect(claims.token_use).toBe('id');
    expect(claims.aud).toBe(cloud.audience);
    expect(claims.iss).toBe(cloud.issuer);
    expect(claims.exp).toMatch(/^\d+$/);
    expect(Object.values(claims).every((value) => typeof value === 'string')).toBe(true);
    expect(event.requestContext.authorizer?.jwt.scopes).toBeNull();
    expect(context.functionName).toBe('echo');
    expect(context.memoryLimitInMB).toBe('256');
    expect(context.invokedFunctionArn).toMatch(/^arn:aws:lambda:eu-west-2:\d{12}:function:echo$/);
    expect(context.remainingMs).toBeGreaterThan(0);
    expect(context.remainingMs).toBeLessThanOrEqual(5_000);
  });

  it('flattens array claims with several values the way API Gateway does', async () => {
    // Prepare
    const token = cloud.mintToken({ role: 'officer' }, { claims: { 'cognito:groups': ['officer', 'admin'], level: 3, verified: true } });

    // Act
    const reply = await request<Echo>(`${cloud.apiUrl}/items/1`, { headers: bearer(token) });

    // Assess
    const claims = reply.json.event.requestContext.authorizer?.jwt.claims ?? {};
    expect(claims['cognito:groups']).toBe('[officer admin]');
    expect(claims.level).toBe('3');
    expect(claims.verified).toBe('true');
    expect(claims['custom:party_id']).toBeUndefined();
  });

  it('passes JSON bodies as text and binary bodies base64-encoded', async () => {
    // Prepare
    const json = JSON.stringify({ lrn: 'ACME-1', amount: '10.00' });
    const bytes = Buffer.from([0, 1, 2, 250, 255]);

    // Act
    const text = await request<Echo>(`${cloud.apiUrl}/items`, {
      method: 'POST',
      headers: { ...bearer(traderToken), 'content-type': 'application/json; charset=utf-8' },
      body: json,
    });
    const binary = await request<Echo>(`${cloud.apiUrl}/items`, {
      method: 'POST',
      headers: { ...bearer(traderToken), 'content-type': 'application/pdf' },
      body: bytes,
    });

    // Assess
    expect(text.json.event).toMatchObject({ routeKey: 'POST /items', body: json, isBase64Encoded: false });
    expect(text.json.event.pathParameters).toBeUndefined();
    expect(text.json.event.queryStringParameters).toBeUndefined();
    expect(binary.json.event.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.json.event.body ?? '', 'base64')).toEqual(bytes);
  });

  it('prefers the most specific route and supports greedy parameters', async () => {
    // Act
    const specific = await request<Echo>(`${cloud.apiUrl}/items/special`, { headers: bearer(traderToken) });
    const greedy = await request<Echo>(`${cloud.apiUrl}/files/a/b/c.pdf`);

    // Assess
    expect(specific.json.context.functionName).toBe('echoSpecific');
    expect(specific.json.event.pathParameters).toBeUndefined();
    expect(greedy.json.event.routeKey).toBe('GET /files/{path+}');
    expect(greedy.json.event.pathParameters).toEqual({ path: 'a/b/c.pdf' });
    expect(greedy.json.event.requestContext.authorizer).toBeUndefined();
  });
});

describe('responses', () => {
  it('maps status, headers and cookies of a structured result', async () => {
    // Act
    const reply = await request(`${cloud.apiUrl}/items/1?status=202`, { headers: bearer(traderToken) });

    // Assess
    expect(reply.status).toBe(202);
    expect(reply.headers.get('x-fixture')).toBe('echo');
    expect(reply.headers.get('x-number')).toBe('42');
    expect(reply.headers.getSetCookie()).toEqual(['session=abc; Path=/; HttpOnly', 'theme=dark']);
  });

  it('infers a 200 JSON response from a plain result (after the JSON round trip)', async () => {
    // Act
    const reply = await request(`${cloud.apiUrl}/inferred`);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(reply.json).toEqual({ greeting: 'hello', at: '1970-01-01T00:00:00.000Z' });
  });

  it('decodes base64 bodies of the result', async () => {
    // Act
    const response = await fetch(`${cloud.apiUrl}/binary`);

    // Assess
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 253, 254, 255]));
  });

  it('answers 500 like API Gateway when the handler throws, times out or cannot be loaded', async () => {
    // Act
    const thrown = await request(`${cloud.apiUrl}/boom`, { headers: bearer(traderToken) });
    const timedOut = await request(`${cloud.apiUrl}/slow`);
    const missing = await request(`${cloud.apiUrl}/missing`);
    const wrongExport = await request(`${cloud.apiUrl}/wrong-export`);
    const stillServing = await request(`${cloud.apiUrl}/inferred`);

    // Assess
    for (const reply of [thrown, timedOut, missing, wrongExport]) {
      expect(reply.status).toBe(500);
      expect(reply.json).toEqual({ message: 'Internal Server Error' });
    }
    expect(stillServing.status).toBe(200);
  });
});

describe('JWT authorizer', () => {
  const unauthorized = { message: 'Unauthorized' };

  it('refuses a request without a token', async () => {
    // Act
    const reply = await request(`${cloud.apiUrl}/items/1`);

    // Assess
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual(unauthorized);
  });

  it('refuses malformed, tampered, expired, not-yet-valid, wrong-audience and wrong-issuer tokens', async () => {
    // Prepare
    const [header = '', , signature = ''] = traderToken.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ sub: 'x', 'cognito:groups': ['admin'], iss: cloud.issuer, aud: cloud.audience, exp: 9_999_999_999 }),
    ).toString('base64url');
    const tokens = {
      malformed: 'not-a-jwt',
      tampered: `${header}.${forgedPayload}.${signature}`,
      expired: cloud.mintToken({ role: 'trader', party: 'GB123456789000' }, { expiresInSeconds: -60 }),
      notYetValid: cloud.mintToken({ role: 'trader', party: 'GB123456789000' }, { notBeforeInSeconds: 3_600 }),
      wrongAudience: cloud.mintToken({ role: 'trader', party: 'GB123456789000' }, { audience: 'some-other-client' }),
      wrongIssuer: cloud.mintToken(
        { role: 'trader', party: 'GB123456789000' },
        { issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_other' },
      ),
    };

    // Act
    const replies = await Promise.all(
      Object.entries(tokens).map(
        async ([kind, token]) => [kind, await request(`${cloud.apiUrl}/items/1`, { headers: bearer(token) })] as const,
      ),
    );

    // Assess
    for (const [kind, reply] of replies) {
      expect({ kind, status: reply.status, body: reply.json }).toEqual({ kind, status: 401, body: unauthorized });
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    }
  });

  it('accepts a token without the Bearer prefix, as API Gateway does', async () => {
    // Act
    const reply = await request(`${cloud.apiUrl}/items/1`, { headers: { authorization: traderToken } });

    // Assess
    expect(reply.status).toBe(200);
  });

  it('lets open routes through without a token', async () => {
    // Act
    const reply = await request<Echo>(`${cloud.apiUrl}/files/readme.txt`);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.json.event.requestContext.authorizer).toBeUndefined();
  });
});

describe('routing and limits', () => {
  it('answers 404 for unknown paths and for known paths with another method', async () => {
    // Act
    const unknown = await request(`${cloud.apiUrl}/nowhere`, { headers: bearer(traderToken) });
    const wrongMethod = await request(`${cloud.apiUrl}/items/1`, { method: 'DELETE', headers: bearer(traderToken) });
    const trailingSlash = await request(`${cloud.apiUrl}/items/`, { headers: bearer(traderToken) });

    // Assess
    for (const reply of [unknown, wrongMethod, trailingSlash]) {
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual({ message: 'Not Found' });
    }
  });

  it('answers 413 for a body over 10 MB', async () => {
    // Prepare
    const body = Buffer.alloc(10 * 1024 * 1024 + 1, 'a');

    // Act
    const reply = await request(`${cloud.apiUrl}/items`, {
      method: 'POST',
      headers: { ...bearer(traderToken), 'content-type': 'text/plain' },
      body,
    });

    // Assess
    expect(reply.status).toBe(413);
  });
});

describe('local-only routes', () => {
  it('issues tokens the gateway accepts and publishes the JWKS', async () => {
    // Act
    const issued = await request<{ token: string }>(`${cloud.apiUrl}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'trader', party: 'GB987654321000' }),
    });
    const used = await request<Echo>(`${cloud.apiUrl}/items/1`, { headers: bearer(issued.json.token) });
    const jwks = await request<{ keys: { kid: string; kty: string; alg: string; d?: string }[] }>(`${cloud.apiUrl}/local/jwks.json`);
    const discovery = await request<{ issuer: string; jwks_uri: string }>(`${cloud.apiUrl}/local-issuer/.well-known/openid-configuration`);

    // Assess
    expect(issued.status).toBe(200);
    expect(used.status).toBe(200);
    expect(used.json.event.requestContext.authorizer?.jwt.claims['custom:party_id']).toBe('GB987654321000');
    expect(jwks.json.keys).toHaveLength(1);
    expect(jwks.json.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    expect(jwks.json.keys[0]?.d).toBeUndefined();
    expect(discovery.json).toMatchObject({ issuer: cloud.issuer, jwks_uri: `${cloud.issuer}/.well-known/jwks.json` });
  });

  it('refuses token requests with an unknown role or a trader without party', async () => {
    // Act
    const headers = { 'content-type': 'application/json' };
    const badRole = await request(`${cloud.apiUrl}/local/token`, { method: 'POST', headers, body: JSON.stringify({ role: 'root' }) });
    const noParty = await request(`${cloud.apiUrl}/local/token`, { method: 'POST', headers, body: JSON.stringify({ role: 'trader' }) });

    // Assess
    expect(badRole.status).toBe(400);
    expect(noParty.status).toBe(400);
  });
});

describe('handler environment', () => {
  it('lets plain SDK clients reach DynamoDB, SQS and S3 through the standard endpoint variables', async () => {
    // Prepare
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    const dynamodb = new DynamoDBClient({ region: 'eu-west-2', endpoint: cloud.endpoints.dynamodb, credentials });
    const sqs = new SQSClient({ region: 'eu-west-2', endpoint: cloud.endpoints.sqs, credentials });
    const s3 = new S3Client({ region: 'eu-west-2', endpoint: cloud.endpoints.s3, credentials });

    try {
      // Act
      const reply = await request<{ env: Record<string, string> }>(`${cloud.apiUrl}/store/doc-1`, {
        method: 'PUT',
        headers: bearer(traderToken),
      });

      // Assess
      expect(reply.status).toBe(201);
      expect(reply.json.env).toMatchObject({
        region: 'eu-west-2',
        currency: 'GBP',
        stalledAfterMinutes: '1',
        dynamodb: cloud.endpoints.dynamodb,
      });
      expect(reply.json.env.offices).toContain('GBLHR');
      const item = await dynamodb.send(
        new GetItemCommand({ TableName: cloud.tableNames.main, Key: { PK: { S: 'FIXTURE#doc-1' }, SK: { S: 'META' } } }),
      );
      expect(item.Item).toBeDefined();
      const messages = await sqs.send(new ReceiveMessageCommand({ QueueUrl: cloud.queueUrls.validation, WaitTimeSeconds: 1 }));
      expect(messages.Messages?.[0]?.Body).toBe(JSON.stringify({ id: 'doc-1' }));
      const object = await s3.send(new GetObjectCommand({ Bucket: cloud.bucketNames.archive, Key: 'fixtures/doc-1.json' }));
      expect(await object.Body?.transformToString()).toBe(JSON.stringify({ id: 'doc-1' }));
    } finally {
      dynamodb.destroy();
      sqs.destroy();
      s3.destroy();
    }
  });
});
