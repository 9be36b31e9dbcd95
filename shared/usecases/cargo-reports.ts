/**
 * Cargo reports (docs/single-window.md): a carrier reports an arrival manifest once (its id is the
 * carrier, voyage and arrival day: the same bytes again get the same receipt, other bytes a
 * conflict), its lines are written one per transport document (a document another manifest
 * reported is refused before anything is written), and the declarations waiting for those goods
 * go back to the release stage. Carriers read their own manifests; officers the goods not
 * declared in time.
 */
import { createHash } from 'node:crypto';
import { type Principal, requireParty, requireRole } from '#shared/domain/auth.ts';
import {
  type CargoLine,
  cargoLinesOf,
  type ManifestReceipt,
  type ManifestView,
  manifestIdOf,
  manifestInputSchema,
  type StoredManifest,
  type TransportDocument,
  type UndeclaredGoodsPage,
} from '#shared/domain/cargo-reports.ts';
import { parseJsonBytes } from '#shared/domain/json-text.ts';
import { DomainError, type Problem, problem } from '#shared/domain/problems.ts';
import type { CargoReports } from '#shared/ports/cargo-reports.ts';
import type { Clock } from '#shared/ports/clock.ts';
import { InvalidCursorError } from '#shared/ports/declarations.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';

export interface SubmitManifestDeps {
  cargo: CargoReports;
  /** Where waiting declarations go back to once their goods arrived. */
  releaseQueue: PipelineQueue;
  clock: Clock;
  /** The region's customs offices: a manifest names one of them. */
  customsOffices: readonly string[];
}

/** An arrival reported ahead of the clock by more than this is a keying error (clocks drift a little). */
const ARRIVAL_CLOCK_SKEW_MS = 15 * 60_000;
/** Lines written (and waiting declarations looked up) at once. */
const LINES_AT_ONCE = 10;

export const manifestLink = (id: string): string => `/v1/manifests/${id}`;

export async function submitManifest(
  command: { principal: Principal; body: Uint8Array },
  deps: SubmitManifestDeps,
): Promise<{ created: boolean; receipt: ManifestReceipt }> {
  requireRole(command.principal, 'carrier');
  const partyId = requireParty(command.principal);
  if (command.body.byteLength === 0)
    throw new DomainError('BAD_REQUEST', 'Invalid manifest', [problem('', 'BODY_REQUIRED', 'the request needs a JSON manifest body')]);
  const parsed = manifestInputSchema.safeParse(parseJsonBytes(command.body, 'Invalid manifest'), { reportInput: true });
  if (!parsed.success) throw DomainError.fromZod('BAD_REQUEST', 'Invalid manifest', parsed.error);
  const input = parsed.data;
  if (input.carrier.id !== partyId)
    throw new DomainError('FORBIDDEN', 'Forbidden', [
      problem('/carrier/id', 'CARRIER_MISMATCH', `you act for ${partyId} and cannot report for ${input.carrier.id}`),
    ]);
  const now = deps.clock.now();
  const arrivedAt = new Date(input.arrivedAt);
  const refusals: Problem[] = [];
  if (!deps.customsOffices.includes(input.office))
    refusals.push(
      problem(
        '/office',
        'UNKNOWN_OFFICE',
        `office '${input.office}' is not a customs office of this region; expected one of ${deps.customsOffices.join(', ')}`,
      ),
    );
  if (arrivedAt.getTime() > now.getTime() + ARRIVAL_CLOCK_SKEW_MS)
    refusals.push(problem('/arrivedAt', 'ARRIVAL_IN_FUTURE', `the goods cannot have arrived at ${input.arrivedAt}, later than now`));
  if (refusals.length > 0) throw new DomainError('UNPROCESSABLE', 'Manifest refused', refusals);

  const manifest: StoredManifest = {
    id: manifestIdOf(input),
    carrierId: partyId,
    carrier: input.carrier,
    transport: input.transport,
    office: input.office,
    arrivedAt: arrivedAt.toISOString(),
    reportedAt: now.toISOString(),
    sha256: createHash('sha256').update(command.body).digest('hex'),
    lines: input.lines,
  };
  // Bad input changes nothing: a transport document another manifest reported is refused first.
  const held = await deps.cargo.findLines(input.lines.map((line) => line.transportDocument));
  const reportedElsewhere = held.flatMap((line, index) => (line && line.manifestId !== manifest.id ? [{ line, index }] : []));
  if (reportedElsewhere.length > 0) throw alreadyReported(reportedElsewhere);

  const created = await deps.cargo.createManifest(manifest);
  if (created.outcome === 'exists' && created.existing.sha256 !== manifest.sha256)
    throw new DomainError('CONFLICT', 'Manifest already reported', [
      problem('', 'MANIFEST_ALREADY_REPORTED', `manifest ${manifest.id} (carrier, voyage, arrival day) was reported with other content`),
    ]);
  // The stored manifest (a retry carries on with what the first attempt stored).
  const stored = created.outcome === 'exists' ? created.existing : manifest;
  let continued = 0;
  const lines = cargoLinesOf(stored);
  for (let start = 0; start < lines.length; start += LINES_AT_ONCE) {
    const batch = lines.slice(start, start + LINES_AT_ONCE);
    const written = await Promise.all(batch.map((line) => deps.cargo.putLine(line)));
    const taken = written.flatMap((result, index) =>
      result.outcome === 'taken' && result.existing.manifestId !== stored.id ? [{ line: result.existing, index: start + index }] : [],
    );
    // Another manifest took a document since the check above (two reports at once): refused as above.
    if (taken.length > 0) throw alreadyReported(taken);
    // The line first, then who waits: a declaration records its wait before it looks for the line.
    continued += (await Promise.all(batch.map((line) => continueWaiting(line.transportDocument, deps)))).reduce((a, b) => a + b, 0);
  }
  return {
    created: created.outcome === 'created',
    receipt: { id: stored.id, lines: stored.lines.length, continued, links: { self: manifestLink(stored.id) } },
  };
}

/** Hands every declaration waiting for this document back to the release stage (idempotent there). */
async function continueWaiting(document: TransportDocument, deps: SubmitManifestDeps): Promise<number> {
  const waiters = await deps.cargo.waitingFor(document);
  await Promise.all(waiters.map((waiter) => deps.releaseQueue.send({ declarationId: waiter.declarationId, version: waiter.version })));
  return waiters.length;
}

function alreadyReported(lines: readonly { line: CargoLine; index: number }[]): DomainError {
  return new DomainError(
    'CONFLICT',
    'Transport document already reported',
    lines.map(({ line, index }) =>
      problem(
        `/lines/${index}/transportDocument`,
        'TRANSPORT_DOCUMENT_ALREADY_REPORTED',
        `transport document ${line.transportDocument.type} ${line.transportDocument.ref} was reported on manifest ${line.manifestId}`,
      ),
    ),
  );
}

/** A manifest with each line's discharge: for its carrier and customs; another carrier's does not exist for a carrier. */
export async function getManifest(command: { principal: Principal; id: string }, deps: { cargo: CargoReports }): Promise<ManifestView> {
  requireRole(command.principal, 'carrier', 'officer', 'admin');
  const carrier = !command.principal.roles.some((role) => role === 'officer' || role === 'admin');
  const party = carrier ? requireParty(command.principal) : undefined;
  const manifest = await deps.cargo.getManifest(command.id);
  if (!manifest || (carrier && manifest.carrierId !== party))
    throw new DomainError('NOT_FOUND', 'Not found', [problem('', 'MANIFEST_NOT_FOUND', `no manifest ${command.id}`)]);
  const lines = cargoLinesOf(manifest);
  const stored = await deps.cargo.findLines(lines.map((line) => line.transportDocument));
  return {
    id: manifest.id,
    carrier: manifest.carrier,
    transport: manifest.transport,
    office: manifest.office,
    arrivedAt: manifest.arrivedAt,
    reportedAt: manifest.reportedAt,
    lines: lines.map((line, index) => {
      const discharge = stored[index]?.manifestId === manifest.id ? stored[index]?.dischargedBy : undefined;
      // A carrier learns that and when its line was declared, not by which declaration (a trader's).
      return discharge ? { ...line, dischargedBy: carrier ? { declarationId: null, at: discharge.at } : discharge } : line;
    }),
  };
}

/**
 * Lines of an office that arrived longer ago than the region allows for declaring them and that
 * no declaration discharged, oldest first (officer, admin): one bounded query of the office's
 * undeclared goods, never a scan.
 */
export async function listUndeclaredGoods(
  command: { principal: Principal; office: string; limit: number; cursor: string | undefined },
  deps: { cargo: CargoReports; clock: Clock; declareWithinHours: number; customsOffices: readonly string[] },
): Promise<UndeclaredGoodsPage> {
  requireRole(command.principal, 'officer', 'admin');
  if (!deps.customsOffices.includes(command.office))
    throw new DomainError('BAD_REQUEST', 'Invalid query', [
      problem('/office', 'UNKNOWN_OFFICE', `office '${command.office}' is not a customs office of this region`),
    ]);
  const arrivedBefore = new Date(deps.clock.now().getTime() - deps.declareWithinHours * 3_600_000).toISOString();
  try {
    const page = await deps.cargo.listUndeclared(command.office, { arrivedBefore, limit: command.limit, cursor: command.cursor });
    return { office: command.office, arrivedBefore, items: page.items, nextCursor: page.nextCursor };
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw new DomainError('BAD_REQUEST', 'Invalid cursor', [
        problem('/cursor', 'INVALID_CURSOR', 'the cursor is not one this API returned for this listing'),
      ]);
    throw error;
  }
}
