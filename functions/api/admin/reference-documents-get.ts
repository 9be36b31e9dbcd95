/** GET /v1/admin/reference-documents/{kind}: the loaded versions, newest first (officer, admin). */

import { referenceDocumentHistoryReader } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { referenceDocumentHistoryOperation } from '#shared/http/operations/admin.ts';
import { referenceDocumentPath } from '#shared/http/reference-kinds.ts';
import { json } from '#shared/http/responses.ts';
import { referenceDocumentHistory } from '#shared/usecases/reference-documents.ts';

const config = loadConfig('referenceDocumentHistory');

const deps = { store: referenceDocumentHistoryReader(config) };

export const handler = httpOperation(referenceDocumentHistoryOperation, async ({ principal, path }) =>
  json(200, await referenceDocumentHistory({ principal, kind: referenceDocumentPath(path.kind).kind }, deps)),
);
