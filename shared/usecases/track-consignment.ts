/**
 * GET /v1/consignments/{ucr} (docs/single-window.md, "One UCR to track a consignment"): the
 * manifest lines and declarations of one consignment, found through its UCR's index (one bounded
 * query per kind, then batch reads, never a scan), with a timeline. Customs see everything; the
 * declarant its own declarations and the lines they discharged; the carrier its lines and, of
 * every declaration, only when it was declared and released; an agency user the declarations
 * citing its permits. Anyone else, and a UCR nothing names, get the same 404: no existence oracle.
 */
import { canRead, hasRole, type Principal, requireRole } from '#shared/domain/auth.ts';
import type { CargoLine } from '#shared/domain/cargo-reports.ts';
import {
  type ConsignmentDeclaration,
  type ConsignmentLine,
  type ConsignmentTimelineEntry,
  type ConsignmentView,
  type DeclaredFact,
  MAX_CONSIGNMENT_ENTRIES,
} from '#shared/domain/consignments.ts';
import { type DeclarationState, type HistoryEvent, linksFor } from '#shared/domain/declaration-record.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { CargoReports } from '#shared/ports/cargo-reports.ts';
import type { DeclarationListings, DeclarationReader } from '#shared/ports/declarations.ts';

export interface TrackConsignmentDeps {
  repository: Pick<DeclarationReader, 'listEvents'> & Pick<DeclarationListings, 'listByUcr'>;
  cargo: Pick<CargoReports, 'linesByUcr' | 'getManifest' | 'findLines'>;
}

const notFound = (ucr: string) =>
  new DomainError('NOT_FOUND', 'Not found', [problem('', 'CONSIGNMENT_NOT_FOUND', `no consignment ${ucr} that you may see`)]);

const lineKey = (line: Pick<CargoLine, 'manifestId' | 'line'>) => `${line.manifestId}#${line.line}`;

export async function trackConsignment(query: { principal: Principal; ucr: string }, deps: TrackConsignmentDeps): Promise<ConsignmentView> {
  const { principal, ucr } = query;
  requireRole(principal, 'trader', 'carrier', 'agency', 'officer', 'admin');
  const customs = hasRole(principal, 'officer') || hasRole(principal, 'admin');
  const [states, indexedLines] = await Promise.all([
    deps.repository.listByUcr(ucr, MAX_CONSIGNMENT_ENTRIES),
    deps.cargo.linesByUcr(ucr, MAX_CONSIGNMENT_ENTRIES),
  ]);

  // canRead is GET /v1/declarations/{id}'s rule: customs all, a trader its own, an agency user those citing its permits.
  const readable = states.filter((state) =>
    canRead(
      principal,
      state.declarantId,
      (state.permits ?? []).map((permit) => permit.agencyId),
    ),
  );
  const readableIds = new Set(readable.map((state) => state.id));
  const carrierLines = hasRole(principal, 'carrier')
    ? indexedLines.filter((line) => line.carrierId === principal.partyId && line.ucr === ucr)
    : [];
  if (readable.length === 0 && carrierLines.length === 0) throw notFound(ucr);

  // The lines the readable declarations discharged (their own line may name no UCR, or another).
  const discharged = await linesDischargedBy(readable, indexedLines, deps.cargo);
  // Customs see every line; a trader the lines its declarations discharged (an agency user none).
  const tradersDeclarations = new Set(readable.filter((state) => state.declarantId === principal.partyId).map((state) => state.id));
  const visibleLines = [...indexedLines, ...discharged].filter(
    (line) =>
      customs ||
      carrierLines.includes(line) ||
      (line.dischargedBy !== undefined && tradersDeclarations.has(line.dischargedBy.declarationId)),
  );
  const manifestLines = visibleLines.map((line) => lineView(line, customs || readableIds.has(line.dischargedBy?.declarationId ?? '')));

  const histories = await Promise.all(readable.map((state) => historyOf(state, deps.repository)));
  const declarations: (ConsignmentDeclaration | DeclaredFact)[] = [];
  const timeline: ConsignmentTimelineEntry[] = [];
  states.forEach((state) => {
    const index = readable.indexOf(state);
    if (index >= 0) {
      declarations.push(declarationView(state));
      timeline.push(...(histories[index] ?? []).map((event) => eventEntry(event)));
      if (state.permitsDrawnAt !== undefined)
        for (const permit of state.permits ?? [])
          timeline.push(entry({ at: state.permitsDrawnAt, event: 'PERMIT_DRAWN', declarationId: state.id, permitId: permit.permitId }));
    } else if (carrierLines.length > 0) {
      // As GET /v1/manifests/{id} shows a carrier: that the goods were declared and released, and when, not by whom.
      declarations.push({ visibility: 'declared', submittedAt: state.submittedAt, releasedAt: state.releasedAt ?? null });
      timeline.push(entry({ at: state.submittedAt, event: 'SUBMITTED' }));
      if (state.releasedAt !== undefined) timeline.push(entry({ at: state.releasedAt, event: 'RELEASED' }));
    }
  });
  for (const line of manifestLines) {
    timeline.push(entry({ at: line.arrivedAt, event: 'ARRIVED', manifestId: line.manifestId, line: line.line }));
    if (line.dischargedBy)
      timeline.push(
        entry({
          at: line.dischargedBy.at,
          event: 'DISCHARGED',
          declarationId: line.dischargedBy.declarationId,
          manifestId: line.manifestId,
          line: line.line,
        }),
      );
  }
  // ISO times in UTC sort as strings; the sort is stable, so a declaration's events keep their order.
  timeline.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { ucr, manifestLines, declarations, timeline };
}

/**
 * The lines readable declarations discharged that the UCR's index does not hold (a line naming no
 * UCR): its manifest read for the line's transport document, then the line itself. Bounded by the
 * declarations read.
 */
async function linesDischargedBy(
  readable: readonly DeclarationState[],
  indexedLines: readonly CargoLine[],
  cargo: TrackConsignmentDeps['cargo'],
): Promise<CargoLine[]> {
  const indexed = new Set(indexedLines.map(lineKey));
  const arrivals = readable.flatMap((state) =>
    state.arrival?.discharged && !indexed.has(lineKey(state.arrival)) ? [{ id: state.id, arrival: state.arrival }] : [],
  );
  if (arrivals.length === 0) return [];
  const manifestIds = [...new Set(arrivals.map(({ arrival }) => arrival.manifestId))];
  const manifests = new Map((await Promise.all(manifestIds.map((id) => cargo.getManifest(id)))).flatMap((m) => (m ? [[m.id, m]] : [])));
  const documents = arrivals.flatMap(({ arrival }) => {
    const document = manifests.get(arrival.manifestId)?.lines[arrival.line - 1]?.transportDocument;
    return document ? [document] : [];
  });
  const lines = await cargo.findLines(documents);
  const seen = new Set<string>();
  return lines.filter((line): line is CargoLine => {
    if (!line || seen.has(lineKey(line)) || !arrivals.some(({ id }) => line.dischargedBy?.declarationId === id)) return false;
    seen.add(lineKey(line));
    return true;
  });
}

/** The declaration's history; with the state's own last event when a crash kept its item from being written. */
async function historyOf(state: DeclarationState, repository: TrackConsignmentDeps['repository']): Promise<HistoryEvent[]> {
  const events = await repository.listEvents(state.id);
  const latest = state.lastEvent;
  if (latest && latest.version === state.version && !events.some((event) => event.version === latest.version)) events.push(latest);
  return events;
}

function lineView(line: CargoLine, showDeclaration: boolean): ConsignmentLine {
  const { dischargedBy, ...rest } = line;
  return {
    ...rest,
    dischargedBy: dischargedBy ? { declarationId: showDeclaration ? dischargedBy.declarationId : null, at: dischargedBy.at } : null,
  };
}

function declarationView(state: DeclarationState): ConsignmentDeclaration {
  return {
    visibility: 'full',
    id: state.id,
    lrn: state.lrn,
    declarantId: state.declarantId,
    type: state.type,
    office: state.office,
    status: state.status,
    version: state.version,
    lane: state.lane ?? null,
    amendment: state.amendment ?? 0,
    submittedAt: state.submittedAt,
    releasedAt: state.releasedAt ?? null,
    arrival: state.arrival ?? null,
    permits: (state.permits ?? []).map(({ pointer: _pointer, ...permit }) => ({ ...permit, drawnAt: state.permitsDrawnAt ?? null })),
    links: linksFor(state.id),
  };
}

/** A history event as a reader of the declaration sees it (the officer's internal note stays in the history, for customs). */
const eventEntry = (event: HistoryEvent): ConsignmentTimelineEntry =>
  entry({ at: event.at, event: event.type, declarationId: event.declarationId, status: event.status, detail: event.detail ?? null });

const entry = (fields: Partial<ConsignmentTimelineEntry> & Pick<ConsignmentTimelineEntry, 'at' | 'event'>): ConsignmentTimelineEntry => ({
  declarationId: null,
  status: null,
  manifestId: null,
  line: null,
  permitId: null,
  detail: null,
  ...fields,
});
