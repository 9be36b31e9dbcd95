/** POST /v1/verify: whether a sealed document (sent whole, or by its printed copy's reference) is genuine, which key sealed it and when. */
import { documentArchive, documentSeal } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { verifyDocumentOperation } from '#shared/http/operations/sealed-documents.ts';
import { json } from '#shared/http/responses.ts';
import { verifyDocument } from '#shared/usecases/sealed-documents.ts';

const config = loadConfig('verifyDocument');
const seal = documentSeal(config);

const deps = { keys: seal, issued: seal, archive: documentArchive(config) };

export const handler = httpOperation(verifyDocumentOperation, async ({ body }) => json(200, await verifyDocument(body, deps)));
