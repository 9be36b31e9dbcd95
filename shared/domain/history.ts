/**
 * A declaration's history as a hash chain: each event carries the SHA-256 of the event before it
 * (of its RFC 8785 canonical JSON), the first the SHA-256 of the bytes the trader submitted. An
 * event edited, removed or reordered afterwards breaks a link, and the state item keeps a copy of
 * the latest event, so even the head cannot be changed unnoticed.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { DeclarationState, HistoryEvent } from './declaration-record.ts';

/** The SHA-256 (hex) of an event's canonical JSON, as the next event links to it. */
export function eventHash(event: HistoryEvent): string {
  // Only the fields that are set: a stored event reads back without the ones that were undefined.
  const defined = Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined));
  return createHash('sha256')
    .update(canonicalize(defined) ?? '')
    .digest('hex');
}

/** The fields of an event the caller chooses; version and link follow from the state. */
export type EventFields = Pick<HistoryEvent, 'type' | 'status' | 'at' | 'actor'> & Partial<Pick<HistoryEvent, 'detail' | 'note'>>;

/** The event of the change that takes `state` to its next version, linked to the event before it. */
export function nextEvent(state: Pick<DeclarationState, 'id' | 'version' | 'lastEvent'>, fields: EventFields): HistoryEvent {
  const previous = state.lastEvent?.version === state.version ? state.lastEvent : undefined;
  return withFields(
    { declarationId: state.id, version: state.version + 1, ...(previous ? { previousHash: eventHash(previous) } : {}) },
    fields,
  );
}

/** The first event, linked to the SHA-256 of the bytes as submitted. */
export function firstEvent(declarationId: string, submittedSha256: string, fields: EventFields): HistoryEvent {
  return withFields({ declarationId, version: 1, previousHash: submittedSha256 }, fields);
}

function withFields(base: Pick<HistoryEvent, 'declarationId' | 'version' | 'previousHash'>, fields: EventFields): HistoryEvent {
  const { detail, note, ...rest } = fields;
  return { ...base, ...rest, ...(detail === undefined ? {} : { detail }), ...(note === undefined ? {} : { note }) };
}

export interface ChainCheck {
  /** INTACT: every link holds; BROKEN: one does not (`brokenAt`); UNCHAINED: events from before the chain. */
  status: 'INTACT' | 'BROKEN' | 'UNCHAINED';
  /** The version of the first event whose link does not hold. */
  brokenAt: number | null;
  /** SHA-256 of the latest event: the head a sealed document can carry. */
  head: string | null;
}

/**
 * Checks the chain of `events` (as stored, any order): consecutive versions from 1, each linking to
 * the one before, the first to `submittedSha256`, the last equal to the state's copy of it.
 */
export function checkChain(events: readonly HistoryEvent[], submittedSha256: string, latest: HistoryEvent | undefined): ChainCheck {
  const sorted = [...events].sort((a, b) => a.version - b.version);
  if (sorted.length === 0) return { status: 'BROKEN', brokenAt: 1, head: null };
  if (sorted.some((event) => event.previousHash === undefined)) return { status: 'UNCHAINED', brokenAt: null, head: null };
  for (const [index, event] of sorted.entries()) {
    const expectedLink = index === 0 ? submittedSha256 : eventHash(sorted[index - 1]!);
    if (event.version !== index + 1 || event.previousHash !== expectedLink) return { status: 'BROKEN', brokenAt: index + 1, head: null };
  }
  const last = sorted.at(-1)!;
  if (latest && latest.version === last.version && eventHash(latest) !== eventHash(last)) {
    return { status: 'BROKEN', brokenAt: last.version, head: null };
  }
  return { status: 'INTACT', brokenAt: null, head: eventHash(last) };
}
