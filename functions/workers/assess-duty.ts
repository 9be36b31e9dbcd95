/** Duty stage worker: customs duty, excise and VAT for each scored declaration. */
import { declarationRepository, pipelineQueue, referenceDocuments } from '../../shared/adapters/platform.ts';
import { regionFromEnvironment } from '../../shared/adapters/region-settings.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { tariffFromReferenceDocuments } from '../../shared/adapters/tariff-source.ts';
import { pipelineMessageSchema } from '../../shared/domain/declaration-record.ts';
import { logger } from '../../shared/observability.ts';
import { assessDuty } from '../../shared/usecases/assess-duty.ts';
import { sqsHandler } from '../../shared/workers/sqs-handler.ts';

const deps = {
  repository: declarationRepository(),
  releaseQueue: pipelineQueue('release'),
  clock: systemClock,
  tariff: tariffFromReferenceDocuments(referenceDocuments()),
  region: regionFromEnvironment(),
};

export const handler = sqsHandler(pipelineMessageSchema, async (message) => {
  const result = await assessDuty(message, deps);
  logger.info('duty stage done', { declarationId: message.declarationId, result });
});
