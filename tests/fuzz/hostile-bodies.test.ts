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
 * and nothing is stored by a refused request: the fuzzing trader's declarations, the risk
 * profiles, the trader profile and the reference document histories only change by what was
 * accepted (reference documents: never, the generator only sends bodies that cannot load).
 * A broken invariant fails the test with its smallest reproduction (case index, steps, bytes, answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSelection, demoThresholds, demoValuationTable } from '#demo/risk-seed.ts';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import { declarationSchema, maxDeclarationBytes } from '#shared/domain/declaration.ts';
import { referenceDocumentNames, referenceDocumentPath } from '#shared/http/reference-kinds.ts';
import { parseRiskProfileInput } from '#shared/risk/profile.ts';
import { traderStatusInputSchema } from '#shared/usecases/manage-traders.ts';
import { declarationFor, validImport } from '#tests/integration/support.ts';
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

let cloud: LocalCloud;
let profileId = '';

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData();
});

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
  'valuation-references': { field: 'currency', values: ['gbp', 'GBPX', 826, null] },
  // risk settings are a strict object: any `format` member is refused.
  'risk-settings': { field: 'format', values: ['customs-clearance/risk-settings@1', 1, null, {}] },
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
  'valuation-references': () => fromJson(demoValuationTable),
  'risk-settings': () => fromJson({ selection: demoSelection, thresholds: demoThresholds }),
};

const referenceKindOf = (variant: number) => referenceKinds[variant % referenceKinds.length]!;

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
});

// ---- reproductions -----------------------------------------------------------------------------------

/** One request of the reproductions below, as the fuzzer sends them (exact bytes, no keep-alive). */
const exactly = (method: 'POST' | 'PUT', path: string, body: Buffer): HostileRequest => ({
  method,
  path,
  headers: { 'content-type': 'application/json' },
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
});
