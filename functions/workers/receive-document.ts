/** Checks each document a trader uploads to the archive (S3 ObjectCreated events) and adds it to its declaration. */
import { declarationRepository, documentUploads } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { parseDocumentKey } from '#shared/domain/documents.ts';
import { receiveDocument } from '#shared/usecases/trader-documents.ts';
import { s3EventWorker } from '#shared/workers/s3-event-worker.ts';

const config = loadConfig('receiveDocument');

const deps = { repository: declarationRepository(config, 'no bodies'), uploads: documentUploads(config), clock: systemClock };

export const handler = s3EventWorker('documentUploads', config.bucketName('archive'), async (object) => {
  const document = parseDocumentKey(object.key);
  // The notification covers every key under declarations/, the submitted declarations too.
  if (!document) return { outcome: 'not-a-document' };
  return receiveDocument(document, deps);
});
