/**
 * Coalesced sends inside an SQS invocation (shared/adapters/sqs-send-coalescer.ts), through the
 * pipeline queue adapter as the stages send: the records' sends wait at the invocation's barrier
 * and go as SendMessageBatch calls of at most 10 entries, per queue, once every running record waits
 * or has finished; each caller learns its own entry's fate; outside a barrier a send is a SendMessage.
 */
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  type SendMessageBatchResult,
  SendMessageCommand,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsPipelineQueue } from '#shared/adapters/sqs-pipeline-queue.ts';
import { withSendBarrier } from '#shared/workers/send-barrier.ts';
import oneFailed from '#tests/fixtures/sqs/send-message-batch-one-failed.json' with { type: 'json' };

const VALIDATION = 'http://sqs.local/000000000000/customs-validation';
const NOTIFICATIONS = 'http://sqs.local/000000000000/customs-notifications';

type Call =
  | { operation: 'SendMessage'; input: SendMessageCommandInput }
  | { operation: 'SendMessageBatch'; input: SendMessageBatchCommandInput };

/** An SQS client that records each call and answers a batch with `answerBatch` (every entry accepted by default). */
function recordingClient(answerBatch?: (input: SendMessageBatchCommandInput) => SendMessageBatchResult | Error) {
  const calls: Call[] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof SendMessageCommand) {
        calls.push({ operation: 'SendMessage', input: command.input });
        return { MessageId: `m-${calls.length}` };
      }
      if (command instanceof SendMessageBatchCommand) {
        calls.push({ operation: 'SendMessageBatch', input: command.input });
        const answer = answerBatch?.(command.input) ?? {
          Successful: (command.input.Entries ?? []).map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}`, MD5OfMessageBody: '' })),
          Failed: [],
        };
        if (answer instanceof Error) throw answer;
        return answer;
      }
      throw new Error('unexpected command');
    },
  } as unknown as SQSClient;
  return { client, calls };
}

/** Runs `count` records in one barrier as the SQS handler does (all started at once), each doing `work(index)`. */
function invocation<T>(count: number, work: (index: number) => Promise<T>) {
  return withSendBarrier((runRecord) => Promise.allSettled(Array.from({ length: count }, (_, index) => runRecord(() => work(index)))));
}

const message = (index: number) => ({ declarationId: `01JDECLARATION${String(index).padStart(4, '0')}`, version: 1 });

describe('sends inside an SQS invocation', () => {
  it('sends the sends of 10 records running at once as one SendMessageBatch that keeps each message attribute', async () => {
    // Prepare
    const { client, calls } = recordingClient();
    const queue = new SqsPipelineQueue(client, VALIDATION);

    // Act
    const outcomes = await invocation(10, (index) => queue.send(message(index)));

    // Assess
    expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    expect(calls.map((call) => call.operation)).toEqual(['SendMessageBatch']);
    const entries = (calls[0]?.input as SendMessageBatchCommandInput | undefined)?.Entries ?? [];
    expect(entries.map((entry) => JSON.parse(entry.MessageBody ?? '') as unknown)).toEqual(
      Array.from({ length: 10 }, (_, i) => message(i)),
    );
    expect(entries.map((entry) => entry.MessageAttributes?.declarationId?.StringValue)).toEqual(
      Array.from({ length: 10 }, (_, i) => message(i).declarationId),
    );
  });

  it('cuts the sends of 25 records into calls of 10, 10 and 5', async () => {
    // Prepare
    const { client, calls } = recordingClient();
    const queue = new SqsPipelineQueue(client, VALIDATION);

    // Act
    await invocation(25, (index) => queue.send(message(index)));

    // Assess
    expect(calls.map((call) => (call.input as SendMessageBatchCommandInput).Entries?.length)).toEqual([10, 10, 5]);
  });

  it('flushes per queue: each record sends to two queues one after the other, two batch calls a round', async () => {
    // Prepare: as a stage does, the history event's notification, then the next stage's message
    const { client, calls } = recordingClient();
    const notifications = new SqsPipelineQueue(client, NOTIFICATIONS);
    const validation = new SqsPipelineQueue(client, VALIDATION);

    // Act
    await invocation(4, async (index) => {
      await notifications.send(message(index));
      await validation.send(message(index));
    });

    // Assess
    expect(
      calls.map((call) => [call.operation, call.input.QueueUrl, (call.input as SendMessageBatchCommandInput).Entries?.length]),
    ).toEqual([
      ['SendMessageBatch', NOTIFICATIONS, 4],
      ['SendMessageBatch', VALIDATION, 4],
    ]);
  });

  it('rejects only the record whose entry SQS failed, with an Error naming its code and the queue', async () => {
    // Prepare: SQS answers entry 1 of 3 as failed
    const { client } = recordingClient(() => oneFailed);
    const queue = new SqsPipelineQueue(client, VALIDATION);

    // Act
    const outcomes = await invocation(3, (index) => queue.send(message(index)));

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (outcomes[1] as PromiseRejectedResult).reason as Error;
    expect(reason.message).toContain('InternalError');
    expect(reason.message).toContain(VALIDATION);
  });

  it('rejects every record of a batch call that throws, naming the error and the queue', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'RequestThrottled' });
    const { client } = recordingClient(() => throttled);
    const queue = new SqsPipelineQueue(client, VALIDATION);

    // Act
    const outcomes = await invocation(2, (index) => queue.send(message(index)));

    // Assess
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as Error;
      expect(reason.message).toContain('RequestThrottled');
      expect(reason.message).toContain(VALIDATION);
      expect(reason.cause).toBe(throttled);
    }
  });

  it('holds a send while another record is busy with other I/O, and flushes it alone once that record finishes without sending', async () => {
    // Prepare: record 1 waits on work the test releases; record 0 sends at once
    const { client, calls } = recordingClient();
    const queue = new SqsPipelineQueue(client, VALIDATION);
    let release: () => void = () => undefined;
    const otherIo = new Promise<void>((resolve) => {
      release = resolve;
    });
    let sent = false;

    // Act
    const running = invocation(2, async (index) => {
      if (index === 1) return otherIo;
      await queue.send(message(index));
      sent = true;
    });
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    const callsWhileBusy = calls.length;
    release();
    const outcomes = await running;

    // Assess
    expect(callsWhileBusy).toBe(0);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(sent).toBe(true);
    expect(calls.map((call) => call.operation)).toEqual(['SendMessage']);
  });

  it('sends a held message after at most maxHoldMs while another record is still busy', async () => {
    // Prepare: record 1 is held up (a slow answer, contention retries) until the test releases it
    const { client, calls } = recordingClient();
    const queue = new SqsPipelineQueue(client, VALIDATION);
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });

    // Act
    const running = withSendBarrier(
      (runRecord) =>
        Promise.allSettled([runRecord(() => queue.send(message(0))), runRecord(async () => slow.then(() => queue.send(message(1))))]),
      { maxHoldMs: 20 },
    );
    await new Promise((resolve) => setTimeout(resolve, 60));
    const callsWhileSlow = calls.map((call) => call.operation);
    release();
    await running;

    // Assess: the first went out alone after the hold; the second once its record got there
    expect(callsWhileSlow).toEqual(['SendMessage']);
    expect(calls.map((call) => call.operation)).toEqual(['SendMessage', 'SendMessage']);
  });

  it('counts a record that throws as finished: the others send in one batch', async () => {
    // Prepare
    const { client, calls } = recordingClient();
    const queue = new SqsPipelineQueue(client, VALIDATION);

    // Act
    const outcomes = await invocation(3, async (index) => {
      await Promise.resolve();
      if (index === 0) throw new Error('no such declaration');
      await queue.send(message(index));
    });

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(calls.map((call) => [call.operation, (call.input as SendMessageBatchCommandInput).Entries?.length])).toEqual([
      ['SendMessageBatch', 2],
    ]);
  });

  it('cuts a batch before 256 KB of payload', async () => {
    // Prepare: three messages of 100 KB each
    const { client, calls } = recordingClient();
    const body = 'x'.repeat(100 * 1024);
    const { sendMessage } = await import('#shared/adapters/sqs-send-coalescer.ts');

    // Act
    await invocation(3, () => sendMessage(client, { QueueUrl: VALIDATION, MessageBody: body }));

    // Assess: two fit in 256 KB, the third goes alone
    expect(calls.map((call) => call.operation)).toEqual(['SendMessageBatch', 'SendMessage']);
  });
});

describe('sends outside an SQS invocation', () => {
  it('sends each message as a SendMessage at once', async () => {
    // Prepare
    const { client, calls } = recordingClient();
    const queue = new SqsPipelineQueue(client, VALIDATION);

    // Act
    await Promise.all([queue.send(message(0)), queue.send(message(1))]);

    // Assess
    expect(calls.map((call) => call.operation)).toEqual(['SendMessage', 'SendMessage']);
    expect((calls[0]?.input as SendMessageCommandInput | undefined)?.MessageAttributes?.declarationId?.StringValue).toBe(
      message(0).declarationId,
    );
  });
});
