/**
 * How a declaration is written to and read back from DynamoDB items. The state item never holds
 * what grows with the number of items: the body stays in the archive (exact bytes, SHA-256 checked
 * on read) and the assessment is stored as write-once part items beside it, so no valid declaration
 * can outgrow DynamoDB's 400 KB item limit and every state change rewrites a small item. Everything
 * read back is validated against the record's zod schema: a damaged or foreign item is an error
 * that names the declaration and the field, never a half-typed object.
 */
import { randomBytes } from 'node:crypto';
import { deflateRawSync, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import type { z } from 'zod';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import { type Declaration, declarationSchema } from '#shared/domain/declaration.ts';
import {
  type DeclarationPart,
  type DeclarationRecord,
  type DeclarationState,
  declarationParts,
  declarationStateSchema,
  type HistoryEvent,
  historyEventSchema,
  type SubmissionArchive,
} from '#shared/domain/declaration-record.ts';
import { type DocumentUpload, documentUploadSchema } from '#shared/domain/documents.ts';
import type { StalledDeclaration, Transition } from '#shared/ports/declarations.ts';
import { type RiskOutcome, riskOutcomeSchema } from '#shared/risk/outcome.ts';
import { type Assessment, assessmentSchema } from '#shared/tariff/assessment.ts';
import { entityTypes, keys } from './keys.ts';

/** Where a part's chunks are (`PART#<name>#<ref>#<n>`). */
export interface PartRef {
  ref: string;
  chunks: number;
}

/** Largest gzip chunk of a part item: well under the 400 KB item limit with its keys. */
export const PART_CHUNK_BYTES = 300_000;

/**
 * State fields stored compressed as `<name>Z` (raw deflate with the preset dictionary below), so
 * the item stays under 1 KB for a typical declaration (one write unit per change) whatever the
 * outcomes hold. Items stored before carry `<name>Gz` (gzip, no dictionary; 'risk' and
 * 'assessment' from before they became part items) or `duties`, `amountDue` and `decision` as maps: all still read.
 */
const compressedFields = ['validation', 'assessmentProblems', 'lastEvent', 'duties', 'amountDue', 'decision'] as const;
const gzipFields = ['validation', 'risk', 'assessment', 'assessmentProblems', 'lastEvent'] as const;

/**
 * The preset dictionary of `<name>Z` attributes: the field names and common values of the
 * compressed fields, so that a small outcome compresses to a fraction of its JSON (deflate alone
 * gains little on a few hundred bytes). NEVER CHANGE THIS TEXT: every `...Z` attribute ever stored
 * is inflated with it. A better dictionary needs a new suffix, with this one kept for reading.
 */
const DICTIONARY_V1 = Buffer.from(
  [
    '{"at":"2026-01-01T00:00:00.000Z","problems":[{"pointer":"/items/0/","code":"","message":"","detail":""}],"problemCount":',
    '{"method":"E","account":"","currency":"GBP","status":"AWAITING_PAYMENT","status":"SECURED","postponedVat":"0.00",',
    '"charges":[{"source":"DECL#","amount":"","byTaxType":{"A00":"","B00":"","A30":"","A35":""},"at":"2026-',
    '"reference":"","guarantee":"","account":{"number":"","sequence":,"kind":"CHARGE"}}]}',
    '{"version":,"previousHash":"","type":"SUBMITTED","status":"VALIDATED","type":"SCORED","status":"ASSESSED",',
    '"type":"UNDER_REVIEW","status":"RELEASED","at":"2026-',
    'T00:00:00.000Z","actor":{"kind":"trader","id":"GB',
    '"actor":{"kind":"officer","id":"},"actor":{"kind":"system","id":"release"},"detail":"lane GREEN","detail":"lane RED',
    '"detail":"assessed: total GBP ","detail":"queued for officer review (RED lane at GB","detail":"released (GREEN lane)"}',
    '{"action":"RELEASE","action":"REQUEST_DOCUMENTS","action":"HOLD","officerId":"","at":"2026-","message":"Released after ","documents":[{"type":"',
    '{"amount":"","currency":"GBP","byTaxType":{"A00":"","B00":""}}',
  ].join(''),
);

const compress = (value: unknown): Uint8Array => deflateRawSync(JSON.stringify(value), { level: 9, dictionary: DICTIONARY_V1 });
const decompress = (packed: Uint8Array): unknown => JSON.parse(inflateRawSync(packed, { dictionary: DICTIONARY_V1 }).toString('utf8'));

/** Attributes that are keys or bookkeeping, not part of the record. */
const itemOnlyAttributes = [
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  'GSI4PK',
  'GSI4SK',
  'entity',
  'assessmentRef',
  'reassessmentRef',
  'riskRef',
  'declarationGz',
] as const;

/** Statuses of the pipeline: a declaration in one of them is in the in-flight index (the redrive reads it). */
export const inFlightStatuses: readonly DeclarationStatus[] = ['SUBMITTED', 'VALIDATED', 'SCORED', 'ASSESSED'];
type DeclarationStatus = DeclarationState['status'];

export class StoredItemError extends Error {
  constructor(what: string, error: z.ZodError) {
    const issue = error.issues[0];
    const where = issue ? `/${issue.path.join('/')}: ${issue.message}` : '';
    super(`${what} is not a valid stored item (${where})`);
    this.name = 'StoredItemError';
  }
}

function validated<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoredItemError(what, parsed.error);
  return parsed.data;
}

const pack = (value: unknown): Uint8Array => gzipSync(JSON.stringify(value));
const unpack = (packed: Uint8Array): unknown => JSON.parse(gunzipSync(packed).toString('utf8'));

/** The state item of a new declaration, with the keys of every index it starts in. */
export function encodeNewDeclaration(record: DeclarationRecord): Record<string, unknown> {
  const { declaration: _body, assessment: _assessment, reassessment: _reassessment, risk: _risk, ...state } = record;
  return {
    ...keys.declaration(record.id),
    ...keys.declarationByDeclarant(record.declarantId, record.submittedAt, record.id),
    ...keys.declarationByDay(record.submittedAt, record.id),
    ...(inFlightStatuses.includes(record.status) ? keys.inFlight(record.updatedAt, record.id) : {}),
    entity: entityTypes.declaration,
    // The id is the table key's (`DECL#<id>`): not stored twice.
    ...encodeChanges(record.id, withoutId(state), record.amendment ?? 0).set,
  };
}

const withoutId = <T extends { id?: string }>({ id: _id, ...rest }: T): Omit<T, 'id'> => rest;

/** The declaration id of a state item: its table key's (items stored before also carry `id`). */
export const idOfStateItem = (item: Record<string, unknown>): string => String(item.PK).slice('DECL#'.length);

/**
 * The attributes a state change sets (outcomes compressed, the submission without what config and
 * its key rule know), and those it removes: the other forms a compressed field was stored in.
 */
export function encodeChanges(
  id: string,
  set: Omit<Transition['set'], DeclarationPart> | Partial<DeclarationState>,
  /** The amendment the item holds unless `set` changes it; undefined: not known here (the key is then kept). */
  amendment?: number,
): { set: Record<string, unknown>; remove: string[] } {
  const stored: Record<string, unknown> = {};
  const remove: string[] = [];
  for (const [name, value] of Object.entries(set)) {
    if (value === undefined) continue;
    if ((compressedFields as readonly string[]).includes(name)) {
      stored[`${name}Z`] = compress(name === 'lastEvent' ? withoutDeclarationId(id, value as HistoryEvent) : value);
      remove.push(name, `${name}Gz`);
    } else if (name === 'submission') {
      stored.submission = compactSubmission(id, 'amendment' in set ? set.amendment : amendment, value as SubmissionArchive);
    } else stored[name] = value;
  }
  return { set: stored, remove };
}

/** A history event of this declaration without its id (the item's). */
function withoutDeclarationId(id: string, event: HistoryEvent): Partial<HistoryEvent> {
  const { declarationId, ...rest } = event;
  return declarationId === id ? rest : event;
}

/**
 * Where the submitted bytes are, as stored: the SHA-256, size and S3 version. The bucket is the
 * function's archive bucket (config). The key is left out when the key rule rebuilds it from the id,
 * the SHA-256 and the amendment (`archiveKeys`; the amendment number is then stored with it, not
 * taken from the item, so a later change of `amendment` alone cannot misdirect it), and kept when
 * it does not (an earlier layout) or the amendment is not known here.
 */
function compactSubmission(id: string, amendment: number | undefined, submission: SubmissionArchive): Record<string, unknown> {
  const { bucket: _bucket, key, ...kept } = submission;
  if (amendment === undefined || key !== submissionKey(id, amendment, submission.sha256)) return { ...kept, key };
  return amendment === 0 ? kept : { ...kept, amendment };
}

const submissionKey = (id: string, amendment: number, sha256: string): string =>
  amendment === 0 ? archiveKeys.submitted(id, sha256) : archiveKeys.amendment(id, amendment, sha256);

export interface DecodedState {
  state: DeclarationState;
  /** Where each part's items are (`assessment`, `reassessment`, `risk`), when it has one. */
  partRefs: Partial<Record<DeclarationPart, PartRef>>;
  /** Items stored before bodies moved to the archive and assessments and risk outcomes to part items. */
  legacy: { declarationGz?: Uint8Array | undefined; assessment?: Assessment | undefined; risk?: RiskOutcome | undefined };
}

/** Reads a declaration's state item back: keys stripped, outcomes unpacked, the whole validated. */
export function decodeStateItem(stored: Record<string, unknown>): DecodedState {
  const item: Record<string, unknown> = { ...stored, id: idOfStateItem(stored) };
  const record: Record<string, unknown> = { ...item };
  for (const name of itemOnlyAttributes) delete record[name];
  for (const name of gzipFields) {
    const packed = record[`${name}Gz`];
    if (packed instanceof Uint8Array) record[name] = unpack(packed);
    delete record[`${name}Gz`];
  }
  for (const name of compressedFields) {
    const packed = record[`${name}Z`];
    if (packed instanceof Uint8Array) record[name] = decompress(packed);
    delete record[`${name}Z`];
  }
  if (record.lastEvent && typeof record.lastEvent === 'object') record.lastEvent = { declarationId: item.id, ...record.lastEvent };
  if (record.submission && typeof record.submission === 'object') {
    const { amendment = 0, ...submission } = record.submission as Partial<SubmissionArchive> & { amendment?: number };
    record.submission =
      submission.key === undefined && typeof submission.sha256 === 'string' && typeof amendment === 'number'
        ? { ...submission, key: submissionKey(String(item.id), amendment, submission.sha256) }
        : submission;
  }
  const what = `declaration ${String(item.id)}`;
  const { assessment: legacyAssessment, risk: legacyRisk, ...state } = record;
  const risk = legacyRisk === undefined ? undefined : validated(riskOutcomeSchema, legacyRisk, `${what} risk`);
  // Items stored before the risk outcome became a part have no riskScore: their outcome has it.
  if (risk && state.riskScore === undefined) state.riskScore = risk.score;
  return {
    state: validated(declarationStateSchema, state, what),
    partRefs: Object.fromEntries(declarationParts.flatMap((part) => (item[`${part}Ref`] ? [[part, item[`${part}Ref`] as PartRef]] : []))),
    legacy: {
      declarationGz: item.declarationGz instanceof Uint8Array ? item.declarationGz : undefined,
      assessment: legacyAssessment === undefined ? undefined : validated(assessmentSchema, legacyAssessment, `${what} assessment`),
      risk,
    },
  };
}

/** A stalled declaration as the in-flight index (keys only) names it: the id of its table key. */
export const decodeStalled = (item: Record<string, unknown>): StalledDeclaration =>
  validated(declarationStateSchema.pick({ id: true }), { id: idOfStateItem(item) }, `in-flight entry ${String(item.PK)}`);

export const decodeHistoryEvent = (item: Record<string, unknown>): HistoryEvent =>
  validated(historyEventSchema, item, `history event ${String(item.SK)} of ${String(item.declarationId)}`);

/** A document upload's item: its keys beside the declaration's, the upload's fields as they are. */
export const encodeUpload = (upload: DocumentUpload): Record<string, unknown> => ({
  ...keys.documentUpload(upload.declarationId, upload.documentId),
  entity: entityTypes.documentUpload,
  ...upload,
});

export function decodeUpload(item: Record<string, unknown>): DocumentUpload {
  const { PK: _pk, SK: _sk, entity: _entity, ...upload } = item;
  return validated(documentUploadSchema, upload, `document upload ${String(item.SK)} of ${String(item.declarationId)}`);
}

/** The part items of a value too big for the state item: gzip, cut into chunks under a fresh reference. */
export function encodePart(id: string, name: string, ref: string, value: unknown): Record<string, unknown>[] {
  const packed = pack(value);
  const chunks = Math.max(1, Math.ceil(packed.byteLength / PART_CHUNK_BYTES));
  return Array.from({ length: chunks }, (_, index) => ({
    PK: keys.declaration(id).PK,
    SK: `${partPrefix(id, name, ref)}${String(index).padStart(3, '0')}`,
    entity: entityTypes.declarationPart,
    data: packed.subarray(index * PART_CHUNK_BYTES, (index + 1) * PART_CHUNK_BYTES),
  }));
}

export const partPrefix = (id: string, name: string, ref: string): string => keys.declarationPart(id, name, ref).SKPrefix;

/** A fresh part reference: 96 random bits (unique among a declaration's parts), 16 characters in the sort key. */
export const newPartRef = (): string => randomBytes(12).toString('base64url');

const partSchemas = { assessment: assessmentSchema, reassessment: assessmentSchema, risk: riskOutcomeSchema } as const;
type PartValue<P extends DeclarationPart> = z.infer<(typeof partSchemas)[P]>;

/** Joins a part's chunks (all of them must be there), unpacks and validates it. */
export function decodePart<P extends DeclarationPart>(items: Record<string, unknown>[], id: string, part: P, ref: PartRef): PartValue<P> {
  const prefix = partPrefix(id, part, ref.ref);
  const found = items
    .filter((item) => typeof item.SK === 'string' && item.SK.startsWith(prefix))
    .sort((a, b) => String(a.SK).localeCompare(String(b.SK)));
  if (found.length !== ref.chunks) throw new Error(`declaration part ${prefix} has ${found.length} of its ${ref.chunks} chunks`);
  const packed = Buffer.concat(found.map((item) => item.data as Uint8Array));
  // The schema of part P parses a PartValue<P>; TypeScript cannot narrow the lookup by P.
  return validated(partSchemas[part], unpack(packed), `declaration ${id} ${part}`) as PartValue<P>;
}

/**
 * The declaration as submitted, from its archived bytes. Reading never judges a declaration
 * again: bytes accepted under earlier rules are still read (with the defaults intake fills in),
 * only the current rules' refinements are not applied to them.
 */
export function decodeSubmittedBody(bytes: Uint8Array): Declaration {
  const raw = JSON.parse(new TextDecoder().decode(bytes)) as Declaration;
  const parsed = declarationSchema.safeParse(raw);
  return parsed.success ? parsed.data : withIntakeDefaults(raw);
}

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

/** Legacy bodies stored in the state item (before the archive held them). */
export const unpackLegacyBody = (packed: Uint8Array): Uint8Array => gunzipSync(packed);
