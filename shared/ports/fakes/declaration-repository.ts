/**
 * In-memory declaration repository, for use-case tests that need no local cloud. The contract suite (tests/contract)
 * runs the same checks against it and against the adapter on the local cloud, so a use-case test
 * on the fake says something true about the platform.
 */
import { createHash } from 'node:crypto';
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import { type DeclarationRecord, type DeclarationState, type HistoryEvent, submittedCopyBytes } from '#shared/domain/declaration-record.ts';
import type { DocumentUpload } from '#shared/domain/documents.ts';
import type { ReviewClaim } from '#shared/domain/review.ts';
import {
  type ClaimLrnResult,
  type ClaimResult,
  type DeclarationRepository,
  InvalidCursorError,
  type LrnClaim,
  type Page,
  type QueuePosition,
  type RecordWithEvents,
  type StalledDeclaration,
  type SubmittedCopy,
  type Transition,
  type UploadSettlement,
} from '#shared/ports/declarations.ts';

const inFlight: readonly DeclarationStatus[] = ['SUBMITTED', 'VALIDATED', 'SCORED', 'ASSESSED'];

interface Stored {
  record: DeclarationRecord;
  inFlightSk: string | undefined;
  reviewQueue: { lane: string; office: string; queuedAt: string } | undefined;
  redriveCount: number;
  markers: Set<string>;
}

const clone = <T>(value: T): T => structuredClone(value);

/** As the adapter's condition: no claim, the officer's own, or one expired before `now`. */
const claimFreeFor = (claim: ReviewClaim | undefined, officerId: string, now: string): boolean =>
  claim === undefined || claim.officerId === officerId || claim.until < now;
const stateOf = ({
  declaration: _body,
  assessment: _assessment,
  reassessment: _reassessment,
  risk: _risk,
  ...state
}: DeclarationRecord): DeclarationState => clone(state);

export class InMemoryDeclarationRepository implements DeclarationRepository {
  readonly #items = new Map<string, Stored>();
  readonly #claims = new Map<string, LrnClaim>();
  readonly #events = new Map<string, Map<number, HistoryEvent>>();
  readonly #amendments = new Map<string, DeclarationRecord>();

  async getAmendment(id: string, n: number): Promise<DeclarationRecord | undefined> {
    const kept = this.#amendments.get(`${id}#${n}`);
    if (kept) return clone(kept);
    const current = this.#items.get(id)?.record;
    return current && (current.amendment ?? 0) === n ? clone(current) : undefined;
  }
  readonly #uploads = new Map<string, Map<string, DocumentUpload>>();

  async claimLrn(claim: LrnClaim): Promise<ClaimLrnResult> {
    const key = `${claim.declarantId}#${claim.lrn}`;
    const existing = this.#claims.get(key);
    if (existing) return { outcome: 'taken', existing: clone(existing) };
    this.#claims.set(key, clone(claim));
    return { outcome: 'claimed' };
  }

  async reassignLrn(previous: LrnClaim, next: LrnClaim): Promise<boolean> {
    const key = `${previous.declarantId}#${previous.lrn}`;
    const current = this.#claims.get(key);
    if (!current || current.declarationId !== previous.declarationId || current.claimedAt !== previous.claimedAt) return false;
    this.#claims.set(key, { ...current, declarationId: next.declarationId, sha256: next.sha256, claimedAt: next.claimedAt });
    return true;
  }

  async create(record: DeclarationRecord): Promise<boolean> {
    if (this.#items.has(record.id)) return false;
    const inFlightSk = inFlight.includes(record.status) ? `${record.updatedAt}#${record.id}` : undefined;
    this.#items.set(record.id, { record: clone(record), inFlightSk, reviewQueue: undefined, redriveCount: 0, markers: new Set() });
    return true;
  }

  async get(id: string): Promise<DeclarationRecord | undefined> {
    const stored = this.#items.get(id);
    return stored ? { ...clone(stored.record), ...(stored.redriveCount > 0 ? { redriveCount: stored.redriveCount } : {}) } : undefined;
  }

  /** Always as stored now: an eventually consistent read may be behind, and callers must be right either way. */
  async getState(id: string, _read?: { consistent: boolean }): Promise<DeclarationState | undefined> {
    const stored = this.#items.get(id);
    return stored ? { ...stateOf(stored.record), ...(stored.redriveCount > 0 ? { redriveCount: stored.redriveCount } : {}) } : undefined;
  }

  async listStalled(before: string, limit: number): Promise<{ items: StalledDeclaration[]; failedShards: number }> {
    const items = [...this.#items.values()]
      .filter((stored) => stored.inFlightSk !== undefined && stored.inFlightSk < before)
      .sort((a, b) => (a.inFlightSk ?? '').localeCompare(b.inFlightSk ?? ''))
      .slice(0, limit)
      .map(({ record }) => ({ id: record.id }));
    return { items, failedShards: 0 };
  }

  async listByDay(
    day: string,
    options: { limit: number; cursor: string | undefined; status?: DeclarationStatus | undefined },
  ): Promise<Page<DeclarationRecord> & { unreadable: number }> {
    const page = this.#page(
      `DAY#${day}`,
      (stored) => stored.record.submittedAt.startsWith(day),
      (stored) => `${stored.record.submittedAt}#${stored.record.id}`,
      {
        ...options,
        newestFirst: true,
      },
    );
    return { items: page.items.map((stored) => clone(stored.record)), nextCursor: page.nextCursor, unreadable: 0 };
  }

  async listReviewQueue(
    lane: string,
    office: string,
    options: { limit: number; after?: QueuePosition | undefined; before?: string | undefined },
  ): Promise<DeclarationState[]> {
    const after = options.after ? `${options.after.queuedAt}#${options.after.id}` : undefined;
    const { before } = options;
    return this.#queue(lane, office)
      .filter((entry) => after === undefined || entry.sk > after)
      .filter((entry) => before === undefined || entry.sk < before)
      .slice(0, options.limit)
      .map((entry) => stateOf(entry.stored.record));
  }

  async countReviewQueue(lane: string, office: string): Promise<number> {
    return this.#queue(lane, office).length;
  }

  /** One lane and office's queue in sort-key order (byte order, as DynamoDB sorts). */
  #queue(lane: string, office: string): { stored: Stored; sk: string }[] {
    return [...this.#items.values()]
      .filter((stored) => stored.reviewQueue?.lane === lane && stored.reviewQueue.office === office)
      .map((stored) => ({ stored, sk: `${stored.reviewQueue?.queuedAt}#${stored.record.id}` }))
      .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
  }

  async listByUcr(ucr: string, limit: number): Promise<DeclarationState[]> {
    return [...this.#items.values()]
      .filter((stored) => stored.record.ucr === ucr)
      .sort((a, b) => (a.record.id < b.record.id ? -1 : 1))
      .slice(0, limit)
      .map((stored) => stateOf(stored.record));
  }

  async listByDeclarant(
    declarantId: string,
    options: { limit: number; cursor: string | undefined; status: DeclarationStatus | undefined },
  ): Promise<Page<DeclarationState>> {
    const page = this.#page(
      `PARTY#${declarantId}`,
      (stored) => stored.record.declarantId === declarantId,
      (stored) => `${stored.record.submittedAt}#${stored.record.id}`,
      {
        ...options,
        newestFirst: true,
      },
    );
    return { items: page.items.map((stored) => stateOf(stored.record)), nextCursor: page.nextCursor };
  }

  /** One page of a partition; cursors name their partition and the last sort key, like the adapter's. */
  #page(
    partition: string,
    belongs: (stored: Stored) => boolean,
    sortKey: (stored: Stored) => string,
    options: { limit: number; cursor: string | undefined; status?: DeclarationStatus | undefined; newestFirst: boolean },
  ): { items: Stored[]; nextCursor: string | null } {
    let after: string | undefined;
    if (options.cursor !== undefined) {
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(options.cursor, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidCursorError();
      }
      const { partition: cursorPartition, sk } = (decoded ?? {}) as { partition?: unknown; sk?: unknown };
      if (cursorPartition !== partition || typeof sk !== 'string' || sk === '' || sk.length > 1024) throw new InvalidCursorError();
      after = sk;
    }
    const all = [...this.#items.values()].filter(belongs).sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    if (options.newestFirst) all.reverse();
    const start =
      after === undefined ? 0 : all.findIndex((stored) => (options.newestFirst ? sortKey(stored) < after : sortKey(stored) > after));
    const window = start < 0 ? [] : all.slice(start, start + options.limit);
    // As DynamoDB: the filter applies after the limit, and a full page has a cursor (even at the end).
    const items = options.status ? window.filter((stored) => stored.record.status === options.status) : window;
    const last = window.at(-1);
    const nextCursor =
      last && window.length === options.limit ? Buffer.from(JSON.stringify({ partition, sk: sortKey(last) })).toString('base64url') : null;
    return { items, nextCursor };
  }

  async transition(change: Transition): Promise<'applied' | 'conflict'> {
    const stored = this.#items.get(change.id);
    if (!stored || stored.record.version !== change.expectedVersion || stored.record.status !== change.from) return 'conflict';
    if (change.officer && !claimFreeFor(stored.record.claim, change.officer.id, change.officer.now)) return 'conflict';
    if (change.archiveCurrentAs !== undefined) this.#amendments.set(`${change.id}#${change.archiveCurrentAs}`, clone(stored.record));
    const record = { ...stored.record, ...clone(change.set), status: change.to, version: change.expectedVersion + 1, updatedAt: change.at };
    if (change.officer?.release) delete record.claim;
    for (const field of change.clear ?? []) delete record[field];
    stored.record = record;
    // As the adapter: the in-flight entry is written on entering the pipeline, kept between stages
    // (unless a redrive had backed it off), removed on leaving.
    if (!inFlight.includes(change.to)) stored.inFlightSk = undefined;
    else if (!inFlight.includes(change.from) || change.restartStallWait) stored.inFlightSk = `${change.at}#${change.id}`;
    if (change.reviewQueue) stored.reviewQueue = { ...change.reviewQueue };
    else if (change.reviewQueue === null) stored.reviewQueue = undefined;
    stored.redriveCount = 0;
    return 'applied';
  }

  async claim(id: string, claim: ReviewClaim, reviewable: readonly DeclarationStatus[]): Promise<ClaimResult> {
    const stored = this.#items.get(id);
    if (!stored) return { outcome: 'not-found' };
    if (!reviewable.includes(stored.record.status)) return { outcome: 'not-reviewable', status: stored.record.status };
    const held = stored.record.claim;
    if (held && !claimFreeFor(held, claim.officerId, claim.claimedAt)) return { outcome: 'held', claim: clone(held) };
    stored.record = { ...stored.record, claim: clone(claim) };
    return { outcome: 'claimed', claim: clone(claim) };
  }

  async releaseClaim(id: string, officerId: string): Promise<boolean> {
    const stored = this.#items.get(id);
    if (!stored || stored.record.claim?.officerId !== officerId) return false;
    const { claim: _released, ...record } = stored.record;
    stored.record = record;
    return true;
  }

  async noteRedrive(id: string, version: number, at: string, maxRedrives: number): Promise<'redrive' | 'gave-up' | 'moved-on'> {
    const stored = this.#items.get(id);
    if (!stored || stored.record.version !== version || stored.inFlightSk === undefined) return 'moved-on';
    stored.inFlightSk = `${at}#${id}`;
    stored.redriveCount += 1;
    return stored.redriveCount <= maxRedrives ? 'redrive' : 'gave-up';
  }

  async deferStalled(id: string, version: number, dueAt: string): Promise<boolean> {
    const stored = this.#items.get(id);
    if (!stored || stored.record.version !== version || stored.inFlightSk === undefined) return false;
    stored.inFlightSk = `${dueAt}#${id}`;
    return true;
  }

  async markOnce(id: string, marker: string): Promise<boolean> {
    const stored = this.#items.get(id);
    if (!stored || stored.markers.has(marker)) return false;
    stored.markers.add(marker);
    return true;
  }

  async appendEvent(event: HistoryEvent): Promise<boolean> {
    const events = this.#events.get(event.declarationId) ?? new Map<number, HistoryEvent>();
    this.#events.set(event.declarationId, events);
    if (events.has(event.version)) return false;
    events.set(event.version, clone(event));
    return true;
  }

  async hasEvent(declarationId: string, version: number): Promise<boolean> {
    return this.#events.get(declarationId)?.has(version) ?? false;
  }

  async getWithEvents(id: string, fromVersion: number, copy: SubmittedCopy = {}): Promise<RecordWithEvents | undefined> {
    const record = await this.get(id);
    if (!record) return undefined;
    const events = (await this.listEvents(id)).filter((event) => event.version >= fromVersion);
    // A copy of the submitted bytes (its SHA-256 is the submission's) is handed back as used, as the
    // adapter does; any other copy is ignored (the fake keeps the parsed body, the same either way).
    const bytes = submittedCopyBytes(copy.text);
    const used = bytes !== undefined && createHash('sha256').update(bytes).digest('hex') === record.submission.sha256;
    return { record, eventsFrom: fromVersion, events, ...(used ? { submittedText: copy.text } : {}) };
  }

  /** As stored: the fake has no replicas, so an eventually consistent read is as a strong one. */
  async getEvent(declarationId: string, version: number, _read?: { consistent: boolean }): Promise<HistoryEvent | undefined> {
    const event = this.#events.get(declarationId)?.get(version);
    return event ? clone(event) : undefined;
  }

  async listEvents(declarationId: string): Promise<HistoryEvent[]> {
    return [...(this.#events.get(declarationId)?.values() ?? [])].sort((a, b) => a.version - b.version).map(clone);
  }

  async recordUpload(upload: DocumentUpload): Promise<boolean> {
    const uploads = this.#uploads.get(upload.declarationId) ?? new Map<string, DocumentUpload>();
    this.#uploads.set(upload.declarationId, uploads);
    if (uploads.has(upload.documentId)) return false;
    uploads.set(upload.documentId, clone(upload));
    return true;
  }

  async getUpload(declarationId: string, documentId: string): Promise<DocumentUpload | undefined> {
    const upload = this.#uploads.get(declarationId)?.get(documentId);
    return upload ? clone(upload) : undefined;
  }

  async listUploads(declarationId: string): Promise<DocumentUpload[]> {
    // In key order, as the adapter's query returns them: document ids are ULIDs, so oldest first.
    return [...(this.#uploads.get(declarationId)?.values() ?? [])]
      .sort((a, b) => (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0))
      .map(clone);
  }

  async settleUpload(declarationId: string, documentId: string, settlement: UploadSettlement): Promise<boolean> {
    const uploads = this.#uploads.get(declarationId);
    const upload = uploads?.get(documentId);
    if (!uploads || upload?.status !== 'PENDING') return false;
    uploads.set(
      documentId,
      settlement.status === 'RECEIVED'
        ? { ...upload, status: 'RECEIVED', receivedAt: settlement.at }
        : { ...upload, status: 'REFUSED', refusal: { reason: settlement.reason, at: settlement.at } },
    );
    return true;
  }
}
