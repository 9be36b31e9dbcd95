import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Declaration, type DeclarationStatus, declarationSchema } from '../domain/declaration.ts';
import type { DeclarationRecord, DeclarationState, HistoryEvent } from '../domain/declaration-record.ts';
import {
  type ClaimLrnResult,
  type DeclarationRepository,
  InvalidCursorError,
  type LrnClaim,
  type Page,
  type StalledDeclaration,
  type Transition,
} from '../ports/declarations.ts';
import type { ArchiveReader } from '../ports/document-archive.ts';
import type { Assessment } from '../tariff/assessment.ts';
import { conditional } from './conditional-write.ts';
import { entityTypes, keys } from './keys.ts';

/**
 * Stored shape of a declaration's state item. It never holds what grows with the number of items:
 * the body stays in the archive (exact bytes, SHA-256 checked on read) and the assessment is
 * stored as write-once part items beside it, so no valid declaration can outgrow DynamoDB's
 * 400 KB item limit and every state change rewrites a small item.
 */
interface DeclarationItem extends DeclarationState {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
  GSI2PK?: string;
  GSI2SK?: string;
  GSI3PK: string;
  GSI3SK: string;
  GSI4PK?: string;
  GSI4SK?: string;
  entity: string;
  /** Where the assessment's part items are (`PART#assessment#<ref>#<n>`). */
  assessmentRef?: PartRef;
}

interface PartRef {
  ref: string;
  chunks: number;
}

/** Largest gzip chunk of a part item: well under the 400 KB item limit with its keys. */
const PART_CHUNK_BYTES = 300_000;

export class DynamoDbDeclarationRepository implements DeclarationRepository {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    /** The archive holding the submitted bytes; only `get` and `listByDay` read it. */
    private readonly archive: ArchiveReader,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
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

  create(record: DeclarationRecord): Promise<boolean> {
    const { declaration: _body, assessment: _assessment, ...rest } = record;
    const item: DeclarationItem = {
      ...keys.declaration(record.id),
      ...keys.declarationByDeclarant(record.declarantId, record.submittedAt, record.id),
      ...keys.declarationByDay(record.submittedAt, record.id),
      ...(inFlightStatuses.includes(record.status) ? keys.inFlight(record.updatedAt, record.id) : {}),
      entity: entityTypes.declaration,
      ...rest,
      ...(rest.lastEvent ? { lastEvent: undefined, lastEventGz: gzipSync(JSON.stringify(rest.lastEvent)) } : {}),
    };
    return conditional(() =>
      this.documents.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' })),
    );
  }

  async get(id: string): Promise<DeclarationRecord | undefined> {
    // One query reads the state item and its parts: 'META' < 'PART#...', history 'EV#...' sorts before both.
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND SK >= :meta',
          ExpressionAttributeValues: { ':pk': keys.declaration(id).PK, ':meta': keys.declaration(id).SK },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const meta = items.find((item) => item.SK === keys.declaration(id).SK) as DeclarationItem | undefined;
    if (!meta) return undefined;
    const state = fromItem(meta);
    const assessment = meta.assessmentRef
      ? joinPart<Assessment>(items, partPrefix(id, 'assessment', meta.assessmentRef.ref), meta.assessmentRef.chunks)
      : (state as { assessment?: Assessment }).assessment;
    const { declarationGz: _legacyBody, ...rest } = state as DeclarationState & { declarationGz?: Uint8Array };
    return { ...rest, declaration: await this.body(state), assessment };
  }

  async getState(id: string): Promise<DeclarationState | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.declaration(id), ConsistentRead: true }),
    );
    return result.Item ? fromItem(result.Item as DeclarationItem) : undefined;
  }

  /**
   * The declaration as submitted: the archived bytes, hash-checked. Reading never judges a
   * declaration again: bytes accepted under earlier rules are still read (with the defaults intake
   * fills in), only the current rules' refinements are not applied to them.
   */
  private async body(state: DeclarationState) {
    const legacy = (state as { declarationGz?: Uint8Array }).declarationGz;
    const bytes = legacy ? gunzipSync(legacy) : await this.archive.read(state.submission);
    const raw = JSON.parse(new TextDecoder().decode(bytes)) as Declaration;
    const parsed = declarationSchema.safeParse(raw);
    return parsed.success ? parsed.data : withIntakeDefaults(raw);
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
              ExpressionAttributeNames: { '#id': 'id', '#version': 'version', '#status': 'status' },
              ProjectionExpression: '#id, #version, #status',
              ExclusiveStartKey: startKey,
            }),
          );
          for (const item of page.Items ?? []) stalled.push(item as StalledDeclaration);
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
    const page = await this.queryIndex('GSI3', keys.dayPartition(day), { ...options, newestFirst: true });
    const items: DeclarationRecord[] = [];
    let unreadable = 0;
    // Bodies are read a few at a time: a page is at most 100 declarations.
    for (let start = 0; start < page.items.length; start += 8) {
      const batch = page.items.slice(start, start + 8);
      const read = await Promise.all(
        batch.map(async (state) => {
          try {
            return { ...state, declaration: await this.body(state), assessment: undefined };
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

  listReviewQueue(lane: string, office: string, options: { limit: number; cursor: string | undefined }): Promise<Page<DeclarationState>> {
    return this.queryIndex('GSI2', keys.reviewQueuePartition(lane, office), { ...options, newestFirst: false });
  }

  listByDeclarant(
    declarantId: string,
    options: { limit: number; cursor: string | undefined; status: DeclarationStatus | undefined },
  ): Promise<Page<DeclarationState>> {
    return this.queryIndex('GSI1', keys.declarantPartition(declarantId), { ...options, newestFirst: true });
  }

  /** One page of declarations from a GSI partition; the cursor must come from the same partition. */
  private async queryIndex(
    index: 'GSI1' | 'GSI2' | 'GSI3',
    partition: string,
    options: { limit: number; cursor: string | undefined; status?: DeclarationStatus | undefined; newestFirst: boolean },
  ): Promise<Page<DeclarationState>> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: `${index}PK = :pk`,
        ExpressionAttributeValues: { ':pk': partition, ...(options.status ? { ':status': options.status } : {}) },
        // With a filter a page may hold fewer than `limit` items: follow nextCursor.
        ...(options.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
        ScanIndexForward: !options.newestFirst,
        Limit: options.limit,
        ExclusiveStartKey: options.cursor ? decodeCursor(options.cursor, partition, index) : undefined,
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => fromItem(item as DeclarationItem)),
      nextCursor: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : null,
    };
  }

  async transition(change: Transition): Promise<'applied' | 'conflict'> {
    const { assessment, ...set } = change.set;
    const sets: Record<string, unknown> = {
      ...compress(set),
      status: change.to,
      version: change.expectedVersion + 1,
      updatedAt: change.at,
    };
    // The assessment's parts go first, under a fresh reference: a change that then loses the
    // conditional write leaves parts nothing points at, never a half-written assessment.
    if (assessment !== undefined) sets.assessmentRef = await this.writePart(change.id, 'assessment', assessment);
    // Every change starts the redrive count again: it counts redrives of one stall.
    const removes: string[] = ['redriveCount'];
    // Still in the pipeline: stay in the in-flight index under the new time; finished: leave it.
    if (inFlightStatuses.includes(change.to)) Object.assign(sets, keys.inFlight(change.at, change.id));
    else removes.push('GSI4PK', 'GSI4SK');
    if (change.reviewQueue) {
      Object.assign(
        sets,
        keys.reviewQueueEntry(change.reviewQueue.lane, change.reviewQueue.office, change.reviewQueue.queuedAt, change.id),
      );
    } else if (change.reviewQueue === null) {
      removes.push('GSI2PK', 'GSI2SK');
    }
    const names = Object.fromEntries([...Object.keys(sets), ...removes].map((name) => [`#${name}`, name]));
    const values = Object.fromEntries(Object.entries(sets).map(([name, value]) => [`:${name}`, value]));
    const update = `SET ${Object.keys(sets)
      .map((name) => `#${name} = :${name}`)
      .join(', ')}${removes.length > 0 ? ` REMOVE ${removes.map((name) => `#${name}`).join(', ')}` : ''}`;
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.declaration(change.id),
          UpdateExpression: update,
          ConditionExpression: '#version = :expectedVersion AND #status = :from',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':expectedVersion': change.expectedVersion, ':from': change.from },
        }),
      ),
    ).then((applied) => (applied ? 'applied' : 'conflict'));
  }

  private async writePart(id: string, name: string, value: unknown): Promise<PartRef> {
    const packed = gzipSync(JSON.stringify(value));
    const ref = randomUUID();
    const chunks = Math.max(1, Math.ceil(packed.byteLength / PART_CHUNK_BYTES));
    for (let index = 0; index < chunks; index += 1) {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            PK: keys.declaration(id).PK,
            SK: `${partPrefix(id, name, ref)}${String(index).padStart(3, '0')}`,
            entity: entityTypes.declarationPart,
            data: packed.subarray(index * PART_CHUNK_BYTES, (index + 1) * PART_CHUNK_BYTES),
          },
        }),
      );
    }
    return { ref, chunks };
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

  markOnce(id: string, marker: string, at: string): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.declaration(id),
          UpdateExpression: 'SET #marker = :at',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#marker)',
          ExpressionAttributeNames: { '#marker': marker },
          ExpressionAttributeValues: { ':at': at },
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

  async listEvents(declarationId: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.declaration(declarationId).PK, ':prefix': keys.historyEventPrefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const { declarationId: id, version, type, status, at, actor, detail } = item as HistoryEvent;
        events.push({ declarationId: id, version, type, status, at, actor, detail });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return events;
  }
}

const inFlightStatuses: readonly DeclarationStatus[] = ['SUBMITTED', 'VALIDATED', 'SCORED', 'ASSESSED'];

/**
 * Parts that grow with the number of items (a 999-item assessment is over 500 KB of JSON) are
 * stored gzip-compressed as `<name>Gz`, so the item stays within DynamoDB's 400 KB.
 */
// 'assessment': items stored before assessments became part items still carry assessmentGz.
const compressedFields = ['validation', 'risk', 'assessment', 'assessmentProblems', 'lastEvent'] as const;

const partPrefix = (id: string, name: string, ref: string) => keys.declarationPart(id, name, ref).SKPrefix;

/** A declaration read back from bytes accepted under earlier rules: the defaults intake fills in. */
function withIntakeDefaults(raw: Declaration): Declaration {
  return {
    ...raw,
    items: raw.items.map((item) => ({
      ...item,
      additionalCodes: item.additionalCodes ?? [],
      quantities: item.quantities ?? [],
      documents: item.documents ?? [],
    })),
  };
}

/** Joins a part's chunks (all of them must be there) and unpacks it. */
function joinPart<T>(items: Record<string, unknown>[], prefix: string, chunks: number): T {
  const found = items
    .filter((item) => typeof item.SK === 'string' && item.SK.startsWith(prefix))
    .sort((a, b) => String(a.SK).localeCompare(String(b.SK)));
  if (found.length !== chunks) throw new Error(`declaration part ${prefix} has ${found.length} of its ${chunks} chunks`);
  return JSON.parse(gunzipSync(Buffer.concat(found.map((item) => item.data as Uint8Array))).toString('utf8')) as T;
}

function compress(set: Omit<Transition['set'], 'assessment'>): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(set)) {
    if (value !== undefined && (compressedFields as readonly string[]).includes(name))
      stored[`${name}Gz`] = gzipSync(JSON.stringify(value));
    else stored[name] = value;
  }
  return stored;
}

function fromItem(item: DeclarationItem): DeclarationState {
  const {
    PK: _pk,
    SK: _sk,
    GSI1PK: _gpk,
    GSI1SK: _gsk,
    GSI2PK: _g2pk,
    GSI2SK: _g2sk,
    GSI3PK: _g3pk,
    GSI3SK: _g3sk,
    GSI4PK: _g4pk,
    GSI4SK: _g4sk,
    entity: _entity,
    assessmentRef: _ref,
    ...rest
  } = item;
  const record: Record<string, unknown> = { ...rest };
  for (const name of compressedFields) {
    const packed = record[`${name}Gz`];
    if (packed instanceof Uint8Array) record[name] = JSON.parse(gunzipSync(packed).toString('utf8'));
    delete record[`${name}Gz`];
  }
  return record as unknown as DeclarationState;
}

/** Cursors are the opaque base64url of the last evaluated key. */
function encodeCursor(lastKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastKey)).toString('base64url');
}

/** Decodes a cursor and refuses one that does not belong to this listing (no peeking into other partitions). */
function decodeCursor(cursor: string, partition: string, index: 'GSI1' | 'GSI2' | 'GSI3'): Record<string, string> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const expected = [`${index}PK`, `${index}SK`, 'PK', 'SK'];
  if (typeof decoded !== 'object' || decoded === null || Object.keys(decoded).sort().join() !== expected.join())
    throw new InvalidCursorError();
  const key = decoded as Record<string, unknown>;
  // Every value checked for shape before it reaches DynamoDB: its own partition, a declaration's
  // state item, and an index sort key of the form this repository writes (time#id).
  if (
    key[`${index}PK`] !== partition ||
    typeof key.PK !== 'string' ||
    !/^DECL#[0-9A-HJKMNP-TV-Z]{26}$/.test(key.PK) ||
    key.SK !== 'META' ||
    typeof key[`${index}SK`] !== 'string' ||
    !/^[0-9T:.Z-]{1,40}#[0-9A-HJKMNP-TV-Z]{26}$/.test(key[`${index}SK`] as string)
  ) {
    throw new InvalidCursorError();
  }
  return key as Record<string, string>;
}
