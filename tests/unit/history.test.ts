/**
 * The history as a hash chain (shared/domain/history.ts): built event by event from the state,
 * it checks out; an edited, removed or reordered event, or an edited head, is detected; key order
 * and whitespace do not matter (RFC 8785 canonical JSON).
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '#shared/domain/declaration-record.ts';
import { checkChain, eventHash, firstEvent, nextEvent } from '#shared/domain/history.ts';

const id = '01M8F0000000000000000000AB';
const submitted = 'a'.repeat(64);

/** Four events as the stages would write them, each from the state the one before left. */
function history(): HistoryEvent[] {
  const events = [
    firstEvent(id, submitted, {
      type: 'SUBMITTED',
      status: 'SUBMITTED',
      at: '2026-11-27T10:00:00.000Z',
      actor: { kind: 'trader', id: 'GB1' },
    }),
  ];
  const steps = [
    { type: 'VALIDATED', status: 'VALIDATED' },
    { type: 'SCORED', status: 'SCORED', detail: 'lane RED' },
    { type: 'RELEASED', status: 'RELEASED', note: 'checked the invoice' },
  ] as const;
  for (const [index, step] of steps.entries()) {
    const last = events.at(-1)!;
    events.push(
      nextEvent(
        { id, version: last.version, lastEvent: last },
        { ...step, at: `2026-11-27T10:0${index + 1}:00.000Z`, actor: { kind: 'system', id: 'stage' } },
      ),
    );
  }
  return events;
}

describe('history hash chain', () => {
  it('links each event to the one before and the first to the submitted bytes: intact, with its head', () => {
    // Prepare
    const events = history();

    // Act
    const check = checkChain(events, submitted, events.at(-1));

    // Assess
    expect(events[0]?.previousHash).toBe(submitted);
    expect(events[2]?.previousHash).toBe(eventHash(events[1]!));
    expect(check).toEqual({ status: 'INTACT', brokenAt: null, head: eventHash(events[3]!) });
  });

  it('detects an edited, a removed and a reordered event, an edited head and a wrong first link', () => {
    // Prepare
    const events = history();
    const edited = events.map((event) => (event.version === 2 ? { ...event, at: '2026-11-27T11:00:00.000Z' } : event));
    const removed = events.filter((event) => event.version !== 3);
    const reordered = events.map((event, index) =>
      index === 1 ? { ...events[2]!, version: 2 } : index === 2 ? { ...events[1]!, version: 3 } : event,
    );
    const headEdited = events.map((event) => (event.version === 4 ? { ...event, note: 'nothing to see' } : event));

    // Act
    const checks = {
      edited: checkChain(edited, submitted, events.at(-1)),
      removed: checkChain(removed, submitted, events.at(-1)),
      reordered: checkChain(reordered, submitted, events.at(-1)),
      headEdited: checkChain(headEdited, submitted, events.at(-1)),
      otherBytes: checkChain(events, 'b'.repeat(64), events.at(-1)),
    };

    // Assess
    expect(checks.edited).toMatchObject({ status: 'BROKEN', brokenAt: 3 });
    expect(checks.removed).toMatchObject({ status: 'BROKEN', brokenAt: 3 });
    expect(checks.reordered).toMatchObject({ status: 'BROKEN', brokenAt: 2 });
    expect(checks.headEdited).toMatchObject({ status: 'BROKEN', brokenAt: 4 });
    expect(checks.otherBytes).toMatchObject({ status: 'BROKEN', brokenAt: 1 });
  });

  it('hashes the canonical JSON: member order does not matter, undefined members are left out', () => {
    // Prepare
    const [event] = history();
    const reversed = Object.fromEntries(Object.entries(event!).reverse()) as HistoryEvent;

    // Act
    const hashes = [eventHash(event!), eventHash(reversed), eventHash({ ...event!, detail: undefined })];

    // Assess
    expect(new Set(hashes).size).toBe(1);
    expect(eventHash({ ...event!, detail: 'x' })).not.toBe(hashes[0]);
  });

  it('reports events written before the chain existed as unchained, not broken', () => {
    // Prepare
    const { previousHash: _dropped, ...legacy } = history()[0]!;

    // Act
    const check = checkChain([legacy], submitted, legacy);

    // Assess
    expect(check).toEqual({ status: 'UNCHAINED', brokenAt: null, head: null });
  });
});
