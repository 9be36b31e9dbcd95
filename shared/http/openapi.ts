/**
 * The OpenAPI 3.1 description, generated from the zod schemas (the single source of truth).
 * Every schema registered with `.meta({ id })` becomes a component.
 */
import { z } from 'zod';
import '../domain/declaration.ts';
import '../domain/declaration-record.ts';
import { functions } from '../resources.ts';
import './queries.ts';
import '../risk/profile.ts';
import '../risk/trader.ts';
import '../risk/dry-run.ts';
import '../tariff/assessment.ts';
import '../tariff/model.ts';
import '../usecases/manage-traders.ts';
import '../usecases/score-risk.ts';

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
  'POST /v1/duty-estimates': {
    operationId: 'estimateDuty',
    summary: 'Calculate duties and taxes for a declaration body without declaring it (stores nothing)',
    requestBody: { required: true, content: { 'application/json': { schema: ref('Declaration') } } },
    responses: {
      '200': { description: 'The assessment', content: { 'application/json': { schema: ref('Assessment') } } },
      ...errors,
      '422': problemResponse('Duties cannot be calculated (e.g. a missing quantity or exchange rate), or no tariff is loaded'),
    },
  },
  'GET /v1/tariff/commodities/{code}': {
    operationId: 'lookUpCommodity',
    summary: 'A commodity and the measures that apply for an origin and date',
    parameters: [
      { name: 'code', in: 'path', required: true, schema: { type: 'string', pattern: '^(\\d{8}|\\d{10})$' } },
      { name: 'origin', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'date', in: 'query', required: false, schema: { type: 'string', format: 'date' } },
    ],
    responses: { '200': { description: 'The commodity and its measures' }, ...errors, '404': problemResponse('Unknown commodity code') },
  },
  'PUT /v1/admin/reference-documents/{kind}': {
    operationId: 'loadReferenceDocument',
    summary: 'Load a new version of a reference document (admin); Content-Encoding: gzip accepted',
    parameters: [{ name: 'kind', in: 'path', required: true, schema: { type: 'string', enum: ['tariff-pack', 'exchange-rates', 'valuation-references', 'risk-settings'] } }],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: { oneOf: [ref('TariffPack'), ref('ExchangeRates'), ref('ValuationReferenceTable'), ref('RiskSettings')] },
        },
      },
    },
    responses: {
      '200': { description: 'The version loaded (content hash) and now current' },
      ...errors,
      '404': problemResponse('Unknown kind of reference document'),
      '415': problemResponse('Body is not JSON'),
    },
  },
  'GET /v1/admin/reference-documents/{kind}': {
    operationId: 'referenceDocumentHistory',
    summary: 'Versions of a reference document loaded, newest first (officer, admin)',
    parameters: [{ name: 'kind', in: 'path', required: true, schema: { type: 'string' } }],
    responses: { '200': { description: 'The versions' }, ...errors },
  },
  'POST /v1/admin/risk-profiles': {
    operationId: 'createRiskProfile',
    summary: 'Create a risk profile (officer, admin)',
    requestBody: { required: true, content: { 'application/json': { schema: ref('RiskProfileInput') } } },
    responses: { '201': { description: 'Version 1', content: { 'application/json': { schema: ref('RiskProfile') } } }, ...errors },
  },
  'GET /v1/admin/risk-profiles': {
    operationId: 'listRiskProfiles',
    summary: 'The current version of every risk profile (officer, admin)',
    responses: { '200': { description: 'The profiles' }, ...errors },
  },
  'GET /v1/admin/risk-profiles/{id}': {
    operationId: 'getRiskProfile',
    summary: 'Every version of a risk profile, oldest first (officer, admin)',
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    responses: { '200': { description: 'The versions' }, ...errors, '404': problemResponse('No such profile') },
  },
  'PUT /v1/admin/risk-profiles/{id}': {
    operationId: 'editRiskProfile',
    summary: 'Edit a risk profile: saved as a new version; If-Match: "<version>" guards concurrent edits (officer, admin)',
    parameters: [
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } },
    ],
    requestBody: { required: true, content: { 'application/json': { schema: ref('RiskProfileInput') } } },
    responses: {
      '200': { description: 'The new version', content: { 'application/json': { schema: ref('RiskProfile') } } },
      ...errors,
      '404': problemResponse('No such profile'),
      '409': problemResponse('Another edit saved the same version first'),
      '412': problemResponse('If-Match names a version that is no longer current'),
    },
  },
  'POST /v1/admin/risk-profiles/{id}/disable': {
    operationId: 'disableRiskProfile',
    summary: 'Disable a risk profile: a new version with enabled false (officer, admin)',
    parameters: [
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } },
    ],
    responses: {
      '200': { description: 'The new version' },
      ...errors,
      '404': problemResponse('No such profile'),
      '409': problemResponse('Another edit saved the same version first'),
      '412': problemResponse('If-Match names a version that is no longer current'),
    },
  },
  'POST /v1/admin/risk-profiles/dry-run': {
    operationId: 'dryRunRiskProfile',
    summary: 'How many recent declarations a draft profile would select (officer, admin)',
    parameters: [
      { name: 'days', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 90 } },
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 5000 } },
    ],
    requestBody: { required: true, content: { 'application/json': { schema: ref('RiskProfileInput') } } },
    responses: { '200': { description: 'The dry-run result', content: { 'application/json': { schema: ref('RiskDryRunResult') } } }, ...errors },
  },
  'POST /v1/admin/valuation-references/rebuild': {
    operationId: 'rebuildValuationReferences',
    summary: 'Build the valuation references from the declarations of the last `days` days and load them (admin)',
    parameters: [{ name: 'days', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 365 } }],
    responses: { '200': { description: 'The version loaded, with the number of declarations and entries' }, ...errors },
  },
  'PUT /v1/admin/traders/{partyId}': {
    operationId: 'setTraderStatus',
    summary: "Set a trader's AEO / trusted-trader status (admin)",
    parameters: [{ name: 'partyId', in: 'path', required: true, schema: { type: 'string' } }],
    requestBody: { required: true, content: { 'application/json': { schema: ref('TraderStatusInput') } } },
    responses: { '200': { description: 'The trader profile', content: { 'application/json': { schema: ref('TraderProfile') } } }, ...errors },
  },
  'GET /v1/admin/traders/{partyId}': {
    operationId: 'getTraderProfile',
    summary: "A trader's status and compliance history (officer, admin)",
    parameters: [{ name: 'partyId', in: 'path', required: true, schema: { type: 'string' } }],
    responses: { '200': { description: 'The trader profile', content: { 'application/json': { schema: ref('TraderProfile') } } }, ...errors },
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
