/**
 * The officers' review queue: declarations waiting for an officer (UNDER_REVIEW, or HELD by one),
 * RED before YELLOW and each oldest first, over every review lane and the region's offices unless
 * the officer narrows it to one lane or office, or to those waiting longer than some hours; or the
 * region's one queue of declarations that could not be processed (lane FAILED). Each queue
 * (lane x office) is its own index partition; a page merges them by (lane priority, queue time),
 * and the cursor records where each queue stands.
 *
 * Paging stays consistent: within one queue the lane is fixed, so each queue's own order (queue
 * time, id) agrees with the page order, and merging the next `limit` of every queue and keeping
 * the first `limit` of them is an exact k-way merge whatever the order between queues. The age
 * filter is a bound on each queue's read: those waiting longer than N hours are a prefix of each
 * oldest-first queue.
 */
import * as z from 'zod';
import { type Principal, requireRole } from '#shared/domain/auth.ts';
import type { DeclarationState } from '#shared/domain/declaration-record.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import { type queueLanes, type ReviewQueuePage, reviewLanes, toReviewEntry } from '#shared/domain/review-views.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationListings, QueuePosition } from '#shared/ports/declarations.ts';
import { FAILED_QUEUE } from './processing-failures.ts';

export interface ReviewQueueQuery {
  principal: Principal;
  /** One lane only; without it every review lane (RED and YELLOW). FAILED: the region's failed declarations. */
  lane?: (typeof queueLanes)[number] | undefined;
  /** One office only; without it every office of the region. Ignored for FAILED. */
  office?: string | undefined;
  /** Only those waiting longer than this many hours (queued, or failed, before now minus that). */
  minAgeHours?: number | undefined;
  cursor?: string | undefined;
  limit: number;
}

export const notFound = (id: string) =>
  new DomainError('NOT_FOUND', 'Not found', [problem('', 'DECLARATION_NOT_FOUND', `no declaration ${id}`)]);

const invalidCursor = () =>
  new DomainError('BAD_REQUEST', 'Invalid cursor', [
    problem('/cursor', 'INVALID_CURSOR', 'the cursor is not one this API returned for this queue and these filters'),
  ]);

interface Queue {
  lane: string;
  office: string;
}
const queueKey = ({ lane, office }: Queue) => `${lane}#${office}`;

/** Where each queue of the listing stands: after a position, or done. */
const cursorSchema = z.record(
  z.string().regex(/^[A-Z]{2,8}#[A-Z0-9]{2,9}$/),
  z.union([
    z.literal('done'),
    z.strictObject({
      queuedAt: z.string().regex(/^[0-9T:.Z-]{1,40}$/),
      id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/),
    }),
  ]),
);
type Positions = Record<string, QueuePosition | 'done'>;

export async function listReviewQueue(
  query: ReviewQueueQuery,
  deps: { repository: DeclarationListings; customsOffices: readonly string[]; clock: Clock },
): Promise<ReviewQueuePage> {
  requireRole(query.principal, 'officer', 'admin');
  const queues = queuesOf(query, deps.customsOffices);
  const positions = query.cursor === undefined ? {} : decodeCursor(query.cursor, queues);

  const before =
    query.minAgeHours === undefined ? undefined : new Date(deps.clock.now().getTime() - query.minAgeHours * 3_600_000).toISOString();

  // Up to `limit` from each queue not yet done; the page is the first `limit` of them all.
  const fetched = await Promise.all(
    queues.map(async (queue) => {
      const position = positions[queueKey(queue)];
      if (position === 'done') return { queue, items: [] };
      const items = await deps.repository.listReviewQueue(queue.lane, queue.office, { limit: query.limit, after: position, before });
      return { queue, items };
    }),
  );
  const candidates = fetched
    .flatMap(({ queue, items }) => items.map((state) => ({ queue, state, queuedAt: queueTime(queue, state) })))
    .map((entry) => ({ ...entry, sortKey: `${lanePriority(entry.queue.lane)}#${entry.queuedAt}#${entry.state.id}` }))
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  const page = candidates.slice(0, query.limit);

  const next: Positions = {};
  for (const { queue, items } of fetched) {
    const key = queueKey(queue);
    const taken = page.filter((entry) => queueKey(entry.queue) === key);
    const last = taken.at(-1);
    // Done when this queue gave fewer than asked and every one of them is on the page.
    const exhausted = items.length < query.limit && taken.length === items.length;
    const position = positions[key];
    if (exhausted) next[key] = 'done';
    else if (last) next[key] = { queuedAt: last.queuedAt, id: last.state.id };
    else if (position !== undefined) next[key] = position;
    // else: none of it reached this page yet; it starts from its beginning next time
  }
  const finished = queues.every((queue) => next[queueKey(queue)] === 'done');

  const counts: Record<string, number> = {};
  const perQueue = await Promise.all(queues.map((queue) => deps.repository.countReviewQueue(queue.lane, queue.office)));
  queues.forEach((queue, index) => {
    counts[queue.lane] = (counts[queue.lane] ?? 0) + (perQueue[index] ?? 0);
  });

  return {
    items: page.map(({ state }) => toReviewEntry(state)),
    nextCursor: finished ? null : Buffer.from(JSON.stringify(next)).toString('base64url'),
    counts,
  };
}

/** RED (physical inspection) before YELLOW (documentary check); one digit, so the keys compare as strings. */
const lanePriority = (lane: string): number => (lane === 'RED' ? 0 : lane === 'YELLOW' ? 1 : 2);

/** The entry's sort key time in its queue: when it was queued for review, or when it failed. */
function queueTime(queue: Queue, state: DeclarationState): string {
  return (queue.lane === FAILED_QUEUE.lane ? state.failure?.at : state.queuedAt) ?? '';
}

function queuesOf(query: ReviewQueueQuery, customsOffices: readonly string[]): Queue[] {
  if (query.lane === FAILED_QUEUE.lane) return [FAILED_QUEUE];
  if (query.office !== undefined && !customsOffices.includes(query.office)) {
    throw new DomainError('BAD_REQUEST', 'Unknown office', [
      problem('/office', 'UNKNOWN_OFFICE', `name an office of this region: one of ${customsOffices.join(', ')}`),
    ]);
  }
  const lanes = query.lane === undefined ? reviewLanes : [query.lane];
  const offices = query.office === undefined ? customsOffices : [query.office];
  return lanes.flatMap((lane) => offices.map((office) => ({ lane, office })));
}

/** A cursor of this listing: every queue it names is one of this listing's (no peeking elsewhere). */
function decodeCursor(cursor: string, queues: readonly Queue[]): Positions {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success) throw invalidCursor();
  const allowed = new Set(queues.map(queueKey));
  if (Object.keys(parsed.data).some((key) => !allowed.has(key))) throw invalidCursor();
  return parsed.data;
}
