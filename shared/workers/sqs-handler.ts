/**
 * The one SQS worker wrapper: Powertools batch processing with partial batch failures (the
 * event source mapping has ReportBatchItemFailures), logging, tracing and metrics. A record
 * whose handler throws is retried by SQS and lands in the DLQ after maxReceiveCount.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { logger, metrics, tracer } from '../observability.ts';

export function sqsHandler<T extends z.ZodType>(schema: T, handleMessage: (message: z.infer<T>, record: SQSRecord) => Promise<void>) {
  const processor = new BatchProcessor(EventType.SQS);
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    logger.appendKeys({ messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount });
    try {
      await handleMessage(schema.parse(JSON.parse(record.body)), record);
    } catch (error) {
      logger.error('message failed; SQS will redeliver it, then move it to the DLQ', error as Error);
      throw error;
    } finally {
      logger.removeKeys(['messageId', 'receiveCount']);
    }
  };
  return middy<SQSEvent, SQSBatchResponse>()
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(async (event, context) => {
      metrics.addMetric('RecordsReceived', MetricUnit.Count, event.Records.length);
      const response = await processPartialResponse(event, handleRecord, processor, { context });
      metrics.addMetric('RecordsFailed', MetricUnit.Count, response.batchItemFailures.length);
      return response;
    });
}
