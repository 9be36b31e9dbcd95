/**
 * Which nested stack a function of `shared/resources.ts` is deployed in (docs/infrastructure.md,
 * Stack layout).
 *
 * CloudFormation allows 500 resources per stack and each function takes four (function, role,
 * policy, log group) plus its event source mappings and schedule: the functions are in nested stacks
 * of their own, one per area of the platform. The group of a function follows from its triggers
 * only, so it is the same on every synth and a function changes stack only when its route moves to
 * another area:
 *
 * - a function without an `http` trigger (queue consumers, schedules) is a worker;
 * - otherwise the first segment of its first route after `/v1/` decides (`/v1/admin/...` is admin);
 * - a route of no listed segment (declarations, documents, verification, `/openapi.json`,
 *   `/.well-known/...`, and any new area) is in the declarations group.
 *
 * Moving a function to another group replaces it (a new function, role, policy and log group in
 * the other stack, the old ones deleted after): nothing has an explicit physical name, so both exist
 * side by side during the update.
 */
import type { FunctionDefinition } from '#shared/resources.ts';

export interface FunctionGroup {
  /** Construct id of the group's nested stack in the parent (`<Group>FunctionsStack`). */
  readonly stackId: string;
  /** What the group holds, for the nested stack's description. */
  readonly holds: string;
  /** First path segments after `/v1/` whose routes belong to this group. */
  readonly segments: readonly string[];
}

export const functionGroups = {
  declarations: {
    stackId: 'DeclarationFunctionsStack',
    holds: "declarations, their documents and repayment claims, verification, the API description and the seal's keys",
    segments: [],
  },
  review: {
    stackId: 'ReviewFunctionsStack',
    holds: "officers' review, repayment decisions, undeclared goods and statistics",
    segments: ['review', 'stats'],
  },
  revenue: {
    stackId: 'RevenueFunctionsStack',
    holds: 'deferment accounts and statements, payments, duty estimates and the tariff',
    segments: ['accounts', 'payments', 'duty-estimates', 'tariff'],
  },
  singleWindow: {
    stackId: 'SingleWindowFunctionsStack',
    holds: "partner agencies' permits, carriers' manifests, webhook subscriptions and traders' signing keys",
    segments: ['permits', 'manifests', 'subscriptions', 'traders'],
  },
  admin: {
    stackId: 'AdminFunctionsStack',
    holds: 'administration: reference documents, risk profiles, traders, accounts, statements, retries',
    segments: ['admin'],
  },
  workers: {
    stackId: 'WorkerFunctionsStack',
    holds: 'the pipeline stages, queue consumers and scheduled jobs (no route)',
    segments: [],
  },
} as const satisfies Record<string, FunctionGroup>;

export type FunctionGroupName = keyof typeof functionGroups;

/** Routes of no listed segment are declarations'. */
const DEFAULT_HTTP_GROUP: FunctionGroupName = 'declarations';

/** The group of a function: `workers` without a route, else the group of its first route's first segment after `/v1/`. */
export function functionGroupOf(definition: FunctionDefinition): FunctionGroupName {
  const route = definition.triggers.find((trigger) => trigger.kind === 'http');
  if (!route) return 'workers';
  const segment = /^\/v1\/([^/]+)/.exec(route.path)?.[1];
  const listed = (Object.entries(functionGroups) as [FunctionGroupName, FunctionGroup][]).find(
    ([, group]) => segment !== undefined && group.segments.includes(segment),
  );
  return listed?.[0] ?? DEFAULT_HTTP_GROUP;
}

/** The definitions by group, every group present (possibly empty), in the order of `functionGroups`. */
export function groupFunctions(
  definitions: Readonly<Record<string, FunctionDefinition>>,
): Record<FunctionGroupName, Record<string, FunctionDefinition>> {
  const grouped = Object.fromEntries(Object.keys(functionGroups).map((name) => [name, {}])) as Record<
    FunctionGroupName,
    Record<string, FunctionDefinition>
  >;
  for (const [name, definition] of Object.entries(definitions)) grouped[functionGroupOf(definition)][name] = definition;
  return grouped;
}
