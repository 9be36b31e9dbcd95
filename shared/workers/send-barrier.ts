/**
 * The send barrier of one SQS-triggered invocation (shared/workers/sqs-handler.ts): its records'
 * sends wait until every running record is waiting on a send or has finished, then go together
 * (shared/adapters/sqs-send-coalescer.ts batches SQS messages behind it; shared/adapters/barrier-additions.ts
 * sums additions to one counter behind it, for the clearance counters, the trader counts and the
 * office figures; shared/adapters/eventbridge-event-bus.ts puts the notifications, and
 * shared/adapters/dynamodb-read-coalescer.ts reads items, behind it). Exact rather than timed:
 * a record blocked on other I/O is not waiting yet; a record that throws is finished; so the
 * barrier always opens. It opens after at most `maxHoldMs` (1 s) whatever the others do: a record
 * held up by something slow (contention retries) must not hold the other records' messages until
 * the invocation times out and loses them. At volume the records of a batch reach their sends
 * within milliseconds of each other, so the barrier, not the hold, decides.
 *
 * No AWS SDK here: every SQS-triggered function but the webhook worker (`coalesceSends: false`) runs
 * behind the barrier, also those that send nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One send waiting at the barrier: what to send, and its caller's promise. */
export interface Waiting<P = unknown> {
  payload: P;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Sends the entries of one kind the barrier let through (at once: it does not wait for them). */
export type Flusher<P> = (waiting: Waiting<P>[]) => void;

interface WaitingEntry extends Waiting {
  flusher: Flusher<unknown>;
  record: RecordTurn;
}

interface RecordTurn {
  waitingSends: number;
  finished: boolean;
}

/** The longest a send waits at the barrier for the other records of its invocation. */
export const MAX_HOLD_MS = 1_000;

class SendBarrier {
  readonly #records = new Set<RecordTurn>();
  #waiting: WaitingEntry[] = [];
  #flushScheduled = false;
  #hold: NodeJS.Timeout | undefined;

  constructor(private readonly maxHoldMs: number) {}

  async runRecord<R>(work: () => Promise<R>): Promise<R> {
    const record: RecordTurn = { waitingSends: 0, finished: false };
    this.#records.add(record);
    try {
      return await recordInBarrier.run({ barrier: this, record }, work);
    } finally {
      record.finished = true;
      this.#records.delete(record);
      this.#flushWhenAllWait();
    }
  }

  wait(payload: unknown, flusher: Flusher<unknown>, record: RecordTurn): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      record.waitingSends += 1;
      this.#waiting.push({ payload, flusher, record, resolve, reject });
      this.#hold ??= setTimeout(() => this.#flush(), this.maxHoldMs);
      this.#flushWhenAllWait();
    });
  }

  #allWait(): boolean {
    for (const record of this.#records) if (record.waitingSends === 0) return false;
    return true;
  }

  // The check is deferred to the next turn of the event loop: records started by the same
  // synchronous loop (Powertools starts them all at once) are all counted by then, and sibling
  // sends a record starts together (Promise.all) join the same flush.
  #flushWhenAllWait(): void {
    if (this.#flushScheduled || this.#waiting.length === 0) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      if (this.#waiting.length === 0 || !this.#allWait()) return;
      this.#flush();
    });
  }

  /** Hands everything waiting to its flusher (the sends of one kind together). */
  #flush(): void {
    clearTimeout(this.#hold);
    this.#hold = undefined;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const entry of waiting) entry.record.waitingSends -= 1;
    const byFlusher = new Map<Flusher<unknown>, WaitingEntry[]>();
    for (const entry of waiting) byFlusher.set(entry.flusher, [...(byFlusher.get(entry.flusher) ?? []), entry]);
    for (const [flusher, entries] of byFlusher) {
      // A flusher that throws at once fails its own entries, never another flusher's.
      try {
        flusher(entries);
      } catch (error) {
        for (const entry of entries) entry.reject(error as Error);
      }
    }
  }
}

const recordInBarrier = new AsyncLocalStorage<{ barrier: SendBarrier; record: RecordTurn }>();

/** Runs an invocation's records with their sends coalesced: `runRecord` wraps each record's work. */
export function withSendBarrier<T>(
  work: (runRecord: <R>(recordWork: () => Promise<R>) => Promise<R>) => Promise<T>,
  { maxHoldMs = MAX_HOLD_MS }: { maxHoldMs?: number } = {},
): Promise<T> {
  const barrier = new SendBarrier(maxHoldMs);
  return work((recordWork) => barrier.runRecord(recordWork));
}

/**
 * Runs `work` as no record of any barrier: its sends and reads go at once. For work one record
 * starts on behalf of others (a read the records of an invocation share,
 * shared/workers/invocation-reads.ts): waiting at the barrier as the first record alone, while the
 * others wait on that work and not at the barrier, would hold it until `maxHoldMs`.
 */
export function outsideBarrier<T>(work: () => T): T {
  return recordInBarrier.exit(work);
}

/**
 * Waits at the barrier of the running record, if any: the promise settles when `flusher` has sent
 * `payload` (with the other waiting entries of the same flusher). Undefined outside a barrier (API
 * and scheduled functions) or after the record finished: the caller sends at once.
 */
export function waitAtBarrier<P>(payload: P, flusher: Flusher<P>): Promise<void> | undefined {
  const inBarrier = recordInBarrier.getStore();
  if (inBarrier === undefined || inBarrier.record.finished) return undefined;
  return inBarrier.barrier.wait(payload, flusher as Flusher<unknown>, inBarrier.record);
}
