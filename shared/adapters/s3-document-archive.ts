import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ArchiveIntegrityError, type ArchiveReader, type DocumentArchive, type StoredDocument } from '#shared/ports/document-archive.ts';

/**
 * The document archive. In AWS the bucket has Object Lock (COMPLIANCE) and versioning, so a
 * stored document can never be changed or deleted before its retention ends; S3 checks the
 * SHA-256 we send against the bytes it receives.
 */
export class S3DocumentArchive implements DocumentArchive, ArchiveReader {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(document: { key: string; body: Uint8Array; contentType: string; sha256: string }): Promise<StoredDocument> {
    const result = await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: document.key,
        Body: document.body,
        ContentType: document.contentType,
        ChecksumSHA256: Buffer.from(document.sha256, 'hex').toString('base64'),
        Metadata: { sha256: document.sha256 },
      }),
    );
    return { bucket: this.bucket, key: document.key, versionId: result.VersionId };
  }

  async read(document: { key: string; versionId?: string | undefined; sha256: string }): Promise<Uint8Array> {
    const result = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: document.key, ...(document.versionId ? { VersionId: document.versionId } : {}) }),
    );
    const bytes = await result.Body?.transformToByteArray();
    if (!bytes || createHash('sha256').update(bytes).digest('hex') !== document.sha256) throw new ArchiveIntegrityError(document.key);
    return bytes;
  }
}
