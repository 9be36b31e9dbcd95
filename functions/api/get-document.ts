/** GET /v1/documents/{docId}: short-lived links to a document's archived files. */
import { declarationRepository, documentArchive, documentSeal } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { getDocumentOperation } from '#shared/http/operations/sealed-documents.ts';
import { json } from '#shared/http/responses.ts';
import { getDocumentDownload } from '#shared/usecases/sealed-documents.ts';

const config = loadConfig('getDocument');

const deps = {
  repository: declarationRepository(config, 'no bodies'),
  issued: documentSeal(config),
  links: documentArchive(config),
  clock: systemClock,
};

// The links expire within minutes: nobody may keep the answer.
export const handler = httpOperation(getDocumentOperation, async ({ principal, path }) =>
  json(200, await getDocumentDownload({ principal, documentId: path.docId }, deps), { 'cache-control': 'no-store' }),
);
