import { describe, expect, it } from 'vitest';
import { demoProfiles, demoSelection, demoTraders } from '#demo/risk-seed.ts';
import { type RiskOutcome, riskOutcomeSchema } from '#shared/risk/outcome.ts';
import type { Criterion } from '#shared/risk/profile.ts';
import { compileProfiles, riskThresholdsSchema, scoreDeclaration } from '#shared/risk/score.ts';
import { defaultTraderWeights, type TraderProfile, traderAdjustment } from '#shared/risk/trader.ts';
import { AT, demoValuation, fixture, profile, SECRET, score, variant } from './support.ts';

const borealis = demoTraders.find((t) => t.partyId === 'GB987654321000')!;
const acme = demoTraders.find((t) => t.partyId === 'GB123456789000')!;
const scoreSum = (outcome: RiskOutcome): number => outcome.reasons.reduce((sum, r) => sum + (r.scoreDelta ?? 0), 0);
const kinds = (outcome: RiskOutcome): string[] => outcome.reasons.map((r) => r.kind);

describe('lanes and thresholds', () => {
  const fesi: Criterion = { kind: 'commodityCode', prefixes: ['7202'] };

  it('no profile, no anomaly, no trader: GREEN with no reasons', () => {
    // Prepare
    const declaration = fixture('ferro-silicon-cn');

    // Act
    const outcome = score(declaration);

    // Assess
    expect(outcome).toMatchObject({ lane: 'GREEN', score: 0, reasons: [], postClearanceAudit: false, scoredAt: AT });
  });

  it('the strongest lane wins: RED over YELLOW over BLUE', () => {
    // Prepare
    const declaration = fixture('ferro-silicon-cn');
    const profiles = [
      profile('P-BLUE', fesi, { lane: 'BLUE' }),
      profile('P-RED', fesi, { lane: 'RED' }),
      profile('P-YELLOW', fesi, { lane: 'YELLOW' }),
    ];

    // Act
    const outcome = score(declaration, { profiles });

    // Assess
    expect(outcome.lane).toBe('RED');
    // Reasons list lane profiles strongest first; every match is kept.
    expect(outcome.reasons.map((r) => `${r.profileId} ${r.lane}`)).toEqual(['P-RED RED', 'P-YELLOW YELLOW', 'P-BLUE BLUE']);
  });

  it('score contributions add up and thresholds map the score to a lane', () => {
    // Prepare
    const declaration = fixture('ferro-silicon-cn');
    const withScores = (...points: number[]) => points.map((p, i) => profile(`P-${i}`, fesi, { score: p }));

    // Act
    const lanes = [[29], [30], [20, 29], [50], [79], [40, 40], [100, -30]].map((points) => {
      const outcome = score(declaration, { profiles: withScores(...points) });
      return `${outcome.score} ${outcome.lane}`;
    });

    // Assess: default thresholds BLUE 30, YELLOW 50, RED 80
    expect(lanes).toEqual(['29 GREEN', '30 BLUE', '49 BLUE', '50 YELLOW', '79 YELLOW', '80 RED', '70 YELLOW']);
  });

  it('custom thresholds apply, and the reason says which was reached', () => {
    // Prepare
    const declaration = fixture('ferro-silicon-cn');
    const thresholds = riskThresholdsSchema.parse({ BLUE: 10, YELLOW: 20, RED: 25 });

    // Act
    const outcome = score(declaration, { profiles: [profile('P-S', fesi, { score: 22 })], thresholds });

    // Assess
    expect(outcome.lane).toBe('YELLOW');
    expect(outcome.reasons.at(-1)).toEqual({ kind: 'THRESHOLD', lane: 'YELLOW', text: 'Score 22 reaches the YELLOW threshold (20)' });
  });

  it('refuses thresholds that do not rise', () => {
    // Prepare
    const raw = { BLUE: 50, YELLOW: 40, RED: 80 };

    // Act
    const parsed = riskThresholdsSchema.safeParse(raw);

    // Assess
    expect(parsed.success).toBe(false);
  });

  it('a lane profile is not lowered by a low score, and a threshold lane can exceed a profile lane', () => {
    // Prepare
    const declaration = fixture('ferro-silicon-cn');
    const profiles = [profile('P-BLUE', fesi, { lane: 'BLUE' }), profile('P-S', fesi, { score: 85 })];

    // Act
    const aeoRed = score(declaration, { profiles: [profile('P-RED', fesi)], trader: borealis });
    const scoredUp = score(declaration, { profiles });

    // Assess
    expect([aeoRed.lane, aeoRed.score]).toEqual(['RED', -40]); // AEOF -30, clean record -10
    expect(scoredUp.lane).toBe('RED');
  });

  it('BLUE means release with post-clearance audit', () => {
    // Prepare
    const declaration = fixture('ferro-silicon-cn');

    // Act
    const blue = score(declaration, { profiles: [profile('P-B', fesi, { lane: 'BLUE' })] });
    const yellow = score(declaration, { profiles: [profile('P-Y', fesi, { lane: 'YELLOW' })] });

    // Assess
    expect([blue.postClearanceAudit, yellow.postClearanceAudit]).toEqual([true, false]);
  });
});

describe('valuation anomaly', () => {
  it('shows both figures and adds the tier points', () => {
    // Prepare: 840 GBP for 2,000 kg against a median of 3.10 GBP/kg
    const declaration = fixture('shaver-parts-undervalued');

    // Act
    const outcome = score(declaration);

    // Assess
    expect(outcome.reasons).toEqual([
      {
        kind: 'VALUATION',
        scoreDelta: 50,
        text: 'Valuation: item 1 declared 0.42 GBP/kg for 8510900000 from CN, reference median 3.10 GBP/kg (n=125): 14% of reference, under 25%: +50',
      },
      { kind: 'THRESHOLD', lane: 'YELLOW', text: 'Score 50 reaches the YELLOW threshold (50)' },
    ]);
  });

  it('uses the lowest tier reached: 30% of the median is under 50% but not under 25%', () => {
    // Prepare: 0.93 GBP/kg = 30% of 3.10
    const declaration = variant('shaver-parts-undervalued', (d) => (d.items[0]!.invoiceAmount = '1860.00'));

    // Act
    const outcome = score(declaration);

    // Assess
    expect(outcome.score).toBe(30);
    expect(outcome.reasons[0]?.text).toContain(
      'declared 0.93 GBP/kg for 8510900000 from CN, reference median 3.10 GBP/kg (n=125): 30% of reference, under 50%: +30',
    );
  });

  it('no anomaly at or above the lowest share', () => {
    // Prepare: exactly 50% of 3.10
    const declaration = variant('shaver-parts-undervalued', (d) => (d.items[0]!.invoiceAmount = '3100.00'));

    // Act
    const outcome = score(declaration);

    // Assess
    expect(outcome.reasons).toEqual([]);
  });

  it('converts to the national currency and falls back to the any-origin reference', () => {
    // Prepare: 0.40 USD/kg * 0.79 = 0.316 GBP/kg, from VN: only the any-origin median 4.20 applies
    const declaration = variant('shaver-parts-undervalued', (d) => {
      d.valuation.currency = 'USD';
      d.items[0]!.invoiceAmount = '800.00';
      d.items[0]!.origin = 'VN';
    });

    // Act
    const outcome = score(declaration);

    // Assess
    expect(outcome.reasons[0]?.text).toBe(
      'Valuation: item 1 declared 0.32 GBP/kg for 8510900000 from VN, reference median 4.20 GBP/kg for 851090, any origin (n=310): 7.5% of reference, under 25%: +50',
    );
  });

  it('compares per supplementary unit when the reference is per item', () => {
    // Prepare: T-shirts, median 2.80 GBP per item (NAR); 3,000 items for 1,200 EUR = 0.344 GBP each
    const declaration = variant('shared/valid-import-preference', (d) => (d.items[0]!.invoiceAmount = '1200.00'));

    // Act
    const outcome = score(declaration);

    // Assess
    expect(outcome.reasons[0]?.text).toBe(
      'Valuation: item 1 declared 0.34 GBP/item for 6109100010 from DE, reference median 2.80 GBP/item for 610910, any origin (n=640): 12% of reference, under 25%: +50',
    );
  });

  it('counts the worst item only, and names every anomalous item', () => {
    // Prepare: item 1 at 30% (+30), item 2 at 14% (+50)
    const declaration = variant('shaver-parts-undervalued', (d) => {
      const second = structuredClone(d.items[0]!);
      d.items[0]!.invoiceAmount = '1860.00';
      d.items.push(second);
    });

    // Act
    const outcome = score(declaration);

    // Assess
    expect(outcome.score).toBe(50);
    expect(outcome.reasons.filter((r) => r.kind === 'VALUATION')).toEqual([
      {
        kind: 'VALUATION',
        text: 'Valuation: item 1 declared 0.93 GBP/kg for 8510900000 from CN, reference median 3.10 GBP/kg (n=125): 30% of reference, under 50% (the score counts the worst item only)',
      },
      {
        kind: 'VALUATION',
        scoreDelta: 50,
        text: 'Valuation: item 2 declared 0.42 GBP/kg for 8510900000 from CN, reference median 3.10 GBP/kg (n=125): 14% of reference, under 25%: +50',
      },
    ]);
  });

  it('ignores references with too few observations', () => {
    // Prepare
    const declaration = fixture('shaver-parts-undervalued');
    const valuation = { ...demoValuation, rule: { tiers: [{ belowPercent: 50, scoreDelta: 30 }], minCount: 200 } };

    // Act: 851090 CN has n=125 < 200; the any-origin reference is not used when the origin one exists
    const outcome = score(declaration, { valuation });

    // Assess
    expect(outcome.reasons).toEqual([]);
  });
});

describe('trader profile', () => {
  const trader = (overrides: Partial<TraderProfile>): TraderProfile => ({
    ...acme,
    aeo: null,
    trusted: false,
    inspections: 0,
    discrepancies: 0,
    ...overrides,
  });

  it('applies the documented weights', () => {
    // Prepare
    const cases: Array<[string, TraderProfile]> = [
      ['AEOF', trader({ aeo: 'AEOF' })],
      ['AEOC', trader({ aeo: 'AEOC' })],
      ['AEOS', trader({ aeo: 'AEOS' })],
      ['trusted', trader({ trusted: true })],
      ['AEOS and trusted', trader({ aeo: 'AEOS', trusted: true })],
      ['AEOF and trusted', trader({ aeo: 'AEOF', trusted: true })],
      ['4 inspections, 4 discrepancies', trader({ inspections: 4, discrepancies: 4 })],
      ['8 inspections, 2 discrepancies', trader({ inspections: 8, discrepancies: 2 })],
      ['10 inspections, 1 discrepancy', trader({ inspections: 10, discrepancies: 1 })],
      ['12 inspections, 1 discrepancy', trader({ inspections: 12, discrepancies: 1 })],
      ['9 inspections, none', trader({ inspections: 9 })],
      ['10 inspections, none', trader({ inspections: 10 })],
      ['AEOF, 60 inspections, none', trader({ aeo: 'AEOF', inspections: 60 })],
    ];

    // Act
    const deltas = cases.map(([name, t]) => [name, traderAdjustment(t, 'importer').scoreDelta]);

    // Assess
    expect(deltas).toEqual([
      ['AEOF', -30],
      ['AEOC', -20],
      ['AEOS', -10],
      ['trusted', -15],
      ['AEOS and trusted', -15],
      ['AEOF and trusted', -30],
      ['4 inspections, 4 discrepancies', 0],
      ['8 inspections, 2 discrepancies', 40],
      ['10 inspections, 1 discrepancy', 20],
      ['12 inspections, 1 discrepancy', 0],
      ['9 inspections, none', 0],
      ['10 inspections, none', -10],
      ['AEOF, 60 inspections, none', -40],
    ]);
  });

  it('explains each weight with the figures', () => {
    // Prepare
    const declaration = fixture('ferro-silicon-cn');
    const risky = trader({ partyId: 'GB987654321000', name: 'Borealis Trading', aeo: 'AEOC', inspections: 8, discrepancies: 2 });

    // Act
    const outcome = score(declaration, { trader: risky });

    // Assess
    expect(outcome.reasons).toEqual([
      {
        kind: 'TRADER',
        scoreDelta: -20,
        text: 'importer GB987654321000 (Borealis Trading) is AEOC (authorised economic operator, customs simplifications): -20',
      },
      {
        kind: 'TRADER',
        scoreDelta: 40,
        text: 'importer GB987654321000 (Borealis Trading) compliance history: 2 discrepancies in 8 recorded inspections (25%), at least 25%: +40',
      },
    ]);
    expect(outcome.score).toBe(20);
  });

  it('uses weights given instead of the defaults', () => {
    // Prepare
    const weights = { ...defaultTraderWeights, aeo: { AEOF: -60, AEOC: -20, AEOS: -10 } };

    // Act
    const outcome = score(fixture('ferro-silicon-cn'), { trader: borealis, traderWeights: weights });

    // Assess
    expect(outcome.score).toBe(-70);
  });
});

describe('the outcome', () => {
  it('the reasons carry every score point, and the outcome parses as the contract', () => {
    // Prepare
    const declaration = fixture('cigarettes-via-ae');

    // Act
    const outcome = score(declaration, { profiles: demoProfiles, trader: undefined });

    // Assess
    expect(scoreSum(outcome)).toBe(outcome.score);
    expect(riskOutcomeSchema.parse(outcome)).toEqual(outcome);
  });

  it('is the same for the same input, with a list or a compiled set', () => {
    // Prepare
    const input = {
      declarationId: '01JDETERMINISM000000000000',
      declaration: fixture('cigarettes-via-ae'),
      at: AT,
      profiles: demoProfiles,
      trader: acme,
      valuation: demoValuation,
      selection: demoSelection,
      secret: SECRET,
    };

    // Act
    const first = scoreDeclaration(input);
    const second = scoreDeclaration({ ...input, declaration: structuredClone(input.declaration), profiles: structuredClone(demoProfiles) });
    const compiled = scoreDeclaration({ ...input, profiles: compileProfiles(demoProfiles) });

    // Assess
    expect(second).toEqual(first);
    expect(compiled).toEqual(first);
  });

  it('scores the demo seed as documented', () => {
    // Prepare
    const samples = {
      'ferro-silicon from CN, AEOF importer': score(fixture('ferro-silicon-cn'), { profiles: demoProfiles, trader: borealis }),
      'shaver parts at 14% of reference, first-time importer': score(fixture('shaver-parts-undervalued'), { profiles: demoProfiles }),
      'cigarettes shipped from AE, unknown importer': score(fixture('cigarettes-via-ae'), { profiles: demoProfiles }),
      'the README example, Acme': score(fixture('shared/valid-import'), { profiles: demoProfiles, trader: acme }),
      'the same, a first-time importer': score(fixture('shared/valid-import'), { profiles: demoProfiles }),
    };

    // Act
    const summary = Object.fromEntries(Object.entries(samples).map(([name, o]) => [name, `${o.lane} ${o.score} ${kinds(o).join(',')}`]));

    // Assess
    expect(summary).toEqual({
      'ferro-silicon from CN, AEOF importer': 'RED -40 PROFILE,TRADER,TRADER',
      'shaver parts at 14% of reference, first-time importer': 'RED 85 PROFILE,PROFILE,VALUATION,THRESHOLD',
      'cigarettes shipped from AE, unknown importer': 'RED 95 PROFILE,PROFILE,THRESHOLD',
      'the README example, Acme': 'GREEN 0 ',
      'the same, a first-time importer': 'BLUE 35 PROFILE,THRESHOLD',
    });
  });

  it('refuses an instant that is not a date-time', () => {
    // Prepare
    const declaration = fixture('ferro-silicon-cn');

    // Act
    const act = () => score(declaration, { at: 'yesterday' });

    // Assess
    expect(act).toThrow(/ISO date-time/);
  });
});
