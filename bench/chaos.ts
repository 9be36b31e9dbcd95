/**
 * The chaos run: declarations through the whole local platform while its AWS calls fail, every SQS
 * batch is delivered twice, and the platform is killed (SIGKILL) once and restarted on its data
 * folder. Then: is every declaration in a final state, none lost, none duplicated, every history
 * consistent with its state, every archived object's hash right?
 *
 *   npm run chaos -- --declarations 1000 [--fault-rate 0.05] [--seed 1]   (figures: bench/results/chaos.json)
 *
 * tests/chaos runs the same with 300 declarations. Traffic goes to 127.0.0.1 only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const finalStatuses = new Set(['RELEASED', 'UNDER_REVIEW', 'REJECTED', 'PROCESSING_FAILED']);

export interface ChaosRunOptions {
  declarations: number;
  faultRate: number;
  seed: number;
  /** Concurrent submitting clients. */
  clients?: number;
  /** How long declarations may take to reach a final state after the last submission. */
  settleSeconds?: number;
  onProgress?: (line: string) => void;
}

export interface ChaosRunResult {
  declarations: number;
  accepted: number;
  lost: number;
  duplicated: number;
  duplicatedLrns: string[];
  /** Declarations a listing showed twice (an emulator artefact after SIGKILL; see above). */
  listingRepeats: number;
  stuck: number;
  stuckIds: string[];
  /** Still PROCESSING_FAILED after the administrator's retries. */
  failedProcessing: number;
  /** Retries an administrator made of PROCESSING_FAILED declarations (POST .../retry). */
  adminRetries: number;
  /** Why the submitting clients retried: HTTP status or problem code, or 'network'. */
  submitRetriesBy: Record<string, number>;
  historyMismatches: string[];
  archiveMismatches: string[];
  byStatus: Record<string, number>;
  restarts: number;
  submitRetries: number;
  secondsToFinal: { p50: number; p95: number; max: number };
  wallSeconds: number;
}

interface Platform {
  child: ChildProcess;
  exited: Promise<void>;
}

function startPlatform(options: {
  dataDir: string;
  ports: { api: number; dynamodb: number; aws: number };
  faultRate: number;
  seed: number;
  log: string;
}): Promise<Platform> {
  const child = spawn(
    path.join(root, 'node_modules/.bin/tsx'),
    [
      'local/start.ts',
      '--port',
      String(options.ports.api),
      '--dynamodb-port',
      String(options.ports.dynamodb),
      '--aws-port',
      String(options.ports.aws),
      '--secrets-port',
      String(options.ports.aws + 1),
      '--data',
      options.dataDir,
      '--chaos',
      String(options.faultRate),
      '--chaos-seed',
      String(options.seed),
      '--retry-delay',
      '0',
      '--stalled-after',
      '0.25',
      '--schedule-every',
      '5',
      '--log-level',
      'info',
      // The chaos run needs the API only: no console build in the measured start.
      '--no-console',
    ],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'CRITICAL', POWERTOOLS_METRICS_DISABLED: 'true' },
    },
  );
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    writeFileSync(options.log, output);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = setInterval(() => {
      if (output.includes('Press Ctrl-C to stop.')) {
        clearInterval(check);
        resolve({ child, exited });
      } else if (child.exitCode !== null || Date.now() - started > 120_000) {
        clearInterval(check);
        reject(new Error(`the platform did not start; see ${options.log}`));
      }
    }, 100);
  });
}

async function killHard(platform: Platform): Promise<void> {
  try {
    process.kill(-(platform.child.pid ?? 0), 'SIGKILL');
  } catch {
    // already gone
  }
  await platform.exited;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A GET that a client retries on 5xx and network errors (faults hit reads too). */
async function getJson<T>(url: string, token: string): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
      if (response.status === 200) return (await response.json()) as T;
      if (response.status < 500 || attempt > 50) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('GET ')) throw error;
      if (attempt > 50) throw error;
    }
    await sleep(200);
  }
}

function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] as number;
}

export async function runChaos(options: ChaosRunOptions): Promise<ChaosRunResult> {
  const progress = options.onProgress ?? (() => {});
  const started = Date.now();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'customs-chaos-'));
  const base = randomInt(20_000, 40_000);
  const ports = { api: base, dynamodb: base + 1, aws: base + 2 };
  const api = `http://127.0.0.1:${ports.api}`;
  // Outside the data folder, which is removed at the end: the log stays for a look afterwards.
  const log = path.join(tmpdir(), `customs-chaos-${path.basename(dataDir)}.log`);
  const platformOptions = { dataDir, ports, faultRate: options.faultRate, seed: options.seed, log };
  let platform = await startPlatform(platformOptions);
  progress(`platform up on ${api} (chaos ${options.faultRate}), log ${log}`);
  let restarts = 0;
  let restarting: Promise<void> | undefined;

  const fixture = JSON.parse(readFileSync(path.join(root, 'tests/fixtures/declarations/valid-import.json'), 'utf8')) as DeclarationInput;
  const parties = Array.from({ length: 10 }, (_, index) => `GB${String(700_000_000 + options.seed * 100 + index)}001`);
  const tokens = new Map<string, string>();
  async function token(party: string, role: 'trader' | 'admin' = 'trader'): Promise<string> {
    const known = tokens.get(party);
    if (known) return known;
    const response = await fetch(`${api}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(role === 'trader' ? { role, party } : { role }),
    });
    const value = ((await response.json()) as { token: string }).token;
    tokens.set(party, value);
    return value;
  }

  // Each party draws on a deferment account of its own, opened as an administrator would, with a
  // limit no run reaches: otherwise every declaration would wait for payment, which is not final.
  // Retried: the platform's own calls fail at the chaos rate here too.
  const accountOf = (party: string): string => `9${party.slice(-9, -3).padStart(6, '0')}`;
  const admin = await token('admin-setup', 'admin');
  for (const party of parties) {
    for (let attempt = 0; ; attempt += 1) {
      const response = await fetch(`${api}/v1/admin/accounts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          kind: 'DEFERMENT',
          number: accountOf(party),
          ownerId: party,
          currency: 'GBP',
          deferment: { monthlyLimit: '1000000000.00', guarantee: { amount: '1000000000.00', guarantor: 'Chaos Bank plc' } },
        }),
      });
      if (response.status === 200 || response.status === 201) break;
      if (attempt >= 20) throw new Error(`account of ${party} not opened: ${response.status} ${await response.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const runId = `${options.seed}-${Date.now().toString(36)}`.toUpperCase();
  const submissions = Array.from({ length: options.declarations }, (_, index) => {
    const party = parties[index % parties.length] as string;
    const declaration = structuredClone(fixture);
    declaration.lrn = `CHAOS-${runId}-${index}`;
    declaration.declarant.id = party;
    declaration.importer.id = party;
    declaration.payment = { method: 'E', account: accountOf(party), postponedVat: false };
    delete declaration.consignment.ucr;
    declaration.consignment.arrivalDate = new Date().toISOString().slice(0, 10);
    return {
      index,
      party,
      lrn: declaration.lrn as string,
      body: JSON.stringify(declaration),
      id: undefined as string | undefined,
      firstTry: 0,
      finalAt: 0,
    };
  });

  let submitRetries = 0;
  const retriedOn: Record<string, number> = {};
  let accepted = 0;
  const crashAt = Math.floor(options.declarations / 2);
  async function submit(entry: (typeof submissions)[number]): Promise<void> {
    entry.firstTry = Date.now();
    for (;;) {
      await restarting;
      try {
        const response = await fetch(`${api}/v1/declarations`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await token(entry.party)}`,
            'content-type': 'application/json',
            'idempotency-key': `key-${entry.lrn}`,
          },
          body: entry.body,
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        if (response.status === 202) {
          entry.id = (JSON.parse(text) as { id: string }).id;
          accepted += 1;
          return;
        }
        if (response.status < 500 && response.status !== 409)
          throw new Error(`submission ${entry.lrn} refused: ${response.status} ${text}`);
        const code =
          response.status === 409
            ? ((JSON.parse(text) as { problems?: { code: string }[] }).problems?.[0]?.code ?? '409')
            : String(response.status);
        retriedOn[code] = (retriedOn[code] ?? 0) + 1;
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('submission')) throw error;
        retriedOn.network = (retriedOn.network ?? 0) + 1;
      }
      // A client retries the same bytes with the same key, as a trader's software would.
      submitRetries += 1;
      await sleep(200 + randomInt(300));
    }
  }

  // Submit with a pool of clients; kill the platform hard once half are in.
  const clients = options.clients ?? 16;
  let next = 0;
  let crashed = false;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < submissions.length) {
        const entry = submissions[next++] as (typeof submissions)[number];
        await submit(entry);
        if (!crashed && accepted >= crashAt) {
          crashed = true;
          restarting = (async () => {
            progress(`${accepted} accepted: killing the platform (SIGKILL) and restarting it on its data`);
            await killHard(platform);
            platform = await startPlatform(platformOptions);
            restarts += 1;
            progress('platform restarted');
          })();
          await restarting;
        }
      }
    }),
  );
  progress(
    `all ${accepted} submissions accepted (${submitRetries} client retries: ${JSON.stringify(retriedOn)}); waiting for final states`,
  );

  // Wait for every declaration to reach a final state.
  const listed = new Map<string, string[]>();
  const statusOf = new Map<string, string>();
  const listingRepeats = new Set<string>();
  async function waitForFinal(seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      listed.clear();
      for (const party of parties) {
        let cursor: string | null = null;
        do {
          const page: { items: { id: string; lrn: string; status: string }[]; nextCursor: string | null } = await getJson(
            `${api}/v1/declarations?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
            await token(party),
          );
          for (const item of page.items) {
            // The same id listed twice is dynalite's index after a SIGKILL (its index and table writes
            // are not atomic on disk), not a second declaration: counted apart.
            if ((listed.get(item.lrn) ?? []).includes(item.id)) listingRepeats.add(item.id);
            else listed.set(item.lrn, [...(listed.get(item.lrn) ?? []), item.id]);
            statusOf.set(item.id, item.status);
            const entry = byLrn.get(item.lrn);
            if (entry && finalStatuses.has(item.status) && item.status !== 'PROCESSING_FAILED' && entry.finalAt === 0)
              entry.finalAt = Date.now();
          }
          cursor = page.nextCursor;
        } while (cursor);
      }
      const pending = submissions.filter((entry) => entry.finalAt === 0);
      const waiting = pending.filter((entry) => !finalStatuses.has(statusOf.get((listed.get(entry.lrn) ?? [])[0] ?? '') ?? ''));
      if (waiting.length === 0 || Date.now() > deadline) return;
      progress(`${waiting.length} not final yet`);
      await sleep(2000);
    }
  }
  const byLrn = new Map(submissions.map((entry) => [entry.lrn, entry]));
  await waitForFinal(options.settleSeconds ?? 120);

  // PROCESSING_FAILED ones are what the alarm is for: an administrator retries them, as here.
  let adminRetries = 0;
  const adminToken = await (async () => {
    const response = await fetch(`${api}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    });
    return ((await response.json()) as { token: string }).token;
  })();
  for (let round = 0; round < 5; round += 1) {
    const failedIds = [...statusOf.entries()].filter(([, status]) => status === 'PROCESSING_FAILED').map(([id]) => id);
    if (failedIds.length === 0) break;
    progress(`round ${round + 1}: an admin retries ${failedIds.length} PROCESSING_FAILED declaration(s)`);
    for (const id of failedIds) {
      for (let attempt = 0; attempt < 20; attempt += 1) {
        const response = await fetch(`${api}/v1/admin/declarations/${id}/retry`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}` },
        }).catch(() => undefined);
        if (response?.status === 202 || response?.status === 409) {
          if (response.status === 202) adminRetries += 1;
          break;
        }
        await sleep(200);
      }
    }
    await waitForFinal(options.settleSeconds ?? 120);
  }

  // Verify each declaration: one per LRN, final, history matches state, archive hash right.
  const s3 = new S3Client({
    region: 'eu-west-2',
    endpoint: `http://127.0.0.1:${ports.aws}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const historyMismatches: string[] = [];
  const archiveMismatches: string[] = [];
  const byStatus: Record<string, number> = {};
  for (const entry of submissions) {
    const ids = listed.get(entry.lrn) ?? [];
    const id = ids[0];
    if (!id) continue;
    const bearer = await token(entry.party);
    const view = await getJson<{ id: string; status: string; version: number; lrn: string; submission: { sha256: string } }>(
      `${api}/v1/declarations/${id}`,
      bearer,
    );
    byStatus[view.status] = (byStatus[view.status] ?? 0) + 1;
    const events = (await getJson<{ items: { version: number; status: string }[] }>(`${api}/v1/declarations/${id}/events`, bearer)).items;
    const versions = events.map((event) => event.version);
    const contiguous = versions.every((version, index) => version === index + 1);
    if (!contiguous || versions.length !== view.version || events.at(-1)?.status !== view.status) {
      historyMismatches.push(
        `${id}: state v${view.version} ${view.status}, history ${JSON.stringify(events.map((event) => [event.version, event.status]))}`,
      );
    }
    // Keys name the SHA-256 of what they hold: a missing object is a mismatch too.
    const key = archiveKeys.submitted(id, view.submission.sha256);
    const object = await s3.send(new GetObjectCommand({ Bucket: 'customs-local-archive', Key: key })).catch(() => undefined);
    const bytes = await object?.Body?.transformToByteArray();
    const sha256 = bytes ? createHash('sha256').update(bytes).digest('hex') : '';
    if (sha256 !== view.submission.sha256 || Buffer.from(bytes ?? []).toString('utf8') !== entry.body) archiveMismatches.push(id);
  }
  s3.destroy();

  // For a look at what is stuck: the raw state items, read from the platform's DynamoDB.
  const stuckRaw: Record<string, unknown>[] = [];
  const stuckEntries = submissions.filter((entry) => entry.finalAt === 0);
  if (stuckEntries.length > 0) {
    const dynamodb = new DynamoDBClient({
      region: 'eu-west-2',
      endpoint: `http://127.0.0.1:${ports.dynamodb}`,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    for (const entry of stuckEntries) {
      const id = (listed.get(entry.lrn) ?? [])[0];
      if (!id) continue;
      const item = await dynamodb.send(
        new GetItemCommand({ TableName: 'customs-local-main', Key: { PK: { S: `DECL#${id}` }, SK: { S: 'META' } } }),
      );
      const { status, version, updatedAt, GSI4PK, GSI4SK, redriveCount } = item.Item ?? {};
      stuckRaw.push({ id, status, version, updatedAt, GSI4PK, GSI4SK, redriveCount });
    }
    dynamodb.destroy();
    progress(`stuck state items: ${JSON.stringify(stuckRaw)}`);
  }

  platform.child.kill('SIGINT');
  await Promise.race([platform.exited, sleep(20_000)]);
  await killHard(platform);
  rmSync(dataDir, { recursive: true, force: true });

  const times = submissions
    .filter((entry) => entry.finalAt > 0)
    .map((entry) => (entry.finalAt - entry.firstTry) / 1000)
    .sort((a, b) => a - b);
  return {
    declarations: options.declarations,
    accepted,
    lost: submissions.filter((entry) => (listed.get(entry.lrn) ?? []).length === 0).length,
    duplicated: [...listed.values()].filter((ids) => ids.length > 1).length,
    duplicatedLrns: [...listed.entries()].filter(([, ids]) => ids.length > 1).map(([lrn, ids]) => `${lrn}: ${ids.join(', ')}`),
    listingRepeats: listingRepeats.size,
    stuck: submissions.filter((entry) => entry.finalAt === 0).length,
    stuckIds: submissions
      .filter((entry) => entry.finalAt === 0)
      .map(
        (entry) =>
          `${entry.lrn}: ${(listed.get(entry.lrn) ?? []).join(', ')} ${statusOf.get((listed.get(entry.lrn) ?? [])[0] ?? '') ?? 'unlisted'}`,
      ),
    failedProcessing: byStatus.PROCESSING_FAILED ?? 0,
    adminRetries,
    submitRetriesBy: retriedOn,
    historyMismatches,
    archiveMismatches,
    byStatus,
    restarts,
    submitRetries,
    secondsToFinal: { p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: times.at(-1) ?? 0 },
    wallSeconds: Math.round((Date.now() - started) / 1000),
  };
}

// `npm run chaos -- --declarations 1000`
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      declarations: { type: 'string', default: '1000' },
      'fault-rate': { type: 'string', default: '0.05' },
      seed: { type: 'string', default: '1' },
    },
  });
  const result = await runChaos({
    declarations: Number(values.declarations),
    faultRate: Number(values['fault-rate']),
    seed: Number(values.seed),
    onProgress: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  });
  const file = path.join(root, 'bench/results/chaos.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), faultRate: Number(values['fault-rate']), seed: Number(values.seed), ...result }, null, 2)}\n`,
  );
  process.stdout.write(`${JSON.stringify(result, null, 2)}\nwritten to ${path.relative(root, file)}\n`);
  process.exit(
    result.lost +
      result.duplicated +
      result.stuck +
      result.failedProcessing +
      result.historyMismatches.length +
      result.archiveMismatches.length ===
      0
      ? 0
      : 1,
  );
}
