/**
 * What every DocumentUploads must do: run against the in-memory fake (fakes.test.ts) and the S3
 * adapter on the local cloud (adapters.test.ts), where the upload is a real HTTP PUT with fetch to
 * the presigned URL. What S3 in AWS adds (refusing other bytes, lengths or types by the signature
 * and the checksum) neither the fake nor fauxqs does: the worker's own check covers both.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentKey } from '#shared/domain/documents.ts';
import { newDeclarationId, newDocumentId } from '#shared/domain/ids.ts';
import type { DocumentUploads } from '#shared/ports/document-uploads.ts';

export interface DocumentUploadsSubject {
  uploads: () => DocumentUploads;
  /** The trader's PUT to an upload URL with the headers it came with; the HTTP status. */
  put: (url: string, request: { headers: Record<string, string>; body: Uint8Array }) => Promise<number>;
  /** Puts an object at `key` by another way than an upload URL (as intake's archive does). */
  place: (key: string, body: Uint8Array, contentType: string) => Promise<void>;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const newKey = () => documentKey(newDeclarationId(new Date()), newDocumentId(new Date()));

export function documentUploadsContract(name: string, subject: DocumentUploadsSubject): void {
  describe(`DocumentUploads contract: ${name}`, () => {
    it('hands out a URL for the declared object that takes its bytes with the headers it names; what arrived is measured', async () => {
      // Prepare
      const uploads = subject.uploads();
      const key = newKey();
      const body = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(4000)]);

      // Act
      const target = await uploads.presignPut({
        key,
        contentType: 'application/pdf',
        size: body.byteLength,
        sha256: sha256(body),
        expiresInSeconds: 300,
      });
      const status = await subject.put(target.url, { headers: target.headers, body });
      const arrived = await uploads.inspect(key);

      // Assess
      expect(new URL(target.url).pathname).toBe(`/${key}`);
      expect(target.headers).toEqual({
        'content-type': 'application/pdf',
        'content-length': String(body.byteLength),
        'x-amz-checksum-sha256': createHash('sha256').update(body).digest('base64'),
      });
      expect(status).toBe(200);
      expect(arrived).toEqual({ size: body.byteLength, sha256: sha256(body), contentType: 'application/pdf' });
    });

    it('measures the bytes a PUT stored rather than those declared, though the checksum stored with them is wrong', async () => {
      // Prepare: other bytes of the same length, sent with the declared checksum header (S3 in AWS
      // answers 400 BadDigest; the fake and fauxqs store them, fauxqs with the checksum as sent)
      const uploads = subject.uploads();
      const key = newKey();
      const declared = Buffer.from('%PDF-1.7 the declared bytes');
      const sent = Buffer.from(declared).fill(0x58, 9, 12);
      const target = await uploads.presignPut({
        key,
        contentType: 'application/pdf',
        size: declared.byteLength,
        sha256: sha256(declared),
        expiresInSeconds: 300,
      });

      // Act
      const status = await subject.put(target.url, { headers: target.headers, body: sent });
      const arrived = await uploads.inspect(key);

      // Assess
      expect(status).toBe(200);
      expect(arrived).toEqual({ size: sent.byteLength, sha256: sha256(sent), contentType: 'application/pdf' });
    });

    it('measures the bytes stored, whatever was declared, streaming a large object', async () => {
      // Prepare: 3 MiB, more than one chunk of any stream
      const uploads = subject.uploads();
      const key = newKey();
      const body = randomBytes(3 * 1024 * 1024);
      await subject.place(key, body, 'image/png');

      // Act
      const arrived = await uploads.inspect(key);

      // Assess
      expect(arrived).toEqual({ size: body.byteLength, sha256: sha256(body), contentType: 'image/png' });
    });

    it('finds nothing where nothing arrived', async () => {
      // Prepare
      const uploads = subject.uploads();
      const key = newKey();
      await uploads.presignPut({ key, contentType: 'image/jpeg', size: 10, sha256: 'd'.repeat(64), expiresInSeconds: 300 });

      // Act
      const arrived = await uploads.inspect(key);

      // Assess
      expect(arrived).toBeUndefined();
    });
  });
}
