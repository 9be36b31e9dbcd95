/** Risk stage worker: lane, score and reasons for each validated declaration. */
import { declarationRepository, pipelineQueue, riskDataSources } from '../../shared/adapters/platform.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { pipelineMessageSchema } from '../../shared/domain/declaration-record.ts';
import { logger } from '../../shared/observability.ts';
import { scoreRisk } from '../../shared/usecases/score-risk.ts';
import { sqsHandler } from '../../shared/workers/sqs-handler.ts';

const deps = {
  repository: declarationRepository(),
  dutyQueue: pipelineQueue('duty'),
  clock: systemClock,
  ...riskDataSources(),
};

export const handler = sqsHandler(pipelineMessageSchema, async (message) => {
  const result = await scoreRisk(message, deps);
  logger.info('risk stage done', { declarationId: message.declarationId, result });
});
