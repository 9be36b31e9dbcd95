/**
 * `npm run bench -- pipeline`: where a steady load's time and calls go. While the steady load of
 * bench/steady-load.ts runs, every AWS call of the handlers is counted per function (the SDK
 * middleware of shared/adapters/aws-clients.ts' `onClientCreated`) and every invocation's records
 * and time (LocalFunction.invoke); afterwards each declaration's history gives the time between its
 * stages. A look, not a result: printed, never written to bench/results (the steady load's figure of
 * record is `npm run bench`'s).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { LocalFunction } from '#local/lambda.ts';
import { type AwsClient, onClientCreated } from '#shared/adapters/aws-clients.ts';
import { keyShape } from './cost/recorder.ts';

interface Invocations {
  count: number;
  records: number;
  milliseconds: number;
}

export interface PipelineProbe {
  /** Forgets what was counted so far (the warm-up's calls). */
  reset(): void;
  /** The lines to print, per `declarations` followed. */
  /** `following`: the functions the bench itself calls to follow the declarations, left out. */
  report(
    declarations: number,
    histories: ReadonlyMap<string, readonly { type: string; at: string }[]>,
    following: readonly string[],
  ): string[];
}

const running = new AsyncLocalStorage<{ fn: string }>();

/** A call as counted: its operation and the shape of its key (or of its partition, a query); the input as marshalled. */
function describe(service: string, operation: string, input: Record<string, unknown>): string {
  type Marshalled = Parameters<typeof keyShape>[0];
  const named = `${service} ${operation}`;
  if (service !== 'dynamodb') return named;
  const consistent = input.ConsistentRead === true ? ' consistent' : '';
  if (input.Key) return `${named} ${keyShape(input.Key as Marshalled)}${consistent}`;
  const item = input.Item as Marshalled | undefined;
  if (item?.PK) return `${named} ${keyShape({ PK: item.PK, ...(item.SK ? { SK: item.SK } : {}) })}`;
  const partition = (input.ExpressionAttributeValues as Marshalled | undefined)?.[':pk'];
  if (partition) return `${named} ${keyShape({ PK: partition })}${consistent}`;
  return named;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);

/** Installs the counters; the local cloud must be started after (its handlers' clients are counted as created). */
export function installPipelineProbe(): PipelineProbe {
  const calls = new Map<string, Map<string, number>>();
  const invocations = new Map<string, Invocations>();
  let started = performance.now();

  onClientCreated((client: AwsClient, service) => {
    const stack = client.middlewareStack as { add(middleware: unknown, options: Record<string, unknown>): void };
    stack.add(
      (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: { input: Record<string, unknown> }): Promise<unknown> => {
          const fn = running.getStore()?.fn;
          if (fn !== undefined) {
            const what = describe(service, (context.commandName ?? 'Unknown').replace(/Command$/, ''), args.input);
            const ofFunction = calls.get(fn) ?? new Map<string, number>();
            ofFunction.set(what, (ofFunction.get(what) ?? 0) + 1);
            calls.set(fn, ofFunction);
          }
          return next(args);
        },
      { step: 'build', name: 'pipelineProbe' },
    );
  });
  const invoke = LocalFunction.prototype.invoke;
  LocalFunction.prototype.invoke = async function probedInvoke(this: LocalFunction, event: unknown) {
    const records = (event as { Records?: unknown[] } | undefined)?.Records;
    const start = performance.now();
    try {
      return await running.run({ fn: this.name }, () => invoke.call(this, event));
    } finally {
      if (Array.isArray(records)) {
        const counted = invocations.get(this.name) ?? { count: 0, records: 0, milliseconds: 0 };
        counted.count += 1;
        counted.records += records.length;
        counted.milliseconds += performance.now() - start;
        invocations.set(this.name, counted);
      }
    }
  };

  return {
    reset() {
      calls.clear();
      invocations.clear();
      started = performance.now();
    },
    report(declarations, histories, following) {
      for (const fn of following) calls.delete(fn);
      const wallMs = performance.now() - started;
      const perDeclaration = (count: number): string => (count / declarations).toFixed(2);
      const total = (of: Map<string, number>): number => [...of.values()].reduce((sum, count) => sum + count, 0);
      const lines = [`AWS calls per declaration: ${perDeclaration([...calls.values()].reduce((sum, of) => sum + total(of), 0))}`];
      for (const [fn, of] of [...calls].sort((a, b) => total(b[1]) - total(a[1]))) {
        const counted = invocations.get(fn);
        const batches = counted
          ? ` (${counted.count} invocations of ${(counted.records / counted.count).toFixed(1)} records, ${(counted.milliseconds / counted.count).toFixed(0)} ms each, ${((100 * counted.milliseconds) / wallMs).toFixed(0)} % of the time running)`
          : '';
        lines.push(`  ${fn} ${perDeclaration(total(of))}${batches}`);
        for (const [what, count] of [...of].sort((a, b) => b[1] - a[1])) {
          if (count / declarations >= 0.05) lines.push(`    ${perDeclaration(count).padStart(6)}  ${what}`);
        }
      }
      const betweenStages = new Map<string, number[]>();
      for (const events of histories.values()) {
        for (let index = 1; index < events.length; index += 1) {
          const [before, after] = [events[index - 1], events[index]];
          if (!before || !after) continue;
          const step = `${before.type} -> ${after.type}`;
          betweenStages.set(step, [...(betweenStages.get(step) ?? []), Date.parse(after.at) - Date.parse(before.at)]);
        }
      }
      lines.push('time between stages (history timestamps), ms:');
      for (const [step, times] of betweenStages) {
        times.sort((a, b) => a - b);
        if (times.length >= declarations / 20)
          lines.push(
            `  ${step.padEnd(36)} n ${String(times.length).padStart(5)}  p50 ${percentile(times, 50)}  p99 ${percentile(times, 99)}`,
          );
      }
      return lines;
    },
  };
}
