import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Declaration } from '#shared/domain/declaration.ts';
import { keyedHmacSha256 } from '#shared/risk/hmac.ts';
import type { Lane, RiskOutcome } from '#shared/risk/outcome.ts';
import { compileProfiles, scoreDeclaration } from '#shared/risk/score.ts';
import {
  laneBeforeTopUp,
  type RecentSelectionRates,
  randomDraw,
  type SelectionConfig,
  selectionConfigSchema,
  selectRandomly,
  tallyRecent,
  topUpProbabilities,
} from '#shared/risk/selection.ts';
import { AT, demoValuation, fixture, profile, SECRET } from './support.ts';

/** The draw as an auditor computes it: HMAC-SHA256 hex, first 13 hex digits (52 bits) / 2^52. */
const auditDraw = (secret: string, id: string): number =>
  parseInt(createHmac('sha256', secret).update(id, 'utf8').digest('hex').slice(0, 13), 16) / 2 ** 52;

const N = 10_000;
/** Within 4 standard errors of a binomial proportion p over n trials. */
const tolerance = (p: number, n = N): number => 4 * Math.sqrt((p * (1 - p)) / n);

const config = (
  minimumRandom: SelectionConfig['default']['minimumRandom'],
  expected: SelectionConfig['default']['expected'],
): SelectionConfig => selectionConfigSchema.parse({ default: { minimumRandom, expected }, offices: {} });

/** 10,000 synthetic declarations: the README example with distinct ids; every 50th has importer GB000000000050 (2%). */
let declarations: Array<{ id: string; declaration: Declaration }> | undefined;
function synthetic(): Array<{ id: string; declaration: Declaration }> {
  const template = fixture('shared/valid-import');
  return (declarations ??= Array.from({ length: N }, (_, index) => {
    const declaration = structuredClone(template);
    declaration.lrn = `SYN-${index}`;
    if (index % 50 === 0) declaration.importer.id = 'GB000000000050';
    return { id: `01JSYNTH${String(index).padStart(18, '0')}`, declaration };
  }));
}

const targeted = compileProfiles([profile('P-TARGET', { kind: 'importer', ids: ['GB000000000050'] }, { lane: 'RED' })]);

function scoreAll(selection: SelectionConfig, recent?: RecentSelectionRates, profiles = compileProfiles([])): RiskOutcome[] {
  return synthetic().map(({ id, declaration }) =>
    scoreDeclaration({
      declarationId: id,
      declaration,
      at: AT,
      profiles,
      trader: undefined,
      valuation: demoValuation,
      selection,
      secret: SECRET,
      ...(recent ? { recent } : {}),
    }),
  );
}

const rates = (outcomes: RiskOutcome[], pick: (o: RiskOutcome) => Lane | null = (o) => o.lane): Record<Lane, number> => {
  const counts: Record<Lane, number> = { GREEN: 0, BLUE: 0, YELLOW: 0, RED: 0 };
  for (const outcome of outcomes) {
    const lane = pick(outcome);
    if (lane !== null) counts[lane] += 1;
  }
  return {
    GREEN: counts.GREEN / outcomes.length,
    BLUE: counts.BLUE / outcomes.length,
    YELLOW: counts.YELLOW / outcomes.length,
    RED: counts.RED / outcomes.length,
  };
};

describe('randomDraw', () => {
  it('is HMAC-SHA256 of the declaration id under the region secret, first 52 bits', () => {
    // Prepare
    const ids = ['01JDEMO0000000000000000000', 'x', '', 'déclaration-ü', 'A'.repeat(300)];

    // Act
    const draws = ids.map((id) => randomDraw(SECRET, id));

    // Assess
    expect(draws).toEqual(ids.map((id) => auditDraw(SECRET, id)));
  });

  it('is deterministic: the same id and secret always give the same draw', () => {
    // Prepare
    const id = '01JDEMO0000000000000000000';

    // Act
    const first = randomDraw(SECRET, id);
    const again = Array.from({ length: 5 }, () => randomDraw(SECRET, id));

    // Assess
    expect(again).toEqual([first, first, first, first, first]);
    expect(first).toBe(auditDraw(SECRET, id));
  });

  it('depends on the secret: without it the draw cannot be predicted', () => {
    // Prepare
    const ids = Array.from({ length: 1000 }, (_, i) => `01JSECRET${String(i).padStart(17, '0')}`);

    // Act
    const same = ids.filter((id) => randomDraw('secret-a', id) === randomDraw('secret-b', id)).length;

    // Assess
    expect(same).toBe(0);
  });

  it('is uniform on [0, 1) over 10,000 ids', () => {
    // Prepare
    const draws = synthetic().map(({ id }) => randomDraw(SECRET, id));

    // Act
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const deciles = Array.from({ length: 10 }, (_, d) => draws.filter((u) => u >= d / 10 && u < (d + 1) / 10).length / draws.length);

    // Assess: mean of U(0,1) has standard error sqrt(1/12/n)
    expect(draws.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(Math.abs(mean - 0.5)).toBeLessThanOrEqual(4 * Math.sqrt(1 / 12 / N));
    for (const share of deciles) expect(Math.abs(share - 0.1)).toBeLessThanOrEqual(tolerance(0.1));
  });

  it('refuses an empty secret', () => {
    // Prepare
    const id = '01JDEMO0000000000000000000';

    // Act
    const act = () => randomDraw('', id);

    // Assess
    expect(act).toThrow(/secret/);
  });
});

describe('HMAC-SHA256', () => {
  it('gives the RFC 4231 test vectors', () => {
    // Prepare
    const vectors: Array<[Uint8Array | string, string, string]> = [
      [new Uint8Array(20).fill(0x0b), 'Hi There', 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
      ['Jefe', 'what do ya want for nothing?', '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
      [
        new Uint8Array(131).fill(0xaa),
        'Test Using Larger Than Block-Size Key - Hash Key First',
        '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
      ],
    ];

    // Act
    const digests = vectors.map(([key, message]) => keyedHmacSha256(key)(message).toString('hex'));

    // Assess
    expect(digests).toEqual(vectors.map(([, , expected]) => expected));
  });

  it('equals node:crypto for keys and messages of every length around the block size', () => {
    // Prepare
    const cases: Array<[string, string]> = [];
    for (let keyLength = 0; keyLength <= 130; keyLength += 13) {
      for (let messageLength = 0; messageLength <= 140; messageLength += 1)
        cases.push([`${'k'.repeat(keyLength)}é`, 'm'.repeat(messageLength)]);
    }

    // Act
    const mismatches = cases.filter(
      ([key, message]) => !keyedHmacSha256(key)(message).equals(createHmac('sha256', key).update(message).digest()),
    );

    // Assess
    expect(mismatches).toEqual([]);
  });
});

describe('random selection over 10,000 synthetic declarations', () => {
  it('minimum random rates: each lane drawn at its configured rate, within 4 standard errors', () => {
    // Prepare
    const selection = config({ RED: 0.01, YELLOW: 0.02, BLUE: 0.03 }, { RED: 0, YELLOW: 0, BLUE: 0 });

    // Act
    const observed = rates(scoreAll(selection));

    // Assess
    for (const [lane, rate] of [
      ['RED', 0.01],
      ['YELLOW', 0.02],
      ['BLUE', 0.03],
    ] as const) {
      expect(Math.abs(observed[lane] - rate), `${lane} observed ${observed[lane]}`).toBeLessThanOrEqual(tolerance(rate));
    }
  });

  it('expected rates without recent figures: would-be-green declarations topped up to the expected rate', () => {
    // Prepare
    const selection = config({ RED: 0.01, YELLOW: 0.02, BLUE: 0 }, { RED: 0.03, YELLOW: 0.05, BLUE: 0.02 });

    // Act
    const outcomes = scoreAll(selection);
    const observed = rates(outcomes);
    const minimum = rates(outcomes, (o) => o.selection?.randomLane ?? null);

    // Assess
    for (const [lane, rate] of [
      ['RED', 0.03],
      ['YELLOW', 0.05],
      ['BLUE', 0.02],
    ] as const) {
      expect(Math.abs(observed[lane] - rate), `${lane} observed ${observed[lane]}`).toBeLessThanOrEqual(tolerance(rate));
    }
    expect(Math.abs(minimum.RED - 0.01)).toBeLessThanOrEqual(tolerance(0.01));
    expect(Math.abs(minimum.YELLOW - 0.02)).toBeLessThanOrEqual(tolerance(0.02));
  });

  it('expected rates with recent figures: the top-up fills only what the criteria leave', () => {
    // Prepare: a profile sends 2% RED; the office plans 5% RED. First pass: count lanes before top-up.
    const selection = config({ RED: 0.01, YELLOW: 0, BLUE: 0 }, { RED: 0.05, YELLOW: 0, BLUE: 0 });
    const recent = tallyRecent(scoreAll(selection, undefined, targeted));

    // Act
    const outcomes = scoreAll(selection, recent, targeted);
    const observed = rates(outcomes);
    const toppedUp = rates(outcomes, (o) => o.selection?.topUpLane ?? null);

    // Assess: criteria 2% + minimum random ~1% (less the overlap), top-up ~2%, total 5%
    expect(Math.abs(recent.lanes.RED / recent.declarations - 0.0298)).toBeLessThanOrEqual(tolerance(0.0298));
    expect(Math.abs(observed.RED - 0.05)).toBeLessThanOrEqual(tolerance(0.05));
    expect(Math.abs(toppedUp.RED - (0.05 - recent.lanes.RED / recent.declarations))).toBeLessThanOrEqual(tolerance(0.02));
  });

  it('no top-up when the criteria already select the expected rate', () => {
    // Prepare
    const selection = config({ RED: 0, YELLOW: 0, BLUE: 0 }, { RED: 0.02, YELLOW: 0, BLUE: 0 });
    const recent: RecentSelectionRates = { declarations: 1000, lanes: { GREEN: 970, BLUE: 0, YELLOW: 0, RED: 30 } };

    // Act
    const outcomes = scoreAll(selection, recent, targeted);

    // Assess
    expect(outcomes.filter((o) => o.selection?.topUpLane !== null)).toEqual([]);
    expect(rates(outcomes).RED).toBe(0.02);
  });
});

describe('selection rules', () => {
  const selection = config({ RED: 0.01, YELLOW: 0.02, BLUE: 0.01 }, { RED: 0.03, YELLOW: 0.05, BLUE: 0.03 });

  it('cuts [0, 1) into minimum random segments RED, YELLOW, BLUE, then top-up segments', () => {
    // Prepare: m = 0.04; top-up t = (0.02, 0.03, 0.02) / 0.96 over v = (u - 0.04) / 0.96
    const draws = [
      0,
      0.0099,
      0.01,
      0.0299,
      0.03,
      0.0399,
      0.04,
      0.04 + 0.96 * 0.0208,
      0.04 + 0.96 * 0.021,
      0.04 + 0.96 * 0.052,
      0.04 + 0.96 * 0.0522,
      0.04 + 0.96 * 0.0728,
      0.04 + 0.96 * 0.0731,
      0.999,
    ];

    // Act
    const lanes = draws.map((draw) => {
      const result = selectRandomly({ draw, office: 'GBLHR', criteriaLane: 'GREEN', config: selection });
      return result.randomLane ?? (result.topUpLane === null ? '-' : `top-up ${result.topUpLane}`);
    });

    // Assess
    expect(lanes).toEqual([
      'RED',
      'RED',
      'YELLOW',
      'YELLOW',
      'BLUE',
      'BLUE',
      'top-up RED',
      'top-up RED',
      'top-up YELLOW',
      'top-up YELLOW',
      'top-up BLUE',
      'top-up BLUE',
      '-',
      '-',
    ]);
  });

  it('draws at random whatever the criteria say, but tops up only would-be-green declarations', () => {
    // Prepare
    const inMinimum = 0.015; // YELLOW segment
    const inTopUp = 0.05; // top-up RED segment

    // Act
    const random = selectRandomly({ draw: inMinimum, office: 'GBLHR', criteriaLane: 'RED', config: selection });
    const notTopped = selectRandomly({ draw: inTopUp, office: 'GBLHR', criteriaLane: 'BLUE', config: selection });

    // Assess
    expect(random.randomLane).toBe('YELLOW');
    expect(notTopped).toEqual({ randomLane: null, topUpLane: null, reasons: [] });
  });

  it('the strongest lane wins between criteria and the random draw', () => {
    // Prepare: find an id whose draw lands in the YELLOW minimum segment
    const id = Array.from({ length: 2000 }, (_, i) => `01JFIND${String(i).padStart(19, '0')}`).find((candidate) => {
      const u = randomDraw(SECRET, candidate);
      return u >= 0.01 && u < 0.03;
    })!;
    const base = { declarationId: id, at: AT, trader: undefined, valuation: demoValuation, selection, secret: SECRET };
    const red = [profile('P-RED', { kind: 'commodityCode', prefixes: ['7202'] }, { lane: 'RED' })];
    const blue = [profile('P-BLUE', { kind: 'commodityCode', prefixes: ['7202'] }, { lane: 'BLUE' })];

    // Act
    const redWins = scoreDeclaration({ ...base, declaration: fixture('ferro-silicon-cn'), profiles: red });
    const randomWins = scoreDeclaration({ ...base, declaration: fixture('ferro-silicon-cn'), profiles: blue });

    // Assess
    expect([redWins.lane, redWins.selection?.randomLane, redWins.selection?.criteriaLane]).toEqual(['RED', 'YELLOW', 'RED']);
    expect([randomWins.lane, randomWins.postClearanceAudit]).toEqual(['YELLOW', false]);
    expect(randomWins.reasons.at(-1)?.text).toMatch(
      /^Random selection for YELLOW at GBFXT: minimum random rate 2\.00% \(draw 0\.0[12]\d{4} in \[0\.0100, 0\.0300\)\)$/,
    );
  });

  it('explains a top-up with the rates it used', () => {
    // Prepare
    const recent: RecentSelectionRates = { declarations: 5000, lanes: { GREEN: 4850, BLUE: 50, YELLOW: 50, RED: 50 } };

    // Act
    const result = selectRandomly({ draw: 0.045, office: 'GBDVR', criteriaLane: 'GREEN', config: selection, recent });

    // Assess
    expect(result.reasons).toEqual([
      {
        kind: 'RANDOM',
        lane: 'RED',
        text: 'Random top-up to RED at GBDVR: criteria and minimum random selected 1.00% of the last 5000 declarations for RED, expected 3.00%; this would-be-green declaration was drawn (top-up probability 2.06%, draw 0.045000)',
      },
    ]);
  });

  it('computes top-up probabilities from recent figures, or fixed ones without enough of them', () => {
    // Prepare
    const office = selection.default;
    const plenty: RecentSelectionRates = { declarations: 1000, lanes: { GREEN: 900, BLUE: 10, YELLOW: 40, RED: 50 } };
    const few: RecentSelectionRates = { declarations: 20, lanes: { GREEN: 0, BLUE: 0, YELLOW: 0, RED: 20 } };

    // Act
    const fromRecent = topUpProbabilities(office, plenty);
    const fixed = topUpProbabilities(office, few);

    // Assess
    expect(fromRecent.RED).toBe(0);
    expect(fromRecent.YELLOW).toBeCloseTo(0.01 / 0.9, 12);
    expect(fromRecent.BLUE).toBeCloseTo(0.02 / 0.9, 12);
    for (const [lane, share] of [
      ['RED', 0.02],
      ['YELLOW', 0.03],
      ['BLUE', 0.02],
    ] as const)
      expect(fixed[lane]).toBeCloseTo(share / 0.96, 12);
  });

  it('uses the office entry, else the default', () => {
    // Prepare
    const perOffice = selectionConfigSchema.parse({
      default: { minimumRandom: { RED: 0, YELLOW: 0, BLUE: 0 }, expected: { RED: 0, YELLOW: 0, BLUE: 0 } },
      offices: { GBDVR: { minimumRandom: { RED: 1, YELLOW: 0, BLUE: 0 }, expected: { RED: 0, YELLOW: 0, BLUE: 0 } } },
    });

    // Act
    const dover = selectRandomly({ draw: 0.5, office: 'GBDVR', criteriaLane: 'GREEN', config: perOffice });
    const heathrow = selectRandomly({ draw: 0.5, office: 'GBLHR', criteriaLane: 'GREEN', config: perOffice });

    // Assess
    expect([dover.randomLane, heathrow.randomLane]).toEqual(['RED', null]);
  });

  it('refuses rates outside [0, 1] or adding up to more than 1', () => {
    // Prepare
    const bad = [
      { minimumRandom: { RED: -0.1, YELLOW: 0, BLUE: 0 }, expected: { RED: 0, YELLOW: 0, BLUE: 0 } },
      { minimumRandom: { RED: 0.6, YELLOW: 0.5, BLUE: 0 }, expected: { RED: 0, YELLOW: 0, BLUE: 0 } },
      { minimumRandom: { RED: 0, YELLOW: 0, BLUE: 0 }, expected: { RED: 0.5, YELLOW: 0.5, BLUE: 0.5 } },
    ];

    // Act
    const accepted = bad.filter((office) => selectionConfigSchema.safeParse({ default: office, offices: {} }).success);

    // Assess
    expect(accepted).toEqual([]);
  });

  it('counts a topped-up declaration as GREEN before top-up', () => {
    // Prepare
    const outcomes = [
      {
        lane: 'RED' as const,
        selection: { office: 'GBLHR', draw: 0.5, criteriaLane: 'GREEN' as const, randomLane: null, topUpLane: 'RED' as const },
      },
      { lane: 'RED' as const, selection: { office: 'GBLHR', draw: 0.5, criteriaLane: 'RED' as const, randomLane: null, topUpLane: null } },
      { lane: 'GREEN' as const },
    ];

    // Act
    const tally = tallyRecent(outcomes);

    // Assess
    expect(outcomes.map(laneBeforeTopUp)).toEqual(['GREEN', 'RED', 'GREEN']);
    expect(tally).toEqual({ declarations: 3, lanes: { GREEN: 2, BLUE: 0, YELLOW: 0, RED: 1 } });
  });
});
