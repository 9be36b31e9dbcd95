/** GET /openapi.json: the API description, generated from the zod schemas at cold start. */
import { buildOpenApiDocument } from '../../shared/http/openapi.ts';
import { httpHandler } from '../../shared/http/middleware.ts';
import { json } from '../../shared/http/responses.ts';

const document = buildOpenApiDocument();

export const handler = httpHandler(async () => json(200, document, { 'cache-control': 'public, max-age=300' }));
