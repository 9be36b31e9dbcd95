/**
 * In-memory document archive, for use-case tests that need no local cloud. The contract suite (tests/contract)
 * runs the same checks against it and against the adapter on the local cloud, so a use-case test
 * on the fake says something true about the platform.
 */
import { createHash } from 'node:crypto';
import {
  ArchiveConflictError,
  type ArchiveDownloads,
  type ArchivedDocumentToRead,
  ArchiveIntegrityError,
  type ArchiveReader,
  type DocumentArchive,
  type StoredDocument,
} from '#shared/ports/document-archive.ts';

/**
 * The archive in memory: checks the SHA-256 on write (as S3 does) and on read (as the adapter does);
 * write-once as the adapter (the same bytes again get the stored object, other bytes are refused).
 */
export class InMemoryDocumentArchive implements DocumentArchive, ArchiveReader, ArchiveDownloads {
  readonly objects = new Map<string, Uint8Array[]>();

  async put(document: { key: string; body: Uint8Array; contentType: string; sha256: string }): Promise<StoredDocument> {
    if (createHash('sha256').update(document.body).digest('hex') !== document.sha256)
      throw new Error(`the body of ${document.key} does not match its SHA-256`);
    const versions = this.objects.get(document.key) ?? [];
    const stored = versions.at(-1);
    if (stored) {
      if (createHash('sha256').update(stored).digest('hex') !== document.sha256) throw new ArchiveConflictError(document.key);
      return { bucket: 'in-memory', key: document.key, versionId: String(versions.length) };
    }
    versions.push(Uint8Array.from(document.body));
    this.objects.set(document.key, versions);
    return { bucket: 'in-memory', key: document.key, versionId: String(versions.length) };
  }

  async read(document: ArchivedDocumentToRead): Promise<Uint8Array> {
    const versions = this.objects.get(document.key);
    const stored = versions?.[document.versionId ? Number(document.versionId) - 1 : versions.length - 1];
    if (!stored) throw Object.assign(new Error(`no archived document ${document.key}`), { name: 'NoSuchKey' });
    const { range } = document;
    // As S3 answers a range that runs past the end: the bytes there are (the hash check then fails).
    const bytes = range ? stored.subarray(range.offset, range.offset + range.length) : stored;
    if (createHash('sha256').update(bytes).digest('hex') !== document.sha256) throw new ArchiveIntegrityError(document.key);
    return Uint8Array.from(bytes);
  }

  /** A `memory:` URL naming the object, its file name and when it expires (the fakes' stand-in for a presigned URL). */
  async presignGet(object: { key: string; fileName: string; expiresInSeconds: number }): Promise<string> {
    if (!this.objects.has(object.key)) throw Object.assign(new Error(`no archived document ${object.key}`), { name: 'NoSuchKey' });
    return `memory:${encodeURIComponent(object.key)}?filename=${encodeURIComponent(object.fileName)}&expires=${object.expiresInSeconds}`;
  }
}
