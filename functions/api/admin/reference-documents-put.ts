/** PUT /v1/admin/reference-documents/{kind}: load a new version (admin); the body may be gzip-encoded. */
import { referenceDocuments } from '../../../shared/adapters/platform.ts';
import { systemClock } from '../../../shared/adapters/system-clock.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';
import { principalFromEvent } from '../../../shared/http/principal.ts';
import { referenceDocumentPath } from '../../../shared/http/reference-kinds.ts';
import { jsonBody, pathParameter } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { loadReferenceDocument } from '../../../shared/usecases/reference-documents.ts';

const deps = { store: referenceDocuments() };

export const handler = httpHandler(async (event) => {
  const principal = principalFromEvent(event);
  const { kind, schema } = referenceDocumentPath(pathParameter(event, 'kind'));
  const loaded = await loadReferenceDocument({ principal, kind, schema, document: jsonBody(event), at: systemClock.now().toISOString() }, deps);
  return json(200, loaded);
});
