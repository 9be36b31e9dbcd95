/**
 * The trader answers an officer's document request (REQUEST_DOCUMENTS).
 *
 * 1. `requestDocumentUpload` (POST /v1/declarations/{id}/documents): while the declaration is
 *    DOCUMENTS_REQUESTED, for a type the officer asked for, hands out a short-lived upload URL for
 *    one archive object (`declarations/<id>/documents/<documentId>`) signed for the declared size,
 *    media type and SHA-256, and records the upload as PENDING (a conditional put) so the worker
 *    can match what arrives.
 * 2. `receiveDocument` (the archive's object-created event): measures the object that arrived (size
 *    and SHA-256, hashed as it streams) against the pending upload. A mismatch, or a declaration no
 *    longer waiting for that document, refuses the upload with a reason the trader reads and leaves
 *    the declaration as it is. Otherwise the document goes on the declaration (a conditional write
 *    on version, history event DOCUMENTS_RECEIVED by the trader); with the last requested type in,
 *    the declaration goes back UNDER_REVIEW in its lane and office at its original queue time, so
 *    ahead of everything queued since. A redelivered event changes nothing: the declaration holds
 *    the document by id, and the upload is settled once.
 */
import { canRead, type Principal, requireParty, requireRole } from '#shared/domain/auth.ts';
import type { DeclarationState } from '#shared/domain/declaration-record.ts';
import {
  type DocumentUpload,
  type DocumentUploadRequest,
  type DocumentUploadTicket,
  documentKey,
  MAX_UPLOADS_PER_DECLARATION,
  type ReceivedDocument,
  UPLOAD_URL_SECONDS,
} from '#shared/domain/documents.ts';
import { nextEvent } from '#shared/domain/history.ts';
import { newDocumentId } from '#shared/domain/ids.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import { reviewLaneOf } from '#shared/domain/review-views.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter, DocumentUploadRecords } from '#shared/ports/declarations.ts';
import type { DocumentUploads } from '#shared/ports/document-uploads.ts';
import { DeclarationMissingError, writePendingEvent } from './pipeline-stage.ts';

export interface DocumentDeps {
  repository: DeclarationReader & DeclarationWriter & DocumentUploadRecords;
  uploads: DocumentUploads;
  clock: Clock;
}

const notFound = (id: string) =>
  new DomainError('NOT_FOUND', 'Not found', [problem('', 'DECLARATION_NOT_FOUND', `no declaration ${id} that you may see`)]);

/** The document types the officer's latest request names (none unless the declaration waits for documents). */
const requestedTypes = (state: DeclarationState): string[] =>
  state.status === 'DOCUMENTS_REQUESTED' && state.decision?.action === 'REQUEST_DOCUMENTS'
    ? (state.decision.documents ?? []).map((document) => document.type)
    : [];

/** POST /v1/declarations/{id}/documents: an upload URL for one requested document (trader, owner). */
export async function requestDocumentUpload(
  command: { principal: Principal; id: string; document: DocumentUploadRequest },
  deps: DocumentDeps,
): Promise<DocumentUploadTicket> {
  requireRole(command.principal, 'trader');
  const party = requireParty(command.principal);
  const state = await deps.repository.getState(command.id);
  // Another party's declaration does not exist for this trader (no existence oracle).
  if (!state || !canRead(command.principal, state.declarantId)) throw notFound(command.id);
  if (state.status !== 'DOCUMENTS_REQUESTED') {
    throw new DomainError('CONFLICT', 'Not waiting for documents', [
      problem(
        '',
        'NOT_AWAITING_DOCUMENTS',
        `declaration ${command.id} is ${state.status}; documents are uploaded while customs has requested them (DOCUMENTS_REQUESTED)`,
      ),
    ]);
  }
  const requested = requestedTypes(state);
  if (!requested.includes(command.document.type)) {
    throw new DomainError('CONFLICT', 'Document not requested', [
      problem(
        '/type',
        'DOCUMENT_NOT_REQUESTED',
        `customs asked for ${requested.join(', ') || 'no document type'}; ${command.document.type} was not requested`,
      ),
    ]);
  }
  if ((await deps.repository.listUploads(command.id)).length >= MAX_UPLOADS_PER_DECLARATION) {
    throw new DomainError('CONFLICT', 'Too many uploads', [
      problem('', 'TOO_MANY_UPLOADS', `declaration ${command.id} holds ${MAX_UPLOADS_PER_DECLARATION} uploads, the most it may`),
    ]);
  }

  const now = deps.clock.now();
  const documentId = newDocumentId(now);
  const key = documentKey(state.id, documentId);
  const expiresAt = new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  const { contentType, size, sha256, type, ref } = command.document;
  // Signing is local (no call to S3): the URL exists before the upload is recorded, and is only
  // handed out once it is, so every object that can arrive has its record.
  const target = await deps.uploads.presignPut({ key, contentType, size, sha256, expiresInSeconds: UPLOAD_URL_SECONDS });
  const upload: DocumentUpload = {
    declarationId: state.id,
    documentId,
    type,
    ref,
    contentType,
    size,
    sha256,
    key,
    status: 'PENDING',
    uploadedBy: party,
    requestedAt: now.toISOString(),
    expiresAt,
  };
  if (!(await deps.repository.recordUpload(upload))) throw new Error(`document upload ${documentId} exists already`);
  return { documentId, uploadUrl: target.url, expiresAt, headers: target.headers };
}

/** An object created in the archive bucket (from its S3 event notification). */
export interface CreatedObject {
  declarationId: string;
  documentId: string;
}

export type ReceiveResult =
  | { outcome: 'received'; status: DeclarationState['status']; version: number }
  | { outcome: 'refused'; reason: string }
  /** A redelivered event: the upload was settled before. */
  | { outcome: 'already-settled'; status: DocumentUpload['status'] }
  /** No upload was recorded for the object (not one a trader was given a URL for). */
  | { outcome: 'unknown-upload' };

/** A conflict with another change of the declaration at the same moment is retried this often. */
const ATTEMPTS = 5;

export async function receiveDocument(object: CreatedObject, deps: DocumentDeps): Promise<ReceiveResult> {
  const upload = await deps.repository.getUpload(object.declarationId, object.documentId);
  if (!upload) return { outcome: 'unknown-upload' };
  if (upload.status !== 'PENDING') return { outcome: 'already-settled', status: upload.status };

  const arrived = await deps.uploads.inspect(upload.key);
  // The event says it was created: a missing object is a delay to wait out (the message is retried).
  if (!arrived) throw new Error(`document ${upload.key} is not in the archive`);
  const mismatch =
    arrived.size !== upload.size
      ? `the uploaded file has ${arrived.size} bytes, not the ${upload.size} declared`
      : arrived.sha256 !== upload.sha256
        ? `the uploaded file's SHA-256 is ${arrived.sha256}, not the ${upload.sha256} declared`
        : arrived.contentType !== upload.contentType
          ? `the uploaded file was sent as ${arrived.contentType ?? 'no content type'}, not the ${upload.contentType} declared`
          : undefined;
  if (mismatch) return refuse(upload, mismatch, deps);

  for (let attempt = 1; ; attempt += 1) {
    const state = await deps.repository.getState(upload.declarationId);
    if (!state) throw new DeclarationMissingError(upload.declarationId);
    // Redelivered after the declaration took the document: only the upload's settlement may be missing.
    const held = state.documents?.find((document) => document.documentId === upload.documentId);
    if (held) {
      await deps.repository.settleUpload(upload.declarationId, upload.documentId, { status: 'RECEIVED', at: held.receivedAt });
      return { outcome: 'received', status: state.status, version: state.version };
    }
    if (state.status !== 'DOCUMENTS_REQUESTED')
      return refuse(upload, `declaration is ${state.status}: customs no longer waits for documents on it`, deps);
    const requested = requestedTypes(state);
    if (!requested.includes(upload.type))
      return refuse(upload, `customs no longer asks for ${upload.type} (it asks for ${requested.join(', ') || 'nothing'})`, deps);

    const outcome = await addDocument(state, upload, requested, deps);
    if (outcome) return outcome;
    if (attempt === ATTEMPTS) throw new Error(`declaration ${state.id} kept changing while document ${upload.documentId} was added`);
  }
}

/** Puts the document on the declaration; undefined when the declaration changed meanwhile. */
async function addDocument(
  state: DeclarationState,
  upload: DocumentUpload,
  requested: readonly string[],
  deps: DocumentDeps,
): Promise<ReceiveResult | undefined> {
  await writePendingEvent(state, deps.repository);
  const at = deps.clock.now().toISOString();
  // Counted against the request it answers: documents received for an earlier request do not.
  const answers = state.decision?.at ?? at;
  const document: ReceivedDocument = {
    documentId: upload.documentId,
    type: upload.type,
    ref: upload.ref,
    contentType: upload.contentType,
    size: upload.size,
    sha256: upload.sha256,
    key: upload.key,
    receivedAt: at,
    answers,
  };
  const documents = [...(state.documents ?? []), document];
  const present = new Set(documents.filter((held) => held.answers === answers).map((held) => held.type));
  const missing = requested.filter((type) => !present.has(type));
  const to = missing.length === 0 ? 'UNDER_REVIEW' : 'DOCUMENTS_REQUESTED';
  const event = nextEvent(state, {
    type: 'DOCUMENTS_RECEIVED',
    status: to,
    at,
    actor: { kind: 'trader', id: upload.uploadedBy },
    detail:
      missing.length === 0
        ? `${upload.type} ${upload.ref} received; every requested document is in: back under review`
        : `${upload.type} ${upload.ref} received; still waiting for ${[...new Set(missing)].join(', ')}`,
  });
  const outcome = await deps.repository.transition({
    id: state.id,
    from: 'DOCUMENTS_REQUESTED',
    expectedVersion: state.version,
    to,
    at,
    // Back in the queue it left, at its original queue time: ahead of everything queued since.
    ...(to === 'UNDER_REVIEW'
      ? { reviewQueue: { lane: reviewLaneOf(state.lane), office: state.office, queuedAt: state.queuedAt ?? at } }
      : {}),
    set: { documents, lastEvent: event, ...(state.queuedAt === undefined && to === 'UNDER_REVIEW' ? { queuedAt: at } : {}) },
  });
  if (outcome === 'conflict') return undefined;
  await deps.repository.appendEvent(event);
  await deps.repository.settleUpload(upload.declarationId, upload.documentId, { status: 'RECEIVED', at });
  return { outcome: 'received', status: to, version: state.version + 1 };
}

async function refuse(upload: DocumentUpload, reason: string, deps: DocumentDeps): Promise<ReceiveResult> {
  const at = deps.clock.now().toISOString();
  if (await deps.repository.settleUpload(upload.declarationId, upload.documentId, { status: 'REFUSED', at, reason }))
    return { outcome: 'refused', reason };
  // Settled meanwhile by a concurrent delivery of the same event.
  const settled = await deps.repository.getUpload(upload.declarationId, upload.documentId);
  return { outcome: 'already-settled', status: settled?.status ?? 'PENDING' };
}
