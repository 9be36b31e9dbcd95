import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DomainError } from '#shared/domain/problems.ts';
import {
  type Criterion,
  criterionSchema,
  isProfileActive,
  MAX_CRITERIA_DEPTH,
  MAX_CRITERIA_NODES,
  MAX_LIST_VALUES,
  measureCriteria,
  nextVersion,
  parseRiskProfileInput,
  type RiskProfileInput,
  riskProfileInputSchema,
  riskProfileSchema,
} from '#shared/risk/profile.ts';
import { AT, fixture, profile, score } from './support.ts';

const input = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'Ferro-silicon from China',
  reason: 'Anti-dumping duty applies.',
  owner: 'Trade remedies',
  validFrom: '2026-01-01',
  criteria: {
    kind: 'and',
    of: [
      { kind: 'commodityCode', prefixes: ['7202'] },
      { kind: 'origin', countries: ['CN'] },
    ],
  },
  outcome: { lane: 'RED' },
  ...overrides,
});

const problemsOf = (raw: unknown): Array<{ pointer: string; code: string }> => {
  try {
    parseRiskProfileInput(raw);
    return [];
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return error.problems.map(({ pointer, code }) => ({ pointer, code }));
  }
};

/** A chain of `not` around a leaf, `depth` levels deep in all. */
const chain = (depth: number): unknown => {
  let node: unknown = { kind: 'origin', countries: ['CN'] };
  for (let level = 1; level < depth; level += 1) node = { kind: 'not', of: node };
  return node;
};

describe('riskProfileInputSchema', () => {
  it('accepts a profile with a lane and defaults enabled to true', () => {
    // Prepare
    const raw = input();

    // Act
    const parsed = parseRiskProfileInput(raw);

    // Assess
    expect(parsed.enabled).toBe(true);
    expect(parsed.outcome).toEqual({ lane: 'RED' });
  });

  it('accepts a score outcome and date-time validity bounds', () => {
    // Prepare
    const raw = input({ outcome: { score: -20 }, validFrom: '2026-01-01T08:00:00Z', validTo: '2026-06-30T18:00:00+01:00' });

    // Act
    const parsed = parseRiskProfileInput(raw);

    // Assess
    expect(parsed.outcome).toEqual({ score: -20 });
  });

  it('refuses GREEN, a zero score, an unknown criterion and fields it does not know', () => {
    // Prepare
    const raws = [
      input({ outcome: { lane: 'GREEN' } }),
      input({ outcome: { score: 0 } }),
      input({ criteria: { kind: 'script', code: 'return true' } }),
      input({ criteria: { kind: 'origin', countries: ['CN'], eval: 'x' } }),
      input({ outcome: { lane: 'RED', score: 10 } }),
    ];

    // Act
    const results = raws.map((raw) => riskProfileInputSchema.safeParse(raw).success);

    // Assess
    expect(results).toEqual([false, false, false, false, false]);
  });

  it('validates each leaf: codes, countries, party ids, empty lists', () => {
    // Prepare
    const bad: Criterion[] = [
      { kind: 'commodityCode', prefixes: ['7'] },
      { kind: 'commodityCode', prefixes: [] },
      { kind: 'origin', countries: ['China'] },
      { kind: 'importer', ids: ['123'] },
      { kind: 'office', offices: ['lhr'] },
      { kind: 'procedureCode', codes: ['400'] },
      { kind: 'valuePerKg' },
      { kind: 'valuePerKg', below: '-1' },
      { kind: 'valueToReference', belowPercent: 0 },
      { kind: 'traderDeclarations', fewerThan: 0 },
    ];

    // Act
    const accepted = bad.filter((criteria) => criterionSchema.safeParse(criteria).success);

    // Assess
    expect(accepted).toEqual([]);
  });

  it('limits list lengths', () => {
    // Prepare
    const countries = Array.from({ length: MAX_LIST_VALUES + 1 }, () => 'CN');

    // Act
    const problems = problemsOf(input({ criteria: { kind: 'origin', countries } }));

    // Assess
    expect(problems).toEqual([{ pointer: '/criteria/countries', code: 'TOO_BIG' }]);
  });

  it('refuses validTo before validFrom', () => {
    // Prepare
    const raw = input({ validFrom: '2026-05-01', validTo: '2026-04-30' });

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems).toEqual([{ pointer: '/validTo', code: 'INVALID_VALUE' }]);
  });

  it('accepts criteria exactly at the depth limit and refuses one level more', () => {
    // Prepare
    const atLimit = input({ criteria: chain(MAX_CRITERIA_DEPTH) });
    const tooDeep = input({ criteria: chain(MAX_CRITERIA_DEPTH + 1) });

    // Act
    const results = [problemsOf(atLimit), problemsOf(tooDeep)];

    // Assess
    expect(results).toEqual([[], [{ pointer: '/criteria', code: 'TOO_DEEP' }]]);
  });

  it('refuses more than the node limit', () => {
    // Prepare: or of and-pairs, 1 + 17 * 6 = 103 nodes, depth 3
    const pair = {
      kind: 'and',
      of: [
        { kind: 'origin', countries: ['CN'] },
        { kind: 'office', offices: ['GBLHR'] },
        { kind: 'preferenceClaimed' },
        { kind: 'declarationType', types: ['IM'] },
        { kind: 'trustedTrader' },
      ],
    };
    const raw = input({ criteria: { kind: 'or', of: Array.from({ length: 17 }, () => pair) } });

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(measureCriteria((raw as { criteria: unknown }).criteria).nodes).toBeGreaterThan(MAX_CRITERIA_NODES);
    expect(problems).toEqual([{ pointer: '/criteria', code: 'TOO_BIG' }]);
  });

  it('refuses a hostile 100,000-level tree without recursing into it', () => {
    // Prepare
    const raw = input({ criteria: chain(100_000) });

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems).toEqual([{ pointer: '/criteria', code: 'TOO_DEEP' }]);
  });

  it('registers the schemas for the OpenAPI document, the criteria as a recursive reference', () => {
    // Prepare
    const registry = z.globalRegistry;

    // Act
    const document = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'input', unrepresentable: 'any' });

    // Assess
    const schemas = document.schemas as Record<string, Record<string, unknown>>;
    for (const id of [
      'RiskProfileInput',
      'RiskProfile',
      'RiskCriterion',
      'RiskProfileOutcome',
      'TraderProfile',
      'SelectionConfig',
      'ValuationReferenceTable',
    ]) {
      expect(schemas[id], id).toBeDefined();
    }
    expect(JSON.stringify(schemas.RiskCriterion)).toContain('"$ref":"#/components/schemas/RiskCriterion"');
  });
});

describe('versioning', () => {
  const meta = { id: 'RP-FESI', at: '2026-02-01T09:00:00Z', by: 'officer-7' };

  it('creates version 1 of a new profile', () => {
    // Prepare
    const created = parseRiskProfileInput(input());

    // Act
    const stored = nextVersion(undefined, created, meta);

    // Assess
    expect(stored).toMatchObject({
      id: 'RP-FESI',
      version: 1,
      createdAt: meta.at,
      createdBy: 'officer-7',
      name: 'Ferro-silicon from China',
    });
    expect(riskProfileSchema.safeParse(stored).success).toBe(true);
  });

  it('an edit makes version n + 1 under the same id and leaves the previous version as it was', () => {
    // Prepare
    const v1 = nextVersion(undefined, parseRiskProfileInput(input()), meta);
    const before = structuredClone(v1);
    const edit: RiskProfileInput = parseRiskProfileInput(input({ outcome: { lane: 'YELLOW' }, reason: 'Duty lowered on review.' }));

    // Act
    const v2 = nextVersion(v1, edit, { ...meta, at: '2026-03-01T09:00:00Z', by: 'officer-9' });

    // Assess
    expect(v2).toMatchObject({ id: 'RP-FESI', version: 2, outcome: { lane: 'YELLOW' }, createdBy: 'officer-9' });
    expect(v1).toEqual(before);
  });

  it('refuses to version a profile under another id', () => {
    // Prepare
    const v1 = nextVersion(undefined, parseRiskProfileInput(input()), meta);

    // Act
    const edit = () => nextVersion(v1, parseRiskProfileInput(input()), { ...meta, id: 'RP-OTHER' });

    // Assess
    expect(edit).toThrow(/RP-FESI/);
  });

  it('records the version used on the outcome, and scores with the version given', () => {
    // Prepare
    const v1 = profile('RP-FESI', { kind: 'commodityCode', prefixes: ['7202'] }, { lane: 'RED' });
    const v2 = nextVersion(v1, { ...v1, outcome: { lane: 'YELLOW' } }, { id: 'RP-FESI', at: '2026-03-01T00:00:00Z', by: 'officer-2' });
    const declaration = fixture('ferro-silicon-cn');

    // Act
    const withV1 = score(declaration, { profiles: [v1] });
    const withV2 = score(declaration, { profiles: [v2] });
    const withBoth = score(declaration, { profiles: [v1, v2] });

    // Assess
    expect([withV1.lane, withV1.profileVersions, withV1.reasons[0]?.profileVersion]).toEqual(['RED', { 'RP-FESI': 1 }, 1]);
    expect([withV2.lane, withV2.profileVersions, withV2.reasons[0]?.profileVersion]).toEqual(['YELLOW', { 'RP-FESI': 2 }, 2]);
    expect(withV2.reasons[0]?.text).toContain('Profile RP-FESI v2');
    // Given several versions of one profile, the highest is the one in force.
    expect(withBoth.profileVersions).toEqual({ 'RP-FESI': 2 });
  });
});

describe('validity and enabled', () => {
  const base = profile(
    'RP-DATES',
    { kind: 'commodityCode', prefixes: ['7202'] },
    { lane: 'RED' },
    { validFrom: '2026-11-20', validTo: '2026-11-21' },
  );

  it('a date validFrom starts at 00:00Z; a date validTo includes its whole day', () => {
    // Prepare
    const instants = ['2026-11-19T23:59:59Z', '2026-11-20T00:00:00Z', '2026-11-21T23:59:59Z', '2026-11-22T00:00:00Z'];

    // Act
    const active = instants.map((at) => isProfileActive(base, at));

    // Assess
    expect(active).toEqual([false, true, true, false]);
  });

  it('scoring ignores profiles outside their validity and disabled ones', () => {
    // Prepare
    const declaration = fixture('ferro-silicon-cn');
    const disabled = { ...base, id: 'RP-OFF', enabled: false, validFrom: '2026-01-01', validTo: undefined };
    const profiles = [base, disabled];

    // Act
    const before = score(declaration, { profiles, at: '2026-11-19T12:00:00Z' });
    const during = score(declaration, { profiles, at: AT });
    const after = score(declaration, { profiles, at: '2026-11-22T00:00:00Z' });

    // Assess
    expect([before.lane, during.lane, after.lane]).toEqual(['GREEN', 'RED', 'GREEN']);
    expect([before.profileVersions, during.profileVersions, after.profileVersions]).toEqual([{}, { 'RP-DATES': 1 }, {}]);
  });
});
