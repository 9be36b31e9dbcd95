/** GET /v1/documents/{docId}: short-lived links to a document's archived files. */
import { declarationReader, documentArchive, documentSeal, pipelineQueue } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { getDocumentOperation } from '#shared/http/operations/sealed-documents.ts';
import { json } from '#shared/http/responses.ts';
import { queues } from '#shared/resources.ts';
import { getDocumentDownload } from '#shared/usecases/sealed-documents.ts';

const config = loadConfig('getDocument');
const archive = documentArchive(config);

const deps = {
  repository: declarationReader(config, 'no bodies'),
  issued: documentSeal(config),
  links: archive,
  archive,
  clock: systemClock,
  // Asks the printing worker for a PDF not printed yet; the rendering (pdf-lib) stays out of this function.
  printingQueue: pipelineQueue(config, 'printing'),
  reaskPrintingAfterSeconds: queues.printing.visibilityTimeoutSeconds * queues.printing.maxReceiveCount,
};

// The links expire within minutes: nobody may keep the answer.
export const handler = httpOperation(getDocumentOperation, async ({ principal, path }) => {
  const download = await getDocumentDownload({ principal, documentId: path.docId }, deps);
  const retryAfter: Record<string, string> =
    download.pdf?.status === 'printing' ? { 'retry-after': String(download.pdf.retryAfterSeconds) } : {};
  return json(200, download, { 'cache-control': 'no-store', ...retryAfter });
});
