/** The cost benchmark's tables on stdout (bench/run.ts writes its figures into bench/results). */
import { Decimal } from 'decimal.js';
import { capacityNote, capacityRows } from './capacity-pricing.ts';
import type { CostLine } from './pricing.ts';
import type { benchmarkCost } from './run-cost.ts';

type CostResults = Awaited<ReturnType<typeof benchmarkCost>>;

/** Lambda duration varies with the machine's load; totals are compared without it (docs/cost.md). */
const withoutDuration = (lines: readonly CostLine[]): string =>
  lines
    .filter((line) => !line.item.startsWith('Lambda duration'))
    .reduce((sum, line) => sum.plus(line.usdPerMillion), new Decimal(0))
    .toFixed(2);

const lineOf = (lines: readonly CostLine[], prefix: string): string =>
  lines.find((line) => line.item.startsWith(prefix))?.usdPerMillion ?? '';

export function printCost(results: CostResults, print: (line: string) => void): void {
  const names = results.scenarios.map((scenario) => scenario.scenario);
  const items = results.scenarios[0]?.lines.map((line) => line.item) ?? [];
  const width = 38;
  const column = 18;
  print(
    `\n$ per million declarations (eu-west-2 list prices of ${results.prices.checkedOn}, ${results.perScenario} declarations per scenario)`,
  );
  print(`${''.padEnd(width)}${names.map((name) => name.replace(', Idempotency-Key', ' +key').padStart(column + 4)).join('')}`);
  for (const item of items) {
    const cells = results.scenarios.map((scenario) =>
      (scenario.lines.find((line) => line.item === item)?.usdPerMillion ?? '').padStart(column + 4),
    );
    print(`${item.padEnd(width)}${cells.join('')}`);
  }
  const row = (label: string, value: (scenario: CostResults['scenarios'][number]) => string) =>
    print(`${label.padEnd(width)}${results.scenarios.map((scenario) => value(scenario).padStart(column + 4)).join('')}`);
  row('TOTAL, as measured (1 at a time)', (scenario) => scenario.totalUsdPerMillion);
  row('  without Lambda duration', (scenario) => withoutDuration(scenario.lines));
  row('TOTAL, modelled at volume', (scenario) => scenario.atVolume.totalUsdPerMillion);
  row('  without Lambda duration', (scenario) => withoutDuration(scenario.atVolume.lines));
  for (const { label, value } of capacityRows(results.dynamodbCapacity)) row(label, value);
  row('  SQS at volume', (scenario) => lineOf(scenario.atVolume.lines, 'SQS'));
  row('  KMS at volume', (scenario) => lineOf(scenario.atVolume.lines, 'KMS'));
  row('  S3 PUT at volume', (scenario) => lineOf(scenario.atVolume.lines, 'S3 PUT'));
  row('  Lambda requests at volume', (scenario) => lineOf(scenario.atVolume.lines, 'Lambda requests'));
  row(results.burst > 0 ? `  Lambda duration, burst of ${results.burst}` : '  Lambda duration at volume (as measured)', (scenario) =>
    lineOf(scenario.atVolume.lines, 'Lambda duration'),
  );
  const first = results.scenarios[0];
  if (first) {
    print(`\nModelled at volume: ${first.atVolume.assumption}`);
    print(
      `  ${'queue (function, batch size)'.padEnd(width + 12)}${'messages'.padStart(10)}${'measured'.padStart(10)}${'modelled'.padStart(10)}  receive + delete requests per declaration (${first.scenario})`,
    );
    for (const queue of first.atVolume.queues) {
      print(
        `  ${`${queue.queue} (${queue.fn}, ${queue.batchSize})`.padEnd(width + 12)}${String(queue.messagesPerDeclaration).padStart(10)}${String(queue.measuredRequestsPerDeclaration).padStart(10)}${String(queue.modelledRequestsPerDeclaration).padStart(10)}`,
      );
    }
    for (const send of first.atVolume.sends) {
      print(
        `  sends of ${send.fn} to ${send.queue}: ${send.messagesPerRecord} per record, ${send.messagesPerDeclaration} per declaration; requests per declaration ${send.measuredRequestsPerDeclaration} measured, ${send.modelledRequestsPerDeclaration} coalesced at batch size ${send.batchSize}`,
      );
    }
    for (const counter of first.atVolume.counterWrites) {
      print(
        `  additions of ${counter.fn} to the day's ${counter.counter} counter: ${counter.measuredWriteUnitsPerDeclaration} WRU per declaration measured, ${counter.modelledWriteUnitsPerDeclaration} coalesced at batch size ${counter.batchSize}`,
      );
    }
    for (const seal of first.atVolume.seals) {
      print(
        `  KMS Sign of ${seal.fn}: ${seal.signsPerInvocation} per invocation; ${seal.measuredSignsPerDeclaration} per declaration measured, ${seal.modelledSignsPerDeclaration} at batch size ${seal.batchSize}`,
      );
      print(
        `  S3 PutObject of ${seal.fn} (one archive object per sealing batch): ${seal.putsPerInvocation} per invocation; ${seal.measuredPutsPerDeclaration} per declaration measured, ${seal.modelledPutsPerDeclaration} at batch size ${seal.batchSize}`,
      );
    }
    const invoked = first.atVolume.invocations
      .map((each) => `${each.fn} ${each.measuredPerDeclaration} -> ${each.modelledPerDeclaration} (batch ${each.batchSize})`)
      .join(', ');
    print(`  Lambda requests per declaration of the queue-triggered functions, measured -> at volume: ${invoked}`);
    print(capacityNote(results.prices.region, results.dynamodbCapacity));
  }

  for (const scenario of results.scenarios) {
    print(`\n${scenario.scenario}: quantities per declaration`);
    for (const line of scenario.lines) print(`  ${line.item.padEnd(width)}${String(line.perDeclaration).padStart(12)} ${line.unit}`);
    print(
      `  ${'(local pollers) empty receives'.padEnd(width)}${String(scenario.emptyReceivesPerDeclaration).padStart(12)} requests, not priced`,
    );
    printDuration(scenario, print);
    const hot = scenario.writeHeat.filter((entry) => entry.kind === 'shared');
    print(`  write heat at 1,000 declarations/s, WCU/s per partition (per shard):`);
    for (const entry of hot) print(`    ${entry.pattern.padEnd(60)}${String(entry.units).padStart(10)} ${entry.flag}`);
    for (const entry of scenario.writeHeat.filter((heat) => heat.kind === 'per-declaration')) {
      print(`    ${entry.pattern.padEnd(60)}${String(entry.units).padStart(10)} WRU per declaration, on its own key`);
    }
    print(`  AWS calls per declaration by function (the functions' own SDK calls; event source mappings apart):`);
    for (const [fn, calls] of Object.entries(scenario.callsByFunctionPerDeclaration)) {
      const sum = Object.values(calls).reduce((total, count) => total + count, 0);
      print(`    ${fn} ${Math.round(sum * 1000) / 1000}`);
      for (const [call, count] of Object.entries(calls)) print(`      ${String(count).padStart(6)}  ${call}`);
    }
    print(`  read heat at 1,000 declarations/s, RCU/s per partition (shared keys):`);
    for (const entry of scenario.readHeat.filter((heat) => heat.kind === 'shared')) {
      print(`    ${entry.pattern.padEnd(60)}${String(entry.units).padStart(10)} ${entry.flag}`);
    }
  }
}

/** Per queue-triggered function: the batches the burst achieved and its handler ms per record, alone and in the burst. */
function printDuration(scenario: CostResults['scenarios'][number], print: (line: string) => void): void {
  const duration = scenario.atVolume.duration;
  if (!duration) return;
  print(`  Lambda duration at volume (${duration.assumption}):`);
  print(
    `    ${'function (batch size, local limit)'.padEnd(44)}${'records/decl'.padStart(13)}${'ms/record alone'.padStart(16)}${'batch avg (max)'.padStart(17)}${'ms/record burst'.padStart(16)}${'ms 1-record (burst)'.padStart(20)}${'ms/decl at volume'.padStart(18)}`,
  );
  for (const each of duration.functions) {
    const batch = each.burst ? `${each.burst.recordsPerInvocation} (${each.burst.largestBatch})` : 'not invoked';
    print(
      `    ${`${each.fn} (${each.batchSize}, ${each.localBatchLimit})`.padEnd(44)}${String(each.recordsPerDeclaration).padStart(13)}${String(each.aloneMsPerRecord).padStart(16)}${batch.padStart(17)}${String(each.burst?.msPerRecord ?? '-').padStart(16)}${String(each.burst?.msPerSingleRecordInvocation ?? '-').padStart(20)}${String(each.msPerDeclaration).padStart(18)}${each.partial ? '  partial batches' : ''}`,
    );
  }
}
