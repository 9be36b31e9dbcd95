import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  ArchiveConflictError,
  type ArchiveDownloads,
  type ArchivedDocumentToRead,
  ArchiveIntegrityError,
  type ArchiveReader,
  type DocumentArchive,
  type StoredDocument,
} from '#shared/ports/document-archive.ts';

/** S3's answers to a conditional write that found the key taken (412), or raced another one to it (409). */
const keyTaken = (error: unknown): boolean => {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 412 || status === 409;
};

/**
 * The document archive. In AWS the bucket has Object Lock (COMPLIANCE) and versioning, so a
 * stored document can never be changed or deleted before its retention ends; S3 checks the
 * SHA-256 we send against the bytes it receives. Every put is also conditional
 * (`If-None-Match: *`): a key is written once, and never gets a second version.
 */
export class S3DocumentArchive implements DocumentArchive, ArchiveReader, ArchiveDownloads {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(document: { key: string; body: Uint8Array; contentType: string; sha256: string }): Promise<StoredDocument> {
    try {
      const result = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: document.key,
          Body: document.body,
          ContentType: document.contentType,
          ChecksumSHA256: Buffer.from(document.sha256, 'hex').toString('base64'),
          Metadata: { sha256: document.sha256 },
          IfNoneMatch: '*',
        }),
      );
      return { bucket: this.bucket, key: document.key, versionId: result.VersionId };
    } catch (error) {
      if (!keyTaken(error)) throw error;
      // Taken: by these bytes (a retry, keys name their SHA-256) or, refused, by others.
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: document.key }));
      if (head.Metadata?.sha256 !== document.sha256) throw new ArchiveConflictError(document.key);
      return { bucket: this.bucket, key: document.key, versionId: head.VersionId };
    }
  }

  /** With a range, one ranged GET (`Range: bytes=<first>-<last>`, RFC 9110 §14.1.2: both inclusive): the same GetObject permission. */
  async read(document: ArchivedDocumentToRead): Promise<Uint8Array> {
    const { range } = document;
    const result = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: document.key,
        ...(document.versionId ? { VersionId: document.versionId } : {}),
        ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}),
      }),
    );
    const bytes = await result.Body?.transformToByteArray();
    if (!bytes || createHash('sha256').update(bytes).digest('hex') !== document.sha256) throw new ArchiveIntegrityError(document.key);
    return bytes;
  }

  /** Signing is local (no call to S3): the URL carries this function's read permission, for `expiresInSeconds`. */
  presignGet(object: { key: string; fileName: string; expiresInSeconds: number }): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: object.key,
        ResponseContentDisposition: `attachment; filename="${object.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      }),
      { expiresIn: object.expiresInSeconds },
    );
  }
}
