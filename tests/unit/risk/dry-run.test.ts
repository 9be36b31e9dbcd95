import { describe, expect, it } from 'vitest';
import { demoProfiles, demoTraders } from '#demo/risk-seed.ts';
import { type DryRunSample, dryRun } from '#shared/risk/dry-run.ts';
import { parseRiskProfileInput } from '#shared/risk/profile.ts';
import { demoValuation, fixture, profile, variant } from './support.ts';

const borealis = demoTraders.find((t) => t.partyId === 'GB987654321000')!;

/** Recent declarations: 3 ferro-silicon from CN, 1 from IN, 2 shaver parts (one undervalued), 1 cigarettes. */
const recent = (): DryRunSample[] => [
  { id: 'D1', declaration: fixture('ferro-silicon-cn'), trader: borealis },
  { id: 'D2', declaration: variant('ferro-silicon-cn', (d) => (d.lrn = 'B-2')), trader: borealis },
  { id: 'D3', declaration: variant('ferro-silicon-cn', (d) => (d.items[0]!.origin = 'RU')) },
  { id: 'D4', declaration: variant('ferro-silicon-cn', (d) => (d.items[0]!.origin = 'IN')) },
  { id: 'D5', declaration: fixture('shaver-parts-undervalued') },
  { id: 'D6', declaration: fixture('shared/valid-import') },
  { id: 'D7', declaration: fixture('cigarettes-via-ae') },
];

describe('dryRun', () => {
  it('counts and lists what an unsaved profile would select', () => {
    // Prepare
    const draft = parseRiskProfileInput({
      name: 'Ferro-silicon from China or Russia',
      reason: 'Anti-dumping.',
      validFrom: '2030-01-01', // dates and enabled are ignored by a dry run
      enabled: false,
      criteria: {
        kind: 'and',
        of: [
          { kind: 'commodityCode', prefixes: ['7202'] },
          { kind: 'origin', countries: ['CN', 'RU'] },
        ],
      },
      outcome: { lane: 'RED' },
    });

    // Act
    const result = dryRun(draft, recent(), { valuation: demoValuation });

    // Assess
    expect(result).toEqual({
      evaluated: 7,
      matched: 3,
      matchedIds: ['D1', 'D2', 'D3'],
      matchedIdsTruncated: false,
      // Alone, the profile sends 3 to RED; D5 is YELLOW on its valuation (+50), D7 on nothing (no profiles but this one).
      lanes: { GREEN: 3, BLUE: 0, YELLOW: 1, RED: 3 },
      changed: 3,
    });
  });

  it('with the other profiles in force, shows the whole effect and how many lanes it changes', () => {
    // Prepare: a new version of the seed's first-time importer profile that also selects by lane
    const edited = { ...demoProfiles.find((p) => p.id === 'RP-GB-FIRST-IMPORTER')!, version: 2, outcome: { lane: 'YELLOW' as const } };

    // Act
    const result = dryRun(edited, recent(), { profiles: demoProfiles, valuation: demoValuation });

    // Assess: D3 to D7 have unknown importers. D3 stays RED (anti-dumping). D4 and D6 go from BLUE
    // (35 points) to YELLOW; D5 and D7 drop from RED to YELLOW, having lost the 35 points that took
    // them over the RED threshold: what a dry run is for.
    expect(result.matchedIds).toEqual(['D3', 'D4', 'D5', 'D6', 'D7']);
    expect(result.lanes).toEqual({ GREEN: 0, BLUE: 0, YELLOW: 4, RED: 3 });
    expect(result.changed).toBe(4);
  });

  it('caps the ids it lists', () => {
    // Prepare
    const anything = profile('P-ANY', { kind: 'declarationType', types: ['IM'] });

    // Act
    const result = dryRun(anything, recent(), { maxIds: 2 });

    // Assess
    expect([result.matched, result.matchedIds, result.matchedIdsTruncated]).toEqual([7, ['D1', 'D2'], true]);
  });
});
