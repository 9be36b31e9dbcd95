/**
 * Reading declarations. A trader sees only its own; anyone else asking for a declaration they
 * may not see gets the same answer as for one that does not exist (no existence oracle).
 */
import { canRead, hasRole, requireParty, requireRole, type Principal } from '../domain/auth.ts';
import type { DeclarationStatus } from '../domain/declaration.ts';
import { toSummary, toView, type DeclarationPage, type DeclarationView, type HistoryPage } from '../domain/declaration-record.ts';
import { DomainError, problem } from '../domain/problems.ts';
import { InvalidCursorError, type DeclarationRepository } from './ports.ts';

const notFound = (id: string) =>
  new DomainError('NOT_FOUND', 'Not found', [problem('', 'DECLARATION_NOT_FOUND', `no declaration ${id} that you may see`)]);

async function readable(repository: DeclarationRepository, principal: Principal, id: string) {
  requireRole(principal, 'trader', 'officer', 'admin');
  const record = await repository.get(id);
  if (!record || !canRead(principal, record.declarantId)) throw notFound(id);
  return record;
}

export async function getDeclaration(
  query: { principal: Principal; id: string },
  deps: { repository: DeclarationRepository },
): Promise<DeclarationView> {
  const customs = hasRole(query.principal, 'officer') || hasRole(query.principal, 'admin');
  return toView(await readable(deps.repository, query.principal, query.id), customs ? 'customs' : 'trader');
}

export async function listDeclarationEvents(
  query: { principal: Principal; id: string },
  deps: { repository: DeclarationRepository },
): Promise<HistoryPage> {
  const record = await readable(deps.repository, query.principal, query.id);
  const events = await deps.repository.listEvents(record.id);
  return {
    items: events.map(({ version, type, status, at, actor, detail }) => ({ version, type, status, at, actor, detail: detail ?? null })),
  };
}

export interface ListDeclarationsQuery {
  principal: Principal;
  /** Officers and admins name the declarant whose declarations they want; traders get their own. */
  declarant?: string | undefined;
  status?: DeclarationStatus | undefined;
  cursor?: string | undefined;
  limit: number;
}

export async function listDeclarations(
  query: ListDeclarationsQuery,
  deps: { repository: DeclarationRepository },
): Promise<DeclarationPage> {
  requireRole(query.principal, 'trader', 'officer', 'admin');
  const declarantId = hasRole(query.principal, 'trader') ? requireParty(query.principal) : query.declarant;
  if (!declarantId) {
    throw new DomainError('BAD_REQUEST', 'Declarant required', [
      problem('/declarant', 'DECLARANT_REQUIRED', 'officers list declarations of one declarant: add ?declarant=<EORI>'),
    ]);
  }
  if (query.declarant && query.declarant !== declarantId) {
    throw new DomainError('FORBIDDEN', 'Forbidden', [
      problem('/declarant', 'DECLARANT_MISMATCH', `you act for ${declarantId} and cannot list declarations of ${query.declarant}`),
    ]);
  }
  try {
    const page = await deps.repository.listByDeclarant(declarantId, { limit: query.limit, cursor: query.cursor, status: query.status });
    return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
  } catch (error) {
    if (error instanceof InvalidCursorError) {
      throw new DomainError('BAD_REQUEST', 'Invalid cursor', [
        problem('/cursor', 'INVALID_CURSOR', 'the cursor is not one this API returned for this listing'),
      ]);
    }
    throw error;
  }
}
