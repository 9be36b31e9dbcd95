/**
 * Documents customs issues under its seal: the assessment notice of an assessed declaration and
 * the release note of a released one, issued from their own queue (a KMS throttle delays a
 * document, never a clearance), archived write-once with their seal; their PDF is printed by the
 * printing queue's worker at issue or on the first download, as the region says; the owner and
 * officers list and download them; anyone verifies one, here or offline with the JWKS.
 */
import { createHash } from 'node:crypto';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import { canRead, type Principal, requireRole } from '#shared/domain/auth.ts';
import {
  type DeclarationDocument,
  DOWNLOAD_URL_SECONDS,
  type DocumentDownload,
  type DocumentPdfStatus,
  issuedDocumentId,
  PRINTING_RETRY_AFTER_SECONDS,
  parseDocumentId,
  uploadedDocumentId,
} from '#shared/domain/declaration-documents.ts';
import type { DeclarationRecord, HistoryEvent, PipelineMessage } from '#shared/domain/declaration-record.ts';
import { eventHash } from '#shared/domain/history.ts';
import { merkleTree } from '#shared/domain/merkle-tree.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import {
  type AssessmentNotice,
  assessmentNoticeSchema,
  type CustomsDocument,
  compactJws,
  documentSha256,
  type InclusionProof,
  type IssuedDocumentKind,
  type PublicJwk,
  type ReleaseNote,
  releaseNoteSchema,
  type SealedDocument,
  signingInput,
  type TreeSealStatement,
  type Verification,
  verifySealedDocument,
} from '#shared/domain/sealed-documents.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader } from '#shared/ports/declarations.ts';
import type { ArchiveDownloads, ArchiveReader, ByteRange, DocumentArchive } from '#shared/ports/document-archive.ts';
import type { DocumentSealer, IssuedDocument, IssuedDocuments, SealKeyRegistry } from '#shared/ports/document-seal.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import { readIssuedBytes } from './read-issued-document.ts';
import { notFound } from './review-queue.ts';

export interface IssueDeps {
  repository: Pick<DeclarationReader, 'getWithEvents'>;
  archive: DocumentArchive;
  sealer: DocumentSealer;
  keys: SealKeyRegistry;
  issued: IssuedDocuments;
  /** Where each newly issued document is sent for its printable copy (PDF), when printed at issue. */
  printingQueue: PipelineQueue;
  /** The region's `documentPrinting`: at issue, or on the first download (then issuing prints nothing). */
  documentPrinting: 'at-issue' | 'on-request';
  clock: Clock;
  /** The issuing administration's country (region config). */
  country: string;
}

export type IssueOutcome = 'issued' | 'issued-before';

/** A document a declaration calls for: the history event it documents, and the document built from the record. */
export interface DueDocument {
  version: number;
  document: CustomsDocument;
}

const latestOf = (events: readonly HistoryEvent[], type: HistoryEvent['type']): HistoryEvent | undefined =>
  events.findLast((event) => event.type === type);

const goodsOf = (record: DeclarationRecord) =>
  record.declaration.items.map((item, index) => ({
    item: index + 1,
    commodityCode: item.commodityCode,
    description: item.description,
    origin: item.origin ?? null,
  }));

/** What every document customs issues names first: its format, the issuer and the declaration. */
const documentHeader = (record: DeclarationRecord, country: string) => ({
  format: 1,
  issuer: { country, authority: 'customs' },
  declarationId: record.id,
  ucr: record.ucr,
  lrn: record.lrn,
  type: record.declaration.type,
  office: record.office,
});

/** The assessment notice of the assessment an ASSESSED event recorded (only a calculated assessment: exports owe none). */
export function assessmentNoticeOf(record: DeclarationRecord, assessed: HistoryEvent, country: string): AssessmentNotice | undefined {
  const assessment = record.assessment;
  if (!assessment) return undefined;
  const { declarant, importer, exporter } = record.declaration;
  return assessmentNoticeSchema.parse({
    kind: 'ASSESSMENT_NOTICE',
    ...documentHeader(record, country),
    parties: {
      declarant: { id: declarant.id, name: declarant.name },
      importer: { id: importer.id ?? null, name: importer.name, country: importer.country },
      exporter: { id: exporter.id ?? null, name: exporter.name, country: exporter.country },
    },
    goods: goodsOf(record).map((item, index) => ({
      ...item,
      customsValue: assessment.items.find((assessed) => assessed.itemIndex === index)?.customsValue ?? '0.00',
    })),
    duties: {
      currency: assessment.currency,
      byTaxType: assessment.totals.byTaxType,
      total: assessment.totals.total,
      tariffPackVersion: assessment.tariffPackVersion,
      acceptanceDate: assessment.acceptanceDate,
    },
    assessed: { at: assessed.at },
    submittedSha256: record.submission.sha256,
    history: { version: assessed.version, sha256: eventHash(assessed) },
    issuedAt: assessed.at,
  });
}

/** The release note of a released declaration: the RELEASED event is the head of its history. */
export function releaseNoteOf(record: DeclarationRecord, released: HistoryEvent, country: string): ReleaseNote {
  if (!record.releasedAt) throw new Error(`declaration ${record.id} is not released`);
  const assessment = record.reassessment ?? record.assessment;
  return releaseNoteSchema.parse({
    kind: 'RELEASE_NOTE',
    ...documentHeader(record, country),
    declarant: { id: record.declarantId },
    goods: goodsOf(record),
    duties: assessment ? { currency: assessment.currency, byTaxType: assessment.totals.byTaxType, total: assessment.totals.total } : null,
    released: { at: record.releasedAt, by: record.decision?.action === 'RELEASE' ? 'OFFICER' : 'RELEASE_STAGE' },
    submittedSha256: record.submission.sha256,
    history: { version: released.version, sha256: eventHash(released) },
    issuedAt: record.releasedAt,
  });
}

/**
 * The documents a declaration calls for now, each built from its record and history alone: a
 * retry builds the same bytes. The latest assessment gets its notice (an amended declaration is
 * assessed again, and gets another); a released declaration its release note.
 */
export function dueDocuments(record: DeclarationRecord, events: readonly HistoryEvent[], country: string): DueDocument[] {
  const due: DueDocument[] = [];
  const assessed = latestOf(events, 'ASSESSED');
  const notice = assessed && assessmentNoticeOf(record, assessed, country);
  if (assessed && notice) due.push({ version: assessed.version, document: notice });
  const released = record.status === 'RELEASED' ? latestOf(events, 'RELEASED') : undefined;
  if (released) due.push({ version: released.version, document: releaseNoteOf(record, released, country) });
  return due;
}

type IssuedReport = { kind: IssuedDocumentKind; version: number; outcome: IssueOutcome };

/** What issuing did for one message of a batch: its declaration's documents, or why not (SQS delivers it again). */
export type IssueResult = { ok: true; documents: IssuedReport[] } | { ok: false; error: Error };

/** A document the declaration calls for, and its record if it was issued before. */
interface Planned {
  due: DueDocument;
  before: IssuedDocument | undefined;
}

const documentKey = (declarationId: string, kind: IssuedDocumentKind, version: number): string => `${declarationId}#${kind}#${version}`;
const keyOfDue = ({ document, version }: DueDocument): string => documentKey(document.declarationId, document.kind, version);
const asError = (reason: unknown): Error => (reason instanceof Error ? reason : new Error(String(reason)));

/**
 * Documents queue worker, one message: issues every document the declaration calls for and has
 * not got, each once (a batch of one: see issueDocumentBatch).
 */
export async function issueDocuments(message: PipelineMessage, deps: IssueDeps): Promise<IssuedReport[]> {
  const [result] = await issueDocumentBatch([message], deps);
  if (!result?.ok) throw result?.error ?? new Error('no result for the message');
  return result.documents;
}

/**
 * Documents queue worker, one SQS batch: every document the batch's declarations call for and
 * have not got is sealed with ONE signature over the root of a Merkle tree of their SHA-256
 * (format 2, merkle-tree.ts), then all are archived with their inclusion proofs as ONE write-once
 * object, and each is recorded with its byte range there. Idempotent as before: a document
 * recorded already (ISSUED#<kind>#<version>) is not sealed again, and when two deliveries race,
 * the first record counts (the other copy stays in an archive object no record names). A message
 * fails alone (its declaration could not be read, or its history is behind its state); if the
 * signature or the archive PUT fails, every message with a new document fails.
 */
export async function issueDocumentBatch(messages: readonly PipelineMessage[], deps: IssueDeps): Promise<IssueResult[]> {
  const plans = await Promise.allSettled(messages.map((message) => plan(message, deps)));
  // Two messages for one declaration (the duty and the release stage both ask) seal its documents once.
  const toSeal = new Map<string, DueDocument>();
  for (const planned of plans) {
    if (planned.status === 'fulfilled') for (const { due, before } of planned.value) if (!before) toSeal.set(keyOfDue(due), due);
  }
  const sealed: Map<string, IssueOutcome | Error> | Error =
    toSeal.size === 0 ? new Map() : await sealBatch([...toSeal.values()], deps).catch(asError);
  const printing = new Map<string, Promise<void>>();
  const print = (declarationId: string, version: number): Promise<void> => {
    const key = `${declarationId}#${version}`;
    const sending = printing.get(key) ?? deps.printingQueue.send({ declarationId, version });
    printing.set(key, sending);
    return sending;
  };
  return Promise.all(
    plans.map(async (planned): Promise<IssueResult> => {
      if (planned.status === 'rejected') return { ok: false, error: asError(planned.reason) };
      const documents: IssuedReport[] = [];
      for (const { due, before } of planned.value) {
        const outcome = before ? 'issued-before' : sealed instanceof Error ? sealed : sealed.get(keyOfDue(due));
        if (outcome === undefined || outcome instanceof Error) return { ok: false, error: outcome ?? new Error('document not sealed') };
        documents.push({ kind: due.document.kind, version: due.version, outcome });
      }
      if (deps.documentPrinting === 'on-request') return { ok: true, documents };
      try {
        // Asked again for one issued before: its printing may be what a crash left undone (printing is idempotent).
        for (const { due, before } of planned.value) if (!before?.pdf) await print(due.document.declarationId, due.version);
      } catch (error) {
        return { ok: false, error: asError(error) };
      }
      return { ok: true, documents };
    }),
  );
}

/**
 * The documents a message's declaration calls for and whether each was issued before. The stage
 * that asked wrote its state before its event: the state carries that event (`lastEvent`), which
 * completes a history one event behind; a history further behind is retried rather than a
 * document built from it.
 */
async function plan(message: PipelineMessage, deps: IssueDeps): Promise<Planned[]> {
  // The declaration and its whole history in one consistent query (pattern 110 from version 1).
  const read = await deps.repository.getWithEvents(message.declarationId, 1, { text: message.submittedText });
  if (!read) throw notFound(message.declarationId);
  const { record } = read;
  // The latest change's event is stored on the state before its own item is written (a stage
  // writes it after its notification is queued): it is the event, so it completes the history.
  const pending = record.lastEvent?.version === record.version && (read.events.at(-1)?.version ?? 0) === record.version - 1;
  const events = pending && record.lastEvent ? [...read.events, record.lastEvent] : read.events;
  if ((events.at(-1)?.version ?? 0) < record.version)
    throw new Error(`declaration ${record.id} is at version ${record.version}; its history is not written that far yet`);
  return Promise.all(
    dueDocuments(record, events, deps.country).map(async (due) => ({
      due,
      before: await deps.issued.get(record.id, due.document.kind, due.version),
    })),
  );
}

/**
 * Seals documents with one signature over their Merkle root and archives them all as ONE object
 * (one S3 PUT per batch, not one per document: docs/cost.md, "One archive object per batch"),
 * then records each; each document's outcome, or why it was not stored.
 */
async function sealBatch(due: readonly DueDocument[], deps: IssueDeps): Promise<Map<string, IssueOutcome | Error>> {
  const sha256s = due.map(({ document }) => documentSha256(document));
  const tree = merkleTree(sha256s);
  const statement: TreeSealStatement = {
    typ: 'customs-seal',
    format: 2,
    treeSize: due.length,
    rootSha256: tree.rootSha256,
    sealedAt: deps.clock.now().toISOString(),
  };
  const key = await deps.sealer.publicKey();
  // Published before the first document it verifies leaves the platform.
  await deps.keys.publish(key, deps.clock.now().toISOString());
  const input = signingInput(statement, key.kid);
  const seal = compactJws(input, await deps.sealer.sign(Buffer.from(input, 'ascii')));
  const batch = sealedBatchObject(due.map(({ document }, index) => ({ document, seal, proof: tree.proofs[index] as InclusionProof })));
  // The object first, then the records: no record ever names an object that was not written. If
  // the PUT fails, every document of the batch fails (and its message is delivered again).
  await deps.archive.put({ key: batch.key, body: batch.body, contentType: 'application/x-ndjson', sha256: batch.sha256 });
  const recorded = await Promise.allSettled(
    due.map((document, index) => {
      const part = batch.parts[index] as (typeof batch.parts)[number];
      return record(document, { archiveKey: batch.key, ...part, documentSha256: sha256s[index] as string, kid: key.kid }, deps);
    }),
  );
  return new Map(due.map((document, index) => [keyOfDue(document), settledValue(recorded[index])]));
}

const settledValue = <T>(settled: PromiseSettledResult<T> | undefined): T | Error =>
  settled?.status === 'fulfilled' ? settled.value : asError(settled?.reason);

/**
 * One sealing batch's archive object: each sealed document as one line of JSON (NDJSON), one
 * after the other. A document's bytes are its line (with its newline): the bytes its record's
 * range names and its SHA-256 hashes, what a ranged GET reads back and what is verified.
 */
export function sealedBatchObject(sealed: readonly SealedDocument[]): {
  key: string;
  body: Buffer;
  sha256: string;
  parts: { range: ByteRange; sha256: string }[];
} {
  const lines = sealed.map((document) => Buffer.from(`${JSON.stringify(document)}\n`));
  let offset = 0;
  const parts = lines.map((line) => {
    const part = { range: { offset, length: line.byteLength }, sha256: createHash('sha256').update(line).digest('hex') };
    offset += line.byteLength;
    return part;
  });
  const body = Buffer.concat(lines);
  const sha256 = createHash('sha256').update(body).digest('hex');
  // ECDSA signatures differ each time: a retry's object has its own key; the records name the one that counts.
  return { key: archiveKeys.sealedBatch(sha256), body, sha256, parts };
}

/** Records one document of an archived batch (the first recorded copy counts). */
async function record(
  due: DueDocument,
  stored: { archiveKey: string; range: ByteRange; sha256: string; documentSha256: string; kid: string },
  deps: IssueDeps,
): Promise<IssueOutcome> {
  const { document } = due;
  const recorded = await deps.issued.record({
    declarationId: document.declarationId,
    kind: document.kind,
    version: due.version,
    archiveKey: stored.archiveKey,
    range: stored.range,
    sha256: stored.sha256,
    documentSha256: stored.documentSha256,
    kid: stored.kid,
    issuedAt: document.issuedAt,
  });
  return recorded ? 'issued' : 'issued-before';
}

const notIssued = (id: string) =>
  new DomainError('NOT_FOUND', 'Not issued yet', [
    problem('', 'RELEASE_NOTE_NOT_ISSUED', `declaration ${id} has no release note yet: it is issued shortly after release`),
  ]);

type ReadDeps = { repository: Pick<DeclarationReader, 'getState'>; issued: IssuedDocuments };

/** The declaration's state, if the principal may read it (others are told it does not exist: no existence oracle). */
async function readableState(principal: Principal, id: string, deps: Pick<ReadDeps, 'repository'>) {
  requireRole(principal, 'trader', 'officer', 'admin');
  const state = await deps.repository.getState(id);
  if (!state || !canRead(principal, state.declarantId)) throw notFound(id);
  return state;
}

const readSealed = async (issued: IssuedDocument, archive: ArchiveReader): Promise<SealedDocument> =>
  JSON.parse((await readIssuedBytes(issued, archive)).toString('utf8')) as SealedDocument;

/** GET /v1/declarations/{id}/release-note: the sealed release note (the declarant, officers, admins). */
export async function getReleaseNote(
  query: { principal: Principal; id: string },
  deps: ReadDeps & { archive: ArchiveReader },
): Promise<SealedDocument<ReleaseNote>> {
  await readableState(query.principal, query.id, deps);
  const issued = (await deps.issued.list(query.id)).findLast((document) => document.kind === 'RELEASE_NOTE');
  if (!issued) throw notIssued(query.id);
  return (await readSealed(issued, deps.archive)) as SealedDocument<ReleaseNote>;
}

/** GET /v1/declarations/{id}/documents: what customs issued and what the trader uploaded (and the platform checked), with their hashes. */
export async function listDeclarationDocuments(
  query: { principal: Principal; id: string },
  deps: ReadDeps,
): Promise<{ items: DeclarationDocument[] }> {
  const state = await readableState(query.principal, query.id, deps);
  const issued = (await deps.issued.list(query.id)).map(
    (document): DeclarationDocument => ({
      documentId: issuedDocumentId(document.declarationId, document.kind, document.version),
      source: 'CUSTOMS',
      kind: document.kind,
      ref: null,
      at: document.issuedAt,
      files: [
        { contentType: 'application/json', sha256: document.sha256 },
        ...(document.pdf ? [{ contentType: 'application/pdf', sha256: document.pdf.sha256 }] : []),
      ],
      documentSha256: document.documentSha256,
      kid: document.kid,
    }),
  );
  const uploaded = (state.documents ?? []).map(
    (document): DeclarationDocument => ({
      documentId: uploadedDocumentId(state.id, document.documentId),
      source: 'TRADER',
      kind: document.type,
      ref: document.ref,
      at: document.receivedAt,
      files: [{ contentType: document.contentType, sha256: document.sha256 }],
      documentSha256: null,
      kid: null,
    }),
  );
  return { items: [...issued, ...uploaded].sort((a, b) => a.at.localeCompare(b.at)) };
}

const noDocument = (documentId: string) =>
  new DomainError('NOT_FOUND', 'Not found', [problem('', 'DOCUMENT_NOT_FOUND', `no document ${documentId} that you may see`)]);

/** A file of a download: an archived object (a presigned link), or bytes read here (an RFC 2397 `data:` URL). */
type DownloadFile = { contentType: string; sha256: string } & ({ key: string; fileName: string } | { inline: Buffer });

export interface DownloadDeps extends ReadDeps {
  links: ArchiveDownloads;
  /** Reads a document of a sealing batch's object: its own range, never a link to the whole object. */
  archive: ArchiveReader;
  clock: Clock;
  /** Where a download asks for an issued document's PDF not printed yet. */
  printingQueue: PipelineQueue;
  /**
   * After how long an ask for a PDF that is still not printed counts as lost and is sent again: the
   * printing queue's whole retry budget (a message that failed every time is in its DLQ by then).
   */
  reaskPrintingAfterSeconds: number;
}

/**
 * GET /v1/documents/{docId}: short-lived links to a document's archived files (the declarant,
 * officers, admins). An issued document's PDF not printed yet is asked for once (a conditional
 * write on its record, then one printing message: a concurrent or repeated download finds it
 * asked) and answered as printing, with when to ask again; the sealed JSON's link is there at once.
 */
export async function getDocumentDownload(
  query: { principal: Principal; documentId: string },
  deps: DownloadDeps,
): Promise<DocumentDownload> {
  const reference = parseDocumentId(query.documentId);
  if (!reference) throw noDocument(query.documentId);
  const state = await readableState(query.principal, reference.declarationId, deps).catch((error: unknown) => {
    throw error instanceof DomainError && error.kind === 'NOT_FOUND' ? noDocument(query.documentId) : error;
  });
  const files: DownloadFile[] = [];
  let pdf: DocumentPdfStatus | undefined;
  if (reference.source === 'CUSTOMS') {
    const issued = await deps.issued.get(state.id, reference.kind, reference.version);
    if (!issued) throw noDocument(query.documentId);
    files.push(
      issued.range
        ? // A link to its batch's object would disclose every document of the batch: the document's own bytes instead.
          { inline: await readIssuedBytes(issued, deps.archive), contentType: 'application/json', sha256: issued.sha256 }
        : { key: issued.archiveKey, fileName: `${query.documentId}.json`, contentType: 'application/json', sha256: issued.sha256 },
    );
    if (issued.pdf) {
      files.push({
        key: issued.pdf.archiveKey,
        fileName: `${query.documentId}.pdf`,
        contentType: 'application/pdf',
        sha256: issued.pdf.sha256,
      });
      pdf = { status: 'printed' };
    } else {
      await askForPdf(issued, deps);
      pdf = { status: 'printing', retryAfterSeconds: PRINTING_RETRY_AFTER_SECONDS };
    }
  } else {
    const held = state.documents?.find((document) => document.documentId === reference.uploadId);
    if (!held) throw noDocument(query.documentId);
    files.push({ key: held.key, fileName: `${held.type}-${held.documentId}`, contentType: held.contentType, sha256: held.sha256 });
  }
  const expiresAt = new Date(deps.clock.now().getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString();
  return {
    documentId: query.documentId,
    expiresAt,
    files: await Promise.all(
      files.map(async (file) => ({
        contentType: file.contentType,
        sha256: file.sha256,
        url:
          'inline' in file
            ? `data:${file.contentType};base64,${file.inline.toString('base64')}`
            : await deps.links.presignGet({ key: file.key, fileName: file.fileName, expiresInSeconds: DOWNLOAD_URL_SECONDS }),
      })),
    ),
    ...(pdf ? { pdf } : {}),
  };
}

/**
 * Sends one printing message for a document without its PDF, unless one was asked for within the
 * re-ask limit. The record is written first: of two downloads at once, one sends. If the send then
 * fails the download fails, and the ask stands until the limit: the next download after it asks
 * again (printing is idempotent, so a message that was not lost after all only prints once).
 */
async function askForPdf(issued: IssuedDocument, deps: DownloadDeps): Promise<void> {
  const now = deps.clock.now();
  const askedBefore = new Date(now.getTime() - deps.reaskPrintingAfterSeconds * 1000).toISOString();
  if (await deps.issued.requestPrinting(issued.declarationId, issued.kind, issued.version, now.toISOString(), askedBefore))
    await deps.printingQueue.send({ declarationId: issued.declarationId, version: issued.version });
}

/** GET /.well-known/jwks.json: every key the seal was ever made with (public). */
export async function sealKeySet(deps: { keys: SealKeyRegistry }): Promise<{ keys: PublicJwk[] }> {
  return { keys: await deps.keys.all() };
}

/**
 * POST /v1/verify: whether a sealed document is genuine (public: a haulier, a port, a bank). Sent
 * whole, it is checked as sent; sent by reference (the QR code of a printed copy: its id and the
 * SHA-256 its seal names), the archived document is checked and returned, to compare with the paper.
 */
export async function verifyDocument(
  input: { document: unknown; seal: string } | { documentId: string; documentSha256: string },
  deps: { keys: SealKeyRegistry; issued: IssuedDocuments; archive: ArchiveReader },
): Promise<Verification> {
  const jwks = { keys: await deps.keys.all() };
  if ('seal' in input) return verifySealedDocument(input, jwks);
  const reference = parseDocumentId(input.documentId);
  const issued =
    reference?.source === 'CUSTOMS' ? await deps.issued.get(reference.declarationId, reference.kind, reference.version) : undefined;
  // A wrong hash and an unknown id look the same: the reference is a secret only the paper holds.
  if (!issued || issued.documentSha256 !== input.documentSha256) throw noDocument(input.documentId);
  const sealed = await readSealed(issued, deps.archive);
  const verdict = await verifySealedDocument(sealed, jwks);
  return verdict.genuine ? { ...verdict, document: sealed.document } : verdict;
}
