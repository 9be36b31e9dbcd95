/**
 * The notifications on an EventBridge bus: `source` customs.clearance, `detail-type` the
 * notification type (e.g. declaration.released), `detail` the notification as webhooks receive it.
 * A region wires its own consumers with rules on the bus.
 *
 * Inside an SQS invocation (the fan-out worker) a publish waits at the invocation's send barrier
 * (shared/workers/send-barrier.ts) and the records' entries go together, 10 to a PutEvents call:
 * at 1,000 declarations a second the fan-out publishes about 5,000 notifications a second, one
 * PutEvents call each before, more than the account's PutEvents quota in most regions (it is per
 * account and region, and eu-west-2's is below that); at full batches of 10 about a tenth as many.
 * EventBridge bills each entry as before, so the cost does not move.
 */
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Notification } from '#shared/domain/notifications.ts';
import { EVENT_SOURCE, type EventBus } from '#shared/ports/event-bus.ts';
import { type Waiting, waitAtBarrier } from '#shared/workers/send-barrier.ts';

/** PutEvents takes at most 10 entries a call. */
const MAX_ENTRIES_PER_CALL = 10;
/** PutEvents' limit on a call's entries together, which must stay under it (EventBridge's entry size: source, detail-type, detail, time). */
const MAX_CALL_BYTES = 256 * 1024;
/** EventBridge counts an entry's `Time` as 14 bytes. */
const TIME_BYTES = 14;

export class EventBridgeEventBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(notifications: readonly Notification[]): Promise<void> {
    if (notifications.length === 0) return;
    const entries = notifications.map(
      (notification): PutEventsRequestEntry => ({
        EventBusName: this.busName,
        Source: EVENT_SOURCE,
        DetailType: notification.type,
        Detail: JSON.stringify(notification),
        Time: new Date(notification.occurredAt),
      }),
    );
    const publish = { client: this.client, entries };
    const waiting = waitAtBarrier(publish, flushPublishes);
    if (waiting !== undefined) return waiting;
    const [failure] = await putInCalls(this.client, [entries]);
    if (failure !== undefined) throw failure;
  }
}

/** A publish at the barrier: its client and its entries (all accepted, or the publish fails). */
type WaitingPublish = Waiting<{ client: EventBridgeClient; entries: PutEventsRequestEntry[] }>;

const entryBytes = (entry: PutEventsRequestEntry): number =>
  Buffer.byteLength(entry.Source ?? '') + Buffer.byteLength(entry.DetailType ?? '') + Buffer.byteLength(entry.Detail ?? '') + TIME_BYTES;

const flushPublishes = (publishes: WaitingPublish[]): void => {
  const byClient = new Map<EventBridgeClient, WaitingPublish[]>();
  for (const publish of publishes) byClient.set(publish.payload.client, [...(byClient.get(publish.payload.client) ?? []), publish]);
  for (const [client, group] of byClient) {
    void putInCalls(
      client,
      group.map((publish) => publish.payload.entries),
    ).then((failures) => {
      for (const [index, publish] of group.entries()) {
        const failure = failures[index];
        if (failure === undefined) publish.resolve();
        else publish.reject(failure);
      }
    });
  }
};

/**
 * Puts these publishes' entries in calls of at most 10 entries and 256 KB, in order, and answers
 * for each publish undefined when all its entries were accepted, else the first refusal or error
 * among them. A refused entry fails its publish: SQS delivers that record's message again
 * (consumers deduplicate by the notification id).
 */
async function putInCalls(client: EventBridgeClient, publishes: readonly PutEventsRequestEntry[][]): Promise<(Error | undefined)[]> {
  const owned = publishes.flatMap((entries, owner) => entries.map((entry) => ({ entry, owner })));
  const calls: (typeof owned)[] = [];
  for (const item of owned) {
    const last = calls.at(-1);
    const fits =
      last !== undefined &&
      last.length < MAX_ENTRIES_PER_CALL &&
      last.reduce((sum, each) => sum + entryBytes(each.entry), 0) + entryBytes(item.entry) < MAX_CALL_BYTES;
    if (fits) last.push(item);
    else calls.push([item]);
  }
  const failures: (Error | undefined)[] = publishes.map(() => undefined);
  await Promise.all(
    calls.map(async (call) => {
      try {
        const result = await client.send(new PutEventsCommand({ Entries: call.map(({ entry }) => entry) }));
        if ((result.FailedEntryCount ?? 0) === 0) return;
        for (const [index, { owner }] of call.entries()) {
          const answer = result.Entries?.[index];
          // An answer without its entry's result counts as refused: FailedEntryCount says some were.
          if ((answer === undefined || answer.ErrorCode) && failures[owner] === undefined) {
            failures[owner] = new Error(
              `EventBridge refused ${result.FailedEntryCount} event(s): ${answer?.ErrorCode ?? 'no result'} ${answer?.ErrorMessage ?? ''}`,
            );
          }
        }
      } catch (error) {
        for (const { owner } of call) failures[owner] ??= error as Error;
      }
    }),
  );
  return failures;
}
