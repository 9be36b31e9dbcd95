/**
 * What the seal's ports must do: run against the in-memory fakes (fakes.test.ts) and against the
 * KMS adapter (the local cloud's KMS) and the DynamoDB adapter (adapters.test.ts). A signature
 * verifies as ES256 with the published key; keys are published once and all stay; an issued
 * document is recorded once; its PDF is asked for once until the ask is old or the PDF is there.
 */
import { createPublicKey, verify } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { newDeclarationId } from '#shared/domain/ids.ts';
import type { DocumentSealer, IssuedDocuments, SealKeyRegistry } from '#shared/ports/document-seal.ts';

export interface DocumentSealSubject {
  sealer: () => DocumentSealer;
  keys: () => SealKeyRegistry;
  issued: () => IssuedDocuments;
}

export function documentSealContract(name: string, subject: DocumentSealSubject): void {
  describe(`Document seal contract: ${name}`, () => {
    it('signs with ES256 (r || s) what its public key verifies; the kid is the key’s RFC 7638 thumbprint', async () => {
      // Prepare
      const sealer = subject.sealer();
      const input = Buffer.from('eyJhbGciOiJFUzI1NiJ9.eyJ0eXAiOiJjdXN0b21zLXNlYWwifQ', 'ascii');

      // Act
      const key = await sealer.publicKey();
      const signature = await sealer.sign(input);
      const again = await sealer.publicKey();

      // Assess
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key.d).toBeUndefined();
      expect(key.kid).toBe(await calculateJwkThumbprint({ kty: key.kty, crv: key.crv, x: key.x, y: key.y }));
      expect(again).toEqual(key);
      expect(signature).toHaveLength(64);
      const nodeKey = {
        key: createPublicKey({ key: { kty: key.kty ?? '', crv: key.crv, x: key.x, y: key.y }, format: 'jwk' }),
        dsaEncoding: 'ieee-p1363',
      } as const;
      expect(verify('sha256', input, nodeKey, signature)).toBe(true);
      expect(verify('sha256', Buffer.from('something else'), nodeKey, signature)).toBe(false);
    });

    it('publishes each key once and keeps every key, oldest first', async () => {
      // Prepare
      const keys = subject.keys();
      const before = await keys.all();
      const first = { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', kid: `first-${newDeclarationId(new Date())}` };
      const second = { kty: 'EC', crv: 'P-256', x: 'c', y: 'd', kid: `second-${newDeclarationId(new Date())}` };

      // Act
      await keys.publish(first, '2026-11-27T10:00:00.000Z');
      await keys.publish(first, '2026-11-27T11:00:00.000Z');
      await keys.publish(second, '2026-11-27T12:00:00.000Z');
      const after = await keys.all();

      // Assess
      const added = after.filter((key) => !before.some((seen) => seen.kid === key.kid));
      expect(added.map((key) => key.kid)).toEqual([first.kid, second.kid]);
      expect(added[0]).toEqual(first);
    });

    it('records a declaration’s document of a kind and version once: the first counts', async () => {
      // Prepare
      const issued = subject.issued();
      const declarationId = newDeclarationId(new Date());
      const document = {
        declarationId,
        kind: 'RELEASE_NOTE' as const,
        version: 7,
        archiveKey: `issued/${declarationId}/release-note/a.json`,
        sha256: 'a'.repeat(64),
        documentSha256: 'b'.repeat(64),
        kid: 'kid-1',
        issuedAt: '2026-11-27T10:00:00.000Z',
      };

      // Act
      const first = await issued.record(document);
      const second = await issued.record({ ...document, archiveKey: 'other', sha256: 'c'.repeat(64) });
      const found = await issued.get(declarationId, 'RELEASE_NOTE', 7);
      const otherVersion = await issued.get(declarationId, 'RELEASE_NOTE', 8);
      const none = await issued.get(newDeclarationId(new Date()), 'RELEASE_NOTE', 7);

      // Assess
      expect([first, second]).toEqual([true, false]);
      expect(found).toEqual(document);
      expect(otherVersion).toBeUndefined();
      expect(none).toBeUndefined();
    });

    it('lists a declaration’s documents by kind then version, and notes each one’s printable copy once', async () => {
      // Prepare: an assessment notice of each of two assessments, and the release note
      const issued = subject.issued();
      const declarationId = newDeclarationId(new Date());
      const base = {
        declarationId,
        sha256: 'a'.repeat(64),
        documentSha256: 'b'.repeat(64),
        kid: 'kid-1',
        issuedAt: '2026-11-27T10:00:00.000Z',
      };
      const release = { ...base, kind: 'RELEASE_NOTE' as const, version: 12, archiveKey: 'release' };
      const second = { ...base, kind: 'ASSESSMENT_NOTICE' as const, version: 10, archiveKey: 'second' };
      const first = { ...base, kind: 'ASSESSMENT_NOTICE' as const, version: 4, archiveKey: 'first' };
      for (const document of [release, second, first]) await issued.record(document);
      await issued.record({ ...first, declarationId: newDeclarationId(new Date()) });
      const pdf = { archiveKey: 'release.pdf', sha256: 'd'.repeat(64), bytes: 2048 };

      // Act
      const attached = await issued.attachPdf(declarationId, 'RELEASE_NOTE', 12, pdf);
      const again = await issued.attachPdf(declarationId, 'RELEASE_NOTE', 12, { ...pdf, archiveKey: 'other.pdf' });
      const unknown = await issued.attachPdf(declarationId, 'RELEASE_NOTE', 13, pdf);
      const listed = await issued.list(declarationId);

      // Assess
      expect([attached, again, unknown]).toEqual([true, false, false]);
      expect(listed.map((document) => document.archiveKey)).toEqual(['first', 'second', 'release']);
      expect(listed[2]?.pdf).toEqual(pdf);
      expect(await issued.get(declarationId, 'RELEASE_NOTE', 13)).toBeUndefined();
    });

    it('asks for a document’s PDF once: a second ask finds it asked, an ask older than the limit is asked again, a printed one never', async () => {
      // Prepare
      const issued = subject.issued();
      const declarationId = newDeclarationId(new Date());
      const document = {
        declarationId,
        kind: 'ASSESSMENT_NOTICE' as const,
        version: 4,
        archiveKey: 'notice',
        sha256: 'a'.repeat(64),
        documentSha256: 'b'.repeat(64),
        kid: 'kid-1',
        issuedAt: '2026-11-27T10:00:00.000Z',
      };
      await issued.record(document);
      await issued.record({ ...document, kind: 'RELEASE_NOTE', version: 6, archiveKey: 'release' });
      await issued.attachPdf(declarationId, 'RELEASE_NOTE', 6, { archiveKey: 'release.pdf', sha256: 'd'.repeat(64), bytes: 2048 });

      // Act: asked at 10:01, again at 10:02 (the 10:01 ask is recent), then at 10:20 (the 10:01 ask is older than 10:05)
      const first = await issued.requestPrinting(
        declarationId,
        'ASSESSMENT_NOTICE',
        4,
        '2026-11-27T10:01:00.000Z',
        '2026-11-27T09:46:00.000Z',
      );
      const underWay = await issued.requestPrinting(
        declarationId,
        'ASSESSMENT_NOTICE',
        4,
        '2026-11-27T10:02:00.000Z',
        '2026-11-27T09:47:00.000Z',
      );
      const asked = await issued.get(declarationId, 'ASSESSMENT_NOTICE', 4);
      const stale = await issued.requestPrinting(
        declarationId,
        'ASSESSMENT_NOTICE',
        4,
        '2026-11-27T10:20:00.000Z',
        '2026-11-27T10:05:00.000Z',
      );
      const printed = await issued.requestPrinting(
        declarationId,
        'RELEASE_NOTE',
        6,
        '2026-11-27T10:01:00.000Z',
        '2026-11-27T09:46:00.000Z',
      );
      const unknown = await issued.requestPrinting(
        declarationId,
        'RELEASE_NOTE',
        7,
        '2026-11-27T10:01:00.000Z',
        '2026-11-27T09:46:00.000Z',
      );

      // Assess
      expect([first, underWay, stale, printed, unknown]).toEqual([true, false, true, false, false]);
      expect(asked?.printRequestedAt).toBe('2026-11-27T10:01:00.000Z');
      expect((await issued.get(declarationId, 'ASSESSMENT_NOTICE', 4))?.printRequestedAt).toBe('2026-11-27T10:20:00.000Z');
      expect(await issued.get(declarationId, 'RELEASE_NOTE', 7)).toBeUndefined();
    });
  });
}
