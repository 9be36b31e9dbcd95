/**
 * How a declaration is written to and read back from DynamoDB items. The state item never holds
 * what grows with the number of items: the body stays in the archive (exact bytes, SHA-256 checked
 * on read) and the assessment is stored as write-once part items beside it, so no valid declaration
 * can outgrow DynamoDB's 400 KB item limit and every state change rewrites a small item. Everything
 * read back is validated against the record's zod schema: a damaged or foreign item is an error
 * that names the declaration and the field, never a half-typed object.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { z } from 'zod';
import { type Declaration, declarationSchema } from '#shared/domain/declaration.ts';
import {
  type DeclarationPart,
  type DeclarationRecord,
  type DeclarationState,
  declarationParts,
  declarationStateSchema,
  type HistoryEvent,
  historyEventSchema,
} from '#shared/domain/declaration-record.ts';
import { type DocumentUpload, documentUploadSchema } from '#shared/domain/documents.ts';
import type { StalledDeclaration, Transition } from '#shared/ports/declarations.ts';
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
 * State fields stored gzip-compressed as `<name>Gz`, so the item stays small whatever the
 * outcomes hold. 'assessment': items stored before assessments became part items carry assessmentGz.
 */
const compressedFields = ['validation', 'risk', 'assessment', 'assessmentProblems', 'lastEvent'] as const;

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
  const { declaration: _body, assessment: _assessment, reassessment: _reassessment, ...state } = record;
  return {
    ...keys.declaration(record.id),
    ...keys.declarationByDeclarant(record.declarantId, record.submittedAt, record.id),
    ...keys.declarationByDay(record.submittedAt, record.id),
    ...(inFlightStatuses.includes(record.status) ? keys.inFlight(record.updatedAt, record.id) : {}),
    entity: entityTypes.declaration,
    ...encodeChanges(state),
  };
}

/** The attributes a state change sets (outcomes compressed). */
export function encodeChanges(set: Omit<Transition['set'], DeclarationPart> | Partial<DeclarationState>): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(set)) {
    if (value !== undefined && (compressedFields as readonly string[]).includes(name)) stored[`${name}Gz`] = pack(value);
    else stored[name] = value;
  }
  return stored;
}

export interface DecodedState {
  state: DeclarationState;
  /** Where each part's items are (`assessment`, `reassessment`), when it has one. */
  partRefs: Partial<Record<DeclarationPart, PartRef>>;
  /** Items stored before bodies moved to the archive and assessments to part items. */
  legacy: { declarationGz?: Uint8Array | undefined; assessment?: Assessment | undefined };
}

/** Reads a declaration's state item back: keys stripped, outcomes unpacked, the whole validated. */
export function decodeStateItem(item: Record<string, unknown>): DecodedState {
  const record: Record<string, unknown> = { ...item };
  for (const name of itemOnlyAttributes) delete record[name];
  for (const name of compressedFields) {
    const packed = record[`${name}Gz`];
    if (packed instanceof Uint8Array) record[name] = unpack(packed);
    delete record[`${name}Gz`];
  }
  const what = `declaration ${String(item.id)}`;
  const { assessment: legacyAssessment, ...state } = record;
  return {
    state: validated(declarationStateSchema, state, what),
    partRefs: Object.fromEntries(declarationParts.flatMap((part) => (item[`${part}Ref`] ? [[part, item[`${part}Ref`] as PartRef]] : []))),
    legacy: {
      declarationGz: item.declarationGz instanceof Uint8Array ? item.declarationGz : undefined,
      assessment: legacyAssessment === undefined ? undefined : validated(assessmentSchema, legacyAssessment, `${what} assessment`),
    },
  };
}

/** A stalled declaration as the in-flight index (keys only) names it: the id of its table key. */
export const decodeStalled = (item: Record<string, unknown>): StalledDeclaration =>
  validated(declarationStateSchema.pick({ id: true }), { id: String(item.PK).slice('DECL#'.length) }, `in-flight entry ${String(item.PK)}`);

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

/** Joins an assessment part's chunks (all of them must be there), unpacks and validates it. */
export function decodeAssessmentPart(items: Record<string, unknown>[], id: string, part: DeclarationPart, ref: PartRef): Assessment {
  const prefix = partPrefix(id, part, ref.ref);
  const found = items
    .filter((item) => typeof item.SK === 'string' && item.SK.startsWith(prefix))
    .sort((a, b) => String(a.SK).localeCompare(String(b.SK)));
  if (found.length !== ref.chunks) throw new Error(`declaration part ${prefix} has ${found.length} of its ${ref.chunks} chunks`);
  return validated(assessmentSchema, unpack(Buffer.concat(found.map((item) => item.data as Uint8Array))), `declaration ${id} ${part}`);
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
