/** GET /v1/admin/reference-documents/{kind}: the loaded versions, newest first (officer, admin). */
import { referenceDocuments } from '../../../shared/adapters/platform.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';
import { principalFromEvent } from '../../../shared/http/principal.ts';
import { referenceDocumentPath } from '../../../shared/http/reference-kinds.ts';
import { pathParameter } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { referenceDocumentHistory } from '../../../shared/usecases/reference-documents.ts';

const deps = { store: referenceDocuments() };

export const handler = httpHandler(async (event) => {
  const { kind } = referenceDocumentPath(pathParameter(event, 'kind'));
  return json(200, await referenceDocumentHistory({ principal: principalFromEvent(event), kind }, deps));
});
