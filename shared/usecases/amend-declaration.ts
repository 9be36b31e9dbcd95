/**
 * A trader amends its declaration before release (UCC Art. 173: the declarant may amend a
 * declaration after acceptance, before release, unless customs have begun an examination that
 * found it incorrect; here the officer's review simply starts again). The full new body, same
 * LRN, is archived with its SHA-256 as amendment n + 1; the declaration leaves the review queue
 * and goes through validation, risk and duty again. It keeps its moment of acceptance, so the
 * tariff and rates in force then still apply (UCC Art. 85). The earlier body and outcomes stay
 * readable as amendment n.
 */
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import { type Principal, requireParty, requireRole } from '#shared/domain/auth.ts';
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import { linksFor, type SubmissionReceipt } from '#shared/domain/declaration-record.ts';
import { nextEvent } from '#shared/domain/history.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ClearableField, DeclarationReader, DeclarationWriter } from '#shared/ports/declarations.ts';
import type { DocumentArchive } from '#shared/ports/document-archive.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import { archiveSignature, checkSignature, type SignaturePolicy, signedWithDetail } from './declaration-signatures.ts';
import { writePendingEvent } from './pipeline-stage.ts';
import { readDeclaration, sha256Hex } from './submit-declaration.ts';

export interface AmendDeclarationDeps {
  repository: DeclarationReader & DeclarationWriter;
  archive: DocumentArchive;
  validationQueue: PipelineQueue;
  clock: Clock;
  /** The declarant's keys an amendment's signature is checked against, and whether the region requires one. */
  signatures: SignaturePolicy;
}

/** Statuses a declaration can be amended in: not yet released, rejected, cancelled or failed. */
const amendable: readonly DeclarationStatus[] = [
  'SUBMITTED',
  'VALIDATED',
  'SCORED',
  'ASSESSED',
  // Waiting for its goods: processed, nothing booked yet.
  'ARRIVAL_PENDING',
  'UNDER_REVIEW',
  'HELD',
  'DOCUMENTS_REQUESTED',
];

/**
 * Everything the pipeline and the officers produced for the earlier body, and the trader's
 * signature over it (it stays on amendment n; a signed amendment carries its own).
 */
const outcomes: readonly ClearableField[] = [
  'signature',
  'validation',
  'risk',
  'riskScore',
  'lane',
  'assessment',
  'assessmentProblems',
  'releasedAt',
  'queuedAt',
  'failure',
  'decision',
  'inspection',
  'reassessment',
  'amountDue',
  'duties',
  'permits',
  'claim',
];

export async function amendDeclaration(
  command: {
    principal: Principal;
    id: string;
    expectedVersion: number | undefined;
    body: Uint8Array;
    /** The `Signature` header: a detached JWS over the amended body's RFC 8785 canonical JSON. */
    signature?: string | undefined;
  },
  deps: AmendDeclarationDeps,
): Promise<SubmissionReceipt & { amendment: number }> {
  requireRole(command.principal, 'trader');
  const party = requireParty(command.principal);
  if (command.expectedVersion === undefined) {
    throw new DomainError('PRECONDITION_REQUIRED', 'If-Match required', [
      problem('', 'IF_MATCH_REQUIRED', 'send If-Match with the version you amend (the ETag of GET /v1/declarations/{id})'),
    ]);
  }
  const state = await deps.repository.getState(command.id);
  if (!state || state.declarantId !== party) {
    throw new DomainError('NOT_FOUND', 'Not found', [
      problem('', 'DECLARATION_NOT_FOUND', `no declaration ${command.id} that you may see`),
    ]);
  }
  const sha256 = sha256Hex(command.body);
  const receipt = () => ({
    id: state.id,
    lrn: state.lrn,
    ucr: state.ucr,
    status: 'SUBMITTED' as const,
    links: linksFor(state.id),
    amendment: state.amendment ?? 0,
  });
  // The same amendment again (a retried request): it is stored; hand it on again in case the
  // first attempt stopped before its message, and answer as the first time.
  if (state.lastEvent?.type === 'AMENDED' && state.lastEvent.version === state.version && state.submission.sha256 === sha256) {
    await writePendingEvent(state, deps.repository);
    if (state.status === 'SUBMITTED') await deps.validationQueue.send({ declarationId: state.id, version: state.version });
    return receipt();
  }
  if (command.expectedVersion !== state.version) {
    throw new DomainError('PRECONDITION_FAILED', 'Stale version', [
      problem('', 'STALE_VERSION', `declaration ${command.id} is at version ${state.version}; read it again before amending`),
    ]);
  }
  if (!amendable.includes(state.status)) {
    throw new DomainError('CONFLICT', 'Not amendable', [
      problem(
        '',
        state.status === 'RELEASED' ? 'ALREADY_RELEASED' : 'NOT_AMENDABLE',
        `declaration ${command.id} is ${state.status}; only a declaration not yet released, rejected, cancelled or failed can be amended`,
      ),
    ]);
  }
  // Booked duties (drawn, or asked for with a payment request the trader may be paying) would be
  // lost by an amendment and charged again: until reversals exist, the trader cancels and declares again.
  if ((state.duties?.charges.length ?? 0) > 0) {
    throw new DomainError('CONFLICT', 'Duties secured', [
      problem(
        '',
        'DUTIES_SECURED',
        `declaration ${command.id} has duties drawn or asked for; it cannot be amended: cancel it and declare again, or ask customs to correct it`,
      ),
    ]);
  }
  // Likewise the quantities drawn from its permits: drawn once per declaration, an amendment could not draw its own.
  if (state.permitsDrawnAt !== undefined) {
    throw new DomainError('CONFLICT', 'Permits drawn', [
      problem('', 'PERMITS_DRAWN', `declaration ${command.id} has drawn on its permits; it cannot be amended: ask customs to correct it`),
    ]);
  }
  const { json, declaration } = readDeclaration(command.body);
  if (declaration.lrn !== state.lrn) {
    throw new DomainError('BAD_REQUEST', 'Invalid amendment', [
      problem('/lrn', 'LRN_MISMATCH', `an amendment keeps the LRN: ${state.lrn}; a new LRN is a new declaration`),
    ]);
  }
  // The UCR tracks the consignment across declarations and manifests (GET /v1/consignments/{ucr}): it stays.
  if (declaration.consignment.ucr !== undefined && declaration.consignment.ucr !== state.ucr) {
    throw new DomainError('BAD_REQUEST', 'Invalid amendment', [
      problem('/consignment/ucr', 'UCR_MISMATCH', `an amendment keeps the UCR: ${state.ucr}; leave it out or send it unchanged`),
    ]);
  }
  if (declaration.declarant.id !== party) {
    throw new DomainError('FORBIDDEN', 'Forbidden', [
      problem('/declarant/id', 'DECLARANT_MISMATCH', `you act for ${party} and cannot declare as ${declaration.declarant.id}`),
    ]);
  }

  const at = deps.clock.now().toISOString();
  // Before anything is stored: a refused signature leaves the declaration as it was.
  const signed = await checkSignature({ signature: command.signature, json, partyId: party, at }, deps.signatures);

  await writePendingEvent(state, deps.repository);
  const amendment = (state.amendment ?? 0) + 1;
  const stored = await deps.archive.put({
    key: archiveKeys.amendment(state.id, amendment, sha256),
    body: command.body,
    contentType: 'application/json',
    sha256,
  });
  const signature = signed
    ? await archiveSignature({ declarationId: state.id, signed, json, submittedSha256: sha256, amendment }, deps.archive)
    : undefined;
  const event = nextEvent(state, {
    type: 'AMENDED',
    status: 'SUBMITTED',
    at,
    actor: { kind: 'trader', id: party },
    detail: `amendment ${amendment} (${declaration.items.length} item${declaration.items.length === 1 ? '' : 's'})${signedWithDetail(signature)}`,
  });
  const outcome = await deps.repository.transition({
    id: state.id,
    from: state.status,
    expectedVersion: state.version,
    to: 'SUBMITTED',
    at,
    reviewQueue: null,
    archiveCurrentAs: state.amendment ?? 0,
    // The earlier signature goes with the earlier body; a signed amendment sets its own.
    clear: signature ? outcomes.filter((field) => field !== 'signature') : outcomes,
    set: {
      ...(signature ? { signature } : {}),
      declaration,
      submission: { ...stored, sha256, bytes: command.body.byteLength },
      amendment,
      originalSha256: state.originalSha256 ?? state.submission.sha256,
      type: declaration.type,
      office: declaration.office,
      lastEvent: event,
    },
  });
  if (outcome === 'conflict') {
    throw new DomainError('PRECONDITION_FAILED', 'Changed meanwhile', [
      problem('', 'STALE_VERSION', `declaration ${command.id} changed meanwhile; read it again before amending`),
    ]);
  }
  await deps.repository.appendEvent(event);
  await deps.validationQueue.send({ declarationId: state.id, version: state.version + 1 });
  return { ...receipt(), amendment };
}
