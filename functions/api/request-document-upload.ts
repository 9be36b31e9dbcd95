/** POST /v1/declarations/{id}/documents: an upload URL for a document customs requested (trader, owner). */
import { declarationReader, documentUploads } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { requestDocumentUploadOperation } from '#shared/http/operations/declarations.ts';
import { json } from '#shared/http/responses.ts';
import { requestDocumentUpload } from '#shared/usecases/trader-documents.ts';

const config = loadConfig('requestDocumentUpload');

const deps = { repository: declarationReader(config, 'no bodies'), uploads: documentUploads(config), clock: systemClock };

export const handler = httpOperation(requestDocumentUploadOperation, async ({ principal, path, body }) =>
  json(201, await requestDocumentUpload({ principal, id: path.id, document: body }, deps)),
);
