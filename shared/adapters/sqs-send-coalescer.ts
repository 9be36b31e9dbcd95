/**
 * Coalesced SQS sends inside one SQS-triggered invocation. At volume an invocation gets a full
 * batch whose records run at once and send to the same queues at nearly the same moment: SQS
 * bills each SendMessage as a request, and a SendMessageBatch of up to 10 entries as one. A send
 * waits at the invocation's barrier (shared/workers/send-barrier.ts); the waiting sends then go, per
 * queue, in calls of at most 10 entries and 256 KB. A flush with one entry for a queue is a plain
 * SendMessage, as a send outside a barrier (API handlers, scheduled functions) always is.
 * IAM authorises SendMessageBatch with the `sqs:SendMessage` action, the queue's send grant.
 */
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type Waiting, waitAtBarrier } from '#shared/workers/send-barrier.ts';
import { messageAttributesBytes } from './sqs-message-size.ts';

/** SendMessageBatch takes at most 10 entries. */
const MAX_ENTRIES_PER_BATCH = 10;
/** SQS's payload limit of a batch (bodies and attributes of all its entries); 256 KB, the long-standing limit. */
const MAX_BATCH_BYTES = 256 * 1024;

/** A send as a caller makes it: one message to one queue. */
export type QueueSend = Pick<SendMessageCommandInput, 'MessageBody' | 'MessageAttributes' | 'DelaySeconds'> & { QueueUrl: string };

/**
 * Sends one message: inside a record of a send barrier, in a batch with the records' other sends
 * to the queue; anywhere else, as a SendMessage. Resolves when SQS accepted the message.
 */
export async function sendMessage(client: SQSClient, input: QueueSend): Promise<void> {
  await (waitAtBarrier({ client, input }, flushSends) ?? client.send(new SendMessageCommand(input)));
}

/** A send at the barrier: the client and the message. */
type WaitingSend = Waiting<{ client: SQSClient; input: QueueSend }>;

const flushSends = (sends: WaitingSend[]): void => {
  for (const batch of batchesOf(sends)) void flush(batch);
};

/** The bytes SQS counts for a message: its body and each attribute's name, type and value. */
const messageBytes = (input: QueueSend): number =>
  Buffer.byteLength(input.MessageBody ?? '') + messageAttributesBytes(input.MessageAttributes);

/** The waiting sends grouped by client and queue, in order, cut at 10 entries or 256 KB. */
function batchesOf(sends: readonly WaitingSend[]): WaitingSend[][] {
  const byQueue = new Map<SQSClient, Map<string, WaitingSend[][]>>();
  for (const send of sends) {
    const queues = byQueue.get(send.payload.client) ?? new Map<string, WaitingSend[][]>();
    byQueue.set(send.payload.client, queues);
    const batches = queues.get(send.payload.input.QueueUrl) ?? [];
    queues.set(send.payload.input.QueueUrl, batches);
    const last = batches.at(-1);
    const bytes = messageBytes(send.payload.input);
    const fits =
      last !== undefined &&
      last.length < MAX_ENTRIES_PER_BATCH &&
      last.reduce((sum, entry) => sum + messageBytes(entry.payload.input), 0) + bytes <= MAX_BATCH_BYTES;
    if (fits) last.push(send);
    else batches.push([send]);
  }
  return [...byQueue.values()].flatMap((queues) => [...queues.values()].flat());
}

async function flush(batch: readonly WaitingSend[]): Promise<void> {
  const [first] = batch;
  if (first === undefined) return;
  const { client, input } = first.payload;
  if (batch.length === 1) {
    await client.send(new SendMessageCommand(input)).then(() => first.resolve(), first.reject);
    return;
  }
  const entries = batch.map(
    (
      {
        payload: {
          input: { MessageBody, MessageAttributes, DelaySeconds },
        },
      },
      index,
    ): SendMessageBatchRequestEntry => ({
      Id: String(index),
      MessageBody,
      MessageAttributes,
      DelaySeconds,
    }),
  );
  try {
    const result = await client.send(new SendMessageBatchCommand({ QueueUrl: input.QueueUrl, Entries: entries }));
    const failed = new Map((result.Failed ?? []).map((entry) => [entry.Id, entry]));
    for (const [index, send] of batch.entries()) {
      const failure = failed.get(String(index));
      if (failure === undefined) send.resolve();
      else send.reject(new Error(`SQS refused the message for ${input.QueueUrl}: ${failure.Code ?? 'no code'} ${failure.Message ?? ''}`));
    }
  } catch (error) {
    const code = (error as { name?: string }).name ?? 'Error';
    for (const send of batch) send.reject(new Error(`SQS SendMessageBatch to ${input.QueueUrl} failed: ${code}`, { cause: error }));
  }
}
