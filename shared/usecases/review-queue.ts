/** The officer review queue: UNDER_REVIEW declarations of one lane and office, oldest first. */
import { requireRole, type Principal } from '../domain/auth.ts';
import { toSummary, type DeclarationSummary } from '../domain/declaration-record.ts';
import { DomainError, problem } from '../domain/problems.ts';
import { InvalidCursorError, type DeclarationRepository } from './ports.ts';

export interface ReviewQueueQuery {
  principal: Principal;
  lane: 'RED' | 'YELLOW' | 'FAILED';
  office: string;
  cursor?: string | undefined;
  limit: number;
}

export interface ReviewQueuePage {
  items: (DeclarationSummary & { lane: string | null; queuedAt: string | null; score: number | null })[];
  nextCursor: string | null;
}

export async function listReviewQueue(
  query: ReviewQueueQuery,
  deps: { repository: DeclarationRepository; customsOffices: readonly string[] },
): Promise<ReviewQueuePage> {
  requireRole(query.principal, 'officer', 'admin');
  if (!deps.customsOffices.includes(query.office)) {
    throw new DomainError('BAD_REQUEST', 'Unknown office', [
      problem('/office', 'UNKNOWN_OFFICE', `office ${query.office} is not an office of this region; expected one of ${deps.customsOffices.join(', ')}`),
    ]);
  }
  try {
    const page = await deps.repository.listReviewQueue(query.lane, query.office, { limit: query.limit, cursor: query.cursor });
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
      throw new DomainError('BAD_REQUEST', 'Invalid cursor', [problem('/cursor', 'INVALID_CURSOR', 'the cursor is not one this API returned for this queue')]);
    }
    throw error;
  }
}
