/**
 * In-memory document uploads, for use-case tests that need no local cloud. The contract suite
 * (tests/contract) runs the same checks against it and against the S3 adapter on the local cloud,
 * so a use-case test on the fake says something true about the platform.
 */
import { createHash } from 'node:crypto';
import type { ArrivedObject, DocumentUploads, UploadGrant, UploadUrl } from '#shared/ports/document-uploads.ts';

/**
 * Upload URLs the fake hands out, and the objects PUT to them. Like the local cloud's S3 (fauxqs),
 * a PUT stores the bytes it carries whatever they are: checking them against what was declared is
 * the worker's job (S3 in AWS also refuses them, by the signed checksum and length).
 */
export class InMemoryDocumentUploads implements DocumentUploads {
  readonly grants = new Map<string, UploadGrant>();
  readonly objects = new Map<string, { bytes: Uint8Array; contentType: string | undefined }>();
  #issued = 0;

  async presignPut(grant: UploadGrant): Promise<UploadUrl> {
    this.#issued += 1;
    const url = `https://archive.in-memory.test/${grant.key}?grant=${this.#issued}`;
    this.grants.set(url, { ...grant });
    return {
      url,
      headers: {
        'content-type': grant.contentType,
        'content-length': String(grant.size),
        'x-amz-checksum-sha256': Buffer.from(grant.sha256, 'hex').toString('base64'),
      },
    };
  }

  /** The trader's PUT to an upload URL: 200 and the bytes stored, or 403 for a URL never handed out. */
  async put(url: string, request: { headers: Record<string, string>; body: Uint8Array }): Promise<number> {
    const grant = this.grants.get(url);
    if (!grant) return 403;
    this.store(grant.key, request.body, request.headers['content-type']);
    return 200;
  }

  /** An object arriving at `key` by any way (for tests of what the worker makes of odd bytes). */
  store(key: string, bytes: Uint8Array, contentType: string | undefined): void {
    this.objects.set(key, { bytes: Uint8Array.from(bytes), contentType });
  }

  async inspect(key: string): Promise<ArrivedObject | undefined> {
    const object = this.objects.get(key);
    if (!object) return undefined;
    return {
      size: object.bytes.byteLength,
      sha256: createHash('sha256').update(object.bytes).digest('hex'),
      contentType: object.contentType,
    };
  }
}
