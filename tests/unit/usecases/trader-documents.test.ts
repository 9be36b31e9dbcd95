/**
 * The trader's answer to a document request (shared/usecases/trader-documents.ts) on the fakes:
 * the upload URL (who may ask, when, for which type, what is recorded), the request body's limits,
 * and what the worker makes of the object that arrives: received (still waiting, or back under
 * review at the front of its queue), refused with a reason (wrong bytes, size or type, a
 * declaration no longer waiting for it), redeliveries, crashes and races.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth.ts';
import {
  type DocumentUploadRequest,
  documentKey,
  documentUploadRequestSchema,
  MAX_DOCUMENT_BYTES,
  MAX_UPLOADS_PER_DECLARATION,
  parseDocumentKey,
} from '#shared/domain/documents.ts';
import { newDocumentId } from '#shared/domain/ids.ts';
import type { RequestedDocument } from '#shared/domain/review.ts';
import { InMemoryDocumentUploads } from '#shared/ports/fakes/document-uploads.ts';
import { cancelDeclaration } from '#shared/usecases/cancel-declaration.ts';
import { DeclarationMissingError } from '#shared/usecases/pipeline-stage.ts';
import { getDeclaration, listDeclarationEvents } from '#shared/usecases/read-declarations.ts';
import { decideOnDeclaration } from '#shared/usecases/review-decisions.ts';
import { listReviewQueue } from '#shared/usecases/review-queue.ts';
import { type DocumentDeps, receiveDocument, requestDocumentUpload } from '#shared/usecases/trader-documents.ts';
import { newParty } from '#tests/integration/support.ts';
import { fakePlatform, region } from '#tests/support/fake-platform.ts';
import { overridden } from '#tests/support/overridden.ts';
import { ferroSilicon, refusal } from '#tests/support/scenarios.ts';

const officer: Principal = { subject: 'officer-a', roles: ['officer'], partyId: undefined };
const traderOf = (party: string): Principal => ({ subject: `trader-${party}`, roles: ['trader'], partyId: party });

const invoice: RequestedDocument = { type: 'N935', reason: 'to check the declared value' };
const origin: RequestedDocument = { type: 'C505', reason: 'to check the preference claimed' };

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pdf = (text: string) => Buffer.from(`%PDF-1.7\n${text}\n%%EOF\n`);
const describing = (bytes: Uint8Array, type = 'N935', ref = 'INV-2026-001'): DocumentUploadRequest => ({
  type,
  ref,
  contentType: 'application/pdf',
  size: bytes.byteLength,
  sha256: sha256(bytes),
});

/** A RED declaration in the officers' queue, for which the officer then asks `requested` (none: left under review). */
async function documentsRequested(requested: RequestedDocument[] = [invoice]) {
  const platform = await fakePlatform();
  const party = newParty();
  const id = await platform.submit(platform.declaration(party, ferroSilicon));
  await platform.runThrough('release');
  const reviewDeps = platform.deps.review;
  if (requested.length > 0) {
    platform.clock.advance(60_000);
    await decideOnDeclaration(
      {
        principal: officer,
        id,
        expectedVersion: undefined,
        decision: { action: 'REQUEST_DOCUMENTS', message: 'Please send the documents listed', documents: requested },
      },
      reviewDeps,
    );
  }
  const uploads = new InMemoryDocumentUploads();
  const deps: DocumentDeps = { repository: platform.repository, uploads, clock: platform.clock };
  const trader = traderOf(party);

  /** The trader asks for an upload URL and PUTs `bytes` to it (with the headers it came with, or `headers`). */
  async function upload(document: DocumentUploadRequest, bytes: Uint8Array, headers: Record<string, string> = {}) {
    const ticket = await requestDocumentUpload({ principal: trader, id, document }, deps);
    expect(await uploads.put(ticket.uploadUrl, { headers: { ...ticket.headers, ...headers }, body: bytes })).toBe(200);
    return ticket;
  }
  /** The worker receives the S3 event of a document's object. */
  const arrive = (documentId: string) => receiveDocument({ declarationId: id, documentId }, deps);

  return { ...platform, platformDeps: platform.deps, party, id, trader, uploads, deps, reviewDeps, upload, arrive };
}

describe('the upload URL', () => {
  it('is handed to the owning trader for a requested type, signed for the exact bytes, with the upload recorded as pending', async () => {
    // Prepare
    const { id, trader, party, deps, repository, uploads, clock } = await documentsRequested();
    const bytes = pdf('invoice');
    const document = describing(bytes);

    // Act
    const ticket = await requestDocumentUpload({ principal: trader, id, document }, deps);
    const recorded = await repository.getUpload(id, ticket.documentId);
    const view = await getDeclaration({ principal: trader, id }, { repository });

    // Assess
    expect(ticket.expiresAt).toBe(new Date(clock.now().getTime() + 300_000).toISOString());
    expect(ticket.headers).toEqual({
      'content-type': 'application/pdf',
      'content-length': String(bytes.byteLength),
      'x-amz-checksum-sha256': createHash('sha256').update(bytes).digest('base64'),
    });
    expect(uploads.grants.get(ticket.uploadUrl)).toEqual({
      key: documentKey(id, ticket.documentId),
      contentType: 'application/pdf',
      size: bytes.byteLength,
      sha256: document.sha256,
      expiresInSeconds: 300,
    });
    expect(recorded).toEqual({
      declarationId: id,
      documentId: ticket.documentId,
      ...document,
      key: documentKey(id, ticket.documentId),
      status: 'PENDING',
      uploadedBy: party,
      requestedAt: clock.now().toISOString(),
      expiresAt: ticket.expiresAt,
    });
    expect(view.documents).toEqual([
      expect.objectContaining({ documentId: ticket.documentId, type: 'N935', status: 'PENDING', receivedAt: null, refusal: null }),
    ]);
  });

  it('is refused to officers, to a trader token without a party, and as not found to another trader or for no declaration', async () => {
    // Prepare
    const { id, deps } = await documentsRequested();
    const document = describing(pdf('invoice'));

    // Act
    const asOfficer = await refusal(requestDocumentUpload({ principal: officer, id, document }, deps));
    const noParty = await refusal(
      requestDocumentUpload({ principal: { subject: 'x', roles: ['trader'], partyId: undefined }, id, document }, deps),
    );
    const otherTrader = await refusal(requestDocumentUpload({ principal: traderOf(newParty()), id, document }, deps));
    const missing = await refusal(
      requestDocumentUpload({ principal: traderOf(newParty()), id: '01M8F0000000000000000000ZZ', document }, deps),
    );

    // Assess
    expect(asOfficer).toMatchObject({ kind: 'FORBIDDEN', code: 'ROLE_REQUIRED' });
    expect(noParty).toMatchObject({ kind: 'FORBIDDEN', code: 'PARTY_REQUIRED' });
    expect(otherTrader).toMatchObject({ kind: 'NOT_FOUND', code: 'DECLARATION_NOT_FOUND' });
    expect(missing).toMatchObject({ kind: 'NOT_FOUND', code: 'DECLARATION_NOT_FOUND' });
  });

  it('is refused while customs does not wait for documents, and for a type customs did not ask for', async () => {
    // Prepare
    const underReview = await documentsRequested([]);
    const requested = await documentsRequested([invoice]);

    // Act
    const notWaiting = await refusal(
      requestDocumentUpload({ principal: underReview.trader, id: underReview.id, document: describing(pdf('x')) }, underReview.deps),
    );
    const notRequested = await refusal(
      requestDocumentUpload({ principal: requested.trader, id: requested.id, document: describing(pdf('x'), 'C505') }, requested.deps),
    );

    // Assess
    expect(notWaiting).toMatchObject({ kind: 'CONFLICT', code: 'NOT_AWAITING_DOCUMENTS' });
    expect(notWaiting.message).toContain('UNDER_REVIEW');
    expect(notRequested).toMatchObject({ kind: 'CONFLICT', code: 'DOCUMENT_NOT_REQUESTED', pointer: '/type' });
    expect(notRequested.message).toContain('N935');
    expect(await requested.repository.listUploads(requested.id)).toEqual([]);
  });

  it(`is refused once the declaration holds ${MAX_UPLOADS_PER_DECLARATION} uploads`, async () => {
    // Prepare
    const { id, trader, deps } = await documentsRequested();
    for (let count = 0; count < MAX_UPLOADS_PER_DECLARATION; count += 1)
      await requestDocumentUpload({ principal: trader, id, document: describing(pdf(`copy ${count}`)) }, deps);

    // Act
    const tooMany = await refusal(requestDocumentUpload({ principal: trader, id, document: describing(pdf('one more')) }, deps));

    // Assess
    expect(tooMany).toMatchObject({ kind: 'CONFLICT', code: 'TOO_MANY_UPLOADS' });
  });

  it('fails rather than hand out a URL when its upload cannot be recorded', async () => {
    // Prepare: the record exists already (an id collision)
    const { id, trader, deps } = await documentsRequested();
    const repository = overridden(deps.repository, { recordUpload: async () => false });

    // Act
    const attempt = requestDocumentUpload({ principal: trader, id, document: describing(pdf('x')) }, { ...deps, repository });

    // Assess
    await expect(attempt).rejects.toThrow(/exists already/);
  });
});

describe('the upload request body', () => {
  const valid = describing(pdf('x'));
  const problemsOf = (body: unknown) => documentUploadRequestSchema.safeParse(body).error?.issues.map((issue) => issue.path.join('/'));

  it('accepts PDF, PNG, JPEG and XML documents of 1 byte to 10 MiB with a lower-case hex SHA-256', () => {
    // Act
    const accepted = ['application/pdf', 'image/png', 'image/jpeg', 'application/xml'].map(
      (contentType) => documentUploadRequestSchema.safeParse({ ...valid, contentType, size: MAX_DOCUMENT_BYTES }).success,
    );

    // Assess
    expect(accepted).toEqual([true, true, true, true]);
    expect(documentUploadRequestSchema.safeParse({ ...valid, size: 1 }).success).toBe(true);
  });

  it('refuses other media types, empty or oversized documents, other digests, unknown fields and control characters', () => {
    // Act
    const refused = {
      html: problemsOf({ ...valid, contentType: 'text/html' }),
      empty: problemsOf({ ...valid, size: 0 }),
      large: problemsOf({ ...valid, size: MAX_DOCUMENT_BYTES + 1 }),
      fraction: problemsOf({ ...valid, size: 10.5 }),
      upper: problemsOf({ ...valid, sha256: valid.sha256.toUpperCase() }),
      short: problemsOf({ ...valid, sha256: 'abc' }),
      unknown: problemsOf({ ...valid, bucket: 'elsewhere' }),
      control: problemsOf({ ...valid, ref: 'INV\u202E1' }),
      type: problemsOf({ ...valid, type: 'invoice' }),
    };

    // Assess
    expect(refused).toEqual({
      html: ['contentType'],
      empty: ['size'],
      large: ['size'],
      fraction: ['size'],
      upper: ['sha256'],
      short: ['sha256'],
      unknown: [''],
      control: ['ref'],
      type: ['type'],
    });
    expect(documentUploadRequestSchema.safeParse({ ...valid, contentType: 'text/html' }).error?.issues[0]?.message).toContain(
      'application/pdf',
    );
  });
});

describe('receiving the document', () => {
  it('adds each checked document; with the last one requested in, the declaration is back under review at the front of its queue', async () => {
    // Prepare: this declaration was queued before another one of the same lane and office
    const platform = await documentsRequested([invoice, origin]);
    const { id, repository, clock, upload, arrive, trader, party } = platform;
    const before = await repository.getState(id);
    const later = await platform.submit(platform.declaration(newParty(), ferroSilicon));
    await platform.runThrough('release');
    clock.advance(60_000);
    const invoiceBytes = pdf('commercial invoice');
    const originBytes = pdf('certificate of origin');

    // Act
    const first = await upload(describing(invoiceBytes), invoiceBytes);
    const firstResult = await arrive(first.documentId);
    const halfway = await repository.getState(id);
    const second = await upload(describing(originBytes, 'C505', 'EUR1-77'), originBytes);
    const secondResult = await arrive(second.documentId);
    const after = await repository.getState(id);
    const queue = (limit: number) =>
      listReviewQueue(
        { principal: officer, lane: 'RED', office: before!.office, limit },
        { repository, customsOffices: region.customsOffices, clock },
      );
    const firstPage = await queue(1);
    const whole = await queue(10);
    const history = await listDeclarationEvents({ principal: trader, id }, { repository });
    const view = await getDeclaration({ principal: trader, id }, { repository });

    // Assess
    expect(firstResult).toEqual({ outcome: 'received', status: 'DOCUMENTS_REQUESTED', version: before!.version + 1 });
    expect(halfway?.documents?.map((document) => document.type)).toEqual(['N935']);
    expect(secondResult).toEqual({ outcome: 'received', status: 'UNDER_REVIEW', version: before!.version + 2 });
    expect(after).toMatchObject({ status: 'UNDER_REVIEW', lane: 'RED', office: before!.office, queuedAt: before!.queuedAt });
    expect(after?.documents?.map((document) => [document.type, document.sha256])).toEqual([
      ['N935', sha256(invoiceBytes)],
      ['C505', sha256(originBytes)],
    ]);
    // Queued before the other one, it comes back ahead of it (in the queue's own order: its first page).
    expect(firstPage.items.map((item) => item.id)).toEqual([id]);
    expect(whole.items.map((item) => item.id)).toEqual([id, later]);
    expect(history.items.filter((event) => event.type === 'DOCUMENTS_RECEIVED')).toEqual([
      expect.objectContaining({
        status: 'DOCUMENTS_REQUESTED',
        actor: { kind: 'trader', id: party },
        detail: expect.stringContaining('still waiting for C505'),
      }),
      expect.objectContaining({
        status: 'UNDER_REVIEW',
        actor: { kind: 'trader', id: party },
        detail: expect.stringContaining('back under review'),
      }),
    ]);
    expect(view.documents.map((document) => [document.type, document.status, document.receivedAt !== null])).toEqual([
      ['N935', 'RECEIVED', true],
      ['C505', 'RECEIVED', true],
    ]);
  });

  it('refuses bytes that are not those declared, with a reason the trader reads, and leaves the declaration as it was', async () => {
    // Prepare: a SHA-256 mismatch, a size mismatch and a media type mismatch
    const { id, repository, upload, arrive, trader } = await documentsRequested();
    const before = await repository.getState(id);
    const declared = pdf('the invoice');
    const wrongHash = await upload(describing(declared), Buffer.from(declared).fill(0x41, 10, 14));
    const wrongSize = await upload(describing(declared), pdf('the invoice, longer'));
    const wrongType = await upload(describing(declared), declared, { 'content-type': 'text/html' });

    // Act
    const results = [await arrive(wrongHash.documentId), await arrive(wrongSize.documentId), await arrive(wrongType.documentId)];
    const after = await repository.getState(id);
    const view = await getDeclaration({ principal: trader, id }, { repository });

    // Assess
    expect(results.map((result) => result.outcome)).toEqual(['refused', 'refused', 'refused']);
    expect(after).toEqual(before);
    expect(view.documents.map((document) => [document.status, document.refusal?.reason])).toEqual([
      ['REFUSED', expect.stringMatching(/SHA-256 is [0-9a-f]{64}, not the [0-9a-f]{64} declared/)],
      ['REFUSED', expect.stringMatching(/has \d+ bytes, not the \d+ declared/)],
      ['REFUSED', 'the uploaded file was sent as text/html, not the application/pdf declared'],
    ]);
  });

  it('refuses a document that arrives once customs no longer waits for it: the declaration cancelled, or another request made', async () => {
    // Prepare
    const cancelled = await documentsRequested();
    const bytes = pdf('invoice');
    const late = await cancelled.upload(describing(bytes), bytes);
    await cancelDeclaration({ principal: cancelled.trader, id: cancelled.id, reason: 'order withdrawn' }, cancelled.platformDeps.cancel);
    const superseded = await documentsRequested([invoice]);
    const stale = await superseded.upload(describing(bytes), bytes);
    // The officer asks again, for another document only (from DOCUMENTS_REQUESTED).
    await decideOnDeclaration(
      {
        principal: officer,
        id: superseded.id,
        expectedVersion: undefined,
        decision: { action: 'REQUEST_DOCUMENTS', message: 'Only the certificate now', documents: [origin] },
      },
      superseded.reviewDeps,
    );
    const versionBefore = (await superseded.repository.getState(superseded.id))?.version;

    // Act
    const whenCancelled = await cancelled.arrive(late.documentId);
    const whenSuperseded = await superseded.arrive(stale.documentId);

    // Assess
    expect(whenCancelled).toEqual({ outcome: 'refused', reason: 'declaration is CANCELLED: customs no longer waits for documents on it' });
    expect(whenSuperseded).toEqual({ outcome: 'refused', reason: 'customs no longer asks for N935 (it asks for C505)' });
    expect((await superseded.repository.getState(superseded.id))?.version).toBe(versionBefore);
  });

  it('changes nothing when the same event is delivered again, received or refused', async () => {
    // Prepare
    const { id, repository, upload, arrive } = await documentsRequested([invoice, origin]);
    const bytes = pdf('invoice');
    const good = await upload(describing(bytes), bytes);
    const bad = await upload(describing(bytes), pdf('other bytes'));
    await arrive(good.documentId);
    await arrive(bad.documentId);
    const before = await repository.getState(id);
    const eventsBefore = await repository.listEvents(id);

    // Act
    const again = [await arrive(good.documentId), await arrive(bad.documentId)];

    // Assess
    expect(again).toEqual([
      { outcome: 'already-settled', status: 'RECEIVED' },
      { outcome: 'already-settled', status: 'REFUSED' },
    ]);
    expect(await repository.getState(id)).toEqual(before);
    expect(await repository.listEvents(id)).toEqual(eventsBefore);
  });

  it('finishes after a crash between adding the document and settling its upload, without adding it twice', async () => {
    // Prepare: the first delivery stops after the declaration took the document
    const { id, repository, upload, deps, arrive } = await documentsRequested([invoice, origin]);
    const bytes = pdf('invoice');
    const ticket = await upload(describing(bytes), bytes);
    const crashing = overridden(repository, {
      settleUpload: async () => {
        throw new Error('crashed');
      },
    });
    await expect(receiveDocument({ declarationId: id, documentId: ticket.documentId }, { ...deps, repository: crashing })).rejects.toThrow(
      'crashed',
    );
    const afterCrash = await repository.getState(id);

    // Act
    const redelivered = await arrive(ticket.documentId);

    // Assess
    expect(redelivered).toEqual({ outcome: 'received', status: 'DOCUMENTS_REQUESTED', version: afterCrash!.version });
    expect(await repository.getState(id)).toEqual(afterCrash);
    expect(afterCrash?.documents).toHaveLength(1);
    expect((await repository.getUpload(id, ticket.documentId))?.status).toBe('RECEIVED');
  });

  it('tries again when the declaration changed between its read and its write, and gives up if it keeps changing', async () => {
    // Prepare: one conflict, then a repository whose every write conflicts
    const first = await documentsRequested();
    const second = await documentsRequested();
    const bytes = pdf('invoice');
    const once = await first.upload(describing(bytes), bytes);
    const always = await second.upload(describing(bytes), bytes);
    let conflicts = 0;
    const conflictOnce = overridden(first.repository, {
      transition: async (change) => {
        conflicts += 1;
        return conflicts === 1 ? 'conflict' : first.repository.transition(change);
      },
    });
    const conflictAlways = overridden(second.repository, { transition: async () => 'conflict' });

    // Act
    const retried = await receiveDocument(
      { declarationId: first.id, documentId: once.documentId },
      { ...first.deps, repository: conflictOnce },
    );
    const gaveUp = receiveDocument(
      { declarationId: second.id, documentId: always.documentId },
      { ...second.deps, repository: conflictAlways },
    );

    // Assess
    expect(retried).toMatchObject({ outcome: 'received', status: 'UNDER_REVIEW' });
    expect(conflicts).toBe(2);
    await expect(gaveUp).rejects.toThrow(/kept changing/);
    expect((await second.repository.getUpload(second.id, always.documentId))?.status).toBe('PENDING');
  });

  it('answers a concurrent refusal of the same upload as already settled', async () => {
    // Prepare: another delivery settles the upload first
    const { id, repository, upload, deps } = await documentsRequested();
    const ticket = await upload(describing(pdf('invoice')), pdf('other'));
    const raced = overridden(repository, { settleUpload: async () => false });

    // Act
    const result = await receiveDocument({ declarationId: id, documentId: ticket.documentId }, { ...deps, repository: raced });

    // Assess
    expect(result).toEqual({ outcome: 'already-settled', status: 'PENDING' });
  });

  it('ignores an object no upload was recorded for, and retries one whose object or declaration cannot be found', async () => {
    // Prepare
    const { id, repository, upload, uploads, deps, arrive } = await documentsRequested();
    const ticket = await upload(describing(pdf('invoice')), pdf('invoice'));
    uploads.objects.delete(documentKey(id, ticket.documentId));
    const orphanId = '01M8F0000000000000000000ZZ';
    const orphan = newDocumentId(new Date());
    await repository.recordUpload({
      ...(await repository.getUpload(id, ticket.documentId))!,
      declarationId: orphanId,
      documentId: orphan,
      key: documentKey(orphanId, orphan),
    });
    uploads.store(documentKey(orphanId, orphan), pdf('invoice'), 'application/pdf');

    // Act
    const unknown = await arrive(newDocumentId(new Date()));
    const objectMissing = arrive(ticket.documentId);
    const declarationMissing = receiveDocument({ declarationId: orphanId, documentId: orphan }, deps);

    // Assess
    expect(unknown).toEqual({ outcome: 'unknown-upload' });
    await expect(objectMissing).rejects.toThrow(/is not in the archive/);
    await expect(declarationMissing).rejects.toBeInstanceOf(DeclarationMissingError);
  });

  it('knows a document key from any other key of the archive', () => {
    // Act
    const parsed = parseDocumentKey('declarations/01M8F0000000000000000000ZZ/documents/01M8F0000000000000000000ZY');

    // Assess
    expect(parsed).toEqual({ declarationId: '01M8F0000000000000000000ZZ', documentId: '01M8F0000000000000000000ZY' });
    expect(parseDocumentKey('declarations/01M8F0000000000000000000ZZ/submitted.json')).toBeUndefined();
    expect(parseDocumentKey('declarations/01M8F0000000000000000000ZZ/documents/../x')).toBeUndefined();
  });
});
