/**
 * The OpenAPI 3.1 description, generated from the zod schemas (the single source of truth).
 * Every schema registered with `.meta({ id })` becomes a component.
 */
import { z } from 'zod';
import '../domain/declaration.ts';
import '../domain/declaration-record.ts';
import { functions } from '../resources.ts';
import './queries.ts';

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('ProblemDocument') } },
});
const errors = {
  '400': problemResponse('Invalid request: every problem with a JSON pointer, a code and a message'),
  '401': { description: 'Missing or invalid bearer token (answered by the API gateway)' },
  '403': problemResponse('Not allowed for your role or party'),
};

const operations: Record<string, Record<string, unknown>> = {
  'POST /v1/declarations': {
    operationId: 'submitDeclaration',
    summary: 'Submit a declaration (trader)',
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: { type: 'string', maxLength: 255 },
        description: 'Same key and same body replays the first response; same key with another body is refused (422).',
      },
    ],
    requestBody: { required: true, content: { 'application/json': { schema: ref('Declaration') } } },
    responses: {
      '202': { description: 'Accepted for processing', content: { 'application/json': { schema: ref('SubmissionReceipt') } } },
      ...errors,
      '409': problemResponse('The LRN is already used by another declaration of this declarant'),
      '413': problemResponse('Body too large'),
      '415': problemResponse('Body is not JSON'),
      '422': problemResponse('Idempotency-Key reused with a different body'),
    },
  },
  'GET /v1/declarations': {
    operationId: 'listDeclarations',
    summary: "List the caller's declarations, newest first (officers: ?declarant=)",
    parameters: ['status', 'cursor', 'limit', 'declarant'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
    responses: { '200': { description: 'A page', content: { 'application/json': { schema: ref('DeclarationPage') } } }, ...errors },
  },
  'GET /v1/declarations/{id}': {
    operationId: 'getDeclaration',
    summary: 'Read a declaration (owner, officer, admin)',
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    responses: {
      '200': { description: 'The declaration', content: { 'application/json': { schema: ref('DeclarationView') } } },
      ...errors,
      '404': problemResponse('No such declaration that you may see'),
    },
  },
  'GET /v1/declarations/{id}/events': {
    operationId: 'listDeclarationEvents',
    summary: 'History of a declaration, oldest first',
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    responses: {
      '200': { description: 'The history', content: { 'application/json': { schema: ref('HistoryPage') } } },
      ...errors,
      '404': problemResponse('No such declaration that you may see'),
    },
  },
  'GET /v1/review/queue': {
    operationId: 'listReviewQueue',
    summary: 'Declarations waiting for an officer in one lane and office, oldest first (officer, admin)',
    parameters: [
      { name: 'lane', in: 'query', required: true, schema: { type: 'string', enum: ['RED', 'YELLOW'] } },
      { name: 'office', in: 'query', required: true, schema: { type: 'string' } },
      { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } },
    ],
    responses: { '200': { description: 'A page of the queue' }, ...errors },
  },
  'GET /openapi.json': {
    operationId: 'getOpenApi',
    summary: 'This document',
    security: [],
    responses: { '200': { description: 'OpenAPI 3.1 document' } },
  },
};

export function buildOpenApiDocument() {
  const generated = z.toJSONSchema(z.globalRegistry, { uri: (id) => `#/components/schemas/${id}`, io: 'input', unrepresentable: 'any' });
  // Components are embedded in the document: they need neither their own $schema nor $id.
  const schemas = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
  );
  const paths: Record<string, Record<string, unknown>> = {};
  for (const definition of Object.values(functions)) {
    for (const trigger of definition.triggers) {
      if (trigger.kind !== 'http') continue;
      const operation = operations[`${trigger.method} ${trigger.path}`];
      if (!operation) throw new Error(`no OpenAPI operation described for ${trigger.method} ${trigger.path}`);
      (paths[trigger.path] ??= {})[trigger.method.toLowerCase()] = operation;
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Customs clearance API',
      version: '1.0.0',
      description: 'Submit and follow customs declarations. Money and quantities are decimal strings.',
    },
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
