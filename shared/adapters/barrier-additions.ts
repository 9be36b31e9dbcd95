/**
 * Additions to counters coalesced inside one SQS-triggered invocation: the records of a full batch
 * each add to the same counter at nearly the same moment (the risk stage counts each declaration
 * into the day's lanes, its office's selection figures and its trader's declaration count), and an
 * addition waits at the invocation's barrier (shared/workers/send-barrier.ts) so that the waiting
 * additions to one counter go as one write of their sum: one UpdateItem a batch where each record
 * made its own. Outside a barrier (an API call, an officer's decision) an addition is written at once.
 *
 * If DynamoDB refused a group's write (throttled, invalid) on every attempt, each addition of the
 * group is written on its own, so a refusal costs only the counts refused again, as one record's
 * refused write did before; after an error that leaves it unknown whether the write landed (a
 * time-out, a 5xx: `writeAll` sends `atMostOnce`, shared/adapters/at-most-once.ts), or a refusal
 * after attempts that may have landed, every addition of the group fails unwritten again, so none
 * counts twice (these counts are at most once). Each caller settles with its own addition.
 */
import { type Waiting, waitAtBarrier } from '#shared/workers/send-barrier.ts';
import { refusedOnEveryAttempt } from './at-most-once.ts';

/** One record's addition: the counter it goes to (`group`), what it adds, and how a group of them is written. */
export interface Addition<P> {
  /** The additions of one group are written together: the same table, item (or item family) and kind. */
  group: string;
  payload: P;
  /** Writes the sum of these additions (one or more of the same group) as one write, sent `atMostOnce` (an `ADD` is not idempotent). */
  writeAll: (payloads: readonly P[]) => Promise<void>;
}

/**
 * Errors after which DynamoDB certainly did not apply the write (refused, not timed out): the
 * group's additions can be written again one by one without counting any twice.
 */
const notApplied = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ValidationException',
]);

/** Adds `addition`: with the invocation's other additions to its counter inside a barrier, alone elsewhere. */
export async function addAtBarrier<P>(addition: Addition<P>): Promise<void> {
  await (waitAtBarrier(addition as Addition<unknown>, flushAdditions) ?? addition.writeAll([addition.payload]));
}

const flushAdditions = (waiting: Waiting<Addition<unknown>>[]): void => {
  const groups = new Map<string, Waiting<Addition<unknown>>[]>();
  for (const entry of waiting) groups.set(entry.payload.group, [...(groups.get(entry.payload.group) ?? []), entry]);
  for (const group of groups.values()) void writeGroup(group);
};

async function writeGroup(group: readonly Waiting<Addition<unknown>>[]): Promise<void> {
  const [first] = group;
  if (first === undefined) return;
  try {
    await first.payload.writeAll(group.map((entry) => entry.payload.payload));
    for (const entry of group) entry.resolve();
  } catch (error) {
    // The SDK's last attempt refused, but an earlier one may have landed unless each was a refusal.
    if (group.length === 1 || !notApplied.has((error as { name?: string }).name ?? '') || !refusedOnEveryAttempt(error)) {
      for (const entry of group) entry.reject(error as Error);
      return;
    }
    await Promise.all(
      group.map((entry) =>
        entry.payload.writeAll([entry.payload.payload]).then(
          () => entry.resolve(),
          (failure: unknown) => entry.reject(failure as Error),
        ),
      ),
    );
  }
}
