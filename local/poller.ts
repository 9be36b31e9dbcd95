/**
 * Lambda's SQS event source mapping, locally: long-poll the queue, hand the batch to the handler
 * as an `SQSEvent`, delete what succeeded, leave what failed for redelivery (and, after
 * maxReceiveCount receives, for fauxqs' redrive to the dead-letter queue).
 *
 * Partial batch responses (`ReportBatchItemFailures`) are honoured: `{ batchItemFailures: [{ itemIdentifier }] }`
 * fails only those records; a malformed response or a throw fails the whole batch, as in Lambda.
 *
 * Local deviation: a failed record is made visible again after `retryDelaySeconds` (default 2)
 * with ChangeMessageVisibility instead of after the queue's full visibility timeout, so retries and
 * the redrive happen in seconds.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import type { LocalFunction } from './lambda.ts';
import { describeError, type Log } from './log.ts';

export interface QueuePollerOptions {
  fn: LocalFunction;
  queueName: string;
  queueUrl: string;
  queueArn: string;
  awsRegion: string;
  batchSize: number;
  /** Poll loops that always run (Lambda runs several pollers and invocations in parallel). */
  concurrency: number;
  /**
   * Poll loops while the queue has a backlog (default `concurrency`): as Lambda adds pollers while
   * messages are still available, a loop that receives a full batch starts another one, up to this
   * many; a loop beyond `concurrency` that receives less than a full batch (the backlog is gone) ends.
   */
  maxConcurrency?: number;
  retryDelaySeconds: number;
  sqs: SQSClient;
  log: Log;
  /**
   * Long-poll wait (default 20, SQS's longest and what Lambda's pollers use): an idle loop costs a
   * ReceiveMessage every 20 s, not every second (10 queues x 5 loops made 50 SDK calls a second
   * with nothing to do). stop() aborts the waits, so it does not wait for them.
   */
  waitTimeSeconds?: number;
  /** Chaos: hand every batch to the handler twice at once (SQS delivers at least once). */
  duplicateDeliveries?: boolean;
}

export interface BatchOutcome {
  succeeded: string[];
  failed: string[];
}

export class QueuePoller {
  #stopping = false;
  readonly #loops = new Set<Promise<void>>();
  #sleepers = new Set<() => void>();
  #lastLoadError: string | undefined;
  /** Aborts the loops' long polls when stopping (a batch being processed is not aborted). */
  readonly #polls = new AbortController();

  constructor(private readonly options: QueuePollerOptions) {}

  start(): void {
    for (let index = 0; index < this.options.concurrency; index++) this.#startLoop(false);
  }

  /** `<function> <queue>`, as the local cloud reports its loops. */
  get name(): string {
    return `${this.options.fn.name} ${this.options.queueName}`;
  }

  /** Poll loops running now (the standing ones and those a backlog added). */
  get loops(): number {
    return this.#loops.size;
  }

  #startLoop(extra: boolean): void {
    const loop: Promise<void> = this.#loop(extra).finally(() => this.#loops.delete(loop));
    this.#loops.add(loop);
  }

  /** Stops polling; batches being processed finish (and are deleted or released) first. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#polls.abort();
    for (const wake of [...this.#sleepers]) wake();
    while (this.#loops.size > 0) await Promise.allSettled([...this.#loops]);
  }

  /** `extra`: added for a backlog; it ends once a receive finds less than a full batch. */
  async #loop(extra: boolean): Promise<void> {
    const { fn, log } = this.options;
    while (!this.#stopping) {
      // A worker whose module cannot be loaded does not consume messages (they would only go to the
      // DLQ while the code is being written); it retries the import every few seconds.
      try {
        await fn.load();
        if (this.#lastLoadError) log.info(`${fn.name}: handler loaded, polling ${this.options.queueName}`);
        this.#lastLoadError = undefined;
      } catch (error) {
        const message = describeError(error);
        if (message !== this.#lastLoadError) {
          log.error(`${fn.name}: not polling ${this.options.queueName}: ${message} (retrying every 5 s)`);
          this.#lastLoadError = message;
        }
        await this.#sleep(5_000);
        continue;
      }
      let messages: Message[];
      try {
        messages = await this.#receive();
      } catch (error) {
        if (this.#stopping) break;
        log.warn(`${fn.name}: ReceiveMessage on ${this.options.queueName} failed: ${describeError(error)}`);
        if (extra) return; // no backlog it can show: the standing loops go on
        await this.#sleep(1_000);
        continue;
      }
      const full = messages.length >= this.#fullBatch;
      if (full && this.#loops.size < (this.options.maxConcurrency ?? this.options.concurrency)) this.#startLoop(true);
      if (messages.length > 0) await this.#process(messages);
      if (extra && !full) return;
    }
  }

  /** A receive's largest answer: the batch size, at most SQS's 10 a call. */
  get #fullBatch(): number {
    return Math.max(1, Math.min(this.options.batchSize, 10));
  }

  async #receive(): Promise<Message[]> {
    const { sqs, queueUrl } = this.options;
    const response = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: this.#fullBatch,
        WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.#polls.signal },
    );
    return response.Messages ?? [];
  }

  async #process(messages: Message[]): Promise<void> {
    const { fn, log, queueName } = this.options;
    const started = performance.now();
    const event = this.toEvent(messages);
    const ids = event.Records.map((record) => record.messageId);
    let outcome: BatchOutcome;
    let note = '';
    try {
      const deliveries = this.options.duplicateDeliveries ? 2 : 1;
      const results = await Promise.all(Array.from({ length: deliveries }, () => fn.invoke(event)));
      // A record succeeded only if every delivery of it did.
      const failed = new Set<string>();
      for (const result of results) {
        const failures = parseBatchResponse(result, ids);
        if (failures === 'malformed') {
          note = 'malformed batchItemFailures: whole batch failed';
          for (const id of ids) failed.add(id);
        } else {
          for (const id of failures) failed.add(id);
        }
      }
      outcome = { succeeded: ids.filter((id) => !failed.has(id)), failed: ids.filter((id) => failed.has(id)) };
    } catch (error) {
      note = `invocation failed: ${describeError(error)}`;
      log.error(`${fn.name} on ${queueName}: ${describeError(error)}`, error instanceof Error ? (error.cause ?? error) : error);
      outcome = { succeeded: [], failed: ids };
    }
    await this.#settle(messages, outcome);
    const ms = Math.round(performance.now() - started);
    log.info(
      `SQS ${queueName} -> ${fn.name}: ${messages.length} record(s), ${outcome.succeeded.length} ok, ${outcome.failed.length} failed ${ms}ms${note ? ` (${note})` : ''}`,
    );
  }

  async #settle(messages: Message[], outcome: BatchOutcome): Promise<void> {
    const { sqs, queueUrl, log, retryDelaySeconds } = this.options;
    const handleOf = new Map(messages.map((message) => [message.MessageId ?? '', message.ReceiptHandle ?? '']));
    const entries = (ids: string[]) => ids.map((id, index) => ({ Id: `m${index}`, ReceiptHandle: handleOf.get(id) ?? '' }));
    try {
      if (outcome.succeeded.length > 0) {
        const result = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries(outcome.succeeded) }));
        for (const failure of result.Failed ?? [])
          log.warn(`DeleteMessage failed on ${this.options.queueName}: ${failure.Message ?? failure.Code}`);
      }
      if (outcome.failed.length > 0) {
        const result = await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: entries(outcome.failed).map((entry) => ({ ...entry, VisibilityTimeout: retryDelaySeconds })),
          }),
        );
        for (const failure of result.Failed ?? []) {
          log.warn(`ChangeMessageVisibility failed on ${this.options.queueName}: ${failure.Message ?? failure.Code}`);
        }
      }
    } catch (error) {
      log.warn(`settling a batch on ${this.options.queueName} failed: ${describeError(error)}`);
    }
  }

  /** The SQSEvent Lambda would deliver for these messages. */
  toEvent(messages: Message[]): SQSEvent {
    const { queueArn, awsRegion } = this.options;
    return {
      Records: messages.map((message): SQSRecord => {
        const record: SQSRecord = {
          messageId: message.MessageId ?? '',
          receiptHandle: message.ReceiptHandle ?? '',
          body: message.Body ?? '',
          attributes: recordAttributes(message.Attributes ?? {}),
          messageAttributes: recordMessageAttributes(message.MessageAttributes ?? {}),
          md5OfBody: message.MD5OfBody ?? '',
          eventSource: 'aws:sqs',
          eventSourceARN: queueArn,
          awsRegion,
        };
        if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
        return record;
      }),
    };
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#sleepers.add(done);
    });
  }
}

/**
 * The failed message ids of a partial batch response, or 'malformed' when Lambda would fail the
 * whole batch (an itemIdentifier that is missing, empty or not in the batch).
 */
export function parseBatchResponse(result: unknown, ids: readonly string[]): Set<string> | 'malformed' {
  if (result === null || result === undefined || typeof result !== 'object') return new Set();
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'malformed';
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = typeof failure === 'object' && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '' || !ids.includes(id)) return 'malformed';
    failed.add(id);
  }
  return failed;
}

function recordAttributes(attributes: Partial<Record<string, string>>): SQSRecordAttributes {
  const record: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) record[name] = value;
  // Lambda always sends these four; fauxqs supplies them when asked for All.
  return record as unknown as SQSRecordAttributes;
}

/** Message attributes in Lambda's shape: camelCase keys, binary values base64, empty list fields. */
function recordMessageAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
  const record: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    record[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((bytes) => Buffer.from(bytes).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return record;
}
