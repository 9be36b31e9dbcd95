/** Printing worker: the PDF (with a QR code to the verification page) of each sealed document. */
import { documentArchive, documentSeal } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { pipelineMessageSchema } from '#shared/domain/declaration-record.ts';
import { logger } from '#shared/observability.ts';
import { queues } from '#shared/stateful-resources.ts';
import { printDocuments } from '#shared/usecases/print-documents.ts';
import { sqsHandler } from '#shared/workers/sqs-handler.ts';

const config = loadConfig('printDocuments');

const deps = { issued: documentSeal(config), archive: documentArchive(config), publicSiteUrl: config.publicSiteUrl() };

export const handler = sqsHandler(
  pipelineMessageSchema,
  async (message) => {
    const printed = await printDocuments(message, deps);
    logger.info('printable copies', { declarationId: message.declarationId, printed });
  },
  { maxReceiveCount: queues.printing.maxReceiveCount },
);
