/** PUT /v1/admin/reference-documents/{kind}: load a new version (admin); the body may be gzip-encoded. */

import { referenceDocuments } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { loadReferenceDocumentOperation } from '#shared/http/operations/admin.ts';
import { referenceDocumentPath } from '#shared/http/reference-kinds.ts';
import { json } from '#shared/http/responses.ts';
import { loadReferenceDocument } from '#shared/usecases/reference-documents.ts';

const config = loadConfig('loadReferenceDocument');

const deps = { store: referenceDocuments(config) };

export const handler = httpOperation(loadReferenceDocumentOperation, async ({ principal, path, body }) => {
  const { kind, schema } = referenceDocumentPath(path.kind);
  return json(200, await loadReferenceDocument({ principal, kind, schema, document: body, at: systemClock.now().toISOString() }, deps));
});
