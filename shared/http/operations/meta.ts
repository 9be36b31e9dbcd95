/** The API's own description. */
import { defineOperation } from '#shared/http/operation-spec.ts';

export const openApiOperation = defineOperation({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  summary: 'This document (OpenAPI 3.1, generated from the route table)',
  roles: 'public',
  responses: { 200: { description: 'OpenAPI 3.1 document' } },
});
