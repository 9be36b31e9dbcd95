/** The document archive: exact bytes, stored once under Object Lock, read back hash-checked. */

export interface StoredDocument {
  bucket: string;
  key: string;
  versionId: string | undefined;
}

export interface DocumentArchive {
  put(document: { key: string; body: Uint8Array; contentType: string; sha256: string }): Promise<StoredDocument>;
}

/**
 * Reads archived bytes back, checked against the SHA-256 recorded when they were stored: the
 * pipeline works from exactly what the trader submitted, and a changed object is an error.
 */
export interface ArchiveReader {
  read(document: { key: string; versionId?: string | undefined; sha256: string }): Promise<Uint8Array>;
}

export class ArchiveIntegrityError extends Error {
  constructor(key: string) {
    super(`archived document ${key} does not match the SHA-256 recorded for it`);
    this.name = 'ArchiveIntegrityError';
  }
}
