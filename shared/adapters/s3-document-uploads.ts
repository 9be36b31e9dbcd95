/**
 * Document uploads on S3: presigned PUT URLs for the archive bucket, and the objects that arrived,
 * hashed as they stream (never held whole in memory). The client should not validate responses
 * against S3's stored checksum (`responseChecksumValidation: 'WHEN_REQUIRED'`): `inspect` hashes
 * every byte itself, and must measure an object whose stored checksum is wrong (possible where
 * uploads are not checked, as in the local cloud) rather than fail to read it.
 *
 * The URL signs the content type, the exact content length and the SHA-256 checksum header, so S3
 * refuses a PUT with other bytes (BadDigest), another length or another type (the signature no
 * longer matches). Two presigner options make that so: `unhoistableHeaders` keeps
 * x-amz-checksum-sha256 a header the client must send (by default the presigner moves x-amz-*
 * headers into the query string, where S3 does not check the body against it), and
 * `signableHeaders` signs content-type (which the S3 presigner otherwise leaves unsigned).
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, type GetObjectCommandOutput, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ArrivedObject, DocumentUploads, UploadGrant, UploadUrl } from '#shared/ports/document-uploads.ts';

export class S3DocumentUploads implements DocumentUploads {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async presignPut(grant: UploadGrant): Promise<UploadUrl> {
    const checksum = Buffer.from(grant.sha256, 'hex').toString('base64');
    const url = await getSignedUrl(
      this.client,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: grant.key,
        ContentType: grant.contentType,
        ContentLength: grant.size,
        ChecksumSHA256: checksum,
      }),
      {
        expiresIn: grant.expiresInSeconds,
        unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
        signableHeaders: new Set(['content-type', 'content-length']),
      },
    );
    return {
      url,
      headers: { 'content-type': grant.contentType, 'content-length': String(grant.size), 'x-amz-checksum-sha256': checksum },
    };
  }

  async inspect(key: string): Promise<ArrivedObject | undefined> {
    let result: GetObjectCommandOutput;
    try {
      result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of result.Body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.byteLength;
    }
    return { size, sha256: hash.digest('hex'), contentType: result.ContentType };
  }
}
