/**
 * Every handler must start with exactly the environment the CDK stack gives it: the variables of
 * its own `access` and the region settings. (The local cloud sets every variable for every
 * function in one process, so it cannot catch a handler that reaches for a resource it has no
 * grant for; this test can.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { regionEnvironment } from '#infra/config/environment.ts';
import { regions } from '#infra/config/regions.ts';
import { requiredVariables } from '#shared/config.ts';
import { accessEnvironment, type FunctionDefinition, type FunctionName, functions } from '#shared/resources.ts';

const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
});

/** The environment the CDK stack gives a function (values are placeholders). */
function applyStackEnvironment(definition: FunctionDefinition): void {
  for (const key of Object.keys(process.env))
    if (/_(TABLE_NAME|BUCKET_NAME|QUEUE_URL|SECRET_ID|KEY_ID|EVENT_BUS_NAME)$|^PUBLIC_SITE_URL$/.test(key)) delete process.env[key];
  Object.assign(
    process.env,
    { AWS_REGION: 'eu-west-2' },
    regionEnvironment({ regionName: 'eu-west-2', region: regions['eu-west-2'], stage: 'dev' }),
    accessEnvironment(definition, {
      table: (name) => `table-${name}`,
      bucket: (name) => `bucket-${name}`,
      queue: (name) => `https://sqs.eu-west-2.amazonaws.com/000000000000/${name}`,
      secret: (name) => `arn:aws:secretsmanager:eu-west-2:000000000000:secret:${name}`,
      signingKey: (name) => `arn:aws:kms:eu-west-2:000000000000:key/${name}`,
      publicSite: () => 'https://d111111abcdef8.cloudfront.net',
      eventBus: (name) => `bus-${name}`,
    }),
  );
}

describe('handler start-up with only its own environment', () => {
  it.each(Object.entries(functions))('%s starts', async (_name, definition) => {
    // Prepare: a clean environment with the CDK variables only
    applyStackEnvironment(definition);
    vi.resetModules();

    // Act
    const module = (await import(`../../${definition.entry}`)) as Record<string, unknown>;

    // Assess: it starts, and an HTTP handler serves the very operation of the route it is deployed on
    const handler = module[definition.handler] as ((...args: unknown[]) => unknown) & { operation?: { operationId: string } };
    expect(typeof handler).toBe('function');
    for (const trigger of definition.triggers) {
      if (trigger.kind === 'http') expect(handler.operation?.operationId).toBe(trigger.operationId);
    }
  });
});

describe('handler start-up with a variable missing', () => {
  const cases = (Object.keys(functions) as FunctionName[]).flatMap((name) =>
    requiredVariables(name).map((variable) => [name, variable] as const),
  );

  it.each(cases)('%s fails at cold start without %s, naming it', async (name, variable) => {
    // Prepare
    applyStackEnvironment(functions[name]);
    delete process.env[variable];
    vi.resetModules();

    // Act
    const starting = import(`../../${functions[name].entry}`);

    // Assess
    await expect(starting).rejects.toThrow(new RegExp(`configuration of ${name} is incomplete: .*${variable}`));
  });
});
