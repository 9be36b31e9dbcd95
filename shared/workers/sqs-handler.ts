/**
 * The one SQS worker wrapper: Powertools batch processing with partial batch failures (the
 * event source mapping has ReportBatchItemFailures), logging, tracing and metrics. A record
 * whose handler throws is retried by SQS and lands in the DLQ after maxReceiveCount.
 */

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { logger, metrics, tracingMiddleware } from '#shared/observability.ts';

export interface SqsHandlerOptions<T> {
  /** The queue's maxReceiveCount: the delivery at which a failure sends the message to the DLQ. */
  maxReceiveCount: number;
  /** Called when the last delivery fails, before the message goes to the DLQ (e.g. to mark the work failed). */
  onExhausted?: (message: T, error: Error) => Promise<unknown>;
}

export function sqsHandler<T extends z.ZodType>(
  schema: T,
  handleMessage: (message: z.infer<T>, record: SQSRecord) => Promise<void>,
  options?: SqsHandlerOptions<z.infer<T>>,
) {
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    // Records of a batch run at once: the message's keys go with each log line, never into the
    // logger's shared keys (a record would otherwise log under another's messageId).
    const keys = { messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount };
    let message: z.infer<T> | undefined;
    try {
      message = schema.parse(JSON.parse(record.body));
      await handleMessage(message as z.infer<T>, record);
    } catch (error) {
      const exhausted = options !== undefined && Number(record.attributes.ApproximateReceiveCount) >= options.maxReceiveCount;
      logger.error(
        exhausted
          ? 'message failed for the last time; it goes to the DLQ'
          : 'message failed; SQS will redeliver it, then move it to the DLQ',
        { ...keys, error: error as Error },
      );
      if (exhausted && message !== undefined && options.onExhausted) {
        // If this fails too, the redrive finds the declaration stopped and gives up on it later.
        await options
          .onExhausted(message, error as Error)
          .catch((failure: unknown) => logger.error('could not record the failure', { ...keys, error: failure as Error }));
      }
      throw error;
    }
  };
  return middy<SQSEvent, SQSBatchResponse>()
    .use(tracingMiddleware())
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async (event, context) => {
      metrics.addMetric('RecordsReceived', MetricUnit.Count, event.Records.length);
      // One processor per invocation: it holds the batch's state, and the local cloud runs
      // several invocations of a function at once in one process (Lambda never does).
      const processor = new BatchProcessor(EventType.SQS);
      const response = await processPartialResponse(event, handleRecord, processor, { context });
      metrics.addMetric('RecordsFailed', MetricUnit.Count, response.batchItemFailures.length);
      return response;
    });
}
