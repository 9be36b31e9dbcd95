/**
 * Documents worker: issues the assessment notice and the release note of each declaration under the
 * customs seal, a whole SQS batch under one signature (a Merkle root: issueDocumentBatch).
 */
import {
  declarationBodies,
  declarationReader,
  documentArchive,
  documentSeal,
  documentSealer,
  pipelineQueue,
} from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { pipelineMessageSchema } from '#shared/domain/declaration-record.ts';
import { logger } from '#shared/observability.ts';
import { queues } from '#shared/stateful-resources.ts';
import { type IssueOutcome, issueDocumentBatch } from '#shared/usecases/sealed-documents.ts';
import { sqsBatchHandler } from '#shared/workers/sqs-handler.ts';

const config = loadConfig('issueDocuments');
const seal = documentSeal(config);

const deps = {
  repository: declarationReader(config, declarationBodies(config)),
  archive: documentArchive(config),
  sealer: documentSealer(config),
  keys: seal,
  issued: seal,
  printingQueue: pipelineQueue(config, 'printing'),
  documentPrinting: config.region.documentPrinting,
  clock: systemClock,
  country: config.region.country,
};

export const handler = sqsBatchHandler(
  pipelineMessageSchema,
  async (messages) => {
    const results = await issueDocumentBatch(messages, deps);
    return results.map((result, index) => {
      if (!result.ok) return result.error;
      const kinds = (outcome: IssueOutcome) => result.documents.filter((document) => document.outcome === outcome).map(({ kind }) => kind);
      // Kinds only, empty ones left out: a document's version is that of the history event it documents.
      logger.info('sealed documents', {
        declarationId: messages[index]?.declarationId,
        version: messages[index]?.version,
        issued: kinds('issued').join(',') || undefined,
        issuedBefore: kinds('issued-before').join(',') || undefined,
      });
      return undefined;
    });
  },
  { maxReceiveCount: queues.documents.maxReceiveCount },
);
