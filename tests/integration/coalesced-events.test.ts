/**
 * The EventBridge adapter against the local event bus (local/eventbridge.ts, PutEvents over
 * loopback, real SDK calls): inside an SQS invocation's send barrier the records' notifications go
 * together, 10 entries to a PutEvents call, and a refused entry fails only the record it came from;
 * outside a barrier a publish goes at once, 10 entries to a call.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEventBridge, startEventBridge } from '#local/eventbridge.ts';
import { EventBridgeEventBus } from '#shared/adapters/eventbridge-event-bus.ts';
import type { Notification } from '#shared/domain/notifications.ts';
import { withSendBarrier } from '#shared/workers/send-barrier.ts';

const BUS = 'customs-test-clearance';

let bridge: RunningEventBridge;
let client: EventBridgeClient;
/** The entries of each PutEvents call the client made. */
let calls: number[] = [];

beforeAll(async () => {
  bridge = await startEventBridge({ port: 0, buses: { clearance: BUS } });
  client = new EventBridgeClient({
    region: 'eu-west-2',
    endpoint: `http://127.0.0.1:${bridge.port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      calls.push(((args.input as { Entries?: unknown[] }).Entries ?? []).length);
      return next(args);
    },
    { step: 'initialize', name: 'countPutEvents' },
  );
});

afterAll(async () => {
  client?.destroy();
  await bridge?.stop();
});

/** A declaration's status notification, as the fan-out publishes it. */
const notification = (declarationId: string, version: number): Notification =>
  ({
    id: `evt_${declarationId}_${version}`,
    type: 'declaration.status_changed',
    occurredAt: '2026-11-28T10:00:00.000Z',
    data: { declarationId, lrn: 'LRN-1', ucr: 'UCR-1', status: 'VALIDATED', version, event: 'VALIDATED', detail: null },
  }) as Notification;

const onBus = (declarationId: string) =>
  bridge.events().filter((event) => (event.detail as { data: { declarationId: string } }).data.declarationId === declarationId);

describe('notifications published on EventBridge', () => {
  it('puts the notifications of the records of one invocation together, 10 to a call, and fails only the record whose entry was refused', async () => {
    // Prepare: four records; three publish two notifications each on the bus, one on a bus that does not exist
    const bus = new EventBridgeEventBus(client, BUS);
    const missing = new EventBridgeEventBus(client, 'customs-test-no-such-bus');
    const records = ['DECL-A', 'DECL-B', 'DECL-C'].map((id) => () => bus.publish([notification(id, 2), notification(id, 3)]));
    records.push(() => missing.publish([notification('DECL-D', 2)]));

    // Act
    calls = [];
    const outcomes = await withSendBarrier((runRecord) => Promise.allSettled(records.map((record) => runRecord(record))));

    // Assess: 7 entries, one call; the record of the missing bus failed, the others' events are on the bus
    expect(calls).toEqual([7]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(String((outcomes[3] as PromiseRejectedResult).reason)).toContain('ResourceNotFoundException');
    for (const id of ['DECL-A', 'DECL-B', 'DECL-C']) expect(onBus(id).map((event) => event['detail-type'])).toHaveLength(2);
  });

  it("keeps a record's own notifications in order across calls when they are more than 10", async () => {
    // Prepare: one record with 12 notifications, one with 1
    const bus = new EventBridgeEventBus(client, BUS);

    // Act
    calls = [];
    await withSendBarrier((runRecord) =>
      Promise.all([
        runRecord(() => bus.publish(Array.from({ length: 12 }, (_, index) => notification('DECL-G', index + 1)))),
        runRecord(() => bus.publish([notification('DECL-H', 1)])),
      ]),
    );

    // Assess
    expect(calls).toEqual([10, 3]);
    expect(onBus('DECL-G').map((event) => (event.detail as { data: { version: number } }).data.version)).toEqual(
      Array.from({ length: 12 }, (_, index) => index + 1),
    );
  });

  it('puts a publish of 12 notifications outside an invocation at once, in two calls', async () => {
    // Prepare
    const bus = new EventBridgeEventBus(client, BUS);

    // Act
    calls = [];
    await bus.publish(Array.from({ length: 12 }, (_, index) => notification('DECL-E', index + 1)));

    // Assess
    expect(calls).toEqual([10, 2]);
    expect(onBus('DECL-E')).toHaveLength(12);
  });

  it('fails a publish outside an invocation whose entry was refused', async () => {
    // Prepare
    const missing = new EventBridgeEventBus(client, 'customs-test-no-such-bus');

    // Act
    const publishing = missing.publish([notification('DECL-F', 1)]);

    // Assess
    await expect(publishing).rejects.toThrow('ResourceNotFoundException');
  });
});
