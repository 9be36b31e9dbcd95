/**
 * The send barrier (issue 11, coalesced sends): edges of the send barrier the merged unit tests do not
 * name: a send started after its record finished, and a send left waiting by a record that threw.
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsPipelineQueue } from '#shared/adapters/sqs-pipeline-queue.ts';
import { withSendBarrier } from '#shared/workers/send-barrier.ts';

const QUEUE = 'http://sqs.local/000000000000/customs-risk';

function recordingClient() {
  const calls: string[] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof SendMessageCommand) calls.push('SendMessage');
      else if (command instanceof SendMessageBatchCommand) {
        calls.push(`SendMessageBatch:${command.input.Entries?.length}`);
        return { Successful: (command.input.Entries ?? []).map((entry) => ({ Id: entry.Id, MessageId: 'm' })), Failed: [] };
      }
      return { MessageId: 'm' };
    },
  } as unknown as SQSClient;
  return { client, calls };
}

const message = (n: number) => ({ declarationId: `01JREVIEW3000000000000000${n}`, version: 1 });

describe('send barrier edges', () => {
  it('sends a message started after its record finished at once, as a SendMessage', async () => {
    // Prepare: record 0 leaves work behind that sends once the invocation's records are done
    const { client, calls } = recordingClient();
    const queue = new SqsPipelineQueue(client, QUEUE);
    let later: Promise<void> = Promise.resolve();
    let releaseLater: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      releaseLater = resolve;
    });

    // Act
    await withSendBarrier((runRecord) =>
      Promise.all([
        runRecord(async () => {
          later = gate.then(() => queue.send(message(0)));
        }),
        runRecord(() => queue.send(message(1))),
      ]),
    );
    releaseLater();
    await later;

    // Assess: the record's own send went at the flush, the late one alone and resolved
    expect(calls).toEqual(['SendMessage', 'SendMessage']);
  });

  it('still sends and settles a send that a record left waiting when it threw', async () => {
    // Prepare
    const { client, calls } = recordingClient();
    const queue = new SqsPipelineQueue(client, QUEUE);
    let leftWaiting: Promise<void> = Promise.resolve();

    // Act
    const outcomes = await withSendBarrier((runRecord) =>
      Promise.allSettled([
        runRecord(async () => {
          leftWaiting = queue.send(message(0));
          throw new Error('failed beside its send');
        }),
        runRecord(() => queue.send(message(1))),
      ]),
    );
    await leftWaiting;

    // Assess: both messages went in one batch; the thrower is reported failed (SQS redelivers it)
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled']);
    expect(calls).toEqual(['SendMessageBatch:2']);
  });
});
