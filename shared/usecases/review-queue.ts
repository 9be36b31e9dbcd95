/** The officer review queue: UNDER_REVIEW declarations of one lane and office, oldest first. */
import { type Principal, requireRole } from '#shared/domain/auth.ts';
import { type DeclarationSummary, toSummary } from '#shared/domain/declaration-record.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import { type DeclarationListings, InvalidCursorError } from '#shared/ports/declarations.ts';
import { FAILED_QUEUE } from './processing-failures.ts';

export interface ReviewQueueQuery {
  principal: Principal;
  lane: 'RED' | 'YELLOW' | 'FAILED';
  /** Required for RED and YELLOW; the FAILED queue is one for the whole region. */
  office?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface ReviewQueuePage {
  items: (DeclarationSummary & { lane: string | null; queuedAt: string | null; score: number | null })[];
  nextCursor: string | null;
}

export async function listReviewQueue(
  query: ReviewQueueQuery,
  deps: { repository: DeclarationListings; customsOffices: readonly string[] },
): Promise<ReviewQueuePage> {
  requireRole(query.principal, 'officer', 'admin');
  const office = query.lane === FAILED_QUEUE.lane ? FAILED_QUEUE.office : query.office;
  if (query.lane !== FAILED_QUEUE.lane && (office === undefined || !deps.customsOffices.includes(office))) {
    throw new DomainError('BAD_REQUEST', 'Unknown office', [
      problem(
        '/office',
        office === undefined ? 'REQUIRED' : 'UNKNOWN_OFFICE',
        `name an office of this region for the ${query.lane} queue: one of ${deps.customsOffices.join(', ')}`,
      ),
    ]);
  }
  try {
    const page = await deps.repository.listReviewQueue(query.lane, office as string, { limit: query.limit, cursor: query.cursor });
    return {
      items: page.items.map((record) => ({
        ...toSummary(record),
        lane: record.lane ?? null,
        queuedAt: record.queuedAt ?? null,
        score: record.risk?.score ?? null,
      })),
      nextCursor: page.nextCursor,
    };
  } catch (error) {
    if (error instanceof InvalidCursorError) {
      throw new DomainError('BAD_REQUEST', 'Invalid cursor', [
        problem('/cursor', 'INVALID_CURSOR', 'the cursor is not one this API returned for this queue'),
      ]);
    }
    throw error;
  }
}
