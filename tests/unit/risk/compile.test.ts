import { describe, expect, it } from 'vitest';
import type { Declaration } from '#shared/domain/declaration.ts';
import { DeclarationFacts } from '#shared/risk/declaration-facts.ts';
import { matchProfile } from '#shared/risk/match-profile.ts';
import type { Criterion, RiskProfile } from '#shared/risk/profile.ts';
import { compileProfiles } from '#shared/risk/profile-set.ts';
import { assessCriteria } from '#shared/risk/score.ts';
import { mulberry32 as prng } from '#tests/support/prng.ts';
import { demoValuation, fixture, profile } from './support.ts';

describe('profile index', () => {
  it('finds exactly the profiles that a full scan finds, over random profiles and declarations', () => {
    // Prepare: 150 random profiles over a small vocabulary, so that many match
    const random = prng(7);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const codes = ['7202210000', '7202290000', '8510900000', '8510100000', '2402209000', '6109100010', '8479899700'];
    const parties = ['GB987654321000', 'GB123456789000', 'GB555555555000', 'GB333333333000'];
    const leaf = (): Criterion =>
      pick<() => Criterion>([
        () => ({ kind: 'commodityCode', prefixes: [pick(codes).slice(0, 2 + Math.floor(random() * 9))] }),
        () => ({ kind: 'origin', countries: [pick(['CN', 'IN', 'RU', 'DE', 'GB'])] }),
        () => ({ kind: 'importer', ids: [pick(parties)] }),
        () => ({ kind: 'declarant', ids: [pick(parties)] }),
        () => ({ kind: 'transportMode', modes: [pick(['1', '3', '4'] as const)] }),
        () => ({ kind: 'valueToReference', belowPercent: 50 }),
      ])();
    const tree = (depth: number): Criterion => {
      const r = random();
      if (depth >= 3 || r < 0.35) return leaf();
      if (r < 0.65) return { kind: 'and', of: [tree(depth + 1), tree(depth + 1)] };
      if (r < 0.9) return { kind: 'or', of: [tree(depth + 1), tree(depth + 1)] };
      return { kind: 'not', of: tree(depth + 1) };
    };
    const profiles: RiskProfile[] = Array.from({ length: 150 }, (_, i) => profile(`P-${i}`, tree(0), { score: 1 }));
    const templates = [
      'ferro-silicon-cn',
      'shaver-parts-undervalued',
      'cigarettes-via-ae',
      'mixed-items',
      'export-machinery',
      'shared/valid-import',
    ].map((name) => fixture(name));
    const declarations: Declaration[] = Array.from({ length: 300 }, () => {
      const d = structuredClone(pick(templates));
      for (const item of d.items) {
        item.commodityCode = pick(codes);
        item.origin = pick(['CN', 'IN', 'RU', 'DE', 'GB']);
      }
      d.importer.id = random() < 0.1 ? undefined : pick(parties);
      d.declarant.id = pick(parties);
      return d;
    });
    const active = compileProfiles(profiles).activeAt(Date.parse('2026-11-20T00:00:00Z'));

    // Act
    const mismatches = declarations.filter((declaration) => {
      const facts = new DeclarationFacts(declaration, undefined, demoValuation);
      const indexed = assessCriteria(active, facts)
        .matched.map((m) => m.id)
        .sort();
      const scanned = active.profiles
        .filter((p) => matchProfile(p, facts) >= 0)
        .map((p) => p.id)
        .sort();
      return indexed.join() !== scanned.join();
    });
    const matchedSomething = declarations.filter(
      (d) => assessCriteria(active, new DeclarationFacts(d, undefined, demoValuation)).matched.length > 0,
    );

    // Assess
    expect(mismatches).toEqual([]);
    expect(matchedSomething.length).toBeGreaterThan(250);
  });
});
