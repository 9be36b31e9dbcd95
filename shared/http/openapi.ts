/**
 * The OpenAPI 3.1 description, generated from the route table (`shared/http/operations/`) and
 * the zod schemas it names. Every schema registered with `.meta({ id })` becomes a component and
 * is referenced by `$ref`.
 */
import * as z from 'zod';
import { problemDocumentSchema } from '#shared/domain/problems.ts';
import type { OperationSpec } from './operation.ts';
import { operations } from './operations/index.ts';

const componentUri = (id: string) => `#/components/schemas/${id}`;
/** An unregistered schema inline (parameters are plain strings, enums and patterns). */
const toSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
};
const componentId = (schema: z.ZodType) => z.globalRegistry.get(schema)?.id;
/** A schema as a $ref when it is a registered component (or a union of them), inline otherwise. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const id = componentId(schema);
  if (id) return { $ref: componentUri(id) };
  if (schema instanceof z.ZodUnion) return { oneOf: (schema.options as z.ZodType[]).map((option) => schemaOf(option, io)) };
  return toSchema(schema, io);
}
const problemContent = { 'application/problem+json': { schema: { $ref: componentUri('ProblemDocument') } } };

function parameters(operation: OperationSpec) {
  const list: Record<string, unknown>[] = [];
  for (const [location, object] of [
    ['path', operation.pathParameters],
    ['query', operation.query],
  ] as const) {
    if (!object) continue;
    for (const [name, field] of Object.entries(object.shape)) {
      const schema = field as z.ZodType;
      list.push({
        name,
        in: location,
        required: location === 'path' || !schema.safeParse(undefined).success,
        schema: toSchema(schema, 'input'),
      });
    }
  }
  for (const header of operation.headers ?? []) {
    list.push({
      name: header.name,
      in: 'header',
      required: false,
      description: header.description,
      schema: toSchema(header.schema, 'input'),
    });
  }
  return list;
}

function describe(operation: OperationSpec) {
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(operation.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(response.headers).map(([name, description]) => [name, { description, schema: { type: 'integer' } }]),
            ),
          }
        : {}),
      ...(response.schema ? { content: { 'application/json': { schema: schemaOf(response.schema, 'output') } } } : {}),
    };
  }
  if (operation.pathParameters || operation.query || operation.body) {
    responses['400'] = { description: 'Invalid request: every problem with a JSON pointer, a code and a message', content: problemContent };
  }
  if (operation.roles !== 'public') {
    responses['401'] = { description: 'Missing or invalid bearer token (answered by the API gateway)' };
    responses['403'] = { description: `Not allowed: needs one of the roles ${operation.roles.join(', ')}`, content: problemContent };
  }
  for (const [status, description] of Object.entries(operation.problems ?? {}))
    responses[status] = { description, content: problemContent };
  const body = operation.body;
  const bodySchema = body ? (body.kind === 'json' ? (body.schema ?? body.documentedAs) : body.documentedAs) : undefined;
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.roles === 'public' ? { security: [] } : { 'x-roles': operation.roles }),
    ...(parameters(operation).length > 0 ? { parameters: parameters(operation) } : {}),
    ...(body && bodySchema
      ? {
          requestBody: {
            required: true,
            description: `At most ${body.maxBytes} bytes${body.kind === 'json' && body.gzip ? ' (after gunzip; Content-Encoding: gzip accepted)' : ''}`,
            content: { 'application/json': { schema: schemaOf(bodySchema, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument() {
  // Problem documents are referenced by every error response.
  void problemDocumentSchema;
  const generated = z.toJSONSchema(z.globalRegistry, { uri: componentUri, io: 'input', unrepresentable: 'any' });
  // Components are embedded in the document: they need neither their own $schema nor $id.
  const schemas = Object.fromEntries(
    Object.entries(generated.schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
  );
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) (paths[operation.path] ??= {})[operation.method.toLowerCase()] = describe(operation);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Customs clearance API',
      version: '1.0.0',
      description:
        'Submit and follow customs declarations. Money and quantities are decimal strings. Errors are RFC 9457 problem documents.',
    },
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
