/** The cost benchmark's tables on stdout (bench/run.ts writes its figures into bench/results). */
import type { benchmarkCost } from './run-cost.ts';

type CostResults = Awaited<ReturnType<typeof benchmarkCost>>;

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
  print(`${'TOTAL'.padEnd(width)}${results.scenarios.map((scenario) => scenario.totalUsdPerMillion.padStart(column + 4)).join('')}`);

  for (const scenario of results.scenarios) {
    print(`\n${scenario.scenario}: quantities per declaration`);
    for (const line of scenario.lines) print(`  ${line.item.padEnd(width)}${String(line.perDeclaration).padStart(12)} ${line.unit}`);
    print(
      `  ${'(local pollers) empty receives'.padEnd(width)}${String(scenario.emptyReceivesPerDeclaration).padStart(12)} requests, not priced`,
    );
    const hot = scenario.writeHeat.filter((entry) => entry.kind === 'shared');
    print(`  write heat at 1,000 declarations/s, WCU/s per partition (per shard):`);
    for (const entry of hot) print(`    ${entry.pattern.padEnd(60)}${String(entry.units).padStart(10)} ${entry.flag}`);
    for (const entry of scenario.writeHeat.filter((heat) => heat.kind === 'per-declaration')) {
      print(`    ${entry.pattern.padEnd(60)}${String(entry.units).padStart(10)} WRU per declaration, on its own key`);
    }
    print(`  read heat at 1,000 declarations/s, RCU/s per partition (shared keys):`);
    for (const entry of scenario.readHeat.filter((heat) => heat.kind === 'shared')) {
      print(`    ${entry.pattern.padEnd(60)}${String(entry.units).padStart(10)} ${entry.flag}`);
    }
  }
}
