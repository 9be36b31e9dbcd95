/**
 * Reading the nested stacks of `CustomsStack` (`functionStacks`, `apiRoutesStack`, `alarmsStack`) in
 * tests. A nested template refers to the parent's resources through parameters (`{ Ref: 'referenceto…' }`),
 * whose values the parent passes in the properties of its `AWS::CloudFormation::Stack` resource; the
 * parent refers to a nested stack's resources through that stack's outputs
 * (`{ 'Fn::GetAtt': ['<nested stack resource>', 'Outputs.<name>'] }`), also when it passes them on
 * to another nested stack (a function's ARN to the routes' stack).
 */
import { type CfnResource, NestedStack, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

type Json = Record<string, unknown>;

/** The parameter values the parent passes to a nested stack, by parameter name. */
export function parametersPassedTo(nested: NestedStack): Record<string, unknown> {
  const parent = parentOf(nested);
  const resources = templateJson(parent).Resources as Record<string, { Properties?: { Parameters?: Json } }>;
  const properties = resources[parent.getLogicalId(nestedStackResourceOf(nested))]?.Properties;
  if (!properties) throw new Error(`${nested.node.path}: no AWS::CloudFormation::Stack resource in the parent's template`);
  return properties.Parameters ?? {};
}

/**
 * The nested stack's template with each reference to a parameter replaced by the value the parent
 * passes to it (`{ Ref: 'AlarmTopicD01E77F9' }`, `{ 'Fn::GetAtt': ['ValidationQueue233C1676', 'QueueName'] }`),
 * and a value the parent takes from an output of another nested stack (a function's ARN or name,
 * from its group's stack) replaced by that output's value (`{ 'Fn::GetAtt': ['FunctionsGetDeclarationFunction…', 'Arn'] }`):
 * assertions name the resources by their logical IDs, as when everything was one stack.
 * Fails when a parameter of the nested template is not passed by the parent.
 */
export function resolvedNestedTemplate(nested: NestedStack): Template {
  const { Parameters: _parameters, ...rest } = templateJson(nested);
  return Template.fromJSON(resolveReferences(nested, rest) as Json);
}

/**
 * One template of the stack and the given nested stacks, as if their resources were in the stack
 * itself: the nested stacks' resources (their references resolved as in `resolvedNestedTemplate`)
 * merged with the stack's, whose references to the nested stacks' outputs are resolved the same way,
 * and without the `AWS::CloudFormation::Stack` resources of those nested stacks. Fails when two of
 * them hold the same logical ID.
 */
export function templateWithNestedStacks(stack: Stack, nestedStacks: readonly NestedStack[]): Template {
  const merged = resolveReferences(stack, templateJson(stack)) as Json & { Resources: Json };
  const resources: Json = { ...merged.Resources };
  for (const nested of nestedStacks) {
    if (nested.nestedStackParent !== stack) throw new Error(`${nested.node.path} is not nested directly in ${stack.node.path}`);
    delete resources[stack.getLogicalId(nestedStackResourceOf(nested))];
    for (const [id, resource] of Object.entries((resolvedNestedTemplate(nested).toJSON().Resources ?? {}) as Json)) {
      if (Object.hasOwn(resources, id)) throw new Error(`${id} of ${nested.node.path} is also in another stack`);
      resources[id] = resource;
    }
  }
  return Template.fromJSON({ ...merged, Resources: resources });
}

/**
 * `value`, a part of the template of `stack`, with the references that leave the stack replaced by
 * what they refer to: a parameter (in a nested stack) by the value the parent passes, resolved in
 * the parent; an output of a nested stack (`Fn::GetAtt: [<its resource>, 'Outputs.<name>']`) by the
 * output's value, resolved in that nested stack.
 */
function resolveReferences(stack: Stack, value: unknown): unknown {
  const parent = NestedStack.isNestedStack(stack) ? parentOf(stack) : undefined;
  const passed = NestedStack.isNestedStack(stack) ? parametersPassedTo(stack) : {};
  if (NestedStack.isNestedStack(stack)) {
    const declared = Object.keys((templateJson(stack).Parameters as Json | undefined) ?? {});
    const missing = declared.filter((name) => !Object.hasOwn(passed, name));
    if (missing.length > 0) throw new Error(`${stack.node.path}: parameters not passed by the parent: ${missing.join(', ')}`);
  }
  const children = nestedStacksByLogicalId(stack);
  const resolve = (inner: unknown): unknown => {
    if (Array.isArray(inner)) return inner.map(resolve);
    if (inner === null || typeof inner !== 'object') return inner;
    const entries = Object.entries(inner as Json);
    const [first] = entries;
    if (entries.length === 1 && first?.[0] === 'Ref' && typeof first[1] === 'string' && parent && Object.hasOwn(passed, first[1])) {
      return resolveReferences(parent, passed[first[1]]);
    }
    if (entries.length === 1 && first?.[0] === 'Fn::GetAtt' && Array.isArray(first[1])) {
      const [target, attribute] = first[1] as unknown[];
      const child = typeof target === 'string' ? children.get(target) : undefined;
      if (child && typeof attribute === 'string' && attribute.startsWith('Outputs.')) {
        const outputs = (templateJson(child).Outputs ?? {}) as Record<string, { Value: unknown }>;
        const output = outputs[attribute.slice('Outputs.'.length)];
        if (!output) throw new Error(`${child.node.path} has no output ${attribute}`);
        return resolveReferences(child, output.Value);
      }
    }
    return Object.fromEntries(entries.map(([key, nested]) => [key, resolve(nested)]));
  };
  return resolve(value);
}

/** Templates by stack: each is synthesized once per test file. */
const templates = new WeakMap<Stack, Json>();

function templateJson(stack: Stack): Json {
  const cached = templates.get(stack);
  if (cached) return cached;
  const template = Template.fromStack(stack).toJSON() as Json;
  templates.set(stack, template);
  return template;
}

const nestedStacks = new WeakMap<Stack, Map<string, NestedStack>>();

/** The stacks nested directly in `stack`, by the logical ID of their `AWS::CloudFormation::Stack` resource in it. */
function nestedStacksByLogicalId(stack: Stack): Map<string, NestedStack> {
  const cached = nestedStacks.get(stack);
  if (cached) return cached;
  const children = new Map(
    stack.node
      .findAll()
      .filter((construct): construct is NestedStack => NestedStack.isNestedStack(construct) && construct.nestedStackParent === stack)
      .map((child) => [stack.getLogicalId(nestedStackResourceOf(child)), child] as const),
  );
  nestedStacks.set(stack, children);
  return children;
}

function nestedStackResourceOf(nested: NestedStack): CfnResource {
  const resource = nested.nestedStackResource;
  if (!resource) throw new Error(`${nested.node.path} has no AWS::CloudFormation::Stack resource`);
  return resource;
}

/** The stack and every nested stack below it, found in the construct tree (not only the ones the stack names). */
export function stackAndNestedStacks(stack: Stack): Stack[] {
  return [stack, ...stack.node.findAll().filter((construct): construct is NestedStack => NestedStack.isNestedStack(construct))];
}

/** The templates of a stack and of each of its nested stacks, by construct path. */
export function templatesOf(stack: Stack): Record<string, Template> {
  return Object.fromEntries(stackAndNestedStacks(stack).map((each) => [each.node.path, Template.fromStack(each)] as const));
}

function parentOf(nested: NestedStack): Stack {
  const parent = nested.nestedStackParent;
  if (!parent) throw new Error(`${nested.node.path} is not a nested stack`);
  return parent;
}
