/**
 * The declaration store on DynamoDB (one table, access patterns in docs/data-model.md). Items are
 * encoded and decoded by declaration-item-codec.ts, cursors by cursor-codec.ts; this class holds
 * the queries and the conditional writes.
 */
import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import {
  type DeclarationRecord,
  type DeclarationState,
  declarationParts,
  type HistoryEvent,
  submittedCopyBytes,
} from '#shared/domain/declaration-record.ts';
import type { DocumentUpload } from '#shared/domain/documents.ts';
import type { ReviewClaim } from '#shared/domain/review.ts';
import type {
  ClaimLrnResult,
  ClaimResult,
  ClearableField,
  DeclarationRepository,
  LrnClaim,
  Page,
  QueuePosition,
  RecordWithEvents,
  StalledDeclaration,
  SubmittedCopy,
  Transition,
  UploadSettlement,
} from '#shared/ports/declarations.ts';
import type { ArchiveReader } from '#shared/ports/document-archive.ts';
import { conditional } from './conditional-write.ts';
import {
  type DecodedState,
  decodeHistoryEvent,
  decodePart,
  decodeStalled,
  decodeStateItem,
  decodeSubmittedBody,
  decodeUpload,
  encodeChanges,
  encodeNewDeclaration,
  encodePart,
  encodeUpload,
  idOfStateItem,
  inFlightStatuses,
  newPartRef,
  type PartRef,
  unpackLegacyBody,
} from './declaration-item-codec.ts';
import { batchGetItems, documentClientOf } from './dynamodb-items.ts';
import { getItemCoalesced } from './dynamodb-read-coalescer.ts';
import { entityTypes, keys } from './keys.ts';
import { listShardedIndex } from './sharded-listing.ts';

/** A copy of the submitted bytes a message carried, and where to note that it was the body. */
interface SubmittedBodyAtHand {
  copy?: string | undefined;
  used?: { copy?: string };
}

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export class DynamoDbDeclarationRepository implements DeclarationRepository {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    /** The archive holding the submitted bytes; only `get` and `listByDay` read it. */
    private readonly archive: ArchiveReader,
  ) {
    this.documents = documentClientOf(client);
  }

  async claimLrn(claim: LrnClaim): Promise<ClaimLrnResult> {
    const claimed = await conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.lrnGuard(claim.declarantId, claim.lrn), entity: entityTypes.lrnGuard, ...claim },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
    if (claimed) return { outcome: 'claimed' };
    const existing = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.lrnGuard(claim.declarantId, claim.lrn), ConsistentRead: true }),
    );
    const item = existing.Item as LrnClaim | undefined;
    if (!item) return this.claimLrn(claim); // the guard vanished between the two calls
    return {
      outcome: 'taken',
      existing: {
        declarantId: item.declarantId,
        lrn: item.lrn,
        declarationId: item.declarationId,
        sha256: item.sha256,
        claimedAt: item.claimedAt,
      },
    };
  }

  reassignLrn(previous: LrnClaim, next: LrnClaim): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.lrnGuard(previous.declarantId, previous.lrn),
          UpdateExpression: 'SET declarationId = :next, sha256 = :sha, claimedAt = :claimedAt',
          // Claims from before leases have no claimedAt.
          ConditionExpression: `declarationId = :previous AND ${previous.claimedAt ? 'claimedAt = :previousClaimedAt' : 'attribute_not_exists(claimedAt)'}`,
          ExpressionAttributeValues: {
            ':next': next.declarationId,
            ':sha': next.sha256,
            ':claimedAt': next.claimedAt,
            ':previous': previous.declarationId,
            ...(previous.claimedAt ? { ':previousClaimedAt': previous.claimedAt } : {}),
          },
        }),
      ),
    );
  }

  async create(record: DeclarationRecord): Promise<boolean> {
    // Pattern 77: the consignment's index entry first (a repeat writes the same item), so a stored
    // declaration is always found by its UCR; an entry whose declaration never got stored names nothing and is skipped.
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.consignmentDeclaration(record.ucr, record.id), entity: entityTypes.consignmentEntry, declarationId: record.id },
      }),
    );
    return conditional(() =>
      this.documents.send(
        new PutCommand({ TableName: this.tableName, Item: encodeNewDeclaration(record), ConditionExpression: 'attribute_not_exists(PK)' }),
      ),
    );
  }

  async get(id: string): Promise<DeclarationRecord | undefined> {
    // One query reads the state item and its parts: 'META' < 'PART#...', history 'EV#...' sorts before both.
    const items = await this.declarationItems(id, { from: keys.declaration(id).SK });
    const meta = items.find((item) => item.SK === keys.declaration(id).SK);
    return meta ? this.recordOf(id, meta, items) : undefined;
  }

  async getWithEvents(id: string, fromVersion: number, copy: SubmittedCopy = {}): Promise<RecordWithEvents | undefined> {
    // The same query from the event of `fromVersion` on (pattern 110): 'EV#' < 'ISSUED#' < 'MARK#' < 'META' < 'PART#',
    // so it also reads the later events, issued-document and marker items (small), never an amendment, claim or upload.
    const items = await this.declarationItems(id, { from: keys.historyEvent(id, fromVersion).SK });
    const meta = items.find((item) => item.SK === keys.declaration(id).SK);
    if (!meta) return undefined;
    const events = items.filter((item) => String(item.SK).startsWith(keys.historyEventPrefix)).map(decodeHistoryEvent);
    const used: { copy?: string } = {};
    const record = await this.recordOf(id, meta, items, { copy: copy.text, used });
    return { record, eventsFrom: fromVersion, events, ...(used.copy !== undefined ? { submittedText: used.copy } : {}) };
  }

  async getAmendment(id: string, n: number): Promise<DeclarationRecord | undefined> {
    const snapshot = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.declarationAmendment(id, n), ConsistentRead: true }),
    );
    if (snapshot.Item) return this.recordOf(id, snapshot.Item, await this.declarationItems(id, { prefix: 'PART#' }));
    // The body as it stands now is the latest amendment (0 when never amended).
    const current = await this.get(id);
    return current && (current.amendment ?? 0) === n ? current : undefined;
  }

  /** A record from a state item (current or an amendment's copy) and the part items it points at. */
  private async recordOf(
    id: string,
    stateItem: Record<string, unknown>,
    items: Record<string, unknown>[],
    submitted: SubmittedBodyAtHand = {},
  ): Promise<DeclarationRecord> {
    const decoded = decodeStateItem(stateItem);
    const { assessment: assessmentRef, reassessment: reassessmentRef, risk: riskRef } = decoded.partRefs;
    const assessment = assessmentRef ? decodePart(items, id, 'assessment', assessmentRef) : decoded.legacy.assessment;
    const reassessment = reassessmentRef ? decodePart(items, id, 'reassessment', reassessmentRef) : undefined;
    const risk = riskRef ? decodePart(items, id, 'risk', riskRef) : decoded.legacy.risk;
    return { ...decoded.state, declaration: await this.body(decoded, submitted), risk, assessment, reassessment };
  }

  /** Every item of a declaration's partition from an SK on, or with an SK prefix, consistently, all pages. */
  private async declarationItems(id: string, range: { from: string } | { prefix: string }): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'from' in range ? 'PK = :pk AND SK >= :sk' : 'PK = :pk AND begins_with(SK, :sk)',
          ExpressionAttributeValues: { ':pk': keys.declaration(id).PK, ':sk': 'from' in range ? range.from : range.prefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async getState(id: string, read: { consistent: boolean } = { consistent: true }): Promise<DeclarationState | undefined> {
    const item = await this.getItem(keys.declaration(id), read);
    return item ? decodeStateItem(item).state : undefined;
  }

  /**
   * The declaration as submitted: a message's copy of its bytes whose SHA-256 is the submission's
   * (noted in `used`), else the archived bytes (hash-checked by the archive).
   */
  private async body({ state, legacy }: Pick<DecodedState, 'state' | 'legacy'>, submitted: SubmittedBodyAtHand = {}) {
    if (legacy.declarationGz) return decodeSubmittedBody(unpackLegacyBody(legacy.declarationGz));
    const copy = submittedCopyBytes(submitted.copy);
    if (copy && sha256Of(copy) === state.submission.sha256) {
      if (submitted.used) submitted.used.copy = submitted.copy;
      return decodeSubmittedBody(copy);
    }
    return decodeSubmittedBody(await this.archive.read(state.submission));
  }

  async listStalled(before: string, limit: number): Promise<{ items: StalledDeclaration[]; failedShards: number }> {
    const stalled: StalledDeclaration[] = [];
    let failedShards = 0;
    for (const shard of keys.inFlightShards) {
      // One shard that cannot be read this time does not stop the others: the next run tries again.
      try {
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await this.documents.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: 'GSI4',
              KeyConditionExpression: 'GSI4PK = :pk AND GSI4SK < :before',
              ExpressionAttributeValues: { ':pk': shard, ':before': before },
              ExclusiveStartKey: startKey,
            }),
          );
          for (const item of page.Items ?? []) stalled.push(decodeStalled(item));
          startKey = page.LastEvaluatedKey;
        } while (startKey && stalled.length < limit);
      } catch {
        failedShards += 1;
      }
      if (stalled.length >= limit) break;
    }
    if (failedShards === keys.inFlightShards.length) throw new Error('no shard of the in-flight index could be read');
    return { items: stalled.slice(0, limit), failedShards };
  }

  /**
   * Declarations submitted on one UTC day (YYYY-MM-DD), newest first, with their bodies; with
   * `status`, only those in it (the filter runs before any body is read). One whose body cannot
   * be read is left out and counted, never fails the listing.
   */
  async listByDay(
    day: string,
    options: { limit: number; cursor: string | undefined; status?: DeclarationStatus | undefined },
  ): Promise<Page<DeclarationRecord> & { unreadable: number }> {
    const page = await listShardedIndex(this.documents, this.tableName, {
      index: 'GSI3',
      partition: keys.dayPartition(day),
      shards: keys.dayShards,
      limit: options.limit,
      cursor: options.cursor,
    });
    // The status filter runs on the state items, before any body is read.
    const stateItems = (await this.stateItems(page.ids)).filter((item) => !options.status || item.status === options.status);
    const items: DeclarationRecord[] = [];
    let unreadable = 0;
    // Bodies are read a few at a time: a page is at most 100 declarations.
    for (let start = 0; start < stateItems.length; start += 8) {
      const batch = stateItems.slice(start, start + 8);
      const read = await Promise.all(
        batch.map(async (item) => {
          try {
            const decoded = decodeStateItem(item);
            return {
              ...decoded.state,
              declaration: await this.body(decoded),
              risk: undefined,
              assessment: undefined,
              reassessment: undefined,
            };
          } catch {
            unreadable += 1;
            return undefined;
          }
        }),
      );
      for (const record of read) if (record) items.push(record);
    }
    return { items, nextCursor: page.nextCursor, unreadable };
  }

  /**
   * The state items of declarations a keys-only index named, in that order: BatchGetItem, eventually
   * consistent (half a read unit per item, like the index read itself), unprocessed keys asked again.
   */
  private async stateItems(ids: readonly string[]): Promise<Record<string, unknown>[]> {
    const items = await batchGetItems(
      this.documents,
      this.tableName,
      ids.map((id) => keys.declaration(id)),
      { consistent: false },
    );
    const byId = new Map(items.map((item) => [idOfStateItem(item), item]));
    // A declaration is never deleted; one missing here was named by an entry of an unknown item.
    return ids.flatMap((id) => {
      const item = byId.get(id);
      return item ? [item] : [];
    });
  }

  async listReviewQueue(
    lane: string,
    office: string,
    options: { limit: number; after?: QueuePosition | undefined; before?: string | undefined },
  ): Promise<DeclarationState[]> {
    // The queue is sharded: read the next `limit` of every shard from the same position (the sort
    // key is a total order, so a position is a place in each shard) and keep the oldest `limit`.
    const after = options.after === undefined ? undefined : keys.reviewQueueSortKey(options.after.queuedAt, options.after.id);
    // Past the bound already (BETWEEN would refuse a lower bound above its upper one).
    if (after !== undefined && options.before !== undefined && after >= options.before) return [];
    const shards = await Promise.all(
      keys.reviewQueuePartitions(lane, office).map(async (partition) => {
        const result = await this.documents.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'GSI2',
            ...reviewQueueRange(partition, after, options.before),
            ScanIndexForward: true,
            // BETWEEN includes its lower bound: one more, so that dropping the entry at `after` leaves `limit`.
            Limit: after !== undefined && options.before !== undefined ? options.limit + 1 : options.limit,
          }),
        );
        return (result.Items ?? []).map((item) => String(item.GSI2SK)).filter((sortKey) => sortKey !== after);
      }),
    );
    const ids = shards
      .flat()
      .sort()
      .slice(0, options.limit)
      .map((sortKey) => sortKey.slice(sortKey.lastIndexOf('#') + 1));
    return (await this.stateItems(ids)).map((item) => decodeStateItem(item).state);
  }

  async countReviewQueue(lane: string, office: string): Promise<number> {
    const counts = await Promise.all(
      keys.reviewQueuePartitions(lane, office).map(async (partition) => {
        let count = 0;
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await this.documents.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: 'GSI2',
              KeyConditionExpression: 'GSI2PK = :pk',
              ExpressionAttributeValues: { ':pk': partition },
              Select: 'COUNT',
              ExclusiveStartKey: startKey,
            }),
          );
          count += page.Count ?? 0;
          startKey = page.LastEvaluatedKey;
        } while (startKey);
        return count;
      }),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  async listByUcr(ucr: string, limit: number): Promise<DeclarationState[]> {
    const prefix = keys.consignmentDeclarationPrefix(ucr);
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': prefix.PK, ':prefix': prefix.SKPrefix },
        Limit: limit,
      }),
    );
    const ids = (result.Items ?? []).map((item) => String(item.declarationId));
    return (await this.stateItems(ids)).map((item) => decodeStateItem(item).state).filter((state) => state.ucr === ucr);
  }

  async listByDeclarant(
    declarantId: string,
    options: { limit: number; cursor: string | undefined; status: DeclarationStatus | undefined },
  ): Promise<Page<DeclarationState>> {
    const page = await listShardedIndex(this.documents, this.tableName, {
      index: 'GSI1',
      partition: keys.declarantPartition(declarantId),
      shards: keys.declarantShards,
      limit: options.limit,
      cursor: options.cursor,
    });
    // With a status filter a page may hold fewer than `limit` items: follow nextCursor.
    const items = (await this.stateItems(page.ids))
      .map((item) => decodeStateItem(item).state)
      .filter((state) => !options.status || state.status === options.status);
    return { items, nextCursor: page.nextCursor };
  }

  async transition(change: Transition): Promise<'applied' | 'conflict'> {
    // The body is never in the state item: it is read back from the archive `submission` names.
    const { assessment, reassessment, risk, declaration: _body, ...set } = change.set;
    const encoded = encodeChanges(change.id, set);
    const sets: Record<string, unknown> = {
      ...encoded.set,
      status: change.to,
      version: change.expectedVersion + 1,
      updatedAt: change.at,
    };
    // The parts go first, under a fresh reference: a change that then loses the conditional
    // write leaves parts nothing points at, never a half-written outcome.
    if (assessment !== undefined) sets.assessmentRef = await this.writePart(change.id, 'assessment', assessment);
    if (reassessment !== undefined) sets.reassessmentRef = await this.writePart(change.id, 'reassessment', reassessment);
    // The outcome stored inside the item before it became a part goes (riskGz).
    if (risk !== undefined) sets.riskRef = await this.writePart(change.id, 'risk', risk);
    // Every change starts the redrive count again: it counts redrives of one stall; a field set
    // anew drops the other forms it was stored in (`validationGz` when `validationZ` is set).
    const removes: string[] = ['redriveCount', ...encoded.remove, ...(risk !== undefined ? ['risk', 'riskGz'] : [])];
    // The in-flight entry is written when the declaration enters the pipeline and removed when it
    // leaves; between two stages it stays (the redrive reads `updatedAt`), unless a redrive had
    // backed it off.
    if (!inFlightStatuses.includes(change.to)) removes.push('GSI4PK', 'GSI4SK');
    else if (!inFlightStatuses.includes(change.from) || change.restartStallWait) Object.assign(sets, keys.inFlight(change.at, change.id));
    if (change.reviewQueue) {
      Object.assign(
        sets,
        keys.reviewQueueEntry(change.reviewQueue.lane, change.reviewQueue.office, change.reviewQueue.queuedAt, change.id),
      );
    } else if (change.reviewQueue === null) {
      removes.push('GSI2PK', 'GSI2SK');
    }
    if (change.officer?.release) removes.push('claim');
    for (const field of change.clear ?? []) removes.push(...clearedAttributes(field));
    if (change.archiveCurrentAs !== undefined && !(await this.copyState(change))) return 'conflict';
    const names: Record<string, string> = Object.fromEntries([...Object.keys(sets), ...removes].map((name) => [`#${name}`, name]));
    const values: Record<string, unknown> = Object.fromEntries(Object.entries(sets).map(([name, value]) => [`:${name}`, value]));
    let condition = '#version = :expectedVersion AND #status = :from';
    if (change.officer) {
      condition += ` AND ${claimFreeFor}`;
      Object.assign(names, claimNames);
      Object.assign(values, { ':officer': change.officer.id, ':now': change.officer.now });
    }
    const update = `SET ${Object.keys(sets)
      .map((name) => `#${name} = :${name}`)
      .join(', ')}${removes.length > 0 ? ` REMOVE ${removes.map((name) => `#${name}`).join(', ')}` : ''}`;
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.declaration(change.id),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':expectedVersion': change.expectedVersion, ':from': change.from },
        }),
      ),
    ).then((applied) => (applied ? 'applied' : 'conflict'));
  }

  /**
   * Copies the state item as it is at `expectedVersion` to its amendment key, before the change
   * replaces it. A change that then loses its conditional write leaves a copy that the next
   * attempt from the same version overwrites with the same content.
   */
  private async copyState(change: Transition): Promise<boolean> {
    const current = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.declaration(change.id), ConsistentRead: true }),
    );
    const item = current.Item;
    if (!item || item.version !== change.expectedVersion || item.status !== change.from) return false;
    const { GSI1PK: _g1, GSI1SK: _g1s, GSI2PK: _g2, GSI2SK: _g2s, GSI3PK: _g3, GSI3SK: _g3s, GSI4PK: _g4, GSI4SK: _g4s, ...copy } = item;
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...copy, ...keys.declarationAmendment(change.id, change.archiveCurrentAs ?? 0), entity: entityTypes.declarationAmendment },
      }),
    );
    return true;
  }

  /** Writes a part's chunks under a fresh reference (write-once: nothing ever rewrites them). */
  private async writePart(id: string, name: string, value: unknown): Promise<PartRef> {
    const ref = newPartRef();
    const chunks = encodePart(id, name, ref, value);
    for (const Item of chunks) await this.documents.send(new PutCommand({ TableName: this.tableName, Item }));
    return { ref, chunks: chunks.length };
  }

  async claim(id: string, claim: ReviewClaim, reviewable: readonly DeclarationStatus[]): Promise<ClaimResult> {
    const statuses = Object.fromEntries(reviewable.map((status, index) => [`:reviewable${index}`, status]));
    const claimed = await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.declaration(id),
          UpdateExpression: 'SET #claim = :claim',
          ConditionExpression: `attribute_exists(PK) AND #status IN (${Object.keys(statuses).join(', ')}) AND ${claimFreeFor}`,
          ExpressionAttributeNames: { ...claimNames, '#status': 'status' },
          ExpressionAttributeValues: { ...statuses, ':claim': claim, ':officer': claim.officerId, ':now': claim.claimedAt },
        }),
      ),
    );
    if (claimed) return { outcome: 'claimed', claim };
    // Why not: read the state as it is now.
    const state = await this.getState(id);
    if (!state) return { outcome: 'not-found' };
    if (!reviewable.includes(state.status)) return { outcome: 'not-reviewable', status: state.status };
    if (state.claim && state.claim.officerId !== claim.officerId && state.claim.until >= claim.claimedAt)
      return { outcome: 'held', claim: state.claim };
    return this.claim(id, claim, reviewable); // the holder let go or it expired between the two calls
  }

  releaseClaim(id: string, officerId: string): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.declaration(id),
          UpdateExpression: 'REMOVE #claim',
          ConditionExpression: '#claim.#officerId = :officer',
          ExpressionAttributeNames: { '#claim': 'claim', '#officerId': 'officerId' },
          ExpressionAttributeValues: { ':officer': officerId },
        }),
      ),
    );
  }

  async noteRedrive(id: string, version: number, at: string, maxRedrives: number): Promise<'redrive' | 'gave-up' | 'moved-on'> {
    let count = 0;
    const noted = await conditional(async () => {
      const result = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.declaration(id),
          UpdateExpression: 'SET GSI4SK = :sk ADD redriveCount :one',
          ConditionExpression: '#version = :version AND attribute_exists(GSI4PK)',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':sk': keys.inFlight(at, id).GSI4SK, ':one': 1, ':version': version },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      count = Number(result.Attributes?.redriveCount ?? 0);
    });
    if (!noted) return 'moved-on';
    // Given up: the caller marks it PROCESSING_FAILED, a conditional change that also takes it out
    // of the in-flight index. Until that succeeds it stays in the index and is given up again.
    return count <= maxRedrives ? 'redrive' : 'gave-up';
  }

  deferStalled(id: string, version: number, dueAt: string): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.declaration(id),
          UpdateExpression: 'SET GSI4SK = :sk',
          ConditionExpression: '#version = :version AND attribute_exists(GSI4PK)',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':sk': keys.inFlight(dueAt, id).GSI4SK, ':version': version },
        }),
      ),
    );
  }

  markOnce(id: string, marker: string, at: string): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.declarationMarker(id, marker), entity: entityTypes.declarationMarker, at },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  appendEvent(event: HistoryEvent): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.historyEvent(event.declarationId, event.version), entity: entityTypes.historyEvent, ...event },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  recordUpload(upload: DocumentUpload): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({ TableName: this.tableName, Item: encodeUpload(upload), ConditionExpression: 'attribute_not_exists(PK)' }),
      ),
    );
  }

  async getUpload(declarationId: string, documentId: string): Promise<DocumentUpload | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.documentUpload(declarationId, documentId), ConsistentRead: true }),
    );
    return result.Item ? decodeUpload(result.Item) : undefined;
  }

  async listUploads(declarationId: string): Promise<DocumentUpload[]> {
    return (await this.declarationItems(declarationId, { prefix: keys.documentUploadPrefix })).map(decodeUpload);
  }

  settleUpload(declarationId: string, documentId: string, settlement: UploadSettlement): Promise<boolean> {
    const outcome: { update: string; names: Record<string, string>; values: Record<string, unknown> } =
      settlement.status === 'RECEIVED'
        ? { update: 'SET #status = :status, #receivedAt = :at', names: { '#receivedAt': 'receivedAt' }, values: { ':at': settlement.at } }
        : {
            update: 'SET #status = :status, #refusal = :refusal',
            names: { '#refusal': 'refusal' },
            values: { ':refusal': { reason: settlement.reason, at: settlement.at } },
          };
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.documentUpload(declarationId, documentId),
          UpdateExpression: outcome.update,
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', ...outcome.names },
          ExpressionAttributeValues: { ':status': settlement.status, ':pending': 'PENDING', ...outcome.values },
        }),
      ),
    );
  }

  async hasEvent(declarationId: string, version: number): Promise<boolean> {
    // Keys only: a consistent read of up to 4 KB is 1 RRU whatever is projected; less to transfer.
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.historyEvent(declarationId, version),
        ConsistentRead: true,
        ProjectionExpression: 'PK',
      }),
    );
    return result.Item !== undefined;
  }

  async listEvents(declarationId: string): Promise<HistoryEvent[]> {
    return (await this.declarationItems(declarationId, { prefix: keys.historyEventPrefix })).map(decodeHistoryEvent);
  }

  async getEvent(
    declarationId: string,
    version: number,
    read: { consistent: boolean } = { consistent: true },
  ): Promise<HistoryEvent | undefined> {
    const key = keys.historyEvent(declarationId, version);
    const item = await this.getItem(key, read);
    return item ? decodeHistoryEvent(item) : undefined;
  }
  /**
   * One item: strongly consistent as a GetItem of its own (every stage, the failure marks, the
   * upload worker read this way, granted GetItem only); eventually consistent with the other reads
   * of the invocation's records, one BatchGetItem (the fan-out's, granted both).
   */
  private async getItem(key: Record<string, string>, read: { consistent: boolean }): Promise<Record<string, unknown> | undefined> {
    if (read.consistent)
      return (await this.documents.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item;
    return getItemCoalesced(this.documents, this.tableName, key, read);
  }
}

/** The stored attributes of a field an amendment clears (outcomes may be stored compressed, with or without a dictionary; parts by reference). */
const clearedAttributes = (field: ClearableField): string[] =>
  (declarationParts as readonly string[]).includes(field) ? [field, `${field}Gz`, `${field}Ref`] : [field, `${field}Gz`, `${field}Z`];

/** No other officer holds an unexpired claim (`:officer` acts at `:now`). */
const claimFreeFor = '(attribute_not_exists(#claim) OR #claim.#officerId = :officer OR #claim.#until < :now)';
const claimNames = { '#claim': 'claim', '#officerId': 'officerId', '#until': 'until' };

/**
 * The key condition of one review queue shard: entries after `after` (a sort key) and queued
 * strictly before `before` (a time: `<queuedAt>#<id>` is below `<before>` exactly when queued
 * before it). A key condition takes one range on the sort key, so with both bounds it is an
 * inclusive BETWEEN and the caller drops the entry at `after`.
 */
function reviewQueueRange(
  partition: string,
  after: string | undefined,
  before: string | undefined,
): { KeyConditionExpression: string; ExpressionAttributeValues: Record<string, string> } {
  if (after !== undefined && before !== undefined) {
    return {
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK BETWEEN :after AND :before',
      ExpressionAttributeValues: { ':pk': partition, ':after': after, ':before': before },
    };
  }
  if (after !== undefined) {
    return { KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK > :after', ExpressionAttributeValues: { ':pk': partition, ':after': after } };
  }
  if (before !== undefined) {
    return {
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK < :before',
      ExpressionAttributeValues: { ':pk': partition, ':before': before },
    };
  }
  return { KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': partition } };
}
