/**
 * The stack's layout against CloudFormation's per-stack quotas (500 resources, 200 parameters, 200
 * outputs): the functions (four resources each: function, role, policy, log group) are in one nested
 * stack per group of `infra/function-groups.ts` (`functionStacks`), the routes with their
 * integrations and invoke permissions, and the alarms, in nested stacks of their own (`apiRoutesStack`,
 * `alarmsStack`), so that no stack grows by much with a function (docs/infrastructure.md, Stack layout).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestedStack, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp } from '#infra/app.ts';
import { type FunctionGroupName, functionGroups, groupFunctions } from '#infra/function-groups.ts';
import { defaultDefinitions, type ResourceDefinitions } from '#infra/stack.ts';
import { ensureConsoleBuilt } from '#local/console-build.ts';
import type { FunctionDefinition } from '#shared/resources.ts';
import { stackAndNestedStacks } from './support/nested-template.ts';

/** CloudFormation's hard quotas per stack (a nested stack is a stack). */
const CLOUDFORMATION_MAX_RESOURCES = 500;
const CLOUDFORMATION_MAX_PARAMETERS = 200;
const CLOUDFORMATION_MAX_OUTPUTS = 200;
/**
 * The head-room the definitions of today must leave: 100 resources (25 functions in one group's
 * stack) and 50 parameters and outputs (one or two per function) before a quota. A change that
 * crosses it is the time to split again (another group of functions, another nested stack), not at 500.
 */
const HEADROOM_MAX_RESOURCES = 400;
const HEADROOM_MAX_NESTED_PARAMETERS = 150;
const HEADROOM_MAX_OUTPUTS = 150;
/** Functions added on top of today's definitions in the growth test. */
const EXTRA_FUNCTIONS = 25;

type Size = { path: string; nested: boolean; resources: number; parameters: number; outputs: number; types: Set<string> };
type Resource = { Type: string; Properties?: unknown; DependsOn?: string | string[] };

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
      Outputs?: Record<string, unknown>;
    };
    return {
      path: each.node.path,
      nested: NestedStack.isNestedStack(each),
      resources: Object.keys(template.Resources).length,
      parameters: Object.keys(template.Parameters ?? {}).length,
      outputs: Object.keys(template.Outputs ?? {}).length,
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

/**
 * A cycle among the resources of a template (each followed by the one it depends on), or [] when
 * there is none. CloudFormation refuses a template with a cycle when it is deployed; the synth does
 * not check. With the functions in nested stacks the parent refers to them (a schedule's rule ARN in
 * its dead-letter queue's policy) while they refer to the parent's resources.
 */
function dependencyCycle(resources: Record<string, Resource>): string[] {
  const dependencies = (resource: Resource): Set<string> => {
    const found = new Set<string>([resource.DependsOn ?? []].flat());
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) {
        for (const item of value) visit(item);
        return;
      }
      if (value === null || typeof value !== 'object') return;
      const object = value as Record<string, unknown>;
      if (typeof object.Ref === 'string') found.add(object.Ref);
      const getAtt = object['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') found.add(getAtt[0]);
      const sub = object['Fn::Sub'];
      const text = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : '';
      for (const [, name] of text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) found.add(name as string);
      for (const item of Object.values(object)) visit(item);
    };
    visit(resource.Properties);
    return new Set([...found].filter((id) => Object.hasOwn(resources, id)));
  };
  const graph = new Map(Object.entries(resources).map(([id, resource]) => [id, dependencies(resource)]));
  const done = new Set<string>();
  const path: string[] = [];
  const search = (id: string): string[] => {
    const onPath = path.indexOf(id);
    if (onPath >= 0) return [...path.slice(onPath), id];
    if (done.has(id)) return [];
    path.push(id);
    for (const next of graph.get(id) ?? []) {
      const cycle = search(next);
      if (cycle.length > 0) return cycle;
    }
    path.pop();
    done.add(id);
    return [];
  };
  for (const id of graph.keys()) {
    const cycle = search(id);
    if (cycle.length > 0) return cycle;
  }
  return [];
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
    const functionStackPaths = Object.values(stack.functionStacks).map((nested) => nested.node.path);

    // Act
    const [parent, ...nested] = measured;
    const routes = measured.find((size) => size.path === stack.apiRoutesStack.node.path)!;
    const alarms = measured.find((size) => size.path === stack.alarmsStack.node.path)!;

    // Assess
    expect(nested.map((size) => size.path).sort()).toEqual(
      [stack.alarmsStack.node.path, stack.apiRoutesStack.node.path, ...functionStackPaths].sort(),
    );
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

  it('puts every function, with its role, policy, log group and triggers, in the nested stack of its group, and nothing stateful', () => {
    // Prepare
    const { stack } = built;
    const grouped = groupFunctions(defaultDefinitions.functions);
    const stateless = ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::Logs::LogGroup'];
    const triggers = ['AWS::Lambda::EventSourceMapping', 'AWS::Events::Rule', 'AWS::Lambda::Permission'];

    // Act
    const byGroup = (Object.keys(grouped) as FunctionGroupName[]).map((group) => {
      const nested = stack.functionStacks[group];
      const template = nested ? (Template.fromStack(nested).toJSON() as { Resources: Record<string, Resource> }) : { Resources: {} };
      const ofType = (type: string): string[] =>
        Object.entries(template.Resources).flatMap(([id, resource]) => (resource.Type === type ? [id] : []));
      return { group, nested, ofType, types: new Set(Object.values(template.Resources).map((resource) => resource.Type)) };
    });
    const parentFunctions = Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map(([id]) => id);

    // Assess
    for (const { group, nested, ofType, types } of byGroup) {
      const names = Object.keys(grouped[group]).map((name) => name.charAt(0).toUpperCase() + name.slice(1));
      // Every group has functions today; its nested stack is the one `functionGroups` names.
      expect(names.length, group).toBeGreaterThan(0);
      expect(nested?.node.id, group).toBe(functionGroups[group].stackId);
      expect(
        ofType('AWS::Lambda::Function')
          .map((id) => id.replace(/Function[0-9A-F]{8}$/, ''))
          .sort(),
        group,
      ).toEqual(names.map((name) => `Functions${name}`).sort());
      for (const type of ['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::Logs::LogGroup'])
        expect(ofType(type), `${group} ${type}`).toHaveLength(names.length);
      expect(
        [...types].filter((type) => !stateless.includes(type) && !triggers.includes(type)),
        group,
      ).toEqual([]);
    }
    // Only the console's deployment handler (aws-cdk-lib's) is a function of the parent.
    expect(parentFunctions.filter((id) => !id.startsWith('CustomCDKBucketDeployment'))).toEqual([]);
  });

  it("has no dependency cycle among the parent's resources, which refer to the functions' stacks and are referred to by them", () => {
    // Prepare
    const { Resources } = Template.fromStack(built.stack).toJSON() as { Resources: Record<string, Resource> };

    // Act
    const cycle = dependencyCycle(Resources);

    // Assess
    expect(cycle).toEqual([]);
    // The check finds a cycle when there is one.
    expect(dependencyCycle({ A: { Type: 'T', Properties: { x: { Ref: 'B' } } }, B: { Type: 'T', DependsOn: ['A'] } })).toEqual([
      'A',
      'B',
      'A',
    ]);
  });

  it(`leaves head-room: at most ${HEADROOM_MAX_RESOURCES} resources and ${HEADROOM_MAX_OUTPUTS} outputs in any stack, at most ${HEADROOM_MAX_NESTED_PARAMETERS} parameters in a nested stack`, () => {
    // Prepare
    const limits = { resources: HEADROOM_MAX_RESOURCES, parameters: HEADROOM_MAX_NESTED_PARAMETERS, outputs: HEADROOM_MAX_OUTPUTS };

    // Act
    const over = measured.filter(
      (size) => size.resources > limits.resources || size.outputs > limits.outputs || (size.nested && size.parameters > limits.parameters),
    );

    // Assess
    // The parent, the routes', the alarms' and one stack per group of functions.
    expect(measured).toHaveLength(3 + Object.keys(functionGroups).length);
    for (const size of measured) expect(size.resources, size.path).toBeGreaterThan(0);
    expect(over.map(({ path, resources, parameters, outputs }) => ({ path, resources, parameters, outputs }))).toEqual([]);
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
      (size) =>
        size.resources >= CLOUDFORMATION_MAX_RESOURCES ||
        size.parameters >= CLOUDFORMATION_MAX_PARAMETERS ||
        size.outputs >= CLOUDFORMATION_MAX_OUTPUTS,
    );
    const growth = Object.fromEntries(grownSizes.map((size) => [size.path, size.resources - (today[size.path] ?? 0)]));
    const declarations = grown.stack.functionStacks.declarations!.node.path;

    // Assess
    expect(over.map(({ path, resources, parameters, outputs }) => ({ path, resources, parameters, outputs }))).toEqual([]);
    // The extra functions are in the templates: a function, role, policy and log group each in the
    // declarations' stack (their routes, /v1/synthetic/..., are of no listed area), a route,
    // integration and permission each in the routes' stack, two alarms each; the parent does not grow.
    expect(growth).toEqual({
      ...Object.fromEntries(grownSizes.map((size) => [size.path, 0])),
      [declarations]: 4 * EXTRA_FUNCTIONS,
      [grown.stack.apiRoutesStack.node.path]: 3 * EXTRA_FUNCTIONS,
      [grown.stack.alarmsStack.node.path]: 2 * EXTRA_FUNCTIONS,
    });
    expect(httpTriggerCount(definitions)).toBe(httpTriggerCount(defaultDefinitions) + EXTRA_FUNCTIONS);
  });
});
