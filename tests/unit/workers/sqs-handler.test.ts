/**
 * The SQS worker wrapper (shared/workers/sqs-handler.ts): partial batch failures, and log lines
 * that name the message they are about even when the records of a batch run at once; its batch
 * form hands the whole batch to one call and reports the records it answered with an error.
 */
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { sqsBatchHandler, sqsHandler } from '#shared/workers/sqs-handler.ts';

const record = (messageId: string, body: unknown): SQSRecord =>
  ({
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-2:000000000000:test',
    awsRegion: 'eu-west-2',
  }) as unknown as SQSRecord;

const context = {
  functionName: 'test',
  functionVersion: '1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:test',
  memoryLimitInMB: '128',
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sqsHandler', () => {
  it('reports each failed record and logs each failure under its own messageId while records run at once', async () => {
    // Prepare: "slow" fails after "fast" has started and finished, so their work interleaves
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
    }
    const handler = sqsHandler(z.object({ name: z.string() }), async ({ name }) => {
      await new Promise((resolve) => setTimeout(resolve, name === 'slow' ? 30 : 1));
      if (name !== 'ok') throw new Error(`failed ${name}`);
    });
    const event: SQSEvent = {
      Records: [record('m-slow', { name: 'slow' }), record('m-fast', { name: 'fast' }), record('m-ok', { name: 'ok' })],
    };

    // Act
    const response = await handler(event, context);

    // Assess
    vi.restoreAllMocks();
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['m-fast', 'm-slow']);
    const failures = lines
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('message failed'))
      .map((line) => JSON.parse(line) as { messageId?: string; error?: { message: string } });
    expect(failures).toHaveLength(2);
    for (const failure of failures) expect(failure.error?.message).toBe(`failed ${failure.messageId?.slice(2)}`);
  });
});

describe('sqsBatchHandler', () => {
  it('hands every parsable message to one call, and reports the unparsable records and those answered with an error', async () => {
    // Prepare
    for (const stream of [process.stdout, process.stderr]) vi.spyOn(stream, 'write').mockImplementation(() => true);
    const calls: string[][] = [];
    const onExhausted = vi.fn(async () => undefined);
    const handler = sqsBatchHandler(
      z.object({ name: z.string() }),
      async (messages) => {
        calls.push(messages.map(({ name }) => name));
        return messages.map(({ name }) => (name === 'bad' ? new Error('no document') : undefined));
      },
      { maxReceiveCount: 1, onExhausted },
    );
    const event: SQSEvent = {
      Records: [
        record('m-a', { name: 'a' }),
        record('m-broken', { title: 'no name' }),
        record('m-bad', { name: 'bad' }),
        record('m-b', { name: 'b' }),
      ],
    };

    // Act
    const response = await handler(event, context);

    // Assess
    expect(calls).toEqual([['a', 'bad', 'b']]);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m-broken', 'm-bad']);
    expect(onExhausted).toHaveBeenCalledTimes(1);
    expect(onExhausted).toHaveBeenCalledWith({ name: 'bad' }, expect.objectContaining({ message: 'no document' }));
  });
});
