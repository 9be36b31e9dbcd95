/**
 * The local cloud hands the SDK clients' DynamoDB and SQS requests to the emulators' threads
 * without a socket (local/in-thread-requests.ts). These tests give the clients a request handler
 * that refuses every request, so an answer can only have come through the thread; they compare
 * the answers with loopback HTTP's, and check that what no thread serves still goes to the socket.
 */
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { sendInThreadWhereServed, serveInThread } from '#local/in-thread-requests.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A request handler that records where each request was going and refuses it: no request may reach a socket. */
function refusingSocket(): { handler: { handle(request: { hostname: string; port?: number }): Promise<never> }; refused: string[] } {
  const refused: string[] = [];
  return {
    refused,
    handler: {
      handle: async (request) => {
        refused.push(`${request.hostname}:${request.port}`);
        throw new Error('this request went to a socket');
      },
    },
  };
}

/** The error the call was refused with (a call that succeeds fails the test). */
async function refusal(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the call succeeded; a refusal was expected');
}

let cloud: LocalCloud;
let table: string;
let queueUrl: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent', functions: {} });
  table = cloud.tableNames.main ?? '';
  queueUrl = cloud.queueUrls.validation ?? '';
});

afterAll(async () => {
  await cloud?.stop();
});

const inThreadDynamoDb = (refusing = refusingSocket()) =>
  sendInThreadWhereServed(
    new DynamoDBClient({ region: cloud.region, endpoint: cloud.endpoints.dynamodb, credentials, requestHandler: refusing.handler }),
  );
const loopbackDynamoDb = () => new DynamoDBClient({ region: cloud.region, endpoint: cloud.endpoints.dynamodb, credentials });

describe('DynamoDB requests handed to dynalite’s thread', () => {
  it('writes, reads and queries through the thread, with no request at a socket', async () => {
    // Prepare
    const refusing = refusingSocket();
    const client = inThreadDynamoDb(refusing);
    const item = { PK: { S: 'THREAD#1' }, SK: { S: 'META' }, status: { S: 'SUBMITTED' } };

    // Act
    await client.send(new PutItemCommand({ TableName: table, Item: item }));
    const got = await client.send(new GetItemCommand({ TableName: table, Key: { PK: item.PK, SK: item.SK }, ConsistentRead: true }));
    const queried = await client.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': item.PK } }),
    );

    // Assess
    expect(got.Item).toEqual(item);
    expect(queried.Items).toEqual([item]);
    expect(refusing.refused).toEqual([]);
  });

  it('answers as loopback HTTP does, refusals included', async () => {
    // Prepare
    const inThread = inThreadDynamoDb();
    const loopback = loopbackDynamoDb();
    const key = { PK: { S: 'THREAD#2' }, SK: { S: 'META' } };
    await loopback.send(new PutItemCommand({ TableName: table, Item: { ...key, version: { N: '1' } } }));
    const conditional = () =>
      new PutItemCommand({ TableName: table, Item: { ...key, version: { N: '2' } }, ConditionExpression: 'attribute_not_exists(PK)' });
    const invalid = () => new GetItemCommand({ TableName: table, Key: { PK: key.PK } });

    // Act
    const [threadRead, loopbackRead] = await Promise.all(
      [inThread, loopback].map((client) => client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))),
    );
    const threadRefusal = await refusal(inThread.send(conditional()));
    const loopbackRefusal = await refusal(loopback.send(conditional()));
    const threadInvalid = await refusal(inThread.send(invalid()));
    const loopbackInvalid = await refusal(loopback.send(invalid()));

    // Assess
    expect(threadRead?.Item).toEqual(loopbackRead?.Item);
    expect(threadRead?.Item?.version).toEqual({ N: '1' });
    expect(threadRefusal).toBeInstanceOf(ConditionalCheckFailedException);
    expect(loopbackRefusal).toBeInstanceOf(ConditionalCheckFailedException);
    expect(threadInvalid.name).toBe('ValidationException');
    expect(threadInvalid.message).toBe(loopbackInvalid.message);
    loopback.destroy();
  });
});

describe('SQS requests handed to fauxqs’ thread', () => {
  it('sends and receives through the thread, the SDK’s MD5 checks passing', async () => {
    // Prepare
    const refusing = refusingSocket();
    const client = sendInThreadWhereServed(
      new SQSClient({ region: cloud.region, endpoint: cloud.endpoints.sqs, credentials, requestHandler: refusing.handler }),
    );

    // Act
    const sent = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"declarationId":"in-thread"}' }));
    const received = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));

    // Assess
    expect(sent.MessageId).toBeTruthy();
    expect(received.Messages?.[0]?.MessageId).toBe(sent.MessageId);
    expect(received.Messages?.[0]?.Body).toBe('{"declarationId":"in-thread"}');
    expect(refusing.refused).toEqual([]);
  });

  it('ends a long poll with an AbortError once its signal aborts, as the socket handler does', async () => {
    // Prepare
    const client = sendInThreadWhereServed(
      new SQSClient({ region: cloud.region, endpoint: cloud.endpoints.sqs, credentials, requestHandler: refusingSocket().handler }),
    );
    const polls = new AbortController();
    const emptyQueue = cloud.queueUrls.release ?? '';

    // Act: a 20 s long poll of an empty queue, aborted while it waits
    const poll = client.send(new ReceiveMessageCommand({ QueueUrl: emptyQueue, WaitTimeSeconds: 20 }), { abortSignal: polls.signal });
    setTimeout(() => polls.abort(), 50);
    const outcome = await refusal(poll);

    // Assess
    expect(outcome.name).toBe('AbortError');
  });
});

describe('what no thread serves', () => {
  it('goes to the client’s own handler: another host, or a thread no longer served', async () => {
    // Prepare
    const refusing = refusingSocket();
    const elsewhere = sendInThreadWhereServed(
      new DynamoDBClient({ region: cloud.region, endpoint: 'http://127.0.0.1:9', credentials, requestHandler: refusing.handler }),
    );
    const answered: string[] = [];
    const stopServing = serveInThread('127.0.0.1:10', {
      request: async (request) => {
        answered.push(request.url);
        return { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: new TextEncoder().encode('{}') };
      },
    });
    const served = sendInThreadWhereServed(
      new DynamoDBClient({ region: cloud.region, endpoint: 'http://127.0.0.1:10', credentials, requestHandler: refusing.handler }),
    );
    const read = () => new GetItemCommand({ TableName: table, Key: { PK: { S: 'X' }, SK: { S: 'Y' } } });

    // Act
    const notServed = await refusal(elsewhere.send(read()));
    const whileServed = await served.send(read());
    stopServing();
    const afterwards = await refusal(served.send(read()));

    // Assess
    expect(notServed.message).toBe('this request went to a socket');
    expect(whileServed.Item).toBeUndefined();
    expect(answered).toEqual(['/']);
    expect(afterwards.message).toBe('this request went to a socket');
    expect(refusing.refused).toEqual(['127.0.0.1:9', '127.0.0.1:10']);
  });
});
