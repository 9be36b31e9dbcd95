/**
 * The SQS worker wrapper (shared/workers/sqs-handler.ts): partial batch failures, and log lines
 * that name the message they are about even when the records of a batch run at once; its batch
 * form hands the whole batch to one call and reports the records it answered with an error.
 */

import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { SqsPipelineQueue } from '#shared/adapters/sqs-pipeline-queue.ts';
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

describe('sqsHandler sends', () => {
  /** Runs two records, "slow" busy until released and "quick" sending at once; what was sent while "slow" was busy. */
  async function sentWhileAnotherRecordIsBusy(coalesceSends: boolean | undefined): Promise<number> {
    const sent: unknown[] = [];
    const client = {
      send: async (command: unknown) => {
        sent.push(command instanceof SendMessageCommand ? command.input : command);
        return { MessageId: 'm-1', Successful: [], Failed: [] };
      },
    } as unknown as SQSClient;
    const queue = new SqsPipelineQueue(client, 'http://sqs.local/000000000000/customs-webhookDeliveries');
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = sqsHandler(
      z.object({ name: z.string() }),
      async ({ name }) => (name === 'slow' ? slow : queue.send({ declarationId: '01JDECLARATION0001', version: 1 })),
      { maxReceiveCount: 5, ...(coalesceSends === undefined ? {} : { coalesceSends }) },
    );
    const running = handler({ Records: [record('m-slow', { name: 'slow' }), record('m-quick', { name: 'quick' })] }, context);
    for (let turn = 0; turn < 10; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    const whileBusy = sent.length;
    release();
    await running;
    return whileBusy;
  }

  it("holds a record's send at the barrier while another record is busy (coalesced, the default)", async () => {
    // Prepare, Act
    const whileBusy = await sentWhileAnotherRecordIsBusy(undefined);

    // Assess
    expect(whileBusy).toBe(0);
  });

  it('sends at once with coalesceSends: false (a worker waiting on subscribers: one slow answer holds no other send)', async () => {
    // Prepare, Act
    const whileBusy = await sentWhileAnotherRecordIsBusy(false);

    // Assess
    expect(whileBusy).toBe(1);
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
