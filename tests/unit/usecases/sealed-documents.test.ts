/**
 * Release notes under the customs seal (shared/usecases/sealed-documents.ts) on the fakes: issued
 * once for a released declaration, verified offline from the published keys alone; an altered
 * byte, a forged seal, an unknown key are not genuine; a rotated key still verifies old notes.
 */
import { createHash, createPrivateKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth.ts';
import { derToJoseSignature, type PublicJwk, type SealedDocument, verifySealedDocument } from '#shared/domain/sealed-documents.ts';
import type { IssuedDocument } from '#shared/ports/document-seal.ts';
import { InMemoryDocumentArchive } from '#shared/ports/fakes/document-archive.ts';
import { InMemoryDocumentSealer, InMemoryIssuedDocuments, InMemorySealKeyRegistry } from '#shared/ports/fakes/document-seal.ts';
import { InMemoryPipelineQueue } from '#shared/ports/fakes/pipeline-queue.ts';
import { printDocuments } from '#shared/usecases/print-documents.ts';
import { readIssuedBytes } from '#shared/usecases/read-issued-document.ts';
import {
  getDocumentDownload,
  getReleaseNote,
  issueDocumentBatch,
  issueDocuments,
  listDeclarationDocuments,
  sealKeySet,
  verifyDocument,
} from '#shared/usecases/sealed-documents.ts';
import { newParty } from '#tests/integration/support.ts';
import { counted } from '#tests/support/counted.ts';
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
    documentPrinting: 'at-issue' as 'at-issue' | 'on-request',
    clock: platform.clock,
    country: 'GB',
    links: archive,
    reaskPrintingAfterSeconds: 900,
  };
  return { ...platform, id, archive, deps };
}

/** The fake seal, counting its signatures (each one a KMS Sign in AWS). */
class CountingSealer extends InMemoryDocumentSealer {
  signatures = 0;
  override async sign(input: Uint8Array): Promise<Uint8Array> {
    this.signatures += 1;
    return super.sign(input);
  }
}

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/sealed-documents/${name}`, import.meta.url), 'utf8'));

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
  it('reads the declaration with its history in one read to plan its documents', async () => {
    // Prepare
    const platform = await released();
    const reads = counted(platform.deps.repository);

    // Act
    const issued = await issueDocuments({ declarationId: platform.id, version: 5 }, { ...platform.deps, repository: reads.port });

    // Assess
    expect(issued.map(({ outcome }) => outcome)).toEqual(['issued', 'issued']);
    expect(reads.calls).toEqual({ getWithEvents: 1 });
  });

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

  it('completes a history one event behind with the event the state carries; further behind, it waits for the history', async () => {
    // Prepare: reads that miss the latest event items, as while the release stage's own write is still on its way
    const platform = await released();
    const behind = (missing: number) => ({
      ...platform.deps,
      repository: new Proxy(platform.deps.repository, {
        get(target, property, receiver) {
          if (property !== 'getWithEvents') return Reflect.get(target, property, receiver);
          return async (...args: Parameters<typeof target.getWithEvents>) => {
            const read = await target.getWithEvents(...args);
            return read && { ...read, events: read.events.slice(0, -missing) };
          };
        },
      }),
    });

    // Act
    const twoBehind = await issueDocuments({ declarationId: platform.id, version: 5 }, behind(2)).then(
      () => undefined,
      (error: unknown) => error,
    );
    const oneBehind = await issueDocuments({ declarationId: platform.id, version: 5 }, behind(1));
    const note = await issuedNote(platform);

    // Assess
    expect(twoBehind).toBeInstanceOf(Error);
    expect((twoBehind as Error).message).toMatch(/its history is not written that far yet/);
    expect(oneBehind.map(({ kind, outcome }) => [kind, outcome])).toEqual([
      ['ASSESSMENT_NOTICE', 'issued'],
      ['RELEASE_NOTE', 'issued'],
    ]);
    const record = await platform.record(platform.id);
    expect(note.document).toMatchObject({ kind: 'RELEASE_NOTE', history: { version: record.version } });
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

    const asked = platform.deps.printingQueue.sent;

    // Act: each message the issuing sent, then each again
    const first = await Promise.all(asked.map((message) => printDocuments(message, printing)));
    const again = await Promise.all(asked.map((message) => printDocuments(message, printing)));
    const listed = await listDeclarationDocuments({ principal: owner, id: platform.id }, platform.deps);

    // Assess: one message per document (its own version), each printing its document alone
    expect(asked).toHaveLength(2);
    expect([first, again]).toEqual([
      [1, 1],
      [0, 0],
    ]);
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

describe('printing on request', () => {
  const printingOnRequest = async () => {
    const platform = await released();
    platform.deps.documentPrinting = 'on-request';
    await issueDocuments({ declarationId: platform.id, version: 5 }, platform.deps);
    const printing = { issued: platform.deps.issued, archive: platform.archive, publicSiteUrl: 'https://customs.example.org' };
    return { platform, printing, documentId: `${platform.id}.release-note.5` };
  };

  it('issues the sealed JSON only: no printing message, no PDF', async () => {
    // Prepare
    const { platform } = await printingOnRequest();

    // Act
    const listed = await listDeclarationDocuments({ principal: owner, id: platform.id }, platform.deps);

    // Assess
    expect(platform.deps.printingQueue.sent).toEqual([]);
    expect(listed.items.map((item) => item.files.map((file) => file.contentType))).toEqual([['application/json'], ['application/json']]);
  });

  it('asks for the PDF on the first download only, answers it printing with the JSON link, then the PDF link once printed', async () => {
    // Prepare
    const { platform, printing, documentId } = await printingOnRequest();

    // Act: two downloads before printing, the printing worker takes the message, a third download
    const first = await getDocumentDownload({ principal: owner, documentId }, platform.deps);
    const second = await getDocumentDownload({ principal: owner, documentId }, platform.deps);
    const sent = [...platform.deps.printingQueue.sent];
    const printed = await Promise.all(sent.map((message) => printDocuments(message, printing)));
    const after = await getDocumentDownload({ principal: owner, documentId }, platform.deps);

    // Assess
    expect(sent).toEqual([{ declarationId: platform.id, version: 5 }]);
    for (const answer of [first, second]) {
      expect(answer.pdf).toEqual({ status: 'printing', retryAfterSeconds: 5 });
      expect(answer.files.map((file) => file.contentType)).toEqual(['application/json']);
    }
    expect(printed).toEqual([1]);
    expect(after.pdf).toEqual({ status: 'printed' });
    expect(after.files.map((file) => file.contentType)).toEqual(['application/json', 'application/pdf']);
    expect(platform.deps.printingQueue.sent).toHaveLength(1);
    const notice = await platform.deps.issued.list(platform.id);
    expect(notice.find((document) => document.kind === 'ASSESSMENT_NOTICE')?.pdf).toBeUndefined();
  });

  it('asks again when the PDF is still not printed after the re-ask limit (its message lost or dead-lettered), not before', async () => {
    // Prepare: asked once, and the message never printed
    const { platform, documentId } = await printingOnRequest();
    await getDocumentDownload({ principal: owner, documentId }, platform.deps);

    // Act
    platform.clock.advance(899_000);
    const withinLimit = await getDocumentDownload({ principal: owner, documentId }, platform.deps);
    const sentWithin = platform.deps.printingQueue.sent.length;
    platform.clock.advance(2_000);
    const afterLimit = await getDocumentDownload({ principal: owner, documentId }, platform.deps);

    // Assess
    expect(sentWithin).toBe(1);
    expect(platform.deps.printingQueue.sent).toHaveLength(2);
    expect([withinLimit.pdf?.status, afterLimit.pdf?.status]).toEqual(['printing', 'printing']);
  });

  it('asks nothing for a document the principal may not see (told it does not exist)', async () => {
    // Prepare
    const { platform, documentId } = await printingOnRequest();

    // Act
    const refused = await refusal(getDocumentDownload({ principal: otherTrader, documentId }, platform.deps));

    // Assess
    expect(refused).toMatchObject({ kind: 'NOT_FOUND', code: 'DOCUMENT_NOT_FOUND' });
    expect(platform.deps.printingQueue.sent).toEqual([]);
  });
});

describe('sealing a batch with one signature', () => {
  /** Three released declarations (a notice and a release note each) and one under review (its notice): 7 documents. */
  async function batchOfSeven() {
    const platform = await released();
    const more = [await platform.submit(platform.declaration(trustedTrader)), await platform.submit(platform.declaration(trustedTrader))];
    const red = await platform.submit(platform.declaration(newParty(), ferroSiliconCif));
    await platform.runThrough('release');
    const sealer = new CountingSealer();
    const deps = { ...platform.deps, sealer };
    const messages = [platform.id, ...more, red].map((declarationId) => ({ declarationId, version: 5 }));
    return { platform, deps, sealer, messages };
  }

  const sealedDocuments = async (platform: Awaited<ReturnType<typeof released>>, declarationIds: string[]): Promise<SealedDocument[]> => {
    const issued = (await Promise.all(declarationIds.map((id) => platform.deps.issued.list(id)))).flat();
    return Promise.all(issued.map(async (document) => JSON.parse((await readIssuedBytes(document, platform.archive)).toString('utf8'))));
  };

  it('seals the 7 documents of a batch with one signature; each verifies alone and fails when its document is altered', async () => {
    // Prepare
    const { platform, deps, sealer, messages } = await batchOfSeven();

    // Act
    const results = await issueDocumentBatch(messages, deps);
    const sealed = await sealedDocuments(
      platform,
      messages.map((message) => message.declarationId),
    );
    const jwks = await sealKeySet(deps);
    const verdicts = await Promise.all(sealed.map((document) => verifySealedDocument(document, jwks)));
    const altered = await Promise.all(
      sealed.map((document) => verifySealedDocument({ ...document, document: { ...document.document, lrn: 'LRN-ALTERED' } }, jwks)),
    );

    // Assess
    expect(sealer.signatures).toBe(1);
    expect(results.map((result) => result.ok && result.documents.map(({ outcome }) => outcome))).toEqual([
      ['issued', 'issued'],
      ['issued', 'issued'],
      ['issued', 'issued'],
      ['issued'],
    ]);
    expect(sealed).toHaveLength(7);
    expect(new Set(sealed.map((document) => document.seal)).size).toBe(1);
    expect(sealed.map((document) => document.proof?.leafIndex).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const [index, verdict] of verdicts.entries()) {
      expect(verdict).toMatchObject({
        genuine: true,
        kind: sealed[index]?.document.kind,
        declarationId: sealed[index]?.document.declarationId,
        sealFormat: 2,
        tree: { treeSize: 7, leafIndex: sealed[index]?.proof?.leafIndex },
      });
    }
    for (const verdict of altered) expect(verdict).toMatchObject({ genuine: false, reason: 'DOCUMENT_ALTERED' });
  });

  it('refuses a document with another document’s proof, with a proof from another batch, or without its proof', async () => {
    // Prepare: two batches
    const { platform, deps, messages } = await batchOfSeven();
    await issueDocumentBatch(messages.slice(0, 2), deps);
    await issueDocumentBatch(messages.slice(2), deps);
    const [first, second] = await sealedDocuments(platform, [messages[0]?.declarationId ?? '']);
    const [other] = await sealedDocuments(platform, [messages[2]?.declarationId ?? '']);
    if (!first || !second || !other) throw new Error('documents not issued');
    const jwks = await sealKeySet(deps);
    const { proof: _, ...withoutProof } = first;

    // Act
    const swapped = await verifySealedDocument({ ...first, proof: second.proof }, jwks);
    const foreign = await verifySealedDocument({ ...first, proof: other.proof }, jwks);
    const missing = await verifySealedDocument(withoutProof, jwks);

    // Assess
    expect(swapped).toMatchObject({ genuine: false, reason: 'DOCUMENT_ALTERED' });
    expect(foreign).toMatchObject({ genuine: false });
    expect(missing).toMatchObject({ genuine: false, reason: 'SEAL_INVALID' });
  });

  it('does not seal again what a batch delivered again (or two messages for one declaration) already issued', async () => {
    // Prepare: the duty and the release stage both asked for the first declaration
    const { platform, deps, sealer, messages } = await batchOfSeven();
    const withTwin = [...messages, messages[0] ?? { declarationId: platform.id, version: 5 }];

    // Act
    const first = await issueDocumentBatch(withTwin, deps);
    const recorded = await sealedDocuments(platform, [platform.id]);
    const again = await issueDocumentBatch(withTwin, deps);
    const after = await sealedDocuments(platform, [platform.id]);

    // Assess
    expect(sealer.signatures).toBe(1);
    expect(first.at(-1)).toEqual(first[0]);
    expect(again.every((result) => result.ok && result.documents.every(({ outcome }) => outcome === 'issued-before'))).toBe(true);
    expect(after).toEqual(recorded);
  });

  it('fails every message with a new document when the signature fails, and a message whose declaration is unknown alone', async () => {
    // Prepare
    const { deps, messages } = await batchOfSeven();
    const broken = {
      ...deps,
      sealer: Object.assign(new InMemoryDocumentSealer(), { sign: () => Promise.reject(new Error('KMS throttled')) }),
    };
    const unknown = { declarationId: '01J0000000000000000000000Z', version: 5 };

    // Act
    const failed = await issueDocumentBatch(messages.slice(0, 2), broken);
    const mixed = await issueDocumentBatch([messages[0] ?? unknown, unknown], deps);

    // Assess
    expect(failed.map((result) => !result.ok && result.error.message)).toEqual(['KMS throttled', 'KMS throttled']);
    expect(mixed.map((result) => result.ok)).toEqual([true, false]);
  });

  it('still verifies a format-1 release note sealed before batch sealing (stored fixture), and not when altered', async () => {
    // Prepare
    const old = fixture('release-note-format-1.json') as SealedDocument;
    const jwks = fixture('jwks-format-1.json') as Awaited<ReturnType<typeof sealKeySet>>;

    // Act
    const genuine = await verifySealedDocument(old, jwks);
    const altered = await verifySealedDocument({ ...old, document: { ...old.document, ucr: `${old.document.ucr}0` } }, jwks);

    // Assess
    expect(old.proof).toBeUndefined();
    expect(genuine).toEqual({
      genuine: true,
      kind: 'RELEASE_NOTE',
      declarationId: old.document.declarationId,
      issuedAt: old.document.issuedAt,
      kid: jwks.keys[0]?.kid,
      alg: 'ES256',
      sealFormat: 1,
    });
    expect(altered).toMatchObject({ genuine: false, reason: 'DOCUMENT_ALTERED' });
  });
});

describe('one archive object per sealing batch', () => {
  /** The archive's objects under a key rule's folder (the fake keeps each key's versions). */
  const objectsUnder = (archive: InMemoryDocumentArchive, folder: string) =>
    [...archive.objects.keys()].filter((key) => key.includes(folder));

  it('archives the 7 documents of a batch as ONE object; each record names it and its range, which reads back byte-exact and verifies', async () => {
    // Prepare
    const { platform, deps, messages } = await batchOfSevenOnFakes();

    // Act
    await issueDocumentBatch(messages, deps);
    const records = (await Promise.all(messages.map(({ declarationId }) => deps.issued.list(declarationId)))).flat();
    const [objectKey] = objectsUnder(platform.archive, '/sealed-batches/');
    const object = Buffer.from((await platform.archive.objects.get(objectKey ?? ''))?.[0] ?? []);
    const read = await Promise.all(records.map((record) => readIssuedBytes(record, platform.archive)));
    const verdicts = await Promise.all(read.map((bytes) => verifySealedDocument(JSON.parse(bytes.toString('utf8')), { keys: [] })));
    const jwks = await sealKeySet(deps);
    const verified = await Promise.all(read.map((bytes) => verifySealedDocument(JSON.parse(bytes.toString('utf8')), jwks)));

    // Assess
    expect(objectsUnder(platform.archive, '/sealed-batches/')).toHaveLength(1);
    expect(objectsUnder(platform.archive, '/issued/')).toEqual([]);
    expect(objectKey).toMatch(/^[0-9a-f]{2}\/sealed-batches\/[0-9a-f]{64}\.ndjson$/);
    expect(records).toHaveLength(7);
    for (const [index, record] of records.entries()) {
      expect(record.archiveKey).toBe(objectKey);
      const { offset, length } = record.range ?? { offset: -1, length: 0 };
      expect(read[index]).toEqual(object.subarray(offset, offset + length));
      expect(
        createHash('sha256')
          .update(read[index] ?? '')
          .digest('hex'),
      ).toBe(record.sha256);
    }
    // The ranges tile the object: one NDJSON line each, nothing between them.
    const ranges = records.map((record) => record.range).sort((a, b) => (a?.offset ?? 0) - (b?.offset ?? 0));
    expect(ranges.reduce((end, range) => (range?.offset === end ? end + (range?.length ?? 0) : Number.NaN), 0)).toBe(object.byteLength);
    expect(object.toString('utf8').split('\n').slice(0, -1)).toHaveLength(7);
    for (const verdict of verdicts) expect(verdict).toMatchObject({ genuine: false });
    for (const verdict of verified) expect(verdict).toMatchObject({ genuine: true, sealFormat: 2, tree: { treeSize: 7 } });
  });

  it('records nothing when the archive PUT fails (every message with a new document fails); delivered again, it issues', async () => {
    // Prepare
    const { platform, deps, messages } = await batchOfSevenOnFakes();
    const failing = { ...deps, archive: { put: () => Promise.reject(new Error('S3 unavailable')) } };

    // Act
    const failed = await issueDocumentBatch(messages, failing);
    const recordedAfterFailure = (await Promise.all(messages.map(({ declarationId }) => deps.issued.list(declarationId)))).flat();
    const again = await issueDocumentBatch(messages, deps);

    // Assess
    expect(failed.map((result) => !result.ok && result.error.message)).toEqual(Array(4).fill('S3 unavailable'));
    expect(recordedAfterFailure).toEqual([]);
    expect(again.every((result) => result.ok && result.documents.every(({ outcome }) => outcome === 'issued'))).toBe(true);
    expect(objectsUnder(platform.archive, '/sealed-batches/')).toHaveLength(1);
  });

  it('keeps the first record when a redelivery races it: the second object is written, no record names it', async () => {
    // Prepare: two deliveries of one message both find nothing issued (they plan before either records)
    const { platform, deps, messages } = await batchOfSevenOnFakes();
    const [message] = messages;
    if (!message) throw new Error('no message');

    // Act
    const [first, second] = await Promise.all([issueDocumentBatch([message], deps), issueDocumentBatch([message], deps)]);
    const records = await deps.issued.list(message.declarationId);

    // Assess: whichever delivery records first wins (their timing decides which), the other finds its records
    const outcomes = [first, second].map((results) => results[0]?.ok && results[0].documents.map(({ outcome }) => outcome));
    expect(outcomes).toHaveLength(2);
    expect(outcomes).toContainEqual(['issued', 'issued']);
    expect(outcomes).toContainEqual(['issued-before', 'issued-before']);
    const objects = objectsUnder(platform.archive, '/sealed-batches/');
    expect(objects).toHaveLength(2);
    expect(records).toHaveLength(2);
    const named = new Set(records.map((record) => record.archiveKey));
    expect(named.size).toBe(1);
    expect(objects).toContain([...named][0]);
  });

  it("answers a batch document's download with its own bytes (a data: URL), never a link to the batch's object", async () => {
    // Prepare
    const { deps, messages } = await batchOfSevenOnFakes();
    await issueDocumentBatch(messages, deps);
    const [record] = await deps.issued.list(messages[0]?.declarationId ?? '');
    if (!record) throw new Error('not issued');

    // Act
    const download = await getDocumentDownload(
      {
        principal: owner,
        documentId: `${record.declarationId}.${record.kind === 'RELEASE_NOTE' ? 'release-note' : 'assessment-notice'}.${record.version}`,
      },
      deps,
    );

    // Assess
    const [json] = download.files;
    expect(json?.url).toMatch(/^data:application\/json;base64,/);
    const bytes = Buffer.from(json?.url.slice('data:application/json;base64,'.length) ?? '', 'base64');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(record.sha256);
    expect(json?.sha256).toBe(record.sha256);
    expect((JSON.parse(bytes.toString('utf8')) as SealedDocument).document.declarationId).toBe(record.declarationId);
  });

  it('reads a record stored before batches were one object (its own object, no range): verified by reference, printed, linked', async () => {
    // Prepare: the stored record (fixture) and the object it names, the format-1 release note's exact bytes
    const platform = await released();
    const stored = fixture('issued-record-one-object.json') as IssuedDocument & { PK: string; SK: string; entity: string };
    const { PK: _pk, SK: _sk, entity: _entity, ...old } = stored;
    const bytes = readFileSync(new URL('../../fixtures/sealed-documents/release-note-format-1.json', import.meta.url));
    await platform.archive.put({ key: old.archiveKey, body: bytes, contentType: 'application/json', sha256: old.sha256 });
    await platform.deps.issued.record(old);
    const [key] = (fixture('jwks-format-1.json') as { keys: PublicJwk[] }).keys;
    if (!key) throw new Error('the fixture JWKS has no key');
    await platform.deps.keys.publish(key);
    const printing = { issued: platform.deps.issued, archive: platform.archive, publicSiteUrl: 'https://customs.example.org' };

    // Act
    const read = await readIssuedBytes(old, platform.archive);
    const verdict = await verifyDocument(
      { documentId: `${old.declarationId}.release-note.5`, documentSha256: old.documentSha256 },
      platform.deps,
    );
    const printed = await printDocuments({ declarationId: old.declarationId, version: 5 }, printing);

    // Assess
    expect(old.range).toBeUndefined();
    expect(read).toEqual(bytes);
    expect(verdict).toMatchObject({ genuine: true, sealFormat: 1, kind: 'RELEASE_NOTE', declarationId: old.declarationId });
    expect(printed).toBe(1);
  });
});

/** Three released declarations and one under review: 7 documents for one batch of 4 messages (the fake seal). */
async function batchOfSevenOnFakes() {
  const platform = await released();
  const more = [await platform.submit(platform.declaration(trustedTrader)), await platform.submit(platform.declaration(trustedTrader))];
  const red = await platform.submit(platform.declaration(newParty(), ferroSiliconCif));
  await platform.runThrough('release');
  const messages = [platform.id, ...more, red].map((declarationId) => ({ declarationId, version: 5 }));
  return { platform, deps: { ...platform.deps, documentPrinting: 'on-request' as const }, messages };
}
