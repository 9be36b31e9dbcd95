/**
 * The one pipeline stage worker: an SQS handler for pipeline messages that runs the stage, logs
 * its outcome (one INFO line per record, `stageOutcome`), and marks the declaration
 * PROCESSING_FAILED when the message's last delivery fails.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { type PipelineMessage, pipelineMessageSchema } from '#shared/domain/declaration-record.ts';
import { logger, metrics } from '#shared/observability.ts';
import { type QueueName, queues } from '#shared/stateful-resources.ts';
import type { StageOutcome } from '#shared/usecases/pipeline-stage.ts';
import { type FailureDeps, markProcessingFailed } from '#shared/usecases/processing-failures.ts';
import { sqsHandler } from './sqs-handler.ts';

/**
 * The keys of a stage's INFO line for one record: what it did to which declaration, from which
 * message (its SQS messageId ties it to that message's failure lines, and to the message in the DLQ).
 * Flat and small: CloudWatch Logs bills every byte, and this line is written once per record.
 */
export const stageOutcome = (stage: QueueName, message: PipelineMessage, record: SQSRecord, result: StageOutcome) => ({
  stage,
  declarationId: message.declarationId,
  version: message.version,
  messageId: record.messageId,
  outcome: result.outcome,
  status: result.outcome === 'moved' ? result.to : result.status,
});

export function stageWorker(queue: QueueName, deps: FailureDeps, runStage: (message: PipelineMessage) => Promise<StageOutcome>) {
  return sqsHandler(
    pipelineMessageSchema,
    async (message, record) => {
      const result = await runStage(message);
      logger.info('stage outcome', stageOutcome(queue, message, record, result));
    },
    {
      maxReceiveCount: queues[queue].maxReceiveCount,
      onExhausted: async (message, error) => {
        const outcome = await markProcessingFailed({ ...message, reason: `${error.name}: ${error.message}`, actor: queue }, deps);
        if (outcome === 'failed') {
          metrics.addMetric('DeclarationsFailed', MetricUnit.Count, 1);
          logger.error('declaration marked PROCESSING_FAILED', { declarationId: message.declarationId, stage: queue });
        }
      },
    },
  );
}
