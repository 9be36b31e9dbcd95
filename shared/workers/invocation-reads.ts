/**
 * Reads shared by the records of one SQS-triggered invocation (shared/workers/sqs-handler.ts runs
 * each invocation inside `withSharedReads`). At volume an invocation holds a full batch of 10
 * records that ask the same questions within milliseconds of each other (which reference document
 * load is the newest; for the records of one trader, office or account: the trader's profile, the
 * office's recent selection figures, how the account a charge goes to is sharded); the first
 * record's read answers them all.
 *
 * Only for reads whose answer a record may take from a moment a few milliseconds before its own:
 * the records of a batch run at once, so "read when the first record asked" is a moment each of
 * them could have read at. A read that fails is not kept: each record that waited on it reads on
 * its own (`undefined` from `sharedRead` lets the caller do so), and a later record reads afresh.
 * Outside an invocation (API and scheduled functions) nothing is shared.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { outsideBarrier } from './send-barrier.ts';

const invocationReads = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

/** Runs one invocation's work with its own shared reads. */
export function withSharedReads<T>(work: () => Promise<T>): Promise<T> {
  return invocationReads.run(new Map(), work);
}

/**
 * The invocation's answer to `key`, read once by `read`. Undefined outside an invocation, or when
 * the shared read failed: the caller then reads on its own, as it would without sharing.
 */
export async function sharedRead<T>(key: string, read: () => Promise<T>): Promise<T | undefined> {
  const reads = invocationReads.getStore();
  if (reads === undefined) return undefined;
  let pending = reads.get(key) as Promise<T> | undefined;
  if (pending === undefined) {
    // Outside the barrier: the records waiting on this read are not waiting at it (send-barrier.ts).
    pending = outsideBarrier(read);
    reads.set(key, pending);
    // A failed read is forgotten, so the next record to ask reads again.
    pending.catch(() => reads.delete(key));
  }
  try {
    return await pending;
  } catch {
    return undefined;
  }
}

/**
 * The invocation's answer to `key` (`sharedRead`), or the caller's own read where there is none to
 * share: outside an invocation, or after the shared read failed.
 */
export async function readShared<T>(key: string, read: () => Promise<T>): Promise<T> {
  const shared = await sharedRead(key, read);
  return shared === undefined ? read() : shared;
}
