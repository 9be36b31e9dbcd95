/**
 * Release notes under the customs seal (shared/usecases/sealed-documents.ts) on the fakes: issued
 * once for a released declaration, verified offline from the published keys alone; an altered
 * byte, a forged seal, an unknown key are not genuine; a rotated key still verifies old notes.
 */
import { createPrivateKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth.ts';
import { derToJoseSignature, type SealedDocument, verifySealedDocument } from '#shared/domain/sealed-documents.ts';
import { InMemoryDocumentArchive } from '#shared/ports/fakes/document-archive.ts';
import { InMemoryDocumentSealer, InMemoryIssuedDocuments, InMemorySealKeyRegistry } from '#shared/ports/fakes/document-seal.ts';
import { InMemoryPipelineQueue } from '#shared/ports/fakes/pipeline-queue.ts';
import { printDocuments } from '#shared/usecases/print-documents.ts';
import { getReleaseNote, issueDocuments, listDeclarationDocuments, sealKeySet, verifyDocument } from '#shared/usecases/sealed-documents.ts';
import { newParty } from '#tests/integration/support.ts';
import { fakePlatform, trustedTrader } from '#tests/support/fake-platform.ts';
import { ferroSiliconCif, refusal } from '#tests/support/scenarios.ts';

async function released() {
  const platform = await fakePlatform();
  const id = await platform.submit(platform.declaration(trustedTrader));
  await platform.runThrough('release');
  const archive = new InMemoryDocumentArchive();
  const deps = {
    repository: platform.repository,
    archive,
    sealer: new InMemoryDocumentSealer(),
    keys: new InMemorySealKeyRegistry(),
    issued: new InMemoryIssuedDocuments(),
    printingQueue: new InMemoryPipelineQueue(),
    clock: platform.clock,
    country: 'GB',
  };
  return { ...platform, id, archive, deps };
}

const owner: Principal = { subject: 'trader', roles: ['trader'], partyId: trustedTrader };
const otherTrader: Principal = { subject: 'other', roles: ['trader'], partyId: 'GB999999999999' };

async function issuedNote(platform: Awaited<ReturnType<typeof released>>): Promise<SealedDocument> {
  const reader = { read: (document: { key: string; sha256: string }) => platform.archive.read(document) };
  return getReleaseNote(
    { principal: owner, id: platform.id },
    { repository: platform.repository, issued: platform.deps.issued, archive: reader },
  );
}

describe('release notes', () => {
  it('issues the assessment notice and the release note of a released declaration once, asked for by the duty and release stages', async () => {
    // Prepare
    const platform = await released();
    const asked = platform.queues.documents.sent.map((message) => message.declarationId);

    // Act
    const first = await issueDocuments({ declarationId: platform.id, version: 5 }, platform.deps);
    const again = await issueDocuments({ declarationId: platform.id, version: 5 }, platform.deps);
    const note = await issuedNote(platform);

    // Assess
    const record = await platform.record(platform.id);
    expect(asked).toEqual([platform.id, platform.id]);
    expect(first.map(({ kind, outcome }) => [kind, outcome])).toEqual([
      ['ASSESSMENT_NOTICE', 'issued'],
      ['RELEASE_NOTE', 'issued'],
    ]);
    expect(again.map(({ outcome }) => outcome)).toEqual(['issued-before', 'issued-before']);
    expect(note.document).toMatchObject({
      kind: 'RELEASE_NOTE',
      declarationId: platform.id,
      ucr: record.ucr,
      lrn: record.lrn,
      released: { at: record.releasedAt, by: 'RELEASE_STAGE' },
      submittedSha256: record.submission.sha256,
      history: { version: record.version },
      duties: { currency: 'GBP', total: record.assessment?.totals.total },
    });
  });

  it('is not issued before release, and is the declarant’s and customs’ to read', async () => {
    // Prepare: a RED declaration waiting for an officer
    const platform = await released();
    const red = await platform.submit(platform.declaration(newParty(), ferroSiliconCif));
    await platform.runThrough('release');
    const reader = { read: (document: { key: string; sha256: string }) => platform.archive.read(document) };
    const readDeps = { repository: platform.repository, issued: platform.deps.issued, archive: reader };
    await issueDocuments({ declarationId: platform.id, version: 5 }, platform.deps);

    // Act
    const notReleased = await issueDocuments({ declarationId: red, version: 4 }, platform.deps);
    const noNote = await refusal(getReleaseNote({ principal: owner, id: red }, readDeps));
    const foreign = await refusal(getReleaseNote({ principal: otherTrader, id: platform.id }, readDeps));

    // Assess
    expect(notReleased.map(({ kind }) => kind)).toEqual(['ASSESSMENT_NOTICE']);
    expect(noNote).toMatchObject({ kind: 'NOT_FOUND' });
    expect(foreign).toMatchObject({ kind: 'NOT_FOUND', code: 'DECLARATION_NOT_FOUND' });
  });
});

describe('verifying a sealed document', () => {
  it('verifies offline from the published keys alone; one changed byte, a forged seal or an unknown key is not genuine', async () => {
    // Prepare
    const platform = await released();
    await issueDocuments({ declarationId: platform.id, version: 5 }, platform.deps);
    const note = await issuedNote(platform);
    const jwks = await sealKeySet(platform.deps);
    const altered = { ...note, document: { ...note.document, lrn: `${note.document.lrn.slice(0, -1)}X` } };
    const [header, payload, signature] = note.seal.split('.');
    const forged = { ...note, seal: `${header}.${payload}.${signature?.slice(0, -2)}AA` };
    const strangers = { keys: [await new InMemoryDocumentSealer().publicKey()] };

    // Act
    const genuine = await verifySealedDocument(JSON.parse(JSON.stringify(note)), jwks);
    const viaUseCase = await verifyDocument(note, { ...platform.deps, archive: platform.archive });
    const changed = await verifySealedDocument(altered, jwks);
    const badSeal = await verifySealedDocument(forged, jwks);
    const unknown = await verifySealedDocument(note, strangers);

    // Assess
    expect(genuine).toMatchObject({ genuine: true, kind: 'RELEASE_NOTE', declarationId: platform.id, alg: 'ES256' });
    expect(genuine.genuine && genuine.kid).toBe(jwks.keys[0]?.kid);
    expect(viaUseCase).toEqual(genuine);
    expect(changed).toMatchObject({ genuine: false, reason: 'DOCUMENT_ALTERED' });
    expect(badSeal).toMatchObject({ genuine: false, reason: 'SEAL_INVALID' });
    expect(unknown).toMatchObject({ genuine: false, reason: 'SEAL_KEY_UNKNOWN' });
  });

  it('still verifies notes sealed with a rotated key: every key stays published', async () => {
    // Prepare: one note sealed with the first key, then the seal moves to a new key
    const platform = await released();
    await issueDocuments({ declarationId: platform.id, version: 5 }, platform.deps);
    const old = await issuedNote(platform);
    const second = await platform.submit(platform.declaration(trustedTrader));
    await platform.runThrough('release');
    const rotated = { ...platform.deps, sealer: new InMemoryDocumentSealer() };

    // Act
    await issueDocuments({ declarationId: second, version: 5 }, rotated);
    const jwks = await sealKeySet(rotated);
    const reader = { read: (document: { key: string; sha256: string }) => platform.archive.read(document) };
    const fresh = await getReleaseNote(
      { principal: owner, id: second },
      { repository: platform.repository, issued: platform.deps.issued, archive: reader },
    );

    // Assess
    expect(jwks.keys).toHaveLength(2);
    expect(await verifySealedDocument(old, jwks)).toMatchObject({ genuine: true, kid: jwks.keys[0]?.kid });
    expect(await verifySealedDocument(fresh, jwks)).toMatchObject({ genuine: true, kid: jwks.keys[1]?.kid });
  });

  it('turns the DER signature KMS answers into the r || s that ES256 needs', () => {
    // Prepare: many signatures, so that r and s with a leading zero byte (shorter DER integers) occur
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const messages = Array.from({ length: 200 }, (_, index) => Buffer.from(`message ${index}`));

    // Act
    const pairs = messages.map((message) => ({
      der: sign('sha256', message, key),
      // node:crypto gives the same signature in IEEE P1363 form when asked: r || s
      message,
    }));

    // Assess: each converted signature is 64 bytes and the P1363 verification of node accepts it
    for (const { der, message } of pairs) {
      const raw = derToJoseSignature(der);
      expect(raw).toHaveLength(64);
      expect(verify('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    }
  });
});

describe('printed copies and their references', () => {
  it('prints each sealed document once (asked again, prints nothing), and lists both files with their hashes', async () => {
    // Prepare
    const platform = await released();
    await issueDocuments({ declarationId: platform.id, version: 5 }, platform.deps);
    const printing = { issued: platform.deps.issued, archive: platform.archive, publicSiteUrl: 'https://customs.example.org' };

    // Act
    const first = await printDocuments({ declarationId: platform.id, version: 5 }, printing);
    const again = await printDocuments({ declarationId: platform.id, version: 5 }, printing);
    const listed = await listDeclarationDocuments({ principal: owner, id: platform.id }, platform.deps);

    // Assess
    expect([first, again]).toEqual([2, 0]);
    expect(platform.deps.printingQueue.sent).toHaveLength(2);
    expect(listed.items.map((item) => [item.kind, item.files.map((file) => file.contentType)])).toEqual([
      ['ASSESSMENT_NOTICE', ['application/json', 'application/pdf']],
      ['RELEASE_NOTE', ['application/json', 'application/pdf']],
    ]);
    expect(listed.items[1]?.documentId).toBe(`${platform.id}.release-note.5`);
  });

  it('verifies a printed copy by its reference and returns the original; a wrong hash finds no document', async () => {
    // Prepare
    const platform = await released();
    await issueDocuments({ declarationId: platform.id, version: 5 }, platform.deps);
    const [notice] = (await listDeclarationDocuments({ principal: owner, id: platform.id }, platform.deps)).items;
    const deps = { ...platform.deps, archive: platform.archive };

    // Act
    const genuine = await verifyDocument({ documentId: notice?.documentId ?? '', documentSha256: notice?.documentSha256 ?? '' }, deps);
    const wrong = await refusal(verifyDocument({ documentId: notice?.documentId ?? '', documentSha256: 'f'.repeat(64) }, deps));

    // Assess
    expect(genuine).toMatchObject({
      genuine: true,
      kind: 'ASSESSMENT_NOTICE',
      document: { kind: 'ASSESSMENT_NOTICE', declarationId: platform.id },
    });
    expect(wrong).toMatchObject({ kind: 'NOT_FOUND', code: 'DOCUMENT_NOT_FOUND' });
  });
});
