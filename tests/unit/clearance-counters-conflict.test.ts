/**
 * A payment's count is one transaction on the day's PAID item, shared by every payment of that day
 * and shard: DynamoDB cancels overlapping ones with `TransactionConflict` (no failed condition),
 * which the SDK does not retry. The adapter tries again; a failed condition still means "counted".
 */
import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbClearanceCounters } from '#shared/adapters/dynamodb-clearance-counters.ts';

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** A client whose first answers are `failures`, then success; it counts the calls. */
function clientAnswering(failures: Error[]): { client: DynamoDBClient; calls: () => number } {
  let calls = 0;
  const client = {
    send: async () => {
      calls += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return {};
    },
  } as unknown as DynamoDBClient;
  return { client, calls: () => calls };
}

const payment = { reference: 'PAY-1', paidAt: '2026-11-28T10:00:00.000Z', byTaxType: { A00: '10.00' } };

describe('counting a paid payment on DynamoDB', () => {
  it('tries again after a transaction conflict, and counts', async () => {
    // Prepare
    const { client, calls } = clientAnswering([cancelled(['None', 'TransactionConflict']), cancelled(['TransactionConflict', 'None'])]);

    // Act
    const counted = await new DynamoDbClearanceCounters(client, 'main').countPaidPayment(payment);

    // Assess
    expect(counted).toBe(true);
    expect(calls()).toBe(3);
  });

  it('does not try again when a condition failed: the payment was counted before', async () => {
    // Prepare
    const { client, calls } = clientAnswering([cancelled(['ConditionalCheckFailed', 'None'])]);

    // Act
    const counted = await new DynamoDbClearanceCounters(client, 'main').countPaidPayout(payment);

    // Assess
    expect(counted).toBe(false);
    expect(calls()).toBe(1);
  });

  it('gives up after eight conflicts in a row, failing the callback so that the provider retries it', async () => {
    // Prepare
    const { client, calls } = clientAnswering(Array.from({ length: 8 }, () => cancelled(['TransactionConflict', 'None'])));

    // Act
    const counting = new DynamoDbClearanceCounters(client, 'main').countPaidPayment(payment);

    // Assess
    await expect(counting).rejects.toThrow(TransactionCanceledException);
    expect(calls()).toBe(8);
  });
});
