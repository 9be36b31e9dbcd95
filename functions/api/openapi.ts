/** GET /openapi.json: the API description, generated from the route table at cold start. */
import { loadConfig } from '#shared/config.ts';
import { buildOpenApiDocument } from '#shared/http/openapi.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { openApiOperation } from '#shared/http/operations/meta.ts';
import { json } from '#shared/http/responses.ts';

// Parsed like every function's, though it uses none of it: a misconfigured stack fails everywhere at once.
loadConfig('openApi');
const document = buildOpenApiDocument();

export const handler = httpOperation(openApiOperation, async () => json(200, document, { 'cache-control': 'public, max-age=300' }));
