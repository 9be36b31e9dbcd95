/**
 * Transactions that DynamoDB cancelled without writing anything and without a failed condition:
 * overlapping another transaction on the same item (`TransactionConflict`) or throttled. The SDK
 * retries neither, so the adapters whose transactions share an item (a day's PAID totals, the count
 * of risk profile versions saved) try them again here, after a short random pause.
 */

import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

const reasonsOf = (error: unknown): string[] =>
  (error as { name?: string }).name === 'TransactionCanceledException'
    ? ((error as TransactionCanceledException).CancellationReasons ?? []).map((reason) => reason.Code ?? 'None')
    : [];

/** Cancelled because a condition of the transaction failed (one reason per item, in the order of its items). */
export const cancelledByCondition = (error: unknown, itemIndex?: number): boolean => {
  const reasons = reasonsOf(error);
  return itemIndex === undefined ? reasons.includes('ConditionalCheckFailed') : reasons[itemIndex] === 'ConditionalCheckFailed';
};

const retryable = ['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded'];

/** Cancelled with nothing written and no failed condition: worth trying again. */
export const cancelledWithoutEffect = (error: unknown): boolean =>
  reasonsOf(error).some((reason) => retryable.includes(reason)) && !cancelledByCondition(error);

/** Attempts at one transaction among others on the same item. */
export const MAX_CONFLICT_ATTEMPTS = 8;

/** Runs `transaction` until it is not cancelled without effect, at most MAX_CONFLICT_ATTEMPTS times. */
export async function retryingConflicts<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction();
    } catch (error) {
      if (!cancelledWithoutEffect(error) || attempt >= MAX_CONFLICT_ATTEMPTS) throw error;
      await sleep(randomInt(5, 20 * 2 ** Math.min(attempt, 5)));
    }
  }
}
