/**
 * Coalesced sends against the local cloud (fauxqs, the access audit, the cost recorder of
 * bench/cost/ counting each function's calls): the validation stage gets the messages of three
 * declarations in ONE SQS batch, as Lambda's mapping hands them over under load, and sends the
 * three history notifications as one SendMessageBatch and the three risk messages as another; the
 * declarations go on through the pipeline from those messages (their `declarationId` attribute kept).
 *
 * The validation and notifications queues have no event source mapping here: the tests receive
 * the messages and invoke the worker themselves (locally, one declaration at a time, a batch
 * holds one message). The fan-out's batch: its records read their declarations with one
 * BatchGetItem and publish with one PutEvents call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '#bench/cost/ledger.ts';
import type { Recorder } from '#bench/cost/recorder.ts';
import type { LocalCloud } from '#local/cloud.ts';
import { invokeWithHeldBatch, withTriggersOff } from '#tests/support/held-messages.ts';
import { startRecordedCloud } from '#tests/support/seeded-cloud.ts';
import { released, submitDeclarations } from './support.ts';

const BOREALIS = 'GB987654321000';

let cloud: LocalCloud;
let recorder: Recorder;
let call: Awaited<ReturnType<typeof startRecordedCloud>>['api'];
let trader: string;

beforeAll(async () => {
  ({ cloud, recorder, api: call } = await startRecordedCloud({ functions: withTriggersOff('validateDeclaration', 'fanOutNotifications') }));
  trader = cloud.mintToken({ role: 'trader', party: BOREALIS });
}, 120_000);

afterAll(async () => {
  recorder?.uninstall();
  await cloud?.stop();
});

describe('sends coalesced inside an SQS invocation', () => {
  it('sends the notifications and the risk messages of a batch of three records as one SendMessageBatch each; the declarations go on to release', async () => {
    // Prepare: three declarations submitted; their validation messages wait in the queue
    const ids = await submitDeclarations(call, trader, BOREALIS, 3);

    // Act: one invocation for the whole batch, as the event source mapping hands it over
    const { response, messages } = await invokeWithHeldBatch(cloud, 'validation', 'validateDeclaration', 3, () => {
      recorder.ledger = new Ledger();
    });
    const sends = recorder.ledger.sends.validateDeclaration ?? {};
    const statuses = await released(call, trader, ids);

    // Assess
    expect(messages.map((message) => JSON.parse(message.Body ?? '{}').declarationId).sort()).toEqual([...ids].sort());
    expect(response.batchItemFailures).toEqual([]);
    expect(Object.keys(sends).sort()).toEqual(['notifications', 'risk']);
    expect(sends.risk).toEqual({ SendMessageBatch: expect.objectContaining({ calls: 1, messages: 3 }) });
    // Each round of history notifications (one per record) is one batch of three
    const notifications = sends.notifications ?? {};
    expect(Object.keys(notifications)).toEqual(['SendMessageBatch']);
    expect(notifications.SendMessageBatch?.messages).toBe(3 * (notifications.SendMessageBatch?.calls ?? 0));
    expect(statuses).toEqual(['RELEASED', 'RELEASED', 'RELEASED']);
  }, 180_000);

  it('notifies a batch of events with one read of their declarations and one PutEvents call', async () => {
    // Prepare: the history events of four declarations (and of any before) wait on the notifications queue (its trigger is off here)
    await submitDeclarations(call, trader, BOREALIS, 4);

    // Act: one invocation of the fan-out for a batch of them
    const { response, messages } = await invokeWithHeldBatch(cloud, 'notifications', 'fanOutNotifications', 4, () => {
      recorder.ledger = new Ledger();
    });
    const calls = recorder.ledger.callsByFunction.fanOutNotifications ?? {};
    const published = recorder.ledger.eventBridge.byFunction.fanOutNotifications ?? 0;
    const declarations = new Set(messages.map((message) => JSON.parse(message.Body ?? '{}').declarationId));

    // Assess: the states read together (each declaration once), the notifications put together, 10 to a call
    expect(response.batchItemFailures).toEqual([]);
    expect(declarations.size).toBeGreaterThan(1);
    expect(calls['main BatchGetItem [DECL#<ulid> / META]']).toBe(1);
    expect(calls['main GetItem DECL#<ulid> / META']).toBeUndefined();
    expect(published).toBe(messages.length);
    expect(calls['events PutEvents']).toBe(Math.ceil(published / 10));
  }, 180_000);
});
