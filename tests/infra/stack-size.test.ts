/**
 * The stack's layout against CloudFormation's per-stack quotas (500 resources, 200 parameters): the
 * routes with their integrations and invoke permissions, and the alarms, are in nested stacks
 * (`apiRoutesStack`, `alarmsStack`), so that the parent, which grows by four resources per function
 * (function, role, policy, log group), keeps room for more functions (docs/infrastructure.md, Stack layout).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestedStack, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp } from '#infra/app.ts';
import { defaultDefinitions, type ResourceDefinitions } from '#infra/stack.ts';
import { ensureConsoleBuilt } from '#local/console-build.ts';
import type { FunctionDefinition } from '#shared/resources.ts';
import { stackAndNestedStacks } from './support/nested-template.ts';

/** CloudFormation's hard quotas per stack (a nested stack is a stack). */
const CLOUDFORMATION_MAX_RESOURCES = 500;
const CLOUDFORMATION_MAX_PARAMETERS = 200;
/**
 * The head-room the definitions of today must leave: 100 resources (25 functions in the parent, more
 * in the nested stacks) and 50 parameters (one per function) before a quota. A change that crosses
 * it is the time to split again (another nested stack, or functions in nested stacks), not at 500.
 */
const HEADROOM_MAX_RESOURCES = 400;
const HEADROOM_MAX_NESTED_PARAMETERS = 150;
/** Functions added on top of today's definitions in the growth test. */
const EXTRA_FUNCTIONS = 25;

type Size = { path: string; nested: boolean; resources: number; parameters: number; types: Set<string> };

const outdirs: string[] = [];

function build(definitions?: ResourceDefinitions): BuiltApp {
  const outdir = mkdtempSync(join(tmpdir(), 'customs-cdk-'));
  outdirs.push(outdir);
  return buildApp({
    region: 'eu-west-2',
    stage: 'dev',
    outdir,
    nag: false,
    context: { 'aws:cdk:bundling-stacks': [] },
    ...(definitions ? { definitions } : {}),
  });
}

/** Resource and parameter counts of the stack and of each of its nested stacks, from their synthesized templates. */
function sizes(stack: Stack): Size[] {
  return stackAndNestedStacks(stack).map((each) => {
    const template = Template.fromStack(each).toJSON() as {
      Resources: Record<string, { Type: string }>;
      Parameters?: Record<string, unknown>;
    };
    return {
      path: each.node.path,
      nested: NestedStack.isNestedStack(each),
      resources: Object.keys(template.Resources).length,
      parameters: Object.keys(template.Parameters ?? {}).length,
      types: new Set(Object.values(template.Resources).map((resource) => resource.Type)),
    };
  });
}

/** Today's definitions plus `count` functions like getDeclaration, each with a route of its own: the kind that adds the most resources. */
function withExtraFunctions(count: number): ResourceDefinitions {
  const model = defaultDefinitions.functions.getDeclaration as FunctionDefinition;
  const extra = Object.fromEntries(
    Array.from({ length: count }, (_, index): [string, FunctionDefinition] => [
      `syntheticRead${index}`,
      {
        ...model,
        description: `GET /v1/synthetic/${index}/{id} (synthetic, stack size test)`,
        triggers: [{ kind: 'http', method: 'GET', path: `/v1/synthetic/${index}/{id}`, auth: 'jwt' }],
      },
    ]),
  );
  return { ...defaultDefinitions, functions: { ...defaultDefinitions.functions, ...extra } };
}

const httpTriggerCount = (definitions: ResourceDefinitions): number =>
  Object.values(definitions.functions).flatMap((definition) => definition.triggers.filter((trigger) => trigger.kind === 'http')).length;

/** The stack of today's definitions, and its sizes (built once, read by both suites). */
let built: BuiltApp;
let measured: Size[];

// The stack deploys console/dist: build it when missing or stale (about a second).
beforeAll(async () => {
  await ensureConsoleBuilt();
  built = build();
  measured = sizes(built.stack);
}, 120_000);

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

describe('stack layout (dev, eu-west-2, the definitions of shared/resources.ts)', () => {
  it('puts the routes, integrations and invoke permissions in one nested stack and the alarms in another', () => {
    // Prepare
    const { stack } = built;

    // Act
    const [parent, ...nested] = measured;
    const routes = measured.find((size) => size.path === stack.apiRoutesStack.node.path)!;
    const alarms = measured.find((size) => size.path === stack.alarmsStack.node.path)!;

    // Assess
    expect(nested.map((size) => size.path).sort()).toEqual([stack.alarmsStack.node.path, stack.apiRoutesStack.node.path].sort());
    expect([...routes.types].sort()).toEqual(['AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Route', 'AWS::Lambda::Permission']);
    expect(routes.resources).toBe(3 * httpTriggerCount(defaultDefinitions));
    expect([...alarms.types].sort()).toEqual(['AWS::CloudWatch::Alarm', 'AWS::Logs::MetricFilter']);
    for (const type of [
      'AWS::ApiGatewayV2::Route',
      'AWS::ApiGatewayV2::Integration',
      'AWS::CloudWatch::Alarm',
      'AWS::Logs::MetricFilter',
    ]) {
      expect(parent!.types.has(type), type).toBe(false);
    }
    // The API, its stage and authorizer stay in the parent (their logical IDs are pinned in stack.test.ts).
    for (const type of ['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::Authorizer']) {
      expect(parent!.types.has(type), type).toBe(true);
    }
  });

  it(`leaves head-room: at most ${HEADROOM_MAX_RESOURCES} resources in any stack, at most ${HEADROOM_MAX_NESTED_PARAMETERS} parameters in a nested stack`, () => {
    // Prepare
    const limits = { resources: HEADROOM_MAX_RESOURCES, parameters: HEADROOM_MAX_NESTED_PARAMETERS };

    // Act
    const over = measured.filter((size) => size.resources > limits.resources || (size.nested && size.parameters > limits.parameters));

    // Assess
    expect(measured).toHaveLength(3);
    for (const size of measured) expect(size.resources, size.path).toBeGreaterThan(0);
    expect(over.map(({ path, resources, parameters }) => ({ path, resources, parameters }))).toEqual([]);
  });
});

describe(`stack layout with ${EXTRA_FUNCTIONS} more functions than today`, () => {
  const definitions = withExtraFunctions(EXTRA_FUNCTIONS);
  let grown: BuiltApp;
  let grownSizes: Size[];

  beforeAll(() => {
    grown = build(definitions);
    grownSizes = sizes(grown.stack);
  });

  it("synthesizes with every stack within CloudFormation's quotas of resources and parameters", () => {
    // Prepare
    const today = Object.fromEntries(measured.map((size) => [size.path, size.resources]));

    // Act
    const over = grownSizes.filter(
      (size) => size.resources >= CLOUDFORMATION_MAX_RESOURCES || size.parameters >= CLOUDFORMATION_MAX_PARAMETERS,
    );
    const growth = Object.fromEntries(grownSizes.map((size) => [size.path, size.resources - (today[size.path] ?? 0)]));

    // Assess
    expect(over.map(({ path, resources, parameters }) => ({ path, resources, parameters }))).toEqual([]);
    // The extra functions are in the templates: a function, role, policy and log group each in the
    // parent, a route, integration and permission each in the routes' stack, two alarms each.
    expect(growth).toEqual({
      [grown.stack.node.path]: 4 * EXTRA_FUNCTIONS,
      [grown.stack.apiRoutesStack.node.path]: 3 * EXTRA_FUNCTIONS,
      [grown.stack.alarmsStack.node.path]: 2 * EXTRA_FUNCTIONS,
    });
    expect(httpTriggerCount(definitions)).toBe(httpTriggerCount(defaultDefinitions) + EXTRA_FUNCTIONS);
  });
});
