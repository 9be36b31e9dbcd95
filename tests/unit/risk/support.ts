/**
 * Shared helpers for the risk unit tests: fixtures (real JSON declarations), profile builders
 * and a standard scoring input on the demo seed.
 */
import { readFileSync } from 'node:fs';
import { demoSelection, demoToNational, demoValuationTable } from '#demo/risk-seed.ts';
import { type Declaration, declarationSchema } from '#shared/domain/declaration.ts';
import type { RiskOutcome } from '#shared/risk/outcome.ts';
import { type Criterion, type ProfileOutcome, type RiskProfile, riskProfileSchema } from '#shared/risk/profile.ts';
import { type ScoreInput, scoreDeclaration } from '#shared/risk/score.ts';
import type { SelectionConfig } from '#shared/risk/selection.ts';
import { buildValuationReferences, type ValuationContext } from '#shared/risk/valuation.ts';

/** A risk fixture (tests/unit/risk/fixtures) or, with `shared/`, a platform fixture (tests/fixtures/declarations). */
export function fixture(name: string): Declaration {
  const url = name.startsWith('shared/')
    ? new URL(`../../fixtures/declarations/${name.slice('shared/'.length)}.json`, import.meta.url)
    : new URL(`./fixtures/${name}.json`, import.meta.url);
  return declarationSchema.parse(JSON.parse(readFileSync(url, 'utf8')));
}

/** A copy of a fixture with some changes applied. */
export function variant(name: string, change: (d: Declaration) => void): Declaration {
  const declaration = structuredClone(fixture(name));
  change(declaration);
  return declaration;
}

/** A stored profile version, validated by the schema. */
export function profile(
  id: string,
  criteria: Criterion,
  outcome: ProfileOutcome = { lane: 'RED' },
  extra: Partial<RiskProfile> = {},
): RiskProfile {
  return riskProfileSchema.parse({
    id,
    version: 1,
    name: `Profile ${id}`,
    reason: `Reason for ${id}.`,
    validFrom: '2026-01-01',
    enabled: true,
    criteria,
    outcome,
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: 'officer-1',
    ...extra,
  });
}

export const demoValuation: ValuationContext = {
  references: buildValuationReferences(demoValuationTable),
  toNational: demoToNational,
};

/** Random selection switched off (rates 0), so criteria alone decide. */
export const noRandom: SelectionConfig = {
  default: { minimumRandom: { RED: 0, YELLOW: 0, BLUE: 0 }, expected: { RED: 0, YELLOW: 0, BLUE: 0 } },
  offices: {},
};

export const AT = '2026-11-20T10:00:00Z';
export const SECRET = 'test-region-secret';

/** Scores with the demo references, no random selection and no profiles unless given. */
export function score(declaration: Declaration, overrides: Partial<ScoreInput> = {}): RiskOutcome {
  return scoreDeclaration({
    declarationId: '01JTEST0000000000000000000',
    declaration,
    at: AT,
    profiles: [],
    trader: undefined,
    valuation: demoValuation,
    selection: noRandom,
    secret: SECRET,
    ...overrides,
  });
}

/** Whether a single profile matches the declaration (lane profile, no random selection). */
export function matches(criteria: Criterion, declaration: Declaration, overrides: Partial<ScoreInput> = {}): boolean {
  const outcome = score(declaration, { profiles: [profile('P-TEST', criteria)], ...overrides });
  return outcome.reasons.some((r) => r.kind === 'PROFILE');
}

/** The text of the one PROFILE reason. */
export function profileText(criteria: Criterion, declaration: Declaration, overrides: Partial<ScoreInput> = {}): string {
  const outcome = score(declaration, { profiles: [profile('P-TEST', criteria)], ...overrides });
  const reasons = outcome.reasons.filter((r) => r.kind === 'PROFILE');
  if (reasons.length !== 1) throw new Error(`expected one profile reason, got ${reasons.length}`);
  return reasons[0]!.text;
}

export { demoSelection };
