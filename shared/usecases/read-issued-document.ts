/** Reading back a sealed document customs issued: what its record names, and nothing more. */
import type { ArchiveReader } from '#shared/ports/document-archive.ts';
import type { IssuedDocument } from '#shared/ports/document-seal.ts';

/**
 * The archived bytes of an issued document, SHA-256 checked: its range of its sealing batch's
 * object (a ranged GET), or the whole object for a document archived alone (issued before
 * batches were one object: a record without `range`).
 */
export const readIssuedBytes = async (issued: IssuedDocument, archive: ArchiveReader): Promise<Buffer> =>
  Buffer.from(await archive.read({ key: issued.archiveKey, sha256: issued.sha256, range: issued.range }));
