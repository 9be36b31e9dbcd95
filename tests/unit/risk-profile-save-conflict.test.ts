/**
 * Saving a risk profile version updates the one count of versions saved in the same transaction
 * (pattern 14), so two saves at once conflict: DynamoDB cancels one with `TransactionConflict`
 * (or a throttled item with `ThrottlingError`), which the SDK does not retry. The store tries
 * again; a version that exists is still "not saved".
 * Against a DynamoDB client whose requests a middleware answers before they leave.
 */
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { demoProfiles } from '#demo/risk-seed.ts';
import { DynamoDbRiskStore } from '#shared/adapters/dynamodb-risk-store.ts';
import type { RiskProfile } from '#shared/risk/profile.ts';

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** A client whose first TransactWriteItems answers are `failures`, then success; it counts the attempts. */
function clientAnswering(failures: Error[]) {
  const client = new DynamoDBClient({ region: 'eu-west-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  let attempts = 0;
  client.middlewareStack.add(
    () => async () => {
      attempts += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return { output: { $metadata: {} }, response: {} };
    },
    { step: 'initialize', name: 'answerHere' },
  );
  return { client, attempts: () => attempts };
}

const profile: RiskProfile = { ...(demoProfiles[0] as RiskProfile), id: 'RP-CONFLICT', version: 2 };

describe('saving a risk profile version on DynamoDB', () => {
  it('tries again after a transaction conflict on the count, and saves', async () => {
    // Prepare
    const { client, attempts } = clientAnswering([cancelled(['None', 'TransactionConflict']), cancelled(['None', 'TransactionConflict'])]);

    // Act
    const saved = await new DynamoDbRiskStore(client, 'main').saveVersion(profile);

    // Assess
    expect(saved).toBe(true);
    expect(attempts()).toBe(3);
  });

  it('tries again after the transaction was throttled (nothing written), and saves', async () => {
    // Prepare
    const { client, attempts } = clientAnswering([cancelled(['None', 'ThrottlingError'])]);

    // Act
    const saved = await new DynamoDbRiskStore(client, 'main').saveVersion(profile);

    // Assess
    expect(saved).toBe(true);
    expect(attempts()).toBe(2);
  });

  it('answers false, without trying again, when the version exists', async () => {
    // Prepare
    const { client, attempts } = clientAnswering([cancelled(['ConditionalCheckFailed', 'None'])]);

    // Act
    const saved = await new DynamoDbRiskStore(client, 'main').saveVersion(profile);

    // Assess
    expect(saved).toBe(false);
    expect(attempts()).toBe(1);
  });

  it('gives up after repeated conflicts, with the error', async () => {
    // Prepare
    const { client, attempts } = clientAnswering(Array.from({ length: 8 }, () => cancelled(['None', 'TransactionConflict'])));

    // Act
    const saving = new DynamoDbRiskStore(client, 'main').saveVersion(profile);

    // Assess
    await expect(saving).rejects.toThrow('TransactionConflict');
    expect(attempts()).toBe(8);
  });
});
