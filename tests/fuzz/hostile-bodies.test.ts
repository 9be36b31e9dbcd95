/**
 * Property-based fuzzing of every write route with hostile bodies, through the real local cloud
 * over HTTP. For each route, FUZZ_RUNS (default 2,000) structure-aware hostile requests drawn with
 * a fixed seed (FUZZ_SEED moves it) must be answered:
 *   - never with a 5xx;
 *   - when not 2xx, with application/problem+json whose `status` is the HTTP status, whose
 *     `problems` array holds at most 100 entries, and whose whole body is under 64 KB;
 *   - with 415 / 413 where the operation contract names those statuses (media type, encoding, size);
 *   - with 2xx only for a body the contract accepts (JSON media type, UTF-8, unique member names,
 *     the route's schema); those are counted and must be rare;
 *   - on the routes that move a declaration on (decisions, inspections, cancel, amend), with 2xx
 *     for every body the contract accepts, unless an earlier accepted one moved the declaration
 *     on (then 409, or 412 for a stale If-Match);
 * and nothing is stored by a refused request: the fuzzing trader's declarations, the risk
 * profiles, the trader profile and the reference document histories only change by what was
 * accepted (reference documents: never, the generator only sends bodies that cannot load); the
 * declarations decided on, inspected, cancelled and amended only by the accepted requests (their
 * versions and history events).
 * A broken invariant fails the test with its smallest reproduction (case index, steps, bytes, answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPermitRules } from '#demo/permit-rules-seed.ts';
import { demoSelection, demoThresholds, demoValuationTable } from '#demo/risk-seed.ts';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import { declarationSchema, maxDeclarationBytes } from '#shared/domain/declaration.ts';
import { inspectionRequestSchema } from '#shared/domain/inspection.ts';
import { cancelRequestSchema, type decisionActions, decisionRequestSchema, statusAfterDecision } from '#shared/domain/review.ts';
import { referenceDocumentNames, referenceDocumentPath } from '#shared/http/reference-kinds.ts';
import { parseRiskProfileInput } from '#shared/risk/profile.ts';
import { traderStatusInputSchema } from '#shared/usecases/manage-traders.ts';
import { declarationFor, eventually, validImport } from '#tests/integration/support.ts';
import {
  contractAccepts,
  DupObject,
  describeViolations,
  type FuzzOutcome,
  fromJson,
  fuzzRoute,
  type HostileRequest,
  MAX_PROBLEM_BYTES,
  type Node,
  RawJson,
  type RouteFuzzSpec,
  send,
} from './hostile.ts';

const runs = Number.parseInt(process.env.FUZZ_RUNS ?? '', 10) || 2000;
const baseSeed = Number.parseInt(process.env.FUZZ_SEED ?? '', 10) || 20_261_127;
/** A 2,000-run route takes 2 to 15 s on two cores; heavier runs get proportionally more time. */
const timeout = 90_000 * Math.max(1, runs / 2000);

const FUZZ_TRADER = 'GBFUZZ0000000001';
const FUZZ_ESTIMATOR = 'GBFUZZ0000000002';
const FUZZ_PARTY = 'GBFUZZ0000000003';
const REPRO_PARTY = 'GBFUZZ0000000004';
const REVIEW_PARTY = 'GBFUZZ0000000005';
const CANCEL_PARTY = 'GBFUZZ0000000006';
const AMEND_PARTY = 'GBFUZZ0000000007';
const RACE_PARTY = 'GBFUZZ0000000008';

let cloud: LocalCloud;
let profileId = '';

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData();
  // No random selection: lanes come from the criteria alone, so ferro-silicon from China is RED
  // and waits for an officer (the declarations the review, cancel and amend routes act on).
  const settings = {
    selection: {
      ...demoSelection,
      default: { minimumRandom: { RED: 0, YELLOW: 0, BLUE: 0 }, expected: { RED: 0, YELLOW: 0, BLUE: 0 } },
      offices: {},
    },
    thresholds: demoThresholds,
  };
  const loaded = await fetch(`${cloud.apiUrl}/v1/admin/reference-documents/risk-settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin()}`, 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  expect(loaded.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

const trader = (party: string) => cloud.mintToken({ role: 'trader', party });
const officer = () => cloud.mintToken({ role: 'officer' });
const admin = () => cloud.mintToken({ role: 'admin' });

async function getJson<T>(path: string, token: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${cloud.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Every declaration id listed for a trader, following cursors. */
async function declarationIds(party: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await getJson(
      `/v1/declarations?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      trader(party),
    );
    expect(page.status).toBe(200);
    ids.push(...page.body.items.map((item) => item.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  return ids.sort();
}

async function riskProfiles(): Promise<{ id: string; version: number }[]> {
  const listed = await getJson<{ items: { id: string; version: number }[] }>('/v1/admin/risk-profiles', officer());
  expect(listed.status).toBe(200);
  return listed.body.items.map(({ id, version }) => ({ id, version })).sort((a, b) => a.id.localeCompare(b.id));
}

/** A declaration waiting for an officer, as it was before the fuzzing. */
interface UnderReview {
  id: string;
  lrn: string;
  version: number;
}

/** Ferro-silicon from China: the demo anti-dumping profile sends it to the RED lane. */
/**
 * Ferro-silicon (RED by the demo profile), duty-free with its VAT postponed: nothing is booked on
 * an account, so it stays amendable under review (a declaration with duties booked is not).
 */
const ferroSilicon = (party: string, lrn: string) =>
  declarationFor(party, (d) => {
    d.lrn = lrn;
    d.items[0] = {
      ...d.items[0]!,
      commodityCode: '7202210000',
      description: 'Ferro-silicon, containing by weight more than 55% of silicon',
    };
    d.payment = { ...d.payment, method: 'E', postponedVat: true };
  });

/** Submits `count` RED declarations of `party` (LRNs `prefix-n`) and waits until each is UNDER_REVIEW. */
async function underReview(party: string, prefix: string, count: number): Promise<UnderReview[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const lrn = `${prefix}-${index}`;
      const response = await fetch(`${cloud.apiUrl}/v1/declarations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${trader(party)}`, 'content-type': 'application/json' },
        body: JSON.stringify(ferroSilicon(party, lrn)),
      });
      expect(response.status).toBe(202);
      const { id } = (await response.json()) as { id: string };
      const view = await eventually(async () => {
        const read = await getJson<{ status: string; version: number }>(`/v1/declarations/${id}`, officer());
        return read.body.status === 'UNDER_REVIEW' ? read.body : undefined;
      });
      return { id, lrn, version: view.version };
    }),
  );
}

interface HistoryEvent {
  version: number;
  type: string;
  status: string;
  actor: { kind: string; id: string };
  detail: string | null;
  note: string | null;
}

/** A declaration now (as customs read it) and its history. */
async function declarationNow(id: string): Promise<{ status: string; version: number; events: HistoryEvent[] }> {
  const [view, history] = await Promise.all([
    getJson<{ status: string; version: number }>(`/v1/declarations/${id}`, officer()),
    getJson<{ items: HistoryEvent[] }>(`/v1/declarations/${id}/events`, officer()),
  ]);
  expect([view.status, history.status]).toEqual([200, 200]);
  return { status: view.body.status, version: view.body.version, events: history.body.items };
}

/**
 * Reads the version of each of `party`'s declarations into `versions` (by their place in
 * `declarations`) every 50 ms until stopped: one listing a round, over a fresh connection as the
 * fuzzer sends (a failed read is tried again next round).
 */
function followVersions(party: string, declarations: readonly UnderReview[], versions: number[]): { stop: () => Promise<void> } {
  let following = true;
  const request = { method: 'GET', path: '/v1/declarations?limit=100', headers: {}, body: undefined, steps: [], expectedStatus: undefined };
  const read = async () => {
    const answer = await send(cloud.apiUrl, trader(party), request).catch(() => undefined);
    if (answer?.status !== 200) return;
    const listed = (JSON.parse(answer.bytes.toString('utf8')) as { items: { id: string; version: number }[] }).items;
    declarations.forEach(({ id }, member) => {
      const found = listed.find((item) => item.id === id);
      if (found) versions[member] = found.version;
    });
  };
  const loop = (async () => {
    while (following) {
      await read();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      following = false;
      await loop;
    },
  };
}

/** The accepted cases of `outcome` that acted on pool member `member` (variant modulo the pool size). */
const acceptedOn = (outcome: FuzzOutcome, poolSize: number, member: number) =>
  outcome.accepted.filter((accepted) => accepted.variant % poolSize === member);

function summary(spec: RouteFuzzSpec, outcome: FuzzOutcome): string {
  const statuses = Object.entries(outcome.statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
  return `${spec.name}: ${outcome.sent} hostile requests [${statuses}], ${outcome.accepted.length} valid bodies accepted, ${outcome.gatewayRefusals} refused by the gateway's payload limit, ${outcome.violationCount} breaking an invariant`;
}

/** The assertions every route shares: all cases answered, no broken invariant, valid bodies rare. */
function assessOutcome(spec: RouteFuzzSpec, outcome: FuzzOutcome, seed: number): void {
  console.info(summary(spec, outcome));
  if (process.env.FUZZ_VERBOSE) {
    for (const accepted of outcome.accepted) console.info(`  accepted case #${accepted.index}: ${accepted.steps.join('; ')}`);
    for (const slow of outcome.slowest) console.info(`  slow case #${slow.index} (${slow.ms} ms): ${slow.steps.join('; ')}`);
  }
  expect(outcome.sent).toBe(runs);
  // Soft: the test goes on to check what was stored, and fails at its end with every finding.
  expect.soft(outcome.violationCount, describeViolations(spec, outcome, seed, runs)).toBe(0);
  // The generator is meant to be hostile: a body the contract accepts is a rare accident.
  expect.soft(outcome.accepted.length).toBeLessThan(runs * 0.05);
}

// ---- bodies ----------------------------------------------------------------------------------------

/** A valid declaration of `party` (arriving today); `buildRequest` copies it for each case. */
const declarationBase = (party: string, lrn: string): Node =>
  fromJson(
    declarationFor(party, (declaration) => {
      declaration.lrn = lrn;
    }),
  );
const fuzzDeclaration = declarationBase(FUZZ_TRADER, 'FUZZ-DECL-0001');
const estimateDeclaration = declarationBase(FUZZ_ESTIMATOR, 'FUZZ-DUTY-0001');
const fixtureItem = validImport().items[0];

const item0 = (...rest: (string | number)[]) => ['items', 0, ...rest];

/** Declaration fields at and just beyond their limits, and decimals spelt every wrong way. */
const declarationSpecials: RouteFuzzSpec['specials'] = [
  { label: 'lrn of 35 characters (the limit)', path: ['lrn'], value: () => `L${'0'.repeat(34)}` },
  { label: 'lrn of 36 characters', path: ['lrn'], value: () => `L${'0'.repeat(35)}` },
  { label: 'description of 512 characters (the limit)', path: item0('description'), value: () => 'é'.repeat(512) },
  { label: 'description of 513 characters', path: item0('description'), value: () => 'é'.repeat(513) },
  { label: 'declarant name of 70 characters (the limit)', path: ['declarant', 'name'], value: () => 'N'.repeat(70) },
  { label: 'declarant name of 71 characters', path: ['declarant', 'name'], value: () => 'N'.repeat(71) },
  { label: 'document ref of 36 characters', path: item0('documents', 0, 'ref'), value: () => 'R'.repeat(36) },
  {
    label: '100 documents',
    path: item0('documents'),
    value: () => fromJson(Array.from({ length: 100 }, () => ({ type: 'N935', ref: 'INV42' }))),
  },
  { label: '100 additional codes', path: item0('additionalCodes'), value: () => fromJson(Array.from({ length: 100 }, () => 'C999')) },
  {
    label: '10 quantities',
    path: item0('quantities'),
    value: () => fromJson(Array.from({ length: 10 }, () => ({ value: '1', unit: 'KGM' }))),
  },
  { label: '1,000 items', path: ['items'], value: () => fromJson(Array.from({ length: 1000 }, () => fixtureItem)) },
  { label: 'invoice amount as the number 5000.00', path: item0('invoiceAmount'), value: () => new RawJson('5000.00') },
  { label: 'net mass as the number 2000', path: item0('netMassKg'), value: () => 2000 },
  { label: 'invoice total with 4 decimals', path: ['valuation', 'invoiceTotal'], value: () => '5000.0001' },
  { label: 'negative freight', path: ['valuation', 'freight'], value: () => '-1' },
  { label: 'gross mass 1e3', path: ['consignment', 'grossMassKg'], value: () => '1e3' },
  { label: 'gross mass 0', path: ['consignment', 'grossMassKg'], value: () => '0.000' },
  { label: 'invoice amount 16 integer digits', path: item0('invoiceAmount'), value: () => '1234567890123456' },
  { label: 'invoice amount " 5000"', path: item0('invoiceAmount'), value: () => ' 5000' },
  { label: 'arrival date 2026-02-30', path: ['consignment', 'arrivalDate'], value: () => '2026-02-30' },
  { label: 'commodity code of 9 digits', path: item0('commodityCode'), value: () => '851090000' },
  { label: 'zero invoice amount without a valuation method', path: item0('invoiceAmount'), value: () => '0' },
  { label: 'declarant of another party', path: ['declarant', 'id'], value: () => 'GB123456789000' },
];

const declarationLimits = {
  // lrn 35, names 70, refs 35, descriptions 512; then far beyond.
  stringLengths: [0, 1, 35, 36, 70, 71, 512, 513, 1000, 100_000],
  // items 999, documents and additional codes 99, quantities 9.
  arrayLengths: [0, 2, 9, 10, 99, 100, 999, 1000],
  specials: declarationSpecials,
};

const validProfile = {
  name: 'Fuzz profile',
  reason: 'Selects nothing real: fuzzing the risk profile routes.',
  owner: 'Fuzz team',
  validFrom: '2020-01-01',
  validTo: '2030-12-31',
  enabled: true,
  criteria: {
    kind: 'and',
    of: [
      { kind: 'origin', countries: ['TV'] },
      { kind: 'commodityCode', prefixes: ['8510'] },
      { kind: 'not', of: { kind: 'valuePerKg', below: '1.50' } },
      {
        kind: 'or',
        of: [
          { kind: 'valueToReference', belowPercent: 50 },
          { kind: 'traderDeclarations', fewerThan: 3 },
        ],
      },
    ],
  },
  outcome: { score: 10 },
};

const leaf = { kind: 'origin', countries: ['TV'] };
const notChain = (depth: number): Node =>
  new RawJson(`${'{"kind":"not","of":'.repeat(depth - 1)}${JSON.stringify(leaf)}${'}'.repeat(depth - 1)}`);
const andOf = (children: number, child: () => unknown = () => leaf): Node =>
  fromJson({ kind: 'and', of: Array.from({ length: children }, child) });
/** and of `groups` ors of `leaves` leaves: 1 + groups + groups × leaves nodes. */
const tree = (groups: number, leaves: number): Node =>
  andOf(groups, () => ({ kind: 'or', of: Array.from({ length: leaves }, () => leaf) }));
const countries = (count: number): Node =>
  fromJson({
    kind: 'origin',
    countries: Array.from(
      { length: count },
      (_, index) => `${String.fromCharCode(65 + (((index / 26) | 0) % 26))}${String.fromCharCode(65 + (index % 26))}`,
    ),
  });

/** Criteria trees, outcomes and validity bounds at and beyond the profile's limits. */
const profileSpecials: RouteFuzzSpec['specials'] = [
  { label: 'not chain of depth 8 (the limit)', path: ['criteria'], value: () => notChain(8) },
  { label: 'not chain of depth 9', path: ['criteria'], value: () => notChain(9) },
  { label: 'not chain of depth 1,000', path: ['criteria'], value: () => notChain(1000) },
  { label: 'not chain of depth 6,000', path: ['criteria'], value: () => notChain(6000) },
  { label: 'and of 20 children (the limit)', path: ['criteria'], value: () => andOf(20) },
  { label: 'and of 21 children', path: ['criteria'], value: () => andOf(21) },
  { label: 'tree of 100 nodes (the limit)', path: ['criteria'], value: () => tree(11, 8) },
  { label: 'tree of 101 nodes', path: ['criteria'], value: () => tree(20, 4) },
  { label: 'and of 2,000 children', path: ['criteria'], value: () => andOf(2000) },
  { label: 'list of 500 countries (the limit)', path: ['criteria'], value: () => countries(500) },
  { label: 'list of 501 countries', path: ['criteria'], value: () => countries(501) },
  { label: 'unknown criterion kind', path: ['criteria'], value: () => fromJson({ kind: 'script', code: 'process.exit(1)' }) },
  { label: 'criterion kind __proto__', path: ['criteria'], value: () => new RawJson('{"kind":"__proto__","of":[]}') },
  { label: 'criterion without kind', path: ['criteria'], value: () => fromJson({ countries: ['CN'] }) },
  { label: 'and whose of is an object', path: ['criteria'], value: () => fromJson({ kind: 'and', of: leaf }) },
  { label: 'not of a list', path: ['criteria'], value: () => fromJson({ kind: 'not', of: [leaf, leaf] }) },
  { label: 'cycle-like self reference', path: ['criteria'], value: () => fromJson({ kind: 'and', of: [{ $ref: '#' }] }) },
  { label: 'outcome lane GREEN', path: ['outcome'], value: () => fromJson({ lane: 'GREEN' }) },
  { label: 'outcome score 0', path: ['outcome'], value: () => fromJson({ score: 0 }) },
  { label: 'outcome score 101', path: ['outcome'], value: () => fromJson({ score: 101 }) },
  { label: 'outcome score 1.5', path: ['outcome'], value: () => fromJson({ score: 1.5 }) },
  { label: 'outcome with lane and score', path: ['outcome'], value: () => fromJson({ lane: 'RED', score: 10 }) },
  { label: 'validFrom 2026-02-30', path: ['validFrom'], value: () => '2026-02-30' },
  { label: 'validFrom hour 25', path: ['validFrom'], value: () => '2026-11-20T25:00:00Z' },
  { label: 'validTo before validFrom', path: ['validTo'], value: () => '2019-12-31' },
  { label: 'validFrom year 275760', path: ['validFrom'], value: () => '+275760-09-13' },
];

const profileSpec = (name: string, method: 'POST' | 'PUT', path: () => string): RouteFuzzSpec => ({
  name,
  method,
  path,
  maxBytes: 64 * 1024,
  gzip: false,
  base: () => fromJson(validProfile),
  // name and owner 100, reason 1000; then beyond the 64 KB body.
  stringLengths: [0, 1, 100, 101, 1000, 1001, 70_000],
  // children 20, list values 500.
  arrayLengths: [0, 1, 20, 21, 500, 501, 5000],
  specials: profileSpecials,
  sizePercent: 3,
  accepts: (value) => {
    parseRiskProfileInput(value);
    return true;
  },
});

/** How each reference document is spoilt so that it can never load, and its valid starting point. */
const referenceKinds = referenceDocumentNames;
const spoilers: Record<(typeof referenceKinds)[number], { field: string; values: Node[] }> = {
  'tariff-pack': { field: 'format', values: ['customs-clearance/tariff-pack@999', 1, null, 'CUSTOMS-CLEARANCE/TARIFF-PACK@1'] },
  'exchange-rates': { field: 'format', values: ['customs-clearance/exchange-rates@999', 'customs-clearance/tariff-pack@1', false, ''] },
  // HMRC's table is an array of rate periods: its first period is spoilt.
  'alcohol-duty-rates': { field: 'validityStartDate', values: ['2026-13', '2026', 202602, null] },
  'valuation-references': { field: 'currency', values: ['gbp', 'GBPX', 826, null] },
  // risk settings are a strict object: any `format` member is refused.
  'risk-settings': { field: 'format', values: ['customs-clearance/risk-settings@1', 1, null, {}] },
  // permit rules are a strict object too.
  'permit-rules': { field: 'format', values: ['customs-clearance/permit-rules@1', 1, null, {}] },
};
const SPOILS = 4;

const referenceBases: Record<(typeof referenceKinds)[number], () => Node> = {
  'tariff-pack': () =>
    fromJson({
      format: 'customs-clearance/tariff-pack@1',
      version: 'GB-0123456789abcdef',
      region: 'GB',
      currency: 'GBP',
      nomenclature: 'CN',
      validFrom: '2026-01-01',
      sources: [{ path: 'ukgt.csv', sha256: '0'.repeat(64), records: 1 }],
      measureTypes: { '103': { description: 'Third country duty' } },
      countries: { CN: 'China' },
      geographicalAreas: { '1011': { description: 'ERGA OMNES', members: ['CN'] } },
      vat: { standard: 'VAT', rates: { VAT: '20' } },
      commodities: {},
      unparsed: [],
      unsupported: [],
      report: { ukgt: { rows: 1, parsed: 1, measures: 0, shapes: [] }, documents: [], warnings: [] },
    }),
  'exchange-rates': () =>
    fromJson({
      format: 'customs-clearance/exchange-rates@1',
      version: '2026-11',
      nationalCurrency: 'GBP',
      rates: [{ currency: 'USD', period: '2026-11', rate: '0.79', source: 'fuzz' }],
      notes: ['fuzz'],
    }),
  'alcohol-duty-rates': () =>
    fromJson([
      {
        name: 'fuzz',
        validityStartDate: '2026-02',
        rateBands: [
          {
            taxTypeCode: '333',
            description: 'Wine (including sparkling wine) from 8.5 to 22 percent',
            rateType: 'Core',
            rate: 30.62,
            rangeDetails: [{ alcoholRegime: 'Wine', abvRanges: [{ alcoholType: 'Wine', minABV: 8.5, maxABV: 22 }] }],
          },
        ],
      },
    ]),
  'valuation-references': () => fromJson(demoValuationTable),
  'risk-settings': () => fromJson({ selection: demoSelection, thresholds: demoThresholds }),
  'permit-rules': () => fromJson(demoPermitRules),
};

const referenceKindOf = (variant: number) => referenceKinds[variant % referenceKinds.length]!;

/**
 * Decisions: a pool of RED declarations under review, each decided on with every action (the
 * variant names both). HOLD and REQUEST_DOCUMENTS keep a declaration reviewable; the first
 * RELEASE or REJECT ends its review, and the valid decisions after it are refused (409). Those
 * two start a quarter of the cases, so a declaration usually takes a few decisions first.
 */
const DECISION_POOL = 4;
let decisionPool: UnderReview[] = [];
const decisionActionsByVariant = [
  'HOLD',
  'REQUEST_DOCUMENTS',
  'RELEASE',
  'HOLD',
  'REQUEST_DOCUMENTS',
  'HOLD',
  'REQUEST_DOCUMENTS',
  'REJECT',
] as const;
const decisionBases: Record<(typeof decisionActions)[number], Node> = {
  RELEASE: fromJson({ action: 'RELEASE', note: 'Value checked against the contract', message: 'Released after a documentary check' }),
  HOLD: fromJson({ action: 'HOLD', note: 'Seal number differs from the manifest', message: 'Held for a physical examination' }),
  REQUEST_DOCUMENTS: fromJson({
    action: 'REQUEST_DOCUMENTS',
    note: 'Price low for the origin',
    message: 'Send the invoice and the sales contract',
    documents: [
      { type: 'N935', reason: 'The invoice for item 1' },
      { type: 'C505', reason: 'The sales contract' },
    ],
  }),
  REJECT: fromJson({ action: 'REJECT', note: 'Goods not as declared', message: 'Rejected: the goods are not ferro-silicon' }),
};
const decisionActionOf = (variant: number) => decisionActionsByVariant[Math.floor(variant / DECISION_POOL)]!;
const documentsOf = (count: number) =>
  fromJson(Array.from({ length: count }, (_, index) => ({ type: 'N935', reason: `Invoice ${index}` })));

/** Decisions at and beyond their limits: messages, notes, documents, actions spelt wrong. */
const decisionSpecials: RouteFuzzSpec['specials'] = [
  { label: 'action in lower case', path: ['action'], value: () => 'release' },
  { label: 'action APPROVE', path: ['action'], value: () => 'APPROVE' },
  { label: 'action as a list', path: ['action'], value: () => fromJson(['RELEASE']) },
  { label: 'message of 1,000 characters (the limit)', path: ['message'], value: () => 'é'.repeat(1000) },
  { label: 'message of 1,001 characters', path: ['message'], value: () => 'é'.repeat(1001) },
  { label: 'message of spaces only', path: ['message'], value: () => '   ' },
  { label: 'message padded with spaces', path: ['message'], value: () => '  Held pending a check  ' },
  { label: 'message with a forged log line', path: ['message'], value: () => 'Held\nINFO released by supervisor' },
  { label: 'message with a bidirectional override', path: ['message'], value: () => 'Held \u202eesaeler' },
  { label: 'note of 2,000 characters (the limit)', path: ['note'], value: () => 'n'.repeat(2000) },
  { label: 'note of 2,001 characters', path: ['note'], value: () => 'n'.repeat(2001) },
  { label: '20 documents (the limit)', path: ['documents'], value: () => documentsOf(20) },
  { label: '21 documents', path: ['documents'], value: () => documentsOf(21) },
  { label: 'no documents', path: ['documents'], value: () => fromJson([]) },
  { label: 'documents as an object', path: ['documents'], value: () => fromJson({ type: 'N935', reason: 'Invoice' }) },
  { label: 'document type in lower case', path: ['documents'], value: () => fromJson([{ type: 'n935', reason: 'Invoice' }]) },
  { label: 'document with a ref', path: ['documents'], value: () => fromJson([{ type: 'N935', ref: 'INV42', reason: 'Invoice' }]) },
  {
    label: 'document reason of 500 characters (the limit)',
    path: ['documents'],
    value: () => fromJson([{ type: 'N935', reason: 'r'.repeat(500) }]),
  },
  { label: 'document reason of 501 characters', path: ['documents'], value: () => fromJson([{ type: 'N935', reason: 'r'.repeat(501) }]) },
];

/**
 * Inspections: one RED declaration under review (of one item), inspected again and again. An
 * inspection leaves it under review, so every valid one is accepted (two at once: one is refused
 * with 409, the declaration changed meanwhile). Variant 0 finds nothing; variant 1 corrects the item.
 */
let inspected: UnderReview | undefined;
const inspectionBases = [
  fromJson({ result: 'NO_DISCREPANCY', findings: 'Seals intact; 2,000 kg of ferro-silicon as declared' }),
  fromJson({
    result: 'DISCREPANCY',
    findings: 'Shaver parts under the top layer; the real invoice was in the container',
    corrections: [{ itemIndex: 0, commodityCode: '8510900000', invoiceAmount: '6213.37', netMassKg: '1990' }],
  }),
];
const correction = (fields: Record<string, unknown>) => fromJson([{ itemIndex: 0, ...fields }]);

/** Corrections at and beyond their limits, and corrected values the tariff cannot assess. */
const inspectionSpecials: RouteFuzzSpec['specials'] = [
  { label: 'result in lower case', path: ['result'], value: () => 'discrepancy' },
  { label: 'result DISCREPANCY', path: ['result'], value: () => 'DISCREPANCY' },
  { label: 'result NO_DISCREPANCY', path: ['result'], value: () => 'NO_DISCREPANCY' },
  { label: 'findings of 2,000 characters (the limit)', path: ['findings'], value: () => 'f'.repeat(2000) },
  { label: 'findings of 2,001 characters', path: ['findings'], value: () => 'f'.repeat(2001) },
  { label: 'findings of spaces only', path: ['findings'], value: () => ' \u00a0 ' },
  {
    label: 'correction of item 1 (the declaration has one)',
    path: ['corrections'],
    value: () => fromJson([{ itemIndex: 1, netMassKg: '1' }]),
  },
  { label: 'correction of item 998 (the limit)', path: ['corrections'], value: () => fromJson([{ itemIndex: 998, netMassKg: '1' }]) },
  { label: 'correction of item 999', path: ['corrections'], value: () => fromJson([{ itemIndex: 999, netMassKg: '1' }]) },
  { label: 'correction of item -1', path: ['corrections'], value: () => fromJson([{ itemIndex: -1, netMassKg: '1' }]) },
  { label: 'correction of item "0"', path: ['corrections'], value: () => fromJson([{ itemIndex: '0', netMassKg: '1' }]) },
  { label: 'correction of item -0', path: ['corrections'], value: () => new RawJson('[{"itemIndex":-0,"netMassKg":"1"}]') },
  { label: 'correction of item 0.0', path: ['corrections'], value: () => new RawJson('[{"itemIndex":0.0,"netMassKg":"1"}]') },
  { label: 'correction naming no field', path: ['corrections'], value: () => fromJson([{ itemIndex: 0 }]) },
  {
    label: 'the same item corrected twice',
    path: ['corrections'],
    value: () =>
      fromJson([
        { itemIndex: 0, netMassKg: '1' },
        { itemIndex: 0, origin: 'US' },
      ]),
  },
  {
    label: '99 corrections (the limit)',
    path: ['corrections'],
    value: () => fromJson(Array.from({ length: 99 }, (_, i) => ({ itemIndex: i, origin: 'US' }))),
  },
  {
    label: '100 corrections',
    path: ['corrections'],
    value: () => fromJson(Array.from({ length: 100 }, (_, i) => ({ itemIndex: i, origin: 'US' }))),
  },
  { label: 'corrected code without a tariff entry', path: ['corrections'], value: () => correction({ commodityCode: '9999999999' }) },
  { label: 'corrected code of 6 digits', path: ['corrections'], value: () => correction({ commodityCode: '720221' }) },
  { label: 'corrected code of 9 digits', path: ['corrections'], value: () => correction({ commodityCode: '720221000' }) },
  { label: 'corrected code needing litres', path: ['corrections'], value: () => correction({ commodityCode: '2204210700' }) },
  { label: 'corrected origin XX', path: ['corrections'], value: () => correction({ origin: 'XX' }) },
  { label: 'corrected origin GB', path: ['corrections'], value: () => correction({ origin: 'GB' }) },
  { label: 'corrected invoice amount 0', path: ['corrections'], value: () => correction({ invoiceAmount: '0' }) },
  {
    label: 'corrected invoice amount of 15 integer digits',
    path: ['corrections'],
    value: () => correction({ invoiceAmount: '999999999999999.99' }),
  },
  { label: 'corrected invoice amount with 3 decimals', path: ['corrections'], value: () => correction({ invoiceAmount: '1.005' }) },
  { label: 'corrected net mass 0', path: ['corrections'], value: () => correction({ netMassKg: '0' }) },
  { label: 'corrected net mass 0.000001', path: ['corrections'], value: () => correction({ netMassKg: '0.000001' }) },
  { label: 'corrected quantities empty', path: ['corrections'], value: () => correction({ quantities: [] }) },
  {
    label: '9 corrected quantities (the limit)',
    path: ['corrections'],
    value: () => correction({ quantities: Array.from({ length: 9 }, () => ({ value: '1', unit: 'KGM' })) }),
  },
  {
    label: '10 corrected quantities',
    path: ['corrections'],
    value: () => correction({ quantities: Array.from({ length: 10 }, () => ({ value: '1', unit: 'KGM' })) }),
  },
  {
    label: 'corrected quantity in an unknown unit',
    path: ['corrections'],
    value: () => correction({ quantities: [{ value: '1', unit: 'XXX' }] }),
  },
  { label: 'corrected description', path: ['corrections'], value: () => correction({ description: 'Shaver parts' }) },
];

/**
 * Cancellations: a pool of RED declarations under review. The first valid cancellation of each
 * ends it (CANCELLED); a valid one after it is refused (409), unless it repeats the same reason.
 */
const CANCEL_POOL = 4;
let cancelPool: UnderReview[] = [];
const cancelSpecials: RouteFuzzSpec['specials'] = [
  { label: 'reason of 500 characters (the limit)', path: ['reason'], value: () => 'é'.repeat(500) },
  { label: 'reason of 501 characters', path: ['reason'], value: () => 'é'.repeat(501) },
  { label: 'reason of 500 characters between spaces', path: ['reason'], value: () => `  ${'r'.repeat(500)}  ` },
  { label: 'reason of spaces only', path: ['reason'], value: () => '  ' },
  { label: 'reason with a forged log line', path: ['reason'], value: () => 'Withdrawn\r\nINFO cancelled by customs' },
  { label: 'reason with a zero-width space', path: ['reason'], value: () => 'With\u200bdrawn' },
  { label: 'reason with a zero-width joiner', path: ['reason'], value: () => 'क्\u200dष' },
  { label: 'reason as a list', path: ['reason'], value: () => fromJson(['Order withdrawn']) },
  { label: 'reason as an object', path: ['reason'], value: () => fromJson({ text: 'Order withdrawn' }) },
  { label: 'an id beside the reason', path: ['id'], value: () => '01J00000000000000000000000' },
];

/**
 * Amendments: a pool of RED declarations under review, amended with If-Match at the version each
 * is at as the case is sent (`amendVersions`, followed while the fuzzer runs). A valid amendment
 * is accepted (202, amendment n + 1) and takes the declaration through the pipeline again: the
 * cases sent meanwhile carry a stale If-Match (412), or find it rejected or released (409); once
 * the version is followed again, the cases reach the body again, and may amend it again.
 */
const AMEND_POOL = 8;
let amendPool: (UnderReview & { base: Node })[] = [];
let amendVersions: number[] = [];
const amendSpecials: RouteFuzzSpec['specials'] = [
  ...declarationSpecials!,
  { label: 'lrn of another declaration', path: ['lrn'], value: () => 'FUZZ-AMEND-OTHER' },
  { label: 'goods corrected to shaver parts', path: item0('commodityCode'), value: () => '8510900000' },
  { label: 'two items', path: ['items'], value: () => fromJson([fixtureItem, fixtureItem]) },
];

const specs = {
  declarations: {
    name: 'POST /v1/declarations',
    method: 'POST',
    path: () => '/v1/declarations',
    maxBytes: maxDeclarationBytes,
    gzip: false,
    base: () => fuzzDeclaration,
    ...declarationLimits,
    sizePercent: 1.5,
    accepts: (value) => {
      const parsed = declarationSchema.safeParse(value);
      return parsed.success && parsed.data.declarant.id === FUZZ_TRADER;
    },
  },
  dutyEstimates: {
    name: 'POST /v1/duty-estimates',
    method: 'POST',
    path: () => '/v1/duty-estimates',
    maxBytes: maxDeclarationBytes,
    gzip: false,
    base: () => estimateDeclaration,
    ...declarationLimits,
    sizePercent: 1.5,
    accepts: (value) => declarationSchema.safeParse(value).success,
  },
  referenceDocuments: {
    name: 'PUT /v1/admin/reference-documents/{kind}',
    method: 'PUT',
    path: (variant) => `/v1/admin/reference-documents/${referenceKindOf(variant)}`,
    maxBytes: 50_000_000,
    gzip: true,
    variants: referenceKinds.length * SPOILS,
    base: (variant) => referenceBases[referenceKindOf(variant)](),
    finish: (root, variant, steps) => {
      const { field, values } = spoilers[referenceKindOf(variant)];
      const value = values[Math.floor(variant / referenceKinds.length) % SPOILS]!;
      steps.push(`spoilt: ${field} = ${JSON.stringify(value)}`);
      if (root instanceof DupObject) return new DupObject([...root.entries, [field, value]]);
      const first = Array.isArray(root) ? root[0] : undefined;
      if (
        first !== null &&
        typeof first === 'object' &&
        !Array.isArray(first) &&
        !(first instanceof RawJson) &&
        !(first instanceof DupObject)
      ) {
        Object.defineProperty(first, field, { value, enumerable: true, writable: true, configurable: true });
        return root;
      }
      if (root !== null && typeof root === 'object' && !Array.isArray(root) && !(root instanceof RawJson)) {
        Object.defineProperty(root, field, { value, enumerable: true, writable: true, configurable: true });
      }
      return root;
    },
    // rates 20,000, notes 1,000 (of 1,000 characters).
    stringLengths: [0, 1, 1000, 1001, 100_000],
    arrayLengths: [0, 1, 1000, 1001, 20_000, 20_001],
    // Size cases here are gzip bodies inflating to 50 MB (and beyond): few, they cost time.
    sizePercent: 0.15,
    accepts: (value, variant) => referenceDocumentPath(referenceKindOf(variant)).schema.safeParse(value).success,
  },
  createProfile: profileSpec('POST /v1/admin/risk-profiles', 'POST', () => '/v1/admin/risk-profiles'),
  editProfile: profileSpec('PUT /v1/admin/risk-profiles/{id}', 'PUT', () => `/v1/admin/risk-profiles/${profileId}`),
  dryRun: profileSpec('POST /v1/admin/risk-profiles/dry-run', 'POST', () => '/v1/admin/risk-profiles/dry-run'),
  traders: {
    name: 'PUT /v1/admin/traders/{partyId}',
    method: 'PUT',
    path: () => `/v1/admin/traders/${FUZZ_PARTY}`,
    maxBytes: 8 * 1024,
    gzip: false,
    base: () => fromJson({ aeo: 'AEOF', trusted: true, name: 'Fuzz Trading Ltd' }),
    specials: [
      { label: 'aeo in lower case', path: ['aeo'], value: () => 'aeof' },
      { label: 'aeo AEO', path: ['aeo'], value: () => 'AEO' },
      { label: 'aeo as a list', path: ['aeo'], value: () => fromJson(['AEOF', 'AEOS']) },
      { label: 'trusted as the string "true"', path: ['trusted'], value: () => 'true' },
      { label: 'trusted as 1', path: ['trusted'], value: () => 1 },
      { label: 'name of 71 characters', path: ['name'], value: () => 'N'.repeat(71) },
      { label: 'name with a line feed', path: ['name'], value: () => 'Fuzz\nINFO forged' },
    ],
    // name 70; then beyond the 8 KB body.
    stringLengths: [0, 1, 70, 71, 1000, 9000],
    arrayLengths: [0, 1, 2, 100, 1000],
    sizePercent: 3,
    accepts: (value) => traderStatusInputSchema.safeParse(value).success,
  },
  decisions: {
    name: 'POST /v1/review/declarations/{id}/decisions',
    method: 'POST',
    path: (variant) => `/v1/review/declarations/${decisionPool[variant % DECISION_POOL]!.id}/decisions`,
    maxBytes: 32 * 1024,
    gzip: false,
    variants: DECISION_POOL * decisionActionsByVariant.length,
    base: (variant) => decisionBases[decisionActionOf(variant)],
    specials: decisionSpecials,
    // reasons 500, messages 1,000, notes 2,000; then beyond the 32 KB body.
    stringLengths: [0, 1, 500, 501, 1000, 1001, 2000, 2001, 40_000],
    // documents 20.
    arrayLengths: [0, 1, 20, 21, 1000],
    sizePercent: 3,
    accepts: (value) => decisionRequestSchema.safeParse(value).success,
    stateful: { target: (variant) => variant % DECISION_POOL, refusalsAfterAcceptance: [409] },
  },
  inspections: {
    name: 'POST /v1/review/declarations/{id}/inspections',
    method: 'POST',
    path: () => `/v1/review/declarations/${inspected!.id}/inspections`,
    maxBytes: 64 * 1024,
    gzip: false,
    variants: inspectionBases.length,
    base: (variant) => inspectionBases[variant]!,
    specials: inspectionSpecials,
    // findings 2,000, codes 6 to 10; then beyond the 64 KB body.
    stringLengths: [0, 1, 6, 11, 2000, 2001, 70_000],
    // corrections 99, quantities 9.
    arrayLengths: [0, 1, 9, 10, 99, 100, 1000],
    sizePercent: 3,
    // The declaration has one item: a correction of another is refused (ITEM_NOT_FOUND).
    accepts: (value) => {
      const parsed = inspectionRequestSchema.safeParse(value);
      return parsed.success && parsed.data.corrections.every((fix) => fix.itemIndex === 0);
    },
    stateful: { target: () => 0, refusalsAfterAcceptance: [409] },
  },
  cancel: {
    name: 'POST /v1/declarations/{id}/cancel',
    method: 'POST',
    path: (variant) => `/v1/declarations/${cancelPool[variant % CANCEL_POOL]!.id}/cancel`,
    maxBytes: 4 * 1024,
    gzip: false,
    variants: CANCEL_POOL,
    base: () => fromJson({ reason: 'Order withdrawn by the buyer' }),
    specials: cancelSpecials,
    // reason 500; then beyond the 4 KB body.
    stringLengths: [0, 1, 500, 501, 1000, 5000],
    arrayLengths: [0, 1, 2, 100, 1000],
    sizePercent: 3,
    accepts: (value) => cancelRequestSchema.safeParse(value).success,
    stateful: { target: (variant) => variant % CANCEL_POOL, refusalsAfterAcceptance: [409] },
  },
  amend: {
    name: 'PUT /v1/declarations/{id}',
    method: 'PUT',
    path: (variant) => `/v1/declarations/${amendPool[variant % AMEND_POOL]!.id}`,
    headers: (variant) => ({ 'if-match': `"${amendVersions[variant % AMEND_POOL]}"` }),
    maxBytes: maxDeclarationBytes,
    gzip: false,
    variants: AMEND_POOL,
    base: (variant) => amendPool[variant % AMEND_POOL]!.base,
    ...declarationLimits,
    specials: amendSpecials,
    sizePercent: 1.5,
    // Same LRN, same declarant.
    accepts: (value, variant) => {
      const parsed = declarationSchema.safeParse(value);
      return parsed.success && parsed.data.lrn === amendPool[variant % AMEND_POOL]!.lrn && parsed.data.declarant.id === AMEND_PARTY;
    },
    stateful: { target: (variant) => variant % AMEND_POOL, refusalsAfterAcceptance: [409, 412] },
  },
} satisfies Record<string, RouteFuzzSpec>;

// ---- the properties --------------------------------------------------------------------------------

describe('hostile bodies on every write route', () => {
  it(
    `POST /v1/declarations answers ${runs} hostile bodies within the contract and stores none of them`,
    async () => {
      // Prepare
      const seed = baseSeed + 1;
      const before = await declarationIds(FUZZ_TRADER);

      // Act
      const outcome = await fuzzRoute({ spec: specs.declarations, apiUrl: cloud.apiUrl, token: trader(FUZZ_TRADER), runs, seed });
      const after = await declarationIds(FUZZ_TRADER);

      // Assess
      assessOutcome(specs.declarations, outcome, seed);
      const receipts = new Set(outcome.accepted.map((accepted) => (accepted.body as { id: string }).id));
      expect(before).toEqual([]);
      expect(after).toEqual([...receipts].sort());
    },
    timeout,
  );

  it(
    `POST /v1/duty-estimates answers ${runs} hostile bodies within the contract and stores nothing`,
    async () => {
      // Prepare
      const seed = baseSeed + 2;

      // Act
      const outcome = await fuzzRoute({ spec: specs.dutyEstimates, apiUrl: cloud.apiUrl, token: trader(FUZZ_ESTIMATOR), runs, seed });

      // Assess
      assessOutcome(specs.dutyEstimates, outcome, seed);
      expect(await declarationIds(FUZZ_ESTIMATOR)).toEqual([]);
    },
    timeout,
  );

  it(
    `PUT /v1/admin/reference-documents/{kind} refuses ${runs} hostile bodies and loads none of them`,
    async () => {
      // Prepare: only bodies that cannot load, however the bytes are read (U+FFFD for bad UTF-8, last of repeated members)
      const seed = baseSeed + 3;
      const spec = specs.referenceDocuments;
      const history = async () =>
        Promise.all(
          referenceKinds.map(
            async (kind) => (await getJson<{ items: unknown[] }>(`/v1/admin/reference-documents/${kind}`, admin())).body.items,
          ),
        );
      const before = await history();

      // Act
      const outcome = await fuzzRoute({
        spec,
        apiUrl: cloud.apiUrl,
        token: admin(),
        runs,
        seed,
        allow: (request, recipe) => !contractAccepts(spec, request, recipe.variant, { lenient: true, ignoreDuplicates: true }),
        // What the lenient reading refuses, the strict one refuses too: no 2xx is acceptable here.
        acceptable: () => false,
      });
      const after = await history();

      // Assess
      assessOutcome(spec, outcome, seed);
      expect(outcome.accepted).toEqual([]);
      expect(after).toEqual(before);
    },
    timeout,
  );

  it(
    `POST /v1/admin/risk-profiles answers ${runs} hostile bodies within the contract and creates only valid profiles`,
    async () => {
      // Prepare
      const seed = baseSeed + 4;
      const before = await riskProfiles();

      // Act
      const outcome = await fuzzRoute({ spec: specs.createProfile, apiUrl: cloud.apiUrl, token: officer(), runs, seed });
      const after = await riskProfiles();

      // Assess
      assessOutcome(specs.createProfile, outcome, seed);
      const created = outcome.accepted.map((accepted) => ({ id: (accepted.body as { id: string }).id, version: 1 }));
      expect(after).toEqual([...before, ...created].sort((a, b) => a.id.localeCompare(b.id)));
    },
    timeout,
  );

  it(
    `PUT /v1/admin/risk-profiles/{id} answers ${runs} hostile bodies within the contract and versions only valid edits`,
    async () => {
      // Prepare: one profile to edit
      const seed = baseSeed + 5;
      const response = await fetch(`${cloud.apiUrl}/v1/admin/risk-profiles`, {
        method: 'POST',
        headers: { authorization: `Bearer ${officer()}`, 'content-type': 'application/json' },
        body: JSON.stringify(validProfile),
      });
      expect(response.status).toBe(201);
      profileId = ((await response.json()) as { id: string }).id;

      // Act
      const outcome = await fuzzRoute({ spec: specs.editProfile, apiUrl: cloud.apiUrl, token: officer(), runs, seed });
      const versions = await getJson<{ items: { version: number }[] }>(`/v1/admin/risk-profiles/${profileId}`, officer());

      // Assess
      assessOutcome(specs.editProfile, outcome, seed);
      expect(versions.body.items.map((item) => item.version)).toEqual(
        Array.from({ length: 1 + outcome.accepted.length }, (_, index) => index + 1),
      );
    },
    timeout,
  );

  it(
    `POST /v1/admin/risk-profiles/dry-run answers ${runs} hostile bodies within the contract and stores nothing`,
    async () => {
      // Prepare
      const seed = baseSeed + 6;
      const before = await riskProfiles();

      // Act
      const outcome = await fuzzRoute({ spec: specs.dryRun, apiUrl: cloud.apiUrl, token: officer(), runs, seed });

      // Assess
      assessOutcome(specs.dryRun, outcome, seed);
      expect(await riskProfiles()).toEqual(before);
    },
    timeout,
  );

  it(
    `PUT /v1/admin/traders/{partyId} answers ${runs} hostile bodies within the contract and stores only valid statuses`,
    async () => {
      // Prepare
      const seed = baseSeed + 7;
      const before = await getJson(`/v1/admin/traders/${FUZZ_PARTY}`, admin());

      // Act
      const outcome = await fuzzRoute({ spec: specs.traders, apiUrl: cloud.apiUrl, token: admin(), runs, seed });
      const after = await getJson(`/v1/admin/traders/${FUZZ_PARTY}`, admin());

      // Assess
      assessOutcome(specs.traders, outcome, seed);
      expect(before.status).toBe(404);
      expect(after.status).toBe(outcome.accepted.length > 0 ? 200 : 404);
    },
    timeout,
  );

  it(
    `POST /v1/review/declarations/{id}/decisions answers ${runs} hostile bodies within the contract and decides only valid ones`,
    async () => {
      // Prepare: RED declarations under review, nobody holding a claim
      const seed = baseSeed + 8;
      decisionPool = await underReview(REVIEW_PARTY, 'FUZZ-DECIDE', DECISION_POOL);

      // Act
      const outcome = await fuzzRoute({ spec: specs.decisions, apiUrl: cloud.apiUrl, token: officer(), runs, seed });
      const after = await Promise.all(decisionPool.map(({ id }) => declarationNow(id)));

      // Assess: each officer event is one accepted decision, and the version moved by those alone
      assessOutcome(specs.decisions, outcome, seed);
      decisionPool.forEach((declaration, member) => {
        const accepted = acceptedOn(outcome, DECISION_POOL, member).map(({ sent }) => {
          const { action, message, note } = decisionRequestSchema.parse(sent);
          return { status: statusAfterDecision[action], detail: message ?? null, note: note ?? null };
        });
        const decided = after[member]!.events.filter((event) => event.actor.kind === 'officer');
        expect(decided.length).toBeLessThanOrEqual(accepted.length);
        for (const event of decided) expect(accepted).toContainEqual({ status: event.status, detail: event.detail, note: event.note });
        expect(after[member]!.version).toBe(declaration.version + decided.length);
        expect(after[member]!.status).toBe(decided.at(-1)?.status ?? 'UNDER_REVIEW');
      });
    },
    timeout,
  );

  it(
    `POST /v1/review/declarations/{id}/inspections answers ${runs} hostile bodies within the contract and records only valid ones`,
    async () => {
      // Prepare: a RED declaration of one item under review
      const seed = baseSeed + 9;
      [inspected] = await underReview(REVIEW_PARTY, 'FUZZ-INSPECT', 1);

      // Act
      const outcome = await fuzzRoute({ spec: specs.inspections, apiUrl: cloud.apiUrl, token: officer(), runs, seed });
      const after = await declarationNow(inspected!.id);

      // Assess: each INSPECTED event is one accepted inspection, and the version moved by those and
      // the bookings of their duty differences alone (at most one DUTIES_BOOKED after each)
      assessOutcome(specs.inspections, outcome, seed);
      const findings = outcome.accepted.map(({ sent }) => inspectionRequestSchema.parse(sent).findings);
      const recorded = after.events.filter((event) => event.type === 'INSPECTED');
      const booked = after.events.filter((event) => event.type === 'DUTIES_BOOKED');
      expect(recorded.length).toBeLessThanOrEqual(findings.length);
      for (const event of recorded) expect(findings).toContain(event.note);
      expect(booked.length).toBeLessThanOrEqual(recorded.length);
      expect(after.version).toBe(inspected!.version + recorded.length + booked.length);
      expect(after.status).toBe('UNDER_REVIEW');
    },
    timeout,
  );

  it(
    `POST /v1/declarations/{id}/cancel answers ${runs} hostile bodies within the contract and cancels only by valid ones`,
    async () => {
      // Prepare: RED declarations under review
      const seed = baseSeed + 10;
      cancelPool = await underReview(CANCEL_PARTY, 'FUZZ-CANCEL', CANCEL_POOL);

      // Act
      const outcome = await fuzzRoute({ spec: specs.cancel, apiUrl: cloud.apiUrl, token: trader(CANCEL_PARTY), runs, seed });
      const after = await Promise.all(cancelPool.map(({ id }) => declarationNow(id)));

      // Assess: CANCELLED only where a valid cancellation was accepted, once, with its reason
      assessOutcome(specs.cancel, outcome, seed);
      cancelPool.forEach((declaration, member) => {
        const reasons = acceptedOn(outcome, CANCEL_POOL, member).map(({ sent }) => cancelRequestSchema.parse(sent).reason);
        const cancellations = after[member]!.events.filter((event) => event.type === 'CANCELLED');
        expect(cancellations).toHaveLength(reasons.length > 0 ? 1 : 0);
        for (const event of cancellations) expect(reasons).toContain(event.detail);
        expect(after[member]!.status).toBe(reasons.length > 0 ? 'CANCELLED' : 'UNDER_REVIEW');
        expect(after[member]!.version).toBe(declaration.version + cancellations.length);
      });
    },
    timeout,
  );

  it(
    `PUT /v1/declarations/{id} answers ${runs} hostile bodies within the contract and amends only by valid ones`,
    async () => {
      // Prepare: RED declarations under review
      const seed = baseSeed + 11;
      amendPool = (await underReview(AMEND_PARTY, 'FUZZ-AMEND', AMEND_POOL)).map((declaration) => ({
        ...declaration,
        base: fromJson(ferroSilicon(AMEND_PARTY, declaration.lrn)),
      }));
      amendVersions = amendPool.map(({ version }) => version);

      // Act: If-Match follows each declaration's version while the fuzzer runs
      const following = followVersions(AMEND_PARTY, amendPool, amendVersions);
      const outcome = await fuzzRoute({ spec: specs.amend, apiUrl: cloud.apiUrl, token: trader(AMEND_PARTY), runs, seed });
      await following.stop();
      const after = await Promise.all(amendPool.map(({ id }) => declarationNow(id)));
      // Each amendment an accepted request was told, as it reads back now
      const stored = await Promise.all(
        amendPool.map(async ({ id }, member) => {
          const numbers = [
            ...new Set(acceptedOn(outcome, AMEND_POOL, member).map(({ body }) => (body as { amendment: number }).amendment)),
          ];
          const read = numbers.map((n) => getJson<{ declaration: unknown }>(`/v1/declarations/${id}/amendments/${n}`, officer()));
          return Promise.all(read);
        }),
      );

      // Assess: the AMENDED events are exactly the amendments the accepted requests were told, and
      // each amendment reads back as the body of one of the accepted requests told its number
      assessOutcome(specs.amend, outcome, seed);
      amendPool.forEach((_, member) => {
        const accepted = acceptedOn(outcome, AMEND_POOL, member).map(({ sent, body }) => ({
          amendment: (body as { amendment: number }).amendment,
          declaration: declarationSchema.parse(sent),
        }));
        const numbers = [...new Set(accepted.map(({ amendment }) => amendment))];
        const amendments = after[member]!.events.filter((event) => event.type === 'AMENDED');
        expect(amendments.map((event) => Number(/^amendment (\d+)/.exec(event.detail ?? '')?.[1]))).toEqual(
          [...numbers].sort((a, b) => a - b),
        );
        numbers.forEach((n, index) => {
          const read = stored[member]![index]!;
          expect(read.status).toBe(200);
          expect(accepted.filter(({ amendment }) => amendment === n).map(({ declaration }) => declaration)).toContainEqual(
            read.body.declaration,
          );
        });
      });
    },
    timeout,
  );
});

// ---- reproductions -----------------------------------------------------------------------------------

/** One request of the reproductions below, as the fuzzer sends them (exact bytes, no keep-alive). */
const exactly = (method: 'POST' | 'PUT', path: string, body: Buffer, headers: Record<string, string> = {}): HostileRequest => ({
  method,
  path,
  headers: { 'content-type': 'application/json', ...headers },
  body,
  steps: [],
  expectedStatus: undefined,
});

interface ProblemDocument {
  status: number;
  problems: { pointer: string; code: string; message: string }[];
}

describe('what the fuzzing found, one request each', () => {
  it('keeps a problem document under 64 KB when its 100 problems echo long member names', async () => {
    // Prepare: a declaration whose 100 items each carry one unknown member named by 600 characters
    const declaration = declarationFor(REPRO_PARTY, (d) => {
      d.lrn = 'FUZZ-LONG-NAMES';
      d.items = Array.from({ length: 100 }, () => ({ ...d.items[0]!, ['k'.repeat(600)]: 1 }));
    });

    // Act
    const answer = await send(
      cloud.apiUrl,
      trader(REPRO_PARTY),
      exactly('POST', '/v1/declarations', Buffer.from(JSON.stringify(declaration))),
    );

    // Assess
    const document = JSON.parse(answer.bytes.toString('utf8')) as ProblemDocument;
    expect(answer.status).toBe(400);
    expect(document.problems).toHaveLength(100);
    expect(answer.bytes.length).toBeLessThan(MAX_PROBLEM_BYTES);
  });

  it('refuses a declaration whose bytes are not valid UTF-8 with 400 MALFORMED_JSON, and stores nothing', async () => {
    // Prepare: a valid declaration with one 0xFF byte in the item description
    const text = JSON.stringify(
      declarationFor(REPRO_PARTY, (d) => {
        d.lrn = 'FUZZ-BAD-UTF8';
        d.items[0]!.description = 'Parts of electric shavers #';
      }),
    );
    const body = Buffer.from(text);
    body[body.indexOf('#')] = 0xff;

    // Act
    const answer = await send(cloud.apiUrl, trader(REPRO_PARTY), exactly('POST', '/v1/declarations', body));
    const stored = await declarationIds(REPRO_PARTY);

    // Assess
    expect(answer.status).toBe(400);
    expect((JSON.parse(answer.bytes.toString('utf8')) as ProblemDocument).problems[0]?.code).toBe('MALFORMED_JSON');
    expect(stored).toEqual([]);
  });

  it('answers 400, not 500, for valuation references whose median is not a decimal, and loads nothing', async () => {
    // Prepare: besides the median, a lower-case currency, so the document can never load
    const document = { currency: 'gbp', entries: [{ commodity: '240220', origin: '*', unit: 'KGM', median: 'x', count: 14 }] };
    const history = async () =>
      (await getJson<{ items: unknown[] }>('/v1/admin/reference-documents/valuation-references', admin())).body.items;
    const before = await history();

    // Act
    const answer = await send(
      cloud.apiUrl,
      admin(),
      exactly('PUT', '/v1/admin/reference-documents/valuation-references', Buffer.from(JSON.stringify(document))),
    );

    // Assess
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.bytes.toString('utf8'))).toMatchObject({
      status: 400,
      problems: expect.arrayContaining([expect.objectContaining({ pointer: '/entries/0/median' })]),
    });
    expect(await history()).toEqual(before);
  });

  it('keeps the accepted amendment when one sent at the same moment with the same If-Match is refused (412), and processes it', async () => {
    // Prepare: a RED declaration under review, and two amendments of it that differ in the description
    const [declaration] = await underReview(RACE_PARTY, 'FUZZ-AMEND-RACE', 1);
    const { id, lrn, version } = declaration!;
    const descriptions = ['Ferro-silicon, lumps', 'Ferro-silicon, powder'];
    const amendments = descriptions.map((description) => {
      const amended = ferroSilicon(RACE_PARTY, lrn);
      amended.items[0]!.description = description;
      return Buffer.from(JSON.stringify(amended));
    });

    // Act: both at once
    const answers = await Promise.all(
      amendments.map((body) =>
        send(cloud.apiUrl, trader(RACE_PARTY), exactly('PUT', `/v1/declarations/${id}`, body, { 'if-match': `"${version}"` })),
      ),
    );
    const settled = await eventually(async () => {
      const now = await declarationNow(id);
      return now.version > version + 1 && ['UNDER_REVIEW', 'PROCESSING_FAILED'].includes(now.status) ? now : undefined;
    });
    const amendment1 = await getJson<{ declaration: { items: { description: string }[] } }>(
      `/v1/declarations/${id}/amendments/1`,
      officer(),
    );

    // Assess: the refused amendment's bytes did not replace the accepted one's in the archive
    expect(answers.map(({ status }) => status).sort()).toEqual([202, 412]);
    expect(settled.status).toBe('UNDER_REVIEW');
    expect(amendment1.status).toBe(200);
    expect(amendment1.body.declaration.items[0]?.description).toBe(descriptions[answers.findIndex(({ status }) => status === 202)]);
  });
});
