/** GET /v1/declarations/{id}/documents: the documents customs issued and the trader uploaded, with their hashes. */
import { declarationReader, documentSeal } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listDeclarationDocumentsOperation } from '#shared/http/operations/sealed-documents.ts';
import { json } from '#shared/http/responses.ts';
import { listDeclarationDocuments } from '#shared/usecases/sealed-documents.ts';

const config = loadConfig('listDeclarationDocuments');

const deps = { repository: declarationReader(config, 'no bodies'), issued: documentSeal(config) };

export const handler = httpOperation(listDeclarationDocumentsOperation, async ({ principal, path }) =>
  json(200, await listDeclarationDocuments({ principal, id: path.id }, deps)),
);
