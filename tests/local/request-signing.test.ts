/**
 * The local cloud's placeholder signatures (local/request-signing.ts): a handler's SDK request
 * reaches the emulator with a well-formed SigV4 Authorization header (the credential scope names
 * the client's region and service) whose signature was not computed.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { amzDate, placeholderSignatureHeaders, signWithPlaceholders } from '#local/request-signing.ts';
import { dynamoDbClient, sqsClient } from '#shared/adapters/aws-clients.ts';

/** An HTTP server that records each request's headers and answers `{}` as JSON. */
async function recordingServer() {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('placeholder signatures', () => {
  it('names the access key, day, region and service in the credential scope, and S3 an unsigned payload', () => {
    // Prepare
    const at = new Date('2026-11-28T10:15:00.123Z');

    // Act
    const dynamodb = placeholderSignatureHeaders({ accessKeyId: 'local', region: 'eu-west-2', service: 'dynamodb', at });
    const s3 = placeholderSignatureHeaders({ accessKeyId: 'local', region: 'eu-west-2', service: 's3', at });

    // Assess
    expect(amzDate(at)).toBe('20261128T101500Z');
    expect(dynamodb).toEqual({
      'x-amz-date': '20261128T101500Z',
      authorization: `AWS4-HMAC-SHA256 Credential=local/20261128/eu-west-2/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    });
    expect(s3['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
  });

  it("replaces the SDK's signing step of clients created after it is installed", async () => {
    // Prepare
    const server = await recordingServer();
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', server.url);
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', server.url);
    vi.stubEnv('AWS_REGION', 'eu-west-2');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local-key');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local-secret');
    signWithPlaceholders();

    // Act
    try {
      await dynamoDbClient().send(new ListTablesCommand({}));
      await sqsClient().send(new ListQueuesCommand({}));
    } finally {
      server.close();
    }

    // Assess
    const [dynamodb, sqs] = server.seen;
    expect(dynamodb?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local-key\/\d{8}\/eu-west-2\/dynamodb\/aws4_request, SignedHeaders=host;x-amz-date, Signature=0{64}$/,
    );
    expect(dynamodb?.['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(sqs?.authorization).toMatch(/Credential=local-key\/\d{8}\/eu-west-2\/sqs\/aws4_request, .*Signature=0{64}$/);
  });
});
