/** Documents worker: issues the release note of each released declaration under the customs seal. */
import { declarationRepository, documentArchive, documentSeal, documentSealer } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { pipelineMessageSchema } from '#shared/domain/declaration-record.ts';
import { logger } from '#shared/observability.ts';
import { queues } from '#shared/resources.ts';
import { issueReleaseNote } from '#shared/usecases/sealed-documents.ts';
import { sqsHandler } from '#shared/workers/sqs-handler.ts';

const config = loadConfig('issueDocuments');
const seal = documentSeal(config);

const deps = {
  repository: declarationRepository(config),
  archive: documentArchive(config),
  sealer: documentSealer(config),
  keys: seal,
  issued: seal,
  clock: systemClock,
  country: config.region.country,
};

export const handler = sqsHandler(
  pipelineMessageSchema,
  async (message) => {
    const outcome = await issueReleaseNote(message, deps);
    logger.info('release note', { declarationId: message.declarationId, outcome });
  },
  { maxReceiveCount: queues.documents.maxReceiveCount },
);
