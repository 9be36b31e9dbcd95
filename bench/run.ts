/**
 * `npm run bench`: measures the platform against the local cloud and writes the figures to
 * bench/results/latest.json (and a dated copy). Targets live here, never in tests.
 *
 * - POST /v1/declarations: submissions per second and p50/p99 latency at 1 and 16 clients;
 * - submit-to-VALIDATED latency, from the server's own history timestamps (event 1 -> event 2).
 *
 * Options: --requests N (per concurrency level, default 400), --settle N (declarations followed
 * to VALIDATED, default 100).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startLocalCloud } from '../local/cloud.ts';
import type { DeclarationInput } from '../shared/domain/declaration.ts';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '400' }, settle: { type: 'string', default: '100' } },
});
const requestsPerLevel = Number(values.requests);
const settleCount = Number(values.settle);

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const template = JSON.parse(
  readFileSync(new URL('../tests/fixtures/declarations/valid-import.json', import.meta.url), 'utf8'),
) as DeclarationInput;
const party = 'GB123456789000';
let sequence = 0;
const nextBody = (): string => {
  sequence += 1;
  return JSON.stringify({
    ...template,
    lrn: `BENCH-${process.pid}-${sequence}`,
    declarant: { ...template.declarant, id: party },
    consignment: { ...template.consignment, ucr: undefined, arrivalDate: new Date().toISOString().slice(0, 10) },
  });
};

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (value: number): number => Math.round(value * 100) / 100;

async function main(): Promise<void> {
  console.log('starting the local cloud...');
  const cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'error', retryDelaySeconds: 1 });
  const token = cloud.mintToken({ role: 'trader', party });
  const submit = async (): Promise<{ ms: number; id: string }> => {
    const started = performance.now();
    const response = await fetch(`${cloud.apiUrl}/v1/declarations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: nextBody(),
    });
    const body = (await response.json()) as { id: string };
    if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${JSON.stringify(body)}`);
    return { ms: performance.now() - started, id: body.id };
  };

  try {
    // Warm-up: first calls import handler modules and create SDK connections.
    for (let index = 0; index < 20; index += 1) await submit();

    const intake = [];
    for (const concurrency of [1, 16]) {
      console.log(`POST /v1/declarations: ${requestsPerLevel} requests at ${concurrency} concurrent client(s)...`);
      const latencies: number[] = [];
      let remaining = requestsPerLevel;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (remaining > 0) {
            remaining -= 1;
            latencies.push((await submit()).ms);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const result = {
        concurrency,
        requests: latencies.length,
        perSecond: round(latencies.length / seconds),
        p50Ms: round(percentile(latencies, 50)),
        p99Ms: round(percentile(latencies, 99)),
      };
      console.log(`  ${result.perSecond} submissions/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
      intake.push(result);
    }

    console.log(`waiting for the backlog to drain, then following ${settleCount} declarations to VALIDATED...`);
    await drain(cloud.apiUrl, token);
    const ids: string[] = [];
    for (let index = 0; index < settleCount; index += 1) {
      ids.push((await submit()).id);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const toValidated: number[] = [];
    for (const id of ids) toValidated.push(await validatedAfterMs(cloud.apiUrl, token, id));
    toValidated.sort((a, b) => a - b);
    const settle = {
      declarations: toValidated.length,
      p50Ms: round(percentile(toValidated, 50)),
      p99Ms: round(percentile(toValidated, 99)),
      maxMs: round(toValidated.at(-1) ?? Number.NaN),
    };
    console.log(`  submit-to-VALIDATED p50 ${settle.p50Ms} ms, p99 ${settle.p99Ms} ms, max ${settle.maxMs} ms`);

    const results = {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
      setup: 'local cloud in one process: gateway, handlers, dynalite, fauxqs, validation poller (see docs/benchmarks.md)',
      intake,
      submitToValidated: settle,
    };
    const folder = new URL('./results/', import.meta.url);
    mkdirSync(folder, { recursive: true });
    const text = `${JSON.stringify(results, null, 2)}\n`;
    writeFileSync(new URL('latest.json', folder), text);
    writeFileSync(new URL(`${results.at.slice(0, 10)}.json`, folder), text);
    console.log('results written to bench/results/latest.json');
  } finally {
    await cloud.stop();
  }
}

/** Waits until none of the trader's declarations is still SUBMITTED (pages through the listing). */
async function drain(apiUrl: string, token: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    let cursor: string | null = null;
    let pending = false;
    do {
      const query: string = `status=SUBMITTED&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await fetch(`${apiUrl}/v1/declarations?${query}`, { headers: { authorization: `Bearer ${token}` } });
      const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
      pending = page.items.length > 0;
      cursor = page.nextCursor;
    } while (!pending && cursor);
    if (!pending) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('backlog did not drain within 5 minutes');
}

/** Milliseconds between the SUBMITTED and VALIDATED history events, as the server recorded them. */
async function validatedAfterMs(apiUrl: string, token: string, id: string): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${apiUrl}/v1/declarations/${id}/events`, { headers: { authorization: `Bearer ${token}` } });
    const { items } = (await response.json()) as { items: { version: number; type: string; at: string }[] };
    const submitted = items.find((event) => event.version === 1);
    const validated = items.find((event) => event.type === 'VALIDATED');
    if (submitted && validated) return Date.parse(validated.at) - Date.parse(submitted.at);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`declaration ${id} did not reach VALIDATED within 60 s`);
}

await main();
