/**
 * Lambda duration at volume, measured rather than assumed. One declaration at a time, every
 * queue-triggered invocation carries one record; at 1,000 declarations a second a mapping hands its
 * function full batches whose records run in parallel in one invocation (shared/workers/sqs-handler.ts:
 * BatchProcessor, processInParallel, sends coalesced behind a barrier), and Lambda bills the
 * invocation's duration, not the sum of its records'. So the benchmark also submits a burst of
 * declarations at once, lets the local pollers receive them in batches, and records every
 * invocation's milliseconds and records (bench/cost/recorder.ts).
 *
 * Per queue-triggered function, the handler milliseconds per declaration at volume = the burst's
 * summed invocation milliseconds / the records it received, x the records per declaration counted one
 * at a time. That is the figure at the batch size the burst achieved (its average is reported), not
 * extrapolated to the trigger's batchSize. API and scheduled functions, and a queue-triggered function
 * the burst did not invoke, stay as measured one at a time. The local factor and memory are applied
 * by priceLedger as for the measured line.
 */
import type { Ledger } from './ledger.ts';
import type { QueueTrigger } from './volume.ts';

/** The most messages one ReceiveMessage returns: the local pollers' largest batch (local/poller.ts). */
const LOCAL_POLLER_MAX_BATCH = 10;

export interface FunctionDurationAtVolume {
  fn: string;
  /** The trigger's batch size in shared/resources.ts, and the largest batch a local poller can hand it. */
  batchSize: number;
  localBatchLimit: number;
  /** Records it received per declaration, one at a time (exact). */
  recordsPerDeclaration: number;
  /** Handler milliseconds per record one declaration at a time (one record an invocation). */
  aloneMsPerRecord: number;
  /** The burst: its invocations, records, average and largest batch, and milliseconds per record; absent if the burst did not invoke it. */
  burst?: {
    invocations: number;
    records: number;
    recordsPerInvocation: number;
    largestBatch: number;
    msPerRecord: number;
    /** The burst's one-record invocations, mean ms: the same isolation as its batches, without a batch (absent if none). */
    msPerSingleRecordInvocation?: number;
  };
  /** The burst's average batch was below the local poller's limit: the figure is for that smaller batch. */
  partial: boolean;
  /** Handler milliseconds per declaration at volume, before the local factor. */
  msPerDeclaration: number;
}

export interface DurationAtVolume {
  /** Declarations submitted at once. */
  burst: number;
  functions: FunctionDurationAtVolume[];
  /** Handler milliseconds of each function over the one-at-a-time run's declarations, queue-triggered functions at the burst's ms per record. */
  msByFunction: Record<string, number>;
  assumption: string;
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

export function durationAtVolume(
  alone: Ledger,
  burst: Ledger,
  burstSize: number,
  declarations: number,
  triggers: readonly QueueTrigger[],
): DurationAtVolume {
  const msByFunction = Object.fromEntries(Object.entries(alone.lambda).map(([fn, entry]) => [fn, entry.ms]));
  const functions = triggers.flatMap((trigger): FunctionDurationAtVolume[] => {
    const measured = alone.lambda[trigger.fn];
    if (!measured || measured.records === 0) return [];
    const batches = (burst.invocationsOf[trigger.fn] ?? []).filter((invocation) => invocation.records > 0);
    const records = batches.reduce((sum, invocation) => sum + invocation.records, 0);
    const ms = batches.reduce((sum, invocation) => sum + invocation.ms, 0);
    const localBatchLimit = Math.min(trigger.batchSize, LOCAL_POLLER_MAX_BATCH);
    const measuredAlone = {
      fn: trigger.fn,
      batchSize: trigger.batchSize,
      localBatchLimit,
      recordsPerDeclaration: round(measured.records / declarations),
      aloneMsPerRecord: round(measured.ms / measured.records),
    };
    if (records === 0) return [{ ...measuredAlone, partial: true, msPerDeclaration: round(measured.ms / declarations) }];
    const msPerRecord = ms / records;
    const modelled = msPerRecord * measured.records;
    msByFunction[trigger.fn] = modelled;
    const recordsPerInvocation = records / batches.length;
    const singles = batches.filter((invocation) => invocation.records === 1);
    const singlesMs = singles.reduce((sum, invocation) => sum + invocation.ms, 0);
    return [
      {
        ...measuredAlone,
        burst: {
          invocations: batches.length,
          records,
          recordsPerInvocation: round(recordsPerInvocation),
          largestBatch: Math.max(...batches.map((invocation) => invocation.records)),
          msPerRecord: round(msPerRecord),
          ...(singles.length > 0 ? { msPerSingleRecordInvocation: round(singlesMs / singles.length) } : {}),
        },
        partial: recordsPerInvocation < localBatchLimit,
        msPerDeclaration: round(modelled / declarations),
      },
    ];
  });
  return {
    burst: burstSize,
    functions,
    msByFunction,
    assumption:
      `${burstSize} declarations submitted at once, invocations run one at a time (locally all share one process; in Lambda each has its own environment), the records of one together; each queue-triggered function's handler time per declaration = ` +
      'the burst invocations’ summed ms / the records they received x its records per declaration one at a time, ' +
      'at the average batch the burst achieved (not extrapolated to the trigger batchSize); API and scheduled functions, ' +
      'and a queue-triggered function the burst did not invoke, as measured one at a time',
  };
}
