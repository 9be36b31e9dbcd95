/** POST /v1/verify: whether a sealed document is genuine, which key sealed it and when. */
import { documentSeal } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { verifyDocumentOperation } from '#shared/http/operations/sealed-documents.ts';
import { json } from '#shared/http/responses.ts';
import { verifyDocument } from '#shared/usecases/sealed-documents.ts';

const deps = { keys: documentSeal(loadConfig('verifyDocument')) };

export const handler = httpOperation(verifyDocumentOperation, async ({ body }) => json(200, await verifyDocument(body, deps)));
