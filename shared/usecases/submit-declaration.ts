/**
 * Intake: accept a declaration once, store it SUBMITTED with its exact bytes archived, and hand
 * it to validation. Every step is safe to repeat: a retry of the same bytes for the same LRN
 * resumes where a failed attempt stopped and answers with the same receipt.
 */
import { createHash } from 'node:crypto';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import { type Principal, requireParty, requireRole } from '#shared/domain/auth.ts';
import { declarationSchema, maxDeclarationBytes } from '#shared/domain/declaration.ts';
import {
  type DeclarationRecord,
  type DeclarationState,
  type HistoryEvent,
  linksFor,
  type SubmissionReceipt,
  submittedTextOf,
} from '#shared/domain/declaration-record.ts';
import { firstEvent } from '#shared/domain/history.ts';
import { generateUcr, newDeclarationId } from '#shared/domain/ids.ts';
import { parseJsonBytes } from '#shared/domain/json-text.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter, LrnClaim, LrnRegistry } from '#shared/ports/declarations.ts';
import type { DocumentArchive } from '#shared/ports/document-archive.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import { archiveSignature, checkSignature, type SignaturePolicy, signedWithDetail } from './declaration-signatures.ts';
import { pipelineMessage } from './pipeline-stage.ts';

export interface SubmitDeclarationDeps {
  repository: LrnRegistry & DeclarationReader & DeclarationWriter;
  archive: DocumentArchive;
  validationQueue: PipelineQueue;
  clock: Clock;
  /** The declarants' keys a signature is checked against, and whether the region requires one. */
  signatures: SignaturePolicy;
}

export interface SubmitDeclarationCommand {
  principal: Principal;
  /** The request body exactly as received. */
  body: Uint8Array;
  /** The `Signature` header: a detached JWS (`<header>..<signature>`) over the body's RFC 8785 canonical JSON. */
  signature?: string | undefined;
}

/**
 * How long a claim whose declaration is not stored yet belongs to the request that made it: well
 * over the intake function's timeout (10 s), so a live request never loses its claim.
 */
export const LRN_CLAIM_LEASE_MS = 60_000;

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function submitDeclaration(command: SubmitDeclarationCommand, deps: SubmitDeclarationDeps): Promise<SubmissionReceipt> {
  requireRole(command.principal, 'trader');
  const partyId = requireParty(command.principal);
  const { json, declaration } = readDeclaration(command.body);
  if (declaration.declarant.id !== partyId) {
    throw new DomainError('FORBIDDEN', 'Forbidden', [
      problem('/declarant/id', 'DECLARANT_MISMATCH', `you act for ${partyId} and cannot declare as ${declaration.declarant.id}`),
    ]);
  }

  const now = deps.clock.now();
  // Before anything is stored: a refused signature leaves no LRN claim and no archive object.
  const signed = await checkSignature({ signature: command.signature, json, partyId, at: now.toISOString() }, deps.signatures);
  const sha256 = sha256Hex(command.body);
  const claim: LrnClaim = {
    declarantId: partyId,
    lrn: declaration.lrn,
    declarationId: newDeclarationId(now),
    sha256,
    claimedAt: now.toISOString(),
  };

  let supersedes: DeclarationRecord['supersedes'];
  const claimed = await deps.repository.claimLrn(claim);
  if (claimed.outcome === 'taken') {
    const existing = await deps.repository.getState(claimed.existing.declarationId);
    if (existing && claimed.existing.sha256 === sha256)
      return resume(existing, declaration.items.length, submittedTextOf(command.body), deps);
    if (existing) {
      throw new DomainError('CONFLICT', 'Duplicate LRN', [
        problem(
          '/lrn',
          'LRN_ALREADY_USED',
          `LRN ${declaration.lrn} is already used by declaration ${existing.id}; each declaration needs its own LRN`,
        ),
      ]);
    }
    if (claimed.existing.sha256 === sha256) {
      // The same bytes again (a retry of a request that failed half-way, or the same request
      // twice at once): carry on under the claim's declaration id. Every write below is keyed by
      // that id and conditional, so the attempts store one declaration and one archive key. The
      // claim's lease is renewed first (conditional on the claim being unchanged), so other bytes
      // cannot take a stale claim over while this request is still writing.
      claim.declarationId = claimed.existing.declarationId;
      if (!(await deps.repository.reassignLrn(claimed.existing, claim))) {
        throw new DomainError('CONFLICT', 'Concurrent submission', [
          problem('/lrn', 'LRN_IN_USE', `another submission with LRN ${declaration.lrn} is in progress; retry in a minute`),
        ]);
      }
    } else {
      // Other bytes while the claim's declaration is not stored yet: another request is still at
      // it, or one failed half-way. Take the claim over only once it is older than any intake can run.
      const claimAge = now.getTime() - Date.parse(claimed.existing.claimedAt ?? '1970-01-01T00:00:00Z');
      if (claimAge < LRN_CLAIM_LEASE_MS || !(await deps.repository.reassignLrn(claimed.existing, claim))) {
        throw new DomainError('CONFLICT', 'Concurrent submission', [
          problem('/lrn', 'LRN_IN_USE', `another submission with LRN ${declaration.lrn} is in progress; retry in a minute`),
        ]);
      }
      // The abandoned attempt may have archived its bytes (under Object Lock they cannot be
      // deleted): the declaration that takes its LRN over names them, so nothing is left orphaned.
      supersedes = {
        declarationId: claimed.existing.declarationId,
        archiveKey: archiveKeys.submitted(claimed.existing.declarationId, claimed.existing.sha256),
        sha256: claimed.existing.sha256,
      };
    }
  }

  const stored = await deps.archive.put({
    key: archiveKeys.submitted(claim.declarationId, sha256),
    body: command.body,
    contentType: 'application/json',
    sha256,
  });
  const signature = signed
    ? await archiveSignature({ declarationId: claim.declarationId, signed, json, submittedSha256: sha256 }, deps.archive)
    : undefined;
  const at = now.toISOString();
  const record: DeclarationRecord = {
    id: claim.declarationId,
    lrn: declaration.lrn,
    ucr: declaration.consignment.ucr ?? generateUcr(now, partyId, declaration.lrn),
    type: declaration.type,
    office: declaration.office,
    declarantId: partyId,
    status: 'SUBMITTED',
    version: 1,
    submittedAt: at,
    updatedAt: at,
    declaration,
    submission: { ...stored, sha256, bytes: command.body.byteLength },
    ...(supersedes ? { supersedes } : {}),
    ...(signature ? { signature } : {}),
  };
  record.lastEvent = submittedEvent(record, declaration.items.length);
  if (!(await deps.repository.create(record))) {
    // Stored already under this id (a retried call): continue from what is stored.
    const stored = await deps.repository.getState(record.id);
    if (stored) return resume(stored, declaration.items.length, submittedTextOf(command.body), deps);
  }
  return resume(record, declaration.items.length, submittedTextOf(command.body), deps);
}

/** The first history event; stored on the declaration too, so a later step can still write it. */
function submittedEvent(record: DeclarationState, items: number): HistoryEvent {
  const superseded = record.supersedes ? `; takes the LRN over from abandoned attempt ${record.supersedes.declarationId}` : '';
  return firstEvent(record.id, record.submission.sha256, {
    type: 'SUBMITTED',
    status: 'SUBMITTED',
    at: record.submittedAt,
    actor: { kind: 'trader', id: record.declarantId },
    detail: `LRN ${record.lrn}, ${items} item(s), sha256 ${record.submission.sha256}${signedWithDetail(record.signature)}${superseded}`,
  });
}

/** Makes sure the first history event exists and, while still SUBMITTED, that validation has the message. */
async function resume(
  record: DeclarationState,
  items: number,
  /** The bytes of this request as a message may carry them: validation uses them if they are the stored declaration's. */
  submittedText: string | undefined,
  deps: SubmitDeclarationDeps,
): Promise<SubmissionReceipt> {
  await deps.repository.appendEvent(submittedEvent(record, items));
  if (record.status === 'SUBMITTED') await deps.validationQueue.send(pipelineMessage(record.id, record.version, submittedText));
  return { id: record.id, lrn: record.lrn, ucr: record.ucr, status: record.status, links: linksFor(record.id) };
}

/**
 * The declaration in a request body (intake and amendments): bounded, strict JSON, the schema; with
 * the JSON as parsed (what a signature covers, canonicalised).
 */
export function readDeclaration(body: Uint8Array) {
  if (body.byteLength === 0) {
    throw new DomainError('BAD_REQUEST', 'Invalid declaration', [
      problem('', 'BODY_REQUIRED', 'the request needs a JSON declaration body'),
    ]);
  }
  if (body.byteLength > maxDeclarationBytes) {
    throw new DomainError('PAYLOAD_TOO_LARGE', 'Declaration too large', [
      problem('', 'BODY_TOO_LARGE', `the body has ${body.byteLength} bytes; at most ${maxDeclarationBytes} are accepted`),
    ]);
  }
  const json = parseJsonBytes(body, 'Invalid declaration');
  const parsed = declarationSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw DomainError.fromZod('BAD_REQUEST', 'Invalid declaration', parsed.error);
  return { json, declaration: parsed.data };
}
