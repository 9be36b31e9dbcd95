/**
 * Reading the nested stacks of `CustomsStack` (`apiRoutesStack`, `alarmsStack`) in tests. A nested
 * template refers to the parent's resources through parameters (`{ Ref: 'referenceto…' }`), whose
 * values the parent passes in the properties of its `AWS::CloudFormation::Stack` resource.
 */
import { NestedStack, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

type Json = Record<string, unknown>;

/** The parameter values the parent passes to a nested stack, by parameter name. */
export function parametersPassedTo(nested: NestedStack): Record<string, unknown> {
  const parent = parentOf(nested);
  const resource = nested.nestedStackResource;
  if (!resource) throw new Error(`${nested.node.path} has no AWS::CloudFormation::Stack resource`);
  const resources = Template.fromStack(parent).toJSON().Resources as Record<string, { Properties?: { Parameters?: Json } }>;
  const properties = resources[parent.getLogicalId(resource)]?.Properties;
  if (!properties) throw new Error(`${nested.node.path}: no AWS::CloudFormation::Stack resource in the parent's template`);
  return properties.Parameters ?? {};
}

/**
 * The nested stack's template with each reference to a parameter replaced by the value the parent
 * passes to it (`{ Ref: 'AlarmTopicD01E77F9' }`, `{ 'Fn::GetAtt': ['ValidationQueue233C1676', 'QueueName'] }`):
 * assertions name the parent's resources by their logical IDs, as when everything was one stack.
 * Fails when a parameter of the nested template is not passed by the parent.
 */
export function resolvedNestedTemplate(nested: NestedStack): Template {
  const template = Template.fromStack(nested).toJSON() as Json;
  const passed = parametersPassedTo(nested);
  const missing = Object.keys((template.Parameters as Json | undefined) ?? {}).filter((name) => !Object.hasOwn(passed, name));
  if (missing.length > 0) throw new Error(`${nested.node.path}: parameters not passed by the parent: ${missing.join(', ')}`);
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Json);
    const [first] = entries;
    if (entries.length === 1 && first?.[0] === 'Ref' && typeof first[1] === 'string' && Object.hasOwn(passed, first[1])) {
      return passed[first[1]];
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(inner)]));
  };
  const { Parameters: _parameters, ...rest } = template;
  return Template.fromJSON(resolve(rest) as Json);
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
