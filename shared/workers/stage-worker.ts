/**
 * The one pipeline stage worker: an SQS handler for pipeline messages that runs the stage, logs
 * its result, and marks the declaration PROCESSING_FAILED when the message's last delivery fails.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type PipelineMessage, pipelineMessageSchema } from '#shared/domain/declaration-record.ts';
import { logger, metrics } from '#shared/observability.ts';
import { type QueueName, queues } from '#shared/stateful-resources.ts';
import type { StageResult } from '#shared/usecases/pipeline-stage.ts';
import { type FailureDeps, markProcessingFailed } from '#shared/usecases/processing-failures.ts';
import { sqsHandler } from './sqs-handler.ts';

export function stageWorker(queue: QueueName, deps: FailureDeps, runStage: (message: PipelineMessage) => Promise<StageResult>) {
  return sqsHandler(
    pipelineMessageSchema,
    async (message) => {
      const result = await runStage(message);
      logger.info(`${queue} stage done`, { declarationId: message.declarationId, result });
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
