/**
 * Reading declarations. A trader sees only its own, an agency user only those citing a permit of
 * its agency (as a trader sees them, without customs' notes); anyone else asking for a declaration
 * they may not see gets the same answer as for one that does not exist (no existence oracle).
 */
import { canRead, hasRole, type Principal, requireParty, requireRole } from '#shared/domain/auth.ts';
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import {
  type DeclarationPage,
  type DeclarationState,
  type DeclarationView,
  type HistoryPage,
  toHistoryView,
  toSummary,
  toView,
} from '#shared/domain/declaration-record.ts';
import { checkChain } from '#shared/domain/history.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import {
  type DeclarationListings,
  type DeclarationReader,
  type DocumentUploadRecords,
  InvalidCursorError,
} from '#shared/ports/declarations.ts';

/** Officers and admins read as customs; everyone else as the trader. */
const audienceOf = (principal: Principal) => (hasRole(principal, 'officer') || hasRole(principal, 'admin') ? 'customs' : 'trader');

const notFound = (id: string) =>
  new DomainError('NOT_FOUND', 'Not found', [problem('', 'DECLARATION_NOT_FOUND', `no declaration ${id} that you may see`)]);

/** The declaration's state, if the principal may see it (others get the same 404 as for none). */
async function readableState(
  repository: DeclarationReader & DeclarationListings,
  principal: Principal,
  id: string,
): Promise<DeclarationState> {
  requireRole(principal, 'trader', 'officer', 'admin', 'agency');
  const state = await repository.getState(id);
  const citedAgencies = (state?.permits ?? []).map((permit) => permit.agencyId);
  if (!state || !canRead(principal, state.declarantId, citedAgencies)) throw notFound(id);
  return state;
}

export async function getDeclaration(
  query: { principal: Principal; id: string },
  deps: { repository: DeclarationReader & DeclarationListings & Pick<DocumentUploadRecords, 'listUploads'> },
): Promise<DeclarationView> {
  const audience = audienceOf(query.principal);
  // Checked on the state first: a declaration the caller may not see costs no archive read.
  const state = await readableState(deps.repository, query.principal, query.id);
  // The documents the trader uploaded in answer to document requests, each with its status.
  const uploads = await deps.repository.listUploads(query.id);
  try {
    const record = await deps.repository.get(query.id);
    if (!record) throw notFound(query.id);
    return toView(record, audience, uploads);
  } catch (error) {
    // Its state is still shown when its body or parts cannot be read (a PROCESSING_FAILED
    // declaration whose archived bytes are missing must still show that it failed).
    if (error instanceof DomainError) throw error;
    return toView({ ...state, declaration: null, assessment: undefined }, audience, uploads);
  }
}

/** GET /v1/declarations/{id}/amendments/{n}: the declaration as it stood as amendment n (0: as first submitted). */
export async function getDeclarationAmendment(
  query: { principal: Principal; id: string; amendment: number },
  deps: { repository: DeclarationReader & DeclarationListings },
): Promise<DeclarationView> {
  await readableState(deps.repository, query.principal, query.id);
  const record = await deps.repository.getAmendment(query.id, query.amendment);
  if (!record) {
    throw new DomainError('NOT_FOUND', 'Not found', [
      problem('', 'AMENDMENT_NOT_FOUND', `declaration ${query.id} has no amendment ${query.amendment}`),
    ]);
  }
  return toView(record, audienceOf(query.principal));
}

export async function listDeclarationEvents(
  query: { principal: Principal; id: string },
  deps: { repository: DeclarationReader & DeclarationListings },
): Promise<HistoryPage> {
  const record = await readableState(deps.repository, query.principal, query.id);
  const events = await deps.repository.listEvents(record.id);
  // The state item carries the event of its latest change: if a crash stopped that event's own
  // item from being written (and no later step wrote it), the history still says what the state says.
  const latest = record.lastEvent;
  if (latest && latest.version === record.version && !events.some((event) => event.version === latest.version)) events.push(latest);
  return {
    items: events.map((event) => toHistoryView(event, audienceOf(query.principal))),
    // The chain starts at the bytes first submitted (an amendment's body came later).
    chain: checkChain(events, record.originalSha256 ?? record.submission.sha256, latest),
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
  deps: { repository: DeclarationReader & DeclarationListings },
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
