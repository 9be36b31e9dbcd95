/**
 * Which nested stack a function is deployed in (`infra/function-groups.ts`): decided by its triggers
 * alone, so that every synth gives the same layout (docs/infrastructure.md, Stack layout).
 */
import { describe, expect, it } from 'vitest';
import { functionGroupOf, functionGroups, groupFunctions } from '#infra/function-groups.ts';
import { type FunctionDefinition, functions } from '#shared/resources.ts';

const all = functions as Readonly<Record<string, FunctionDefinition>>;

/** `getDeclaration` with one route of its own. */
const withRoute = (path: string): FunctionDefinition => ({
  ...all.getDeclaration!,
  triggers: [{ kind: 'http', method: 'GET', path, auth: 'jwt' }],
});

describe('function groups', () => {
  it('puts a function without a route with the workers, and a route by its first segment after /v1/', () => {
    // Prepare
    const cases = {
      validateDeclaration: all.validateDeclaration!,
      closeEndedStatements: all.closeEndedStatements!,
      admin: withRoute('/v1/admin/traders/{partyId}'),
      review: withRoute('/v1/review/queue'),
      stats: withRoute('/v1/stats/clearance'),
      accounts: withRoute('/v1/accounts/{number}/statements'),
      permits: withRoute('/v1/permits/{id}'),
      declarations: withRoute('/v1/declarations/{id}/repayment-claims'),
      openApi: all.openApi!,
      newArea: withRoute('/v1/synthetic/1/{id}'),
    };

    // Act
    const groups = Object.fromEntries(Object.entries(cases).map(([name, definition]) => [name, functionGroupOf(definition)]));

    // Assess
    expect(groups).toEqual({
      validateDeclaration: 'workers',
      closeEndedStatements: 'workers',
      admin: 'admin',
      review: 'review',
      stats: 'review',
      accounts: 'revenue',
      permits: 'singleWindow',
      declarations: 'declarations',
      openApi: 'declarations',
      newArea: 'declarations',
    });
  });

  it('groups every function of shared/resources.ts exactly once, every group with functions today', () => {
    // Prepare
    const names = Object.keys(all).sort();

    // Act
    const grouped = groupFunctions(all);

    // Assess
    expect(Object.keys(grouped)).toEqual(Object.keys(functionGroups));
    expect(
      Object.values(grouped)
        .flatMap((members) => Object.keys(members))
        .sort(),
    ).toEqual(names);
    for (const [group, members] of Object.entries(grouped)) expect(Object.keys(members).length, group).toBeGreaterThan(0);
    for (const [name, definition] of Object.entries(grouped.workers)) {
      expect(
        definition.triggers.some((trigger) => trigger.kind === 'http'),
        name,
      ).toBe(false);
    }
  });

  it('lists each path segment in one group only, and names a distinct nested stack per group', () => {
    // Prepare
    const groups = Object.values(functionGroups);

    // Act
    const segments = groups.flatMap((group) => [...group.segments]);
    const stackIds = groups.map((group) => group.stackId);

    // Assess
    expect(new Set(segments).size).toBe(segments.length);
    expect(new Set(stackIds).size).toBe(stackIds.length);
    for (const id of stackIds) expect(id).toMatch(/^[A-Z][A-Za-z]+FunctionsStack$/);
  });
});
