/** The document archive: exact bytes, stored once under Object Lock, read back hash-checked. */

export interface StoredDocument {
  bucket: string;
  key: string;
  versionId: string | undefined;
}

/**
 * Write-once: `put` writes only if nothing is stored under the key (`If-None-Match: *`). Keys name
 * the SHA-256 of what they hold (`shared/domain/archive-keys.ts`), so a retry that finds its key
 * taken finds its own bytes: it gets the stored object back. Other bytes under a taken key are
 * refused (ArchiveConflictError) and nothing is overwritten.
 */
export interface DocumentArchive {
  put(document: { key: string; body: Uint8Array; contentType: string; sha256: string }): Promise<StoredDocument>;
}

export class ArchiveConflictError extends Error {
  constructor(key: string) {
    super(`archive key ${key} holds other bytes already; archived objects are never overwritten`);
    this.name = 'ArchiveConflictError';
  }
}

/** Where one document's bytes are inside an archived object that holds several (a sealing batch). */
export interface ByteRange {
  /** The first byte, from 0. */
  offset: number;
  /** How many bytes (at least 1). */
  length: number;
}

/**
 * Reads archived bytes back, checked against the SHA-256 recorded when they were stored: the
 * pipeline works from exactly what the trader submitted, and a changed object is an error. With a
 * `range`, only those bytes of the object are read (an S3 ranged GET) and the SHA-256 is theirs.
 */
export interface ArchiveReader {
  read(document: ArchivedDocumentToRead): Promise<Uint8Array>;
}

/** What a reader names to read an archived document back: its key (and version), its SHA-256, and a byte range of a batch object. */
export interface ArchivedDocumentToRead {
  key: string;
  versionId?: string | undefined;
  sha256: string;
  range?: ByteRange | undefined;
}

export class ArchiveIntegrityError extends Error {
  constructor(key: string) {
    super(`archived document ${key} does not match the SHA-256 recorded for it`);
    this.name = 'ArchiveIntegrityError';
  }
}

/** Short-lived links to archived objects: a reader downloads the exact bytes straight from the archive. */
export interface ArchiveDownloads {
  /** A URL that GETs the object at `key` until it expires, offered for saving under `fileName`. */
  presignGet(object: { key: string; fileName: string; expiresInSeconds: number }): Promise<string>;
}
