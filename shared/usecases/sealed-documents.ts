/**
 * Documents customs issues under its seal: the release note of a released declaration, issued
 * from its own queue (a KMS throttle delays a note, never a clearance), archived with its seal;
 * the owner and officers read it back; anyone verifies one, here or offline with the JWKS.
 */
import { createHash } from 'node:crypto';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import { canRead, type Principal, requireRole } from '#shared/domain/auth.ts';
import type { DeclarationRecord, PipelineMessage } from '#shared/domain/declaration-record.ts';
import { eventHash } from '#shared/domain/history.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import {
  compactJws,
  documentSha256,
  type PublicJwk,
  type ReleaseNote,
  releaseNoteSchema,
  type SealedDocument,
  type SealStatement,
  signingInput,
  type Verification,
  verifySealedDocument,
} from '#shared/domain/sealed-documents.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader } from '#shared/ports/declarations.ts';
import type { ArchiveReader, DocumentArchive } from '#shared/ports/document-archive.ts';
import type { DocumentSealer, IssuedDocuments, SealKeyRegistry } from '#shared/ports/document-seal.ts';
import { notFound } from './review-queue.ts';

export interface IssueDeps {
  repository: Pick<DeclarationReader, 'get'>;
  archive: DocumentArchive;
  sealer: DocumentSealer;
  keys: SealKeyRegistry;
  issued: IssuedDocuments;
  clock: Clock;
  /** The issuing administration's country (region config). */
  country: string;
}

export type IssueOutcome = 'issued' | 'issued-before' | 'not-released';

/** The release note of a released declaration, from its record: deterministic, so a retry builds the same document. */
export function releaseNoteOf(record: DeclarationRecord, country: string): ReleaseNote {
  if (!record.releasedAt || !record.lastEvent) throw new Error(`declaration ${record.id} is not released`);
  const assessment = record.reassessment ?? record.assessment;
  return releaseNoteSchema.parse({
    kind: 'RELEASE_NOTE',
    format: 1,
    issuer: { country, authority: 'customs' },
    declarationId: record.id,
    ucr: record.ucr,
    lrn: record.lrn,
    type: record.declaration.type,
    office: record.office,
    declarant: { id: record.declarantId },
    goods: record.declaration.items.map((item, index) => ({
      item: index + 1,
      commodityCode: item.commodityCode,
      description: item.description,
      origin: item.origin ?? null,
    })),
    duties: assessment ? { currency: assessment.currency, byTaxType: assessment.totals.byTaxType, total: assessment.totals.total } : null,
    released: { at: record.releasedAt, by: record.decision?.action === 'RELEASE' ? 'OFFICER' : 'RELEASE_STAGE' },
    submittedSha256: record.submission.sha256,
    // The state carries the event of its latest change: the head of the chain at release.
    history: { version: record.lastEvent.version, sha256: eventHash(record.lastEvent) },
    issuedAt: record.releasedAt,
  });
}

/** Documents queue worker: issues the release note of a released declaration once. */
export async function issueReleaseNote(message: PipelineMessage, deps: IssueDeps): Promise<IssueOutcome> {
  if (await deps.issued.get(message.declarationId, 'RELEASE_NOTE')) return 'issued-before';
  const record = await deps.repository.get(message.declarationId);
  if (!record) throw notFound(message.declarationId);
  if (record.status !== 'RELEASED') return 'not-released';
  const document = releaseNoteOf(record, deps.country);
  const statement: SealStatement = {
    typ: 'customs-seal',
    kind: document.kind,
    declarationId: document.declarationId,
    documentSha256: documentSha256(document),
    issuedAt: document.issuedAt,
  };
  const key = await deps.sealer.publicKey();
  // Published before the first note it verifies leaves the platform.
  await deps.keys.publish(key, deps.clock.now().toISOString());
  const input = signingInput(statement, key.kid);
  const seal = compactJws(input, await deps.sealer.sign(Buffer.from(input, 'ascii')));
  const body = Buffer.from(`${JSON.stringify({ document, seal } satisfies SealedDocument, null, 2)}\n`);
  const sha256 = createHash('sha256').update(body).digest('hex');
  // ECDSA signatures differ each time: a retry's copy has its own key; the record names the one that counts.
  const archiveKey = archiveKeys.issued(record.id, document.kind, sha256);
  await deps.archive.put({ key: archiveKey, body, contentType: 'application/json', sha256 });
  const recorded = await deps.issued.record({
    declarationId: record.id,
    kind: 'RELEASE_NOTE',
    archiveKey,
    sha256,
    documentSha256: statement.documentSha256,
    kid: key.kid,
    issuedAt: document.issuedAt,
  });
  return recorded ? 'issued' : 'issued-before';
}

const notIssued = (id: string) =>
  new DomainError('NOT_FOUND', 'Not issued yet', [
    problem('', 'RELEASE_NOTE_NOT_ISSUED', `declaration ${id} has no release note yet: it is issued shortly after release`),
  ]);

/** GET /v1/declarations/{id}/release-note: the sealed release note (the declarant, officers, admins). */
export async function getReleaseNote(
  query: { principal: Principal; id: string },
  deps: { repository: Pick<DeclarationReader, 'getState'>; issued: IssuedDocuments; archive: ArchiveReader },
): Promise<SealedDocument> {
  requireRole(query.principal, 'trader', 'officer', 'admin');
  const state = await deps.repository.getState(query.id);
  if (!state || !canRead(query.principal, state.declarantId)) throw notFound(query.id);
  const issued = await deps.issued.get(query.id, 'RELEASE_NOTE');
  if (!issued) throw notIssued(query.id);
  const bytes = await deps.archive.read({ key: issued.archiveKey, sha256: issued.sha256 });
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as SealedDocument;
}

/** GET /.well-known/jwks.json: every key the seal was ever made with (public). */
export async function sealKeySet(deps: { keys: SealKeyRegistry }): Promise<{ keys: PublicJwk[] }> {
  return { keys: await deps.keys.all() };
}

/** POST /v1/verify: whether a sealed document is genuine (public: a haulier, a port, a bank). */
export async function verifyDocument(sealed: { document: unknown; seal: string }, deps: { keys: SealKeyRegistry }): Promise<Verification> {
  return verifySealedDocument(sealed, { keys: await deps.keys.all() });
}
