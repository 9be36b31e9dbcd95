/**
 * What every DocumentArchive must do: write once. Run against the in-memory fake (fakes.test.ts)
 * and the S3 adapter on the local cloud (adapters.test.ts, where fauxqs is made to honour
 * `If-None-Match: *`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import { newDeclarationId } from '#shared/domain/ids.ts';
import { ArchiveConflictError, ArchiveIntegrityError, type ArchiveReader, type DocumentArchive } from '#shared/ports/document-archive.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function documentArchiveContract(name: string, subject: { archive: () => DocumentArchive & ArchiveReader }) {
  describe(`DocumentArchive contract: ${name}`, () => {
    it('writes a key once: the same bytes again get the stored object back', async () => {
      // Prepare
      const archive = subject.archive();
      const body = Buffer.from(JSON.stringify({ nonce: randomUUID() }));
      const key = archiveKeys.submitted(newDeclarationId(new Date()), sha256(body));
      const first = await archive.put({ key, body, contentType: 'application/json', sha256: sha256(body) });

      // Act
      const again = await archive.put({ key, body, contentType: 'application/json', sha256: sha256(body) });

      // Assess
      expect(again).toEqual(first);
      expect(Buffer.from(await archive.read({ key, versionId: first.versionId, sha256: sha256(body) }))).toEqual(body);
    });

    it('refuses other bytes under a key that is taken, and keeps the first', async () => {
      // Prepare
      const archive = subject.archive();
      const body = Buffer.from(JSON.stringify({ nonce: randomUUID() }));
      const other = Buffer.from(JSON.stringify({ nonce: randomUUID() }));
      const key = archiveKeys.signature(newDeclarationId(new Date()), sha256(body));
      await archive.put({ key, body, contentType: 'application/json', sha256: sha256(body) });

      // Act
      const refused = archive.put({ key, body: other, contentType: 'application/json', sha256: sha256(other) });

      // Assess
      await expect(refused).rejects.toBeInstanceOf(ArchiveConflictError);
      expect(Buffer.from(await archive.read({ key, sha256: sha256(body) }))).toEqual(body);
    });
    it('reads a byte range of an object (a ranged GET), checked against the SHA-256 of those bytes', async () => {
      // Prepare: three lines in one object, as a sealing batch archives its documents (under a key the subject may write)
      const archive = subject.archive();
      const lines = ['{"a":1}\n', `{"nonce":"${randomUUID()}"}\n`, '{"c":3}\n'].map((line) => Buffer.from(line));
      const body = Buffer.concat(lines);
      const key = archiveKeys.submitted(newDeclarationId(new Date()), sha256(body));
      await archive.put({ key, body, contentType: 'application/x-ndjson', sha256: sha256(body) });
      const middle = lines[1] ?? Buffer.alloc(0);
      const range = { offset: lines[0]?.byteLength ?? 0, length: middle.byteLength };

      // Act
      const read = await archive.read({ key, sha256: sha256(middle), range });
      const wrongHash = archive.read({ key, sha256: sha256(body), range });

      // Assess
      expect(Buffer.from(read)).toEqual(middle);
      await expect(wrongHash).rejects.toBeInstanceOf(ArchiveIntegrityError);
    });
  });
}
