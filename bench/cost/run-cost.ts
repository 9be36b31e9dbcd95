/**
 * `npm run bench -- cost`: declarations of each scenario go through the local cloud one at a time
 * while the recorder counts every AWS call; the ledgers are priced with bench/prices/eu-west-2.json
 * and the per-partition units turned into heat at 1,000 declarations/s. Then each scenario runs once
 * more as a burst (declarations submitted at once), in a ledger of its own, to time the
 * queue-triggered functions on batches (bench/cost/duration.ts). See docs/cost.md.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { regionConfig } from '#infra/config/regions.ts';
import { startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { functions, tables } from '#shared/resources.ts';
import { ferroSiliconCif, noRandomSelection } from '#tests/support/scenarios.ts';
import { benchAccountOf, openBenchAccount, warmBenchShards } from '../accounts.ts';
import { type DynamodbUnitPricing, dynamodbUnitPricing, inCapacityMode } from './capacity-pricing.ts';
import { type DurationAtVolume, durationAtVolume } from './duration.ts';
import { heat, type PartitionHeat } from './heat.ts';
import { Ledger } from './ledger.ts';
import { type CostLine, LOCAL_TO_LAMBDA_DURATION_FACTOR, loadPrices, priceLedger } from './pricing.ts';
import { installRecorder } from './recorder.ts';
import { type QueueTrigger, type VolumeModel, volumeModel } from './volume.ts';

const TRUSTED_TRADER = 'GB987654321000';
const TRADER = 'GB123456789000';
/** API Gateway meters HTTP API requests in 512 KB increments. */
const API_CHUNK_BYTES = 512 * 1024;
const RATE_PER_SECOND = 1000;
/** Workers that sign once per invocation, whatever its batch holds (issueDocumentBatch: one Sign over a Merkle root). */
const BATCH_SIGNERS = ['issueDocuments'];

/** Every queue an event source mapping reads, with its function and batch size (shared/resources.ts). */
const queueTriggers: QueueTrigger[] = Object.entries(functions).flatMap(([fn, definition]) =>
  (definition.triggers as readonly { kind: string; queue?: string; batchSize?: number }[]).flatMap((trigger) =>
    trigger.kind === 'queue' && trigger.queue && trigger.batchSize ? [{ fn, queue: trigger.queue, batchSize: trigger.batchSize }] : [],
  ),
);

interface Scenario {
  name: string;
  lane: 'GREEN' | 'RED';
  items: 1 | 10;
  idempotencyKey: boolean;
}

export interface ScenarioCost {
  scenario: string;
  declarations: number;
  /** As measured: one declaration at a time, one message per batch. */
  lines: CostLine[];
  totalUsdPerMillion: string;
  /**
   * Modelled at 1,000 declarations/s: full batches on every event source mapping, one Sign per documents batch;
   * Lambda duration from the burst when one ran (`duration`).
   */
  atVolume: Omit<VolumeModel, 'partitionReads'> & { lines: CostLine[]; totalUsdPerMillion: string; duration?: DurationAtVolume };
  /** The same at volume with DynamoDB priced in the region's capacity mode (`atVolume` prices it on demand). */
  atVolumeInRegionCapacity: ReturnType<typeof inCapacityMode>;
  /** Local pollers' empty receives: not per declaration in AWS (see docs/cost.md). */
  emptyReceivesPerDeclaration: number;
  invocationsPerDeclaration: Record<string, number>;
  handlerMsPerDeclaration: Record<string, number>;
  dynamodbByFunction: Record<string, { readUnits: number; writeUnits: number }>;
  dynamodbCallsPerDeclaration: Record<string, number>;
  /** Each write per declaration by function, operation and key shape, with its units (table and index copies) and the largest item it wrote (the larger of before and after). */
  dynamodbWritesPerDeclaration: Record<string, { writes: number; units: number; largestItemBytes: number }>;
  logBytesPerDeclaration: Record<string, number>;
  /** Every AWS call per declaration, by function, then service/table, operation and key shape (most calls first). */
  callsByFunctionPerDeclaration: Record<string, Record<string, number>>;
  s3BytesPutPerDeclaration: number;
  writeHeat: PartitionHeat[];
  readHeat: PartitionHeat[];
}

const scenarios: Scenario[] = (['GREEN', 'RED'] as const).flatMap((lane) =>
  ([1, 10] as const).flatMap((items) =>
    [false, true].map((idempotencyKey) => ({
      name: `${lane} ${items} item${items === 1 ? '' : 's'}${idempotencyKey ? ', Idempotency-Key' : ''}`,
      lane,
      items,
      idempotencyKey,
    })),
  ),
);

const template = JSON.parse(
  readFileSync(new URL('../../tests/fixtures/declarations/valid-import.json', import.meta.url), 'utf8'),
) as DeclarationInput;

/** GREEN: the plain fixture from the trusted trader; RED: ferro-silicon from China (CIF). Ten items split the invoice evenly. */
function declaration(scenario: Scenario, sequence: number): DeclarationInput {
  const party = scenario.lane === 'GREEN' ? TRUSTED_TRADER : TRADER;
  const body = structuredClone(template);
  body.lrn = `COST-${process.pid}-${sequence}`;
  body.declarant.id = party;
  body.importer.id = party;
  body.payment = { method: 'E', account: benchAccountOf(party), postponedVat: false };
  delete body.consignment.ucr;
  body.consignment.arrivalDate = new Date().toISOString().slice(0, 10);
  if (scenario.lane === 'RED') ferroSiliconCif(body);
  if (scenario.items === 10) {
    const share = (Number(body.valuation.invoiceTotal) / 10).toFixed(2);
    const item = body.items[0];
    if (!item) throw new Error('fixture has no item');
    body.items = Array.from({ length: 10 }, () => ({
      ...item,
      invoiceAmount: share,
      netMassKg: '200',
      quantities: [{ value: '200', unit: 'KGM' }],
    }));
  }
  return body;
}

/** The scenarios' names, for `--scenario`. */
export const scenarioNames: readonly string[] = scenarios.map((scenario) => scenario.name);

export async function benchmarkCost(options: {
  perScenario: number;
  log: (line: string) => void;
  /** Only these scenarios (warm-up included); all of them when absent. */
  only?: readonly string[];
  /** Declarations of each scenario submitted at once after the one-at-a-time runs, to time batches; 0: no burst. */
  burst: number;
}): Promise<{
  at: string;
  perScenario: number;
  prices: { region: string; checkedOn: string };
  /** How DynamoDB units are priced in `atVolumeInRegionCapacity`: the region's capacity mode, and on demand beside it. */
  dynamodbCapacity: DynamodbUnitPricing;
  lambdaDurationFactor: number;
  burst: number;
  scenarios: ScenarioCost[];
}> {
  const { log } = options;
  const selected = options.only ? scenarios.filter((scenario) => options.only?.includes(scenario.name)) : scenarios;
  if (selected.length === 0) throw new Error(`no scenario named ${options.only?.join(', ')}: ${scenarioNames.join('; ')}`);
  log('starting the local cloud...');
  const cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'error', retryDelaySeconds: 1 });
  const recorder = installRecorder({
    tables: Object.fromEntries(
      Object.entries(tables).map(([logical, definition]) => [logical, { physical: cloud.tableNames[logical] ?? '', definition }]),
    ),
    dynamodbEndpoint: cloud.endpoints.dynamodb,
    region: process.env.AWS_REGION ?? 'eu-west-2',
    backgroundFunctions: ['redriveStalled'],
    queueNames: Object.fromEntries(Object.entries(cloud.queueUrls).map(([logical, url]) => [url, logical])),
  });
  const raw = new DynamoDBClient({
    region: process.env.AWS_REGION ?? 'eu-west-2',
    endpoint: cloud.endpoints.dynamodb,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const prices = loadPrices();
  const capacityPricing = dynamodbUnitPricing(regionConfig(prices.region).dynamodbCapacity, prices);
  const officer = cloud.mintToken({ role: 'officer' });

  const api = async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const response = await fetch(`${cloud.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(text ? { 'content-type': 'application/json' } : {}), ...headers },
      body: text,
    });
    const answer = await response.text();
    recorder.ledger.api.requests += 1;
    recorder.ledger.api.billedRequests += Math.max(1, Math.ceil(Buffer.byteLength(text ?? '') / API_CHUNK_BYTES));
    return { status: response.status, body: (answer ? JSON.parse(answer) : undefined) as Record<string, unknown> };
  };

  /** Read with the unrecorded client: following a declaration must not add to its cost. */
  const statusOf = async (id: string): Promise<string | undefined> => {
    const response = await raw.send(
      new GetItemCommand({ TableName: cloud.tableNames.main, Key: { PK: { S: `DECL#${id}` }, SK: { S: 'META' } }, ConsistentRead: true }),
    );
    return response.Item?.status?.S;
  };
  const waitFor = async (id: string, statuses: string[]): Promise<string> => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const status = await statusOf(id);
      if (status && statuses.includes(status)) return status;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`declaration ${id} did not reach ${statuses.join(' or ')} within 60 s`);
  };

  let sequence = 0;
  const clear = async (scenario: Scenario): Promise<void> => {
    sequence += 1;
    const token = cloud.mintToken({ role: 'trader', party: scenario.lane === 'GREEN' ? TRUSTED_TRADER : TRADER });
    const headers: Record<string, string> = scenario.idempotencyKey ? { 'Idempotency-Key': randomUUID() } : {};
    const receipt = await api('POST', '/v1/declarations', token, declaration(scenario, sequence), headers);
    if (receipt.status !== 202) throw new Error(`submit answered ${receipt.status}: ${JSON.stringify(receipt.body)}`);
    const id = String(receipt.body.id);
    const status = await waitFor(id, ['RELEASED', 'UNDER_REVIEW']);
    if (scenario.lane === 'GREEN' && status !== 'RELEASED') throw new Error(`GREEN declaration ${id} is ${status}`);
    if (scenario.lane === 'RED') {
      if (status !== 'UNDER_REVIEW') throw new Error(`RED declaration ${id} is ${status}`);
      const claim = await api('POST', `/v1/review/declarations/${id}/claim`, officer);
      if (claim.status !== 200) throw new Error(`claim answered ${claim.status}: ${JSON.stringify(claim.body)}`);
      const decision = await api('POST', `/v1/review/declarations/${id}/decisions`, officer, {
        action: 'RELEASE',
        message: 'Goods checked',
      });
      if (decision.status !== 200) throw new Error(`decision answered ${decision.status}: ${JSON.stringify(decision.body)}`);
      await waitFor(id, ['RELEASED']);
    }
  };
  /** Until no handler has run for a while: the last stage's writes and the S3 notification's worker are done. */
  const settle = async (): Promise<void> => {
    let quietSince = Date.now();
    let seen = recorder.invocations();
    while (Date.now() - quietSince < 1500) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = recorder.invocations();
      if (now !== seen || recorder.inFlight() > 0) {
        seen = now;
        quietSince = Date.now();
      }
    }
  };

  try {
    recorder.ledger = new Ledger(); // set-up: not counted
    await seedDemoData();
    const admin = cloud.mintToken({ role: 'admin' });
    for (const party of [TRADER, TRUSTED_TRADER]) {
      await openBenchAccount(cloud.apiUrl, admin, party);
      await warmBenchShards(party);
    }
    const settings = await api('PUT', '/v1/admin/reference-documents/risk-settings', admin, noRandomSelection);
    if (settings.status !== 200) throw new Error(`risk settings answered ${settings.status}`);
    log('warming up: one declaration of each scenario (handler imports, SDK connections, reference data caches)...');
    for (const scenario of selected) await clear(scenario);
    await settle();

    const alone = new Map<Scenario, Ledger>();
    for (const scenario of selected) {
      const ledger = new Ledger();
      recorder.ledger = ledger;
      const started = performance.now();
      for (let index = 0; index < options.perScenario; index += 1) await clear(scenario);
      await settle();
      recorder.ledger = new Ledger();
      alone.set(scenario, ledger);
      log(`  ${scenario.name}: ${options.perScenario} declarations one at a time in ${Math.round((performance.now() - started) / 1000)} s`);
    }
    // The bursts time batches only: their own ledgers, never added to the per-declaration counts.
    const bursts = new Map<Scenario, Ledger>();
    for (const scenario of options.burst > 0 ? selected : []) {
      const ledger = new Ledger();
      recorder.ledger = ledger;
      recorder.oneInvocationAtATime = true;
      const started = performance.now();
      await Promise.all(Array.from({ length: options.burst }, () => clear(scenario)));
      await settle();
      recorder.oneInvocationAtATime = false;
      recorder.ledger = new Ledger();
      bursts.set(scenario, ledger);
      log(`  ${scenario.name}: a burst of ${options.burst} declarations in ${Math.round((performance.now() - started) / 1000)} s`);
    }
    const results = selected.map((scenario) => {
      const ledger = alone.get(scenario) ?? new Ledger();
      const burst = bursts.get(scenario);
      const duration = burst ? durationAtVolume(ledger, burst, options.burst, options.perScenario, queueTriggers) : undefined;
      const result = summarise(scenario.name, ledger, options.perScenario, prices, capacityPricing, duration);
      log(
        `  ${scenario.name}: $${result.totalUsdPerMillion} per million as measured, $${result.atVolume.totalUsdPerMillion} modelled at volume`,
      );
      return result;
    });
    return {
      at: new Date().toISOString(),
      perScenario: options.perScenario,
      prices: { region: 'eu-west-2', checkedOn: loadPrices().checkedOn },
      dynamodbCapacity: capacityPricing,
      lambdaDurationFactor: LOCAL_TO_LAMBDA_DURATION_FACTOR,
      burst: options.burst,
      scenarios: results,
    };
  } finally {
    recorder.uninstall();
    raw.destroy();
    await cloud.stop();
  }
}

const total = (calls: Record<string, number>): number => Object.values(calls).reduce((sum, count) => sum + count, 0);

function summarise(
  name: string,
  ledger: Ledger,
  declarations: number,
  prices: ReturnType<typeof loadPrices>,
  capacityPricing: DynamodbUnitPricing,
  duration: DurationAtVolume | undefined,
): ScenarioCost {
  const memory = (fn: string): number => (functions as Record<string, { memoryMb: number }>)[fn]?.memoryMb ?? 128;
  const { lines, totalUsdPerMillion } = priceLedger(ledger, declarations, prices, memory);
  const { partitionReads: readsAtVolume, ...volume } = volumeModel(ledger, declarations, queueTriggers, BATCH_SIGNERS);
  const atVolume = {
    ...volume,
    ...priceLedger(ledger, declarations, prices, memory, { ...volume, duration }),
    ...(duration ? { duration } : {}),
  };
  const per = (value: number): number => Math.round((value / declarations) * 1000) / 1000;
  const perRecord = (record: Record<string, number>) => Object.fromEntries(Object.entries(record).map(([key, value]) => [key, per(value)]));
  return {
    scenario: name,
    declarations,
    lines,
    totalUsdPerMillion,
    atVolume,
    atVolumeInRegionCapacity: inCapacityMode(atVolume.lines, capacityPricing),
    emptyReceivesPerDeclaration: per(ledger.sqs.emptyReceives),
    invocationsPerDeclaration: perRecord(Object.fromEntries(Object.entries(ledger.lambda).map(([fn, entry]) => [fn, entry.invocations]))),
    handlerMsPerDeclaration: perRecord(Object.fromEntries(Object.entries(ledger.lambda).map(([fn, entry]) => [fn, entry.ms]))),
    dynamodbByFunction: Object.fromEntries(
      Object.entries(ledger.dynamodb.byFunction).map(([fn, units]) => [
        fn,
        { readUnits: per(units.readUnits), writeUnits: per(units.writeUnits) },
      ]),
    ),
    dynamodbCallsPerDeclaration: perRecord(ledger.dynamodb.calls),
    dynamodbWritesPerDeclaration: Object.fromEntries(
      Object.entries(ledger.dynamodb.writesByItem)
        .sort(([, a], [, b]) => b.units - a.units)
        .map(([shape, entry]) => [shape, { writes: per(entry.writes), units: per(entry.units), largestItemBytes: entry.largestItemBytes }]),
    ),
    logBytesPerDeclaration: perRecord(ledger.logs.byFunction),
    callsByFunctionPerDeclaration: Object.fromEntries(
      Object.entries(ledger.callsByFunction)
        .map(([fn, calls]) => [fn, Object.fromEntries(Object.entries(perRecord(calls)).sort(([, a], [, b]) => b - a))] as const)
        .sort(([, a], [, b]) => total(b) - total(a)),
    ),
    s3BytesPutPerDeclaration: per(ledger.s3.bytesPut),
    writeHeat: heat(ledger.dynamodb.partitionWrites, declarations, RATE_PER_SECOND, 'write'),
    // At volume: the reads every record of an invocation shares once per full batch (bench/cost/volume.ts).
    readHeat: heat(readsAtVolume, declarations, RATE_PER_SECOND, 'read'),
  };
}
