/**
 * Ports: what the use cases need from the outside world. Use cases receive these as arguments
 * and never import adapters; each handler wires the real AWS adapters in, tests may wire the
 * same adapters against the local cloud.
 */

import type { DeclarationStatus } from '../domain/declaration.ts';
import type { DeclarationRecord, DeclarationState, HistoryEvent, PipelineMessage } from '../domain/declaration-record.ts';

export interface LrnClaim {
  declarantId: string;
  lrn: string;
  declarationId: string;
  sha256: string;
  /** When the claim was made: a claim whose declaration is missing is only taken over once stale. */
  claimedAt: string;
}

export type ClaimLrnResult = { outcome: 'claimed' } | { outcome: 'taken'; existing: LrnClaim };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Transition {
  id: string;
  from: DeclarationStatus;
  expectedVersion: number;
  to: DeclarationStatus;
  at: string;
  /** Fields of the record to set along with status and version. */
  /** Put the declaration in the officer review queue (UNDER_REVIEW), or take it out (null). */
  reviewQueue?: { lane: string; office: string; queuedAt: string } | null;
  set: Partial<
    Pick<
      DeclarationRecord,
      'validation' | 'risk' | 'lane' | 'assessment' | 'assessmentProblems' | 'releasedAt' | 'queuedAt' | 'lastEvent' | 'failure'
    >
  >;
}

export interface StalledDeclaration {
  id: string;
  version: number;
  status: DeclarationStatus;
}

export interface DeclarationRepository {
  /** Claims the declarant's LRN for a declaration; fails with the existing claim if taken. */
  claimLrn(claim: LrnClaim): Promise<ClaimLrnResult>;
  /**
   * Moves an LRN claim whose declaration was never stored to a new one, only if it still is the
   * claim `previous` (same declaration id and claim time).
   */
  reassignLrn(previous: LrnClaim, next: LrnClaim): Promise<boolean>;
  /** Stores a new declaration; false if one with this id exists already. */
  create(record: DeclarationRecord): Promise<boolean>;
  /** The declaration with its body (read from the archive) and every stage output. */
  get(id: string): Promise<DeclarationRecord | undefined>;
  /** The declaration's state only: no body, no assessment (for access checks and history). */
  getState(id: string): Promise<DeclarationState | undefined>;
  /** Declarations in the pipeline (SUBMITTED, VALIDATED, SCORED, ASSESSED) whose last change is older than `before`. */
  /** `failedShards`: parts of the index that could not be read this time (the rest is returned). */
  listStalled(before: string, limit: number): Promise<{ items: StalledDeclaration[]; failedShards: number }>;
  /**
   * Declarations submitted on one UTC day (YYYY-MM-DD), newest first, with their bodies; with
   * `status` only those in it. Those whose body cannot be read are left out and counted.
   */
  listByDay(
    day: string,
    options: { limit: number; cursor: string | undefined; status?: DeclarationStatus | undefined },
  ): Promise<Page<DeclarationRecord> & { unreadable: number }>;
  /** UNDER_REVIEW declarations of one lane and office, oldest first. */
  listReviewQueue(lane: string, office: string, options: { limit: number; cursor: string | undefined }): Promise<Page<DeclarationState>>;
  listByDeclarant(
    declarantId: string,
    options: { limit: number; cursor: string | undefined; status: DeclarationStatus | undefined },
  ): Promise<Page<DeclarationState>>;
  /** Applies a state change only if the record is still at `from` / `expectedVersion`. */
  transition(change: Transition): Promise<'applied' | 'conflict'>;
  /**
   * Records a redrive of a stalled declaration still at `version`: moves it back in the in-flight
   * index (so others get their turn) and counts it; past `maxRedrives` it answers 'gave-up' (the
   * declaration stays in the index until a change, such as PROCESSING_FAILED, takes it out).
   */
  noteRedrive(id: string, version: number, at: string, maxRedrives: number): Promise<'redrive' | 'gave-up' | 'moved-on'>;
  /** Sets a one-time marker (e.g. 'riskCountedAt') on a declaration; false if it was set before. */
  markOnce(id: string, marker: string, at: string): Promise<boolean>;
  /** Appends a history event; false if the event for that version exists already. */
  appendEvent(event: HistoryEvent): Promise<boolean>;
  listEvents(declarationId: string): Promise<HistoryEvent[]>;
}

export interface PipelineQueue {
  send(message: PipelineMessage): Promise<void>;
}

export interface StoredDocument {
  bucket: string;
  key: string;
  versionId: string | undefined;
}

export interface DocumentArchive {
  put(document: { key: string; body: Uint8Array; contentType: string; sha256: string }): Promise<StoredDocument>;
}

/**
 * Reads archived bytes back, checked against the SHA-256 recorded when they were stored: the
 * pipeline works from exactly what the trader submitted, and a changed object is an error.
 */
export interface ArchiveReader {
  read(document: { key: string; versionId?: string | undefined; sha256: string }): Promise<Uint8Array>;
}

export class ArchiveIntegrityError extends Error {
  constructor(key: string) {
    super(`archived document ${key} does not match the SHA-256 recorded for it`);
    this.name = 'ArchiveIntegrityError';
  }
}

export interface Clock {
  now(): Date;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
    this.name = 'InvalidCursorError';
  }
}
