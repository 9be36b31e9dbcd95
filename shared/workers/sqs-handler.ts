/**
 * The one SQS worker wrapper: Powertools batch processing with partial batch failures (the
 * event source mapping has ReportBatchItemFailures), logging, tracing and metrics. A record
 * whose handler throws is retried by SQS and lands in the DLQ after maxReceiveCount.
 *
 * Metrics: `RecordsFailed` only for an invocation with failed records (all of them when the whole
 * batch failed and the invocation with it); an invocation without writes no EMF line (CloudWatch Logs bills its bytes: about 230 for each message of a batch of
 * one). Records received are SQS's `NumberOfMessagesReceived` and Lambda's `Invocations`.
 *
 * Sends: the records of an invocation run behind one send barrier (send-barrier.ts; shared/adapters/sqs-send-coalescer.ts batches SQS messages behind it,
 * shared/adapters/barrier-additions.ts sums the counter additions, shared/adapters/dynamodb-read-coalescer.ts batches item reads):
 * their SQS sends to a queue go as SendMessageBatch calls, their additions to one counter as one UpdateItem and
 * their item reads as BatchGetItem calls, once every running record waits or has finished. The batch form's handler is one record of its barrier.
 *
 * Reads: the records of an invocation share the reads that may be (invocation-reads.ts: the newest
 * reference document load, a trader's profile, an office's recent figures, the account a charge is routed by).
 */

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { logger, metrics, metricsWhenAny, tracingMiddleware } from '#shared/observability.ts';
import { withSharedReads } from './invocation-reads.ts';
import { withSendBarrier } from './send-barrier.ts';

export interface SqsHandlerOptions<T> {
  /** The queue's maxReceiveCount: the delivery at which a failure sends the message to the DLQ. */
  maxReceiveCount: number;
  /** Called when the last delivery fails, before the message goes to the DLQ (e.g. to mark the work failed). */
  onExhausted?: (message: T, error: Error) => Promise<unknown>;
  /**
   * Coalesce the records' SQS sends, counter additions, bus notifications and item reads (default
   * true). False for a worker whose records wait on others' systems (webhook
   * receivers): one record's slow answer must not hold another's send.
   */
  coalesceSends?: boolean;
}

/** Logs a record's failure; on its last delivery, calls onExhausted before the message goes to the DLQ. */
async function recordFailed<T>(record: SQSRecord, message: T | undefined, error: Error, options: SqsHandlerOptions<T> | undefined) {
  // Records of a batch run at once: the message's keys go with each log line, never into the
  // logger's shared keys (a record would otherwise log under another's messageId).
  const keys = { messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount };
  const exhausted = options !== undefined && Number(record.attributes.ApproximateReceiveCount) >= options.maxReceiveCount;
  logger.error(
    exhausted ? 'message failed for the last time; it goes to the DLQ' : 'message failed; SQS will redeliver it, then move it to the DLQ',
    { ...keys, error },
  );
  if (exhausted && message !== undefined && options.onExhausted) {
    // If this fails too, the redrive finds the declaration stopped and gives up on it later.
    await options
      .onExhausted(message, error)
      .catch((failure: unknown) => logger.error('could not record the failure', { ...keys, error: failure as Error }));
  }
}

const withMiddleware = (handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(tracingMiddleware())
    // Never the event, whatever POWERTOOLS_LOGGER_LOG_EVENT says: pipeline messages carry declaration bodies.
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(metricsWhenAny({ coldStart: true }))
    .handler(async (event, context) => {
      const response = await handler(event, context).catch((error: unknown) => {
        // Every record failed (Powertools' FullBatchFailureError): the invocation fails, and so do all its records.
        metrics.addMetric('RecordsFailed', MetricUnit.Count, event.Records.length);
        throw error;
      });
      if (response.batchItemFailures.length > 0) metrics.addMetric('RecordsFailed', MetricUnit.Count, response.batchItemFailures.length);
      return response;
    });

export function sqsHandler<T extends z.ZodType>(
  schema: T,
  handleMessage: (message: z.infer<T>, record: SQSRecord) => Promise<void>,
  options?: SqsHandlerOptions<z.infer<T>>,
) {
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    let message: z.infer<T> | undefined;
    try {
      message = schema.parse(JSON.parse(record.body));
      await handleMessage(message as z.infer<T>, record);
    } catch (error) {
      await recordFailed(record, message, error as Error, options);
      throw error;
    }
  };
  return withMiddleware((event, context) =>
    // One processor per invocation: it holds the batch's state, and the local cloud runs
    // several invocations of a function at once in one process (Lambda never does). Records run
    // in parallel (Powertools' default), all started at once: the send barrier counts them all.
    withSharedReads(() =>
      options?.coalesceSends === false
        ? processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), { context, processInParallel: true })
        : withSendBarrier((runRecord) =>
            processPartialResponse(event, (record: SQSRecord) => runRecord(() => handleRecord(record)), new BatchProcessor(EventType.SQS), {
              context,
              processInParallel: true,
            }),
          ),
    ),
  );
}

/**
 * The same wrapper for a worker that handles the batch as a whole (the documents worker seals a
 * batch with one signature): it gets every message that parsed, answers an error or nothing for
 * each, and the failed records (unparsable ones too) are reported as batch item failures.
 */
export function sqsBatchHandler<T extends z.ZodType>(
  schema: T,
  handleBatch: (messages: z.infer<T>[]) => Promise<(Error | undefined)[]>,
  options?: SqsHandlerOptions<z.infer<T>>,
) {
  return withMiddleware(async (event) => {
    const parsed = event.Records.map((record) => {
      try {
        return { record, message: schema.parse(JSON.parse(record.body)) as z.infer<T> };
      } catch (error) {
        return { record, error: error as Error };
      }
    });
    const valid = parsed.filter((entry) => entry.error === undefined);
    const answers = await withSharedReads(() =>
      withSendBarrier((runRecord) => runRecord(() => handleBatch(valid.map((entry) => entry.message)))),
    ).catch((error: unknown) => valid.map(() => error as Error));
    if (answers.length !== valid.length) throw new Error(`the batch handler answered ${answers.length} of ${valid.length} messages`);
    const errors = new Map(valid.map((entry, index) => [entry, answers[index]]));
    const failed = parsed.flatMap((entry) => {
      const error = entry.error ?? errors.get(entry);
      return error ? [{ ...entry, error }] : [];
    });
    await Promise.all(failed.map(({ record, message, error }) => recordFailed(record, message, error, options)));
    return { batchItemFailures: failed.map(({ record }) => ({ itemIdentifier: record.messageId })) };
  });
}
