/**
 * The declaration store, split by who uses it: intake claims LRNs and creates declarations, the
 * pipeline stages read and change them, readers list them, the redrive finds stalled ones. A use
 * case asks for the parts it needs; one adapter (DynamoDB) and one fake implement them all.
 */
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import type { DeclarationRecord, DeclarationState, HistoryEvent } from '#shared/domain/declaration-record.ts';
import type { DocumentUpload } from '#shared/domain/documents.ts';
import type { ReviewClaim } from '#shared/domain/review.ts';

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
  /** Put the declaration in the officer review queue (UNDER_REVIEW), or take it out (null). */
  reviewQueue?: { lane: string; office: string; queuedAt: string } | null;
  /**
   * An officer's change: applied only if no other officer holds an unexpired claim at `now`.
   * With `release`, the change also ends the claim (the declaration leaves the officer's hands).
   */
  officer?: { id: string; now: string; release?: boolean };
  /** Fields of the record to remove (an amendment starts the outcomes again). */
  clear?: readonly ClearableField[];
  /**
   * The declaration had been redriven (it has a `redriveCount`): its in-flight entry, which the
   * redrive moved later to back off, moves to this change's time, so a stall at the next stage is
   * found after the usual wait. Without it a change between in-flight statuses leaves the entry alone.
   */
  restartStallWait?: boolean;
  /**
   * Keep the state as it is before this change as amendment `n` (readable with `getAmendment`):
   * the earlier body and outcomes stay in the history when a trader amends.
   */
  archiveCurrentAs?: number;
  /** Fields of the record to set along with status and version. */
  set: Partial<
    Pick<
      DeclarationRecord,
      | Exclude<ClearableField, 'claim'>
      | 'lastEvent'
      | 'cancellation'
      /** With `submission`: the body now archived there (the adapter reads it back from the archive). */
      | 'declaration'
      | 'submission'
      | 'amendment'
      | 'originalSha256'
      | 'type'
      | 'office'
      | 'documents'
      | 'duties'
      | 'arrival'
      | 'permitsDrawnAt'
    >
  >;
}

/** Outcomes a change may clear (an amendment clears them all); a transition may set them too, but the claim. */
export type ClearableField =
  | 'signature'
  | 'validation'
  | 'risk'
  | 'riskScore'
  | 'lane'
  | 'assessment'
  | 'assessmentProblems'
  | 'releasedAt'
  | 'queuedAt'
  | 'failure'
  | 'decision'
  | 'inspection'
  | 'reassessment'
  | 'amountDue'
  | 'duties'
  | 'permits'
  | 'claim';

/** A place in an officers' queue: the entry's queue time and declaration id (its sort key). */
export interface QueuePosition {
  queuedAt: string;
  id: string;
}

export type ClaimResult =
  | { outcome: 'claimed'; claim: ReviewClaim }
  /** Another officer holds an unexpired claim. */
  | { outcome: 'held'; claim: ReviewClaim }
  | { outcome: 'not-reviewable'; status: DeclarationStatus }
  | { outcome: 'not-found' };

/** An entry of the in-flight index: the declaration's id only (the redrive reads its state item). */
export interface StalledDeclaration {
  id: string;
}

/** Intake: one declaration per declarant and LRN. */
export interface LrnRegistry {
  /** Claims the declarant's LRN for a declaration; fails with the existing claim if taken. */
  claimLrn(claim: LrnClaim): Promise<ClaimLrnResult>;
  /**
   * Moves an LRN claim whose declaration was never stored to a new one, only if it still is the
   * claim `previous` (same declaration id and claim time).
   */
  reassignLrn(previous: LrnClaim, next: LrnClaim): Promise<boolean>;
}

/** One declaration, read by id. */
export interface DeclarationReader {
  /** The declaration with its body (read from the archive) and every stage output. */
  get(id: string): Promise<DeclarationRecord | undefined>;
  /**
   * The declaration's state only: no body, no risk outcome, no assessment (for access checks and
   * history). Read strongly consistent unless `read.consistent` is false (half the read units; it
   * may be a moment behind the last write, never ahead of what was written).
   */
  getState(id: string, read?: { consistent: boolean }): Promise<DeclarationState | undefined>;
  /** Its history, oldest first. */
  listEvents(declarationId: string): Promise<HistoryEvent[]>;
  /**
   * The history event of `version`, if stored: read strongly consistent unless `read.consistent`
   * is false (half the read units; an event just stored may not show yet).
   */
  getEvent(declarationId: string, version: number, read?: { consistent: boolean }): Promise<HistoryEvent | undefined>;
  /** Whether the history event of `version` is stored (read consistently). */
  hasEvent(declarationId: string, version: number): Promise<boolean>;
  /**
   * The declaration as `get` reads it, and its history events from `fromVersion` on: one
   * consistent read of both, for a stage that must store the previous change's event if it is
   * missing (pipeline-stage.ts), or the documents worker that needs the whole history, without a
   * read of their own.
   */
  getWithEvents(id: string, fromVersion: number, copy?: SubmittedCopy): Promise<RecordWithEvents | undefined>;
  /** The declaration as it stood as amendment `n` (0: as first submitted), body and outcomes; undefined if there is none. */
  getAmendment(id: string, n: number): Promise<DeclarationRecord | undefined>;
}

/** A declaration and its history events stored from version `eventsFrom` on, oldest first (as one read saw them). */
export interface RecordWithEvents {
  record: DeclarationRecord;
  eventsFrom: number;
  events: HistoryEvent[];
  /** The copy given, when it was the body (within the limit, the submission's SHA-256): what the next message carries on. */
  submittedText?: string;
}

/**
 * A copy of the submitted bytes a message carried (PipelineMessage `submittedText`): used instead
 * of the archive only when its SHA-256 is the declaration's `submission.sha256`.
 */
export interface SubmittedCopy {
  text?: string | undefined;
}

/** Changes to declarations: each one conditional, each one recorded in the history. */
export interface DeclarationWriter {
  /** Stores a new declaration; false if one with this id exists already. */
  create(record: DeclarationRecord): Promise<boolean>;
  /** Applies a state change only if the record is still at `from` / `expectedVersion`. */
  transition(change: Transition): Promise<'applied' | 'conflict'>;
  /** Appends a history event; false if the event for that version exists already. */
  appendEvent(event: HistoryEvent): Promise<boolean>;
  /**
   * Sets a one-time marker (e.g. 'riskCountedAt') of a declaration that exists; false if it was set
   * before. Not a state change: it is an item of its own beside the state item (a small write).
   */
  markOnce(id: string, marker: string, at: string): Promise<boolean>;
}

/** Officers' claims: one officer at a time works on a declaration, until the claim expires. */
export interface ReviewClaims {
  /**
   * Claims the declaration for `claim.officerId` if it is in one of `reviewable` and no other
   * officer holds an unexpired claim (at `claim.claimedAt`); the same officer renews it. Not a
   * state change: the version stays, so a decision prepared before the claim still applies.
   */
  claim(id: string, claim: ReviewClaim, reviewable: readonly DeclarationStatus[]): Promise<ClaimResult>;
  /** Ends the officer's own claim; false if they do not hold it. */
  releaseClaim(id: string, officerId: string): Promise<boolean>;
}

/** Listings for traders, officers and administrators: one page at a time, with opaque cursors. */
export interface DeclarationListings {
  /**
   * Declarations submitted on one UTC day (YYYY-MM-DD), newest first, with their bodies; with
   * `status` only those in it. Those whose body cannot be read are left out and counted.
   */
  listByDay(
    day: string,
    options: { limit: number; cursor: string | undefined; status?: DeclarationStatus | undefined },
  ): Promise<Page<DeclarationRecord> & { unreadable: number }>;
  /**
   * Declarations in the officers' queue of one lane and office (UNDER_REVIEW and HELD; the FAILED
   * queue: PROCESSING_FAILED), oldest first, up to `limit` after `after`. The review use case
   * merges several queues into one page, so it pages by position rather than by opaque cursor.
   */
  listReviewQueue(
    lane: string,
    office: string,
    /** `before`: only those queued strictly before this ISO time (a prefix of the queue: the ones waiting longest). */
    options: { limit: number; after?: QueuePosition | undefined; before?: string | undefined },
  ): Promise<DeclarationState[]>;
  /** How many declarations one lane and office's queue holds. */
  countReviewQueue(lane: string, office: string): Promise<number>;
  /**
   * The declarations whose UCR is `ucr`, oldest first, at most `limit` (their consignment's index,
   * written at intake before the declaration: docs/single-window.md). Declarations stored before
   * the index existed are not in it.
   */
  listByUcr(ucr: string, limit: number): Promise<DeclarationState[]>;
  /** A declarant's declarations, newest first, optionally in one status. */
  listByDeclarant(
    declarantId: string,
    options: { limit: number; cursor: string | undefined; status: DeclarationStatus | undefined },
  ): Promise<Page<DeclarationState>>;
}

/** The redrive: finds declarations whose pipeline stage went quiet. */
export interface StalledDeclarations {
  /**
   * Declarations in the pipeline (SUBMITTED, VALIDATED, SCORED, ASSESSED) whose in-flight entry is
   * due before `before`: they entered the pipeline (or were last redriven or deferred) before it.
   * Whether they changed since is for the caller to read. `failedShards`: parts of the index that
   * could not be read this time (the rest is returned).
   */
  listStalled(before: string, limit: number): Promise<{ items: StalledDeclaration[]; failedShards: number }>;
  /**
   * Records a redrive of a stalled declaration still at `version`: moves it back in the in-flight
   * index (so others get their turn) and counts it; past `maxRedrives` it answers 'gave-up' (the
   * declaration stays in the index until a change, such as PROCESSING_FAILED, takes it out).
   */
  noteRedrive(id: string, version: number, at: string, maxRedrives: number): Promise<'redrive' | 'gave-up' | 'moved-on'>;
  /**
   * Moves the in-flight entry of a declaration still at `version` to `dueAt` without counting a
   * redrive: it is moving (it changed since the entry's time), so the redrive looks again once it
   * has been quiet long enough. False if it changed meanwhile or left the pipeline.
   */
  deferStalled(id: string, version: number, dueAt: string): Promise<boolean>;
}

/** The outcome of checking an uploaded document: it counts (RECEIVED) or not (REFUSED, with the reason). */
export type UploadSettlement = { status: 'RECEIVED'; at: string } | { status: 'REFUSED'; at: string; reason: string };

/**
 * Uploads of documents a trader answers a document request with: one record per upload URL handed
 * out, PENDING until the worker has checked the bytes that arrived, then RECEIVED or REFUSED once.
 * Not state changes of the declaration: its version stays (the document it receives is one).
 */
export interface DocumentUploadRecords {
  /** Records a pending upload; false if one with this document id exists already. */
  recordUpload(upload: DocumentUpload): Promise<boolean>;
  getUpload(declarationId: string, documentId: string): Promise<DocumentUpload | undefined>;
  /** Every upload of the declaration, oldest first. */
  listUploads(declarationId: string): Promise<DocumentUpload[]>;
  /** Settles a PENDING upload; false if it is not pending (settled before, or unknown). */
  settleUpload(declarationId: string, documentId: string, settlement: UploadSettlement): Promise<boolean>;
}

/** Everything the adapter and the fake implement. */
export interface DeclarationRepository
  extends LrnRegistry,
    DeclarationReader,
    DeclarationWriter,
    DeclarationListings,
    StalledDeclarations,
    ReviewClaims,
    DocumentUploadRecords {}

export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
    this.name = 'InvalidCursorError';
  }
}
