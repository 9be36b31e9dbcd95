/**
 * The carriers' arrival manifests and their lines (docs/single-window.md): a manifest stored once
 * per id, each line once under its transport document, discharged once by one declaration, and
 * the declarations waiting for goods not yet reported. One DynamoDB adapter and one fake.
 */
import type { CargoLine, StoredManifest, TransportDocument } from '#shared/domain/cargo-reports.ts';
import { InvalidCursorError } from './declarations.ts';

export type CreateManifestResult = { outcome: 'created' } | { outcome: 'exists'; existing: StoredManifest };

export type PutLineResult = { outcome: 'written' } | { outcome: 'taken'; existing: CargoLine };

export type DischargeResult =
  /** Discharged now by this declaration, or before by it (a retry). */
  | { outcome: 'discharged'; line: CargoLine }
  /** Another declaration discharged it first. */
  | { outcome: 'taken'; line: CargoLine }
  | { outcome: 'missing' };

export interface ArrivalWaiter {
  declarationId: string;
  /** The declaration's version when it started waiting. */
  version: number;
}

export interface UndeclaredGoodsPage {
  items: CargoLine[];
  nextCursor: string | null;
}

export interface CargoReports {
  /** Stores a manifest unless one with its id exists (then returns that one). */
  createManifest(manifest: StoredManifest): Promise<CreateManifestResult>;
  getManifest(id: string): Promise<StoredManifest | undefined>;
  /** The stored lines of these transport documents (undefined where none is), in the same order. */
  findLines(documents: readonly TransportDocument[]): Promise<(CargoLine | undefined)[]>;
  /**
   * Writes a line under its transport document unless the document has one already ('taken', with
   * it); then, when the line is this manifest's (a retry too) and not discharged, its entry in the
   * office's undeclared goods. A line naming a UCR is indexed under it first (repeatable).
   */
  putLine(line: CargoLine): Promise<PutLineResult>;
  /**
   * The stored lines (with their discharges) that name `ucr`, by transport document, at most
   * `limit`: each line naming a UCR is indexed under it when written (docs/single-window.md).
   */
  linesByUcr(ucr: string, limit: number): Promise<CargoLine[]>;
  /** Discharges the document's line by the declaration: one conditional write, so only one declaration ever does. */
  discharge(document: TransportDocument, declarationId: string, at: string): Promise<DischargeResult>;
  /** Records that a declaration waits for the document's goods (before it looks for the line, so an arrival in between finds it). */
  awaitArrival(document: TransportDocument, waiter: ArrivalWaiter): Promise<void>;
  /** The declarations waiting for the document's goods (a bounded query of one partition). */
  waitingFor(document: TransportDocument): Promise<ArrivalWaiter[]>;
  /** The office's lines that arrived before `arrivedBefore` and are not discharged, oldest first. */
  listUndeclared(
    office: string,
    options: { arrivedBefore: string; limit: number; cursor: string | undefined },
  ): Promise<UndeclaredGoodsPage>;
}

/** Where an undeclared goods listing stands: after this entry (`<arrivedAt>#<manifest>#<line>`) of the office. */
const undeclaredPositionPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[A-Z0-9-]{1,60}#\d{4}$/;

export const undeclaredPosition = (line: Pick<CargoLine, 'arrivedAt' | 'manifestId' | 'line'>): string =>
  `${line.arrivedAt}#${line.manifestId}#${String(line.line).padStart(4, '0')}`;

export const encodeUndeclaredCursor = (office: string, position: string): string =>
  Buffer.from(JSON.stringify({ o: office, k: position })).toString('base64url');

/** The position a cursor of this office's listing names; anything else is an InvalidCursorError. */
export function decodeUndeclaredCursor(cursor: string, office: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const { o, k } = (typeof decoded === 'object' && decoded !== null ? decoded : {}) as { o?: unknown; k?: unknown };
  if (o !== office || typeof k !== 'string' || !undeclaredPositionPattern.test(k)) throw new InvalidCursorError();
  return k;
}
