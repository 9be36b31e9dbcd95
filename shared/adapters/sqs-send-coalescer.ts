/**
 * Coalesced SQS sends inside one SQS-triggered invocation, exact rather than timed. At volume an
 * invocation gets a full batch whose records run at once (shared/workers/sqs-handler.ts) and send
 * to the same queues at nearly the same moment: SQS bills each SendMessage as a request, and a
 * SendMessageBatch of up to 10 entries as one.
 *
 * The handler opens a barrier per invocation (`withSendBarrier`) and runs each record in it
 * (`runRecord`). A record's send (`sendMessage`) waits; when every record that has started is
 * either waiting on a send or finished, the waiting sends are flushed, per queue, in calls of at
 * most 10 entries and 256 KB. A record blocked on other I/O is not waiting yet; a record that
 * throws is finished; so the barrier always opens. It opens after at most `maxHoldMs` (1 s) whatever
 * the others do: a record held up by something slow (contention retries, a slow answer) must not
 * hold the other records' messages until the invocation times out and loses them (their attempts
 * already recorded). At volume the records of a batch reach their sends within milliseconds of each
 * other, so the barrier, not the hold, decides. A flush with one entry for a queue is a plain
 * SendMessage, as a send outside a barrier (API handlers, scheduled functions) always is.
 * IAM authorises SendMessageBatch with the `sqs:SendMessage` action, the queue's send grant.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SendMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { messageAttributesBytes } from './sqs-message-size.ts';

/** SendMessageBatch takes at most 10 entries. */
const MAX_ENTRIES_PER_BATCH = 10;
/** SQS's payload limit of a batch (bodies and attributes of all its entries); 256 KB, the long-standing limit. */
const MAX_BATCH_BYTES = 256 * 1024;

/** A send as a caller makes it: one message to one queue. */
export type QueueSend = Pick<SendMessageCommandInput, 'MessageBody' | 'MessageAttributes' | 'DelaySeconds'> & { QueueUrl: string };

interface WaitingSend {
  client: SQSClient;
  input: QueueSend;
  record: RecordTurn;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface RecordTurn {
  waitingSends: number;
  finished: boolean;
}

/** The longest a send waits at the barrier for the other records of its invocation. */
export const MAX_HOLD_MS = 1_000;

class SendBarrier {
  readonly #records = new Set<RecordTurn>();
  #waiting: WaitingSend[] = [];
  #flushScheduled = false;
  #hold: NodeJS.Timeout | undefined;

  constructor(private readonly maxHoldMs: number) {}

  async runRecord<R>(work: () => Promise<R>): Promise<R> {
    const record: RecordTurn = { waitingSends: 0, finished: false };
    this.#records.add(record);
    try {
      return await recordInBarrier.run({ barrier: this, record }, work);
    } finally {
      record.finished = true;
      this.#records.delete(record);
      this.#flushWhenAllWait();
    }
  }

  send(client: SQSClient, input: QueueSend, record: RecordTurn): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      record.waitingSends += 1;
      this.#waiting.push({ client, input, record, resolve, reject });
      this.#hold ??= setTimeout(() => this.#flush(), this.maxHoldMs);
      this.#flushWhenAllWait();
    });
  }

  #allWait(): boolean {
    for (const record of this.#records) if (record.waitingSends === 0) return false;
    return true;
  }

  // The check is deferred to the next turn of the event loop: records started by the same
  // synchronous loop (Powertools starts them all at once) are all counted by then, and sibling
  // sends a record starts together (Promise.all) join the same flush.
  #flushWhenAllWait(): void {
    if (this.#flushScheduled || this.#waiting.length === 0) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      if (this.#waiting.length === 0 || !this.#allWait()) return;
      this.#flush();
    });
  }

  /** Sends everything waiting, in batches per queue. */
  #flush(): void {
    clearTimeout(this.#hold);
    this.#hold = undefined;
    const sends = this.#waiting;
    this.#waiting = [];
    for (const send of sends) send.record.waitingSends -= 1;
    for (const batch of batchesOf(sends)) void flush(batch);
  }
}

const recordInBarrier = new AsyncLocalStorage<{ barrier: SendBarrier; record: RecordTurn }>();

/** Runs an invocation's records with their sends coalesced: `runRecord` wraps each record's work. */
export function withSendBarrier<T>(
  work: (runRecord: <R>(recordWork: () => Promise<R>) => Promise<R>) => Promise<T>,
  { maxHoldMs = MAX_HOLD_MS }: { maxHoldMs?: number } = {},
): Promise<T> {
  const barrier = new SendBarrier(maxHoldMs);
  return work((recordWork) => barrier.runRecord(recordWork));
}

/**
 * Sends one message: inside a record of a send barrier, in a batch with the records' other sends
 * to the queue; anywhere else, as a SendMessage. Resolves when SQS accepted the message.
 */
export async function sendMessage(client: SQSClient, input: QueueSend): Promise<void> {
  const inBarrier = recordInBarrier.getStore();
  if (inBarrier === undefined || inBarrier.record.finished) {
    await client.send(new SendMessageCommand(input));
    return;
  }
  await inBarrier.barrier.send(client, input, inBarrier.record);
}

/** The bytes SQS counts for a message: its body and each attribute's name, type and value. */
const messageBytes = (input: QueueSend): number =>
  Buffer.byteLength(input.MessageBody ?? '') + messageAttributesBytes(input.MessageAttributes);

/** The waiting sends grouped by client and queue, in order, cut at 10 entries or 256 KB. */
function batchesOf(sends: readonly WaitingSend[]): WaitingSend[][] {
  const byQueue = new Map<SQSClient, Map<string, WaitingSend[][]>>();
  for (const send of sends) {
    const queues = byQueue.get(send.client) ?? new Map<string, WaitingSend[][]>();
    byQueue.set(send.client, queues);
    const batches = queues.get(send.input.QueueUrl) ?? [];
    queues.set(send.input.QueueUrl, batches);
    const last = batches.at(-1);
    const bytes = messageBytes(send.input);
    const fits =
      last !== undefined &&
      last.length < MAX_ENTRIES_PER_BATCH &&
      last.reduce((sum, entry) => sum + messageBytes(entry.input), 0) + bytes <= MAX_BATCH_BYTES;
    if (fits) last.push(send);
    else batches.push([send]);
  }
  return [...byQueue.values()].flatMap((queues) => [...queues.values()].flat());
}

async function flush(batch: readonly WaitingSend[]): Promise<void> {
  const [first] = batch;
  if (first === undefined) return;
  const { client, input } = first;
  if (batch.length === 1) {
    await client.send(new SendMessageCommand(input)).then(() => first.resolve(), first.reject);
    return;
  }
  const entries = batch.map(
    ({ input: { MessageBody, MessageAttributes, DelaySeconds } }, index): SendMessageBatchRequestEntry => ({
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
