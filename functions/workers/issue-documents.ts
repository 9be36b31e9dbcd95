/** Documents worker: issues the assessment notice and the release note of each declaration under the customs seal. */
import { declarationRepository, documentArchive, documentSeal, documentSealer, pipelineQueue } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { pipelineMessageSchema } from '#shared/domain/declaration-record.ts';
import { logger } from '#shared/observability.ts';
import { queues } from '#shared/resources.ts';
import { issueDocuments } from '#shared/usecases/sealed-documents.ts';
import { sqsHandler } from '#shared/workers/sqs-handler.ts';

const config = loadConfig('issueDocuments');
const seal = documentSeal(config);

const deps = {
  repository: declarationRepository(config),
  archive: documentArchive(config),
  sealer: documentSealer(config),
  keys: seal,
  issued: seal,
  printingQueue: pipelineQueue(config, 'printing'),
  clock: systemClock,
  country: config.region.country,
};

export const handler = sqsHandler(
  pipelineMessageSchema,
  async (message) => {
    const documents = await issueDocuments(message, deps);
    logger.info('sealed documents', { declarationId: message.declarationId, documents });
  },
  { maxReceiveCount: queues.documents.maxReceiveCount },
);
