/** The route table is the one description of the API: resources, OpenAPI and parsing all come from it. */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '#shared/http/openapi.ts';
import { operations } from '#shared/http/operations/index.ts';
import { functions, type Trigger } from '#shared/resources.ts';

const httpTriggers = Object.values(functions).flatMap((definition) =>
  (definition.triggers as readonly Trigger[]).filter((trigger): trigger is Extract<Trigger, { kind: 'http' }> => trigger.kind === 'http'),
);

describe('route table', () => {
  it('has exactly one operation for every HTTP route in the resource definition, and no other', () => {
    // Act
    const routes = httpTriggers.map((trigger) => `${trigger.method} ${trigger.path} ${trigger.auth} ${trigger.operationId}`).sort();
    const declared = operations.map((op) => `${op.method} ${op.path} ${op.roles === 'public' ? 'none' : 'jwt'} ${op.operationId}`).sort();

    // Assess
    expect(routes).toEqual(declared);
    expect(new Set(operations.map((op) => op.operationId)).size).toBe(operations.length);
  });

  it('generates an OpenAPI 3.1 document that a validator accepts, with every operation and its bounds', async () => {
    // Prepare
    const document = buildOpenApiDocument();

    // Act
    const result = await new Validator().validate(document as never);

    // Assess
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    for (const op of operations) expect(document.paths[op.path]?.[op.method.toLowerCase()]).toMatchObject({ operationId: op.operationId });
    const list = document.paths['/v1/declarations']?.get as { parameters: { name: string; schema: Record<string, unknown> }[] };
    expect(list.parameters.find((p) => p.name === 'limit')?.schema).toMatchObject({ pattern: expect.any(String) });
    const submit = document.paths['/v1/declarations']?.post as { requestBody: { description: string } };
    expect(submit.requestBody.description).toContain('1000000');
  });
});
