/**
 * Documents a trader uploads to answer an officer's request (REQUEST_DOCUMENTS): what the trader
 * declares before uploading (type, reference, media type, size, SHA-256), the upload as the
 * platform records it (pending, then received or refused), and what readers see of it.
 *
 * The bytes go straight to the archive bucket through a short-lived presigned URL that signs the
 * size, the media type and the SHA-256, so S3 refuses other bytes; the worker that receives the
 * object checks size and SHA-256 again before the document counts.
 */
import * as z from 'zod';
import { documentSchema } from './declaration.ts';
import { plainText } from './text.ts';

/** Media types the archive accepts for a document: what officers' tools open safely. */
export const documentContentTypes = ['application/pdf', 'image/png', 'image/jpeg', 'application/xml'] as const;
export type DocumentContentType = (typeof documentContentTypes)[number];

/** Largest document a trader may upload, in bytes (10 MiB). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** How long an upload URL stays valid. */
export const UPLOAD_URL_SECONDS = 300;

/** Most uploads (pending, received or refused) one declaration may hold: bounds its items and its view. */
export const MAX_UPLOADS_PER_DECLARATION = 50;

const ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');
const isoTime = z.string().min(1);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be the document's SHA-256 as 64 lower-case hex digits");

/** POST /v1/declarations/{id}/documents: the document the trader is about to upload. */
export const documentUploadRequestSchema = z
  .strictObject({
    /** CDS document code (DE 2/3) the officer asked for, e.g. N935 invoice. */
    type: documentSchema.shape.type,
    /** The document's own reference (invoice number, certificate number). */
    ref: plainText(35),
    contentType: z.enum(documentContentTypes, {
      error: `the archive accepts ${documentContentTypes.join(', ')} documents`,
    }),
    /** Exact size in bytes; the upload URL accepts exactly this many. */
    size: z
      .number()
      .int('must be a whole number of bytes')
      .min(1, 'an empty document cannot be uploaded')
      .max(MAX_DOCUMENT_BYTES, `must be at most ${MAX_DOCUMENT_BYTES} bytes (10 MiB)`),
    /** SHA-256 of the exact bytes, hex; the upload URL accepts only bytes with this digest. */
    sha256: sha256Hex,
  })
  .meta({ id: 'DocumentUploadRequest' });
export type DocumentUploadRequest = z.infer<typeof documentUploadRequestSchema>;

/** 201: where and how to PUT the bytes. */
export const documentUploadTicketSchema = z
  .object({
    documentId: z.string(),
    /** PUT the exact bytes here, with `headers`, before `expiresAt`. */
    uploadUrl: z.string(),
    expiresAt: z.string(),
    /** Headers the PUT must carry, exactly (they are signed): content-type, content-length, x-amz-checksum-sha256. */
    headers: z.record(z.string(), z.string()),
  })
  .meta({ id: 'DocumentUploadTicket' });
export type DocumentUploadTicket = z.infer<typeof documentUploadTicketSchema>;

export const documentUploadStatuses = ['PENDING', 'RECEIVED', 'REFUSED'] as const;
export type DocumentUploadStatus = (typeof documentUploadStatuses)[number];

/** An upload as the platform records it, one per upload URL handed out. */
export const documentUploadSchema = z.object({
  declarationId: ulid,
  documentId: ulid,
  type: documentSchema.shape.type,
  ref: z.string(),
  contentType: z.enum(documentContentTypes),
  size: z.number().int().positive(),
  sha256: sha256Hex,
  /** Where the bytes go in the archive bucket. */
  key: z.string(),
  status: z.enum(documentUploadStatuses),
  /** The party that asked for the upload URL. */
  uploadedBy: z.string(),
  /** When the upload URL was handed out, and until when it is valid. */
  requestedAt: isoTime,
  expiresAt: isoTime,
  receivedAt: isoTime.optional(),
  /** Why the document does not count (the trader reads this). */
  refusal: z.object({ reason: z.string(), at: isoTime }).optional(),
});
export type DocumentUpload = z.infer<typeof documentUploadSchema>;

/** A document the declaration holds: checked against what the trader declared, counted against a request. */
export const receivedDocumentSchema = documentUploadSchema
  .pick({ documentId: true, type: true, ref: true, contentType: true, size: true, sha256: true, key: true })
  .extend({
    receivedAt: isoTime,
    /** The officer's document request it answers (the time of that decision). */
    answers: isoTime,
  });
export type ReceivedDocument = z.infer<typeof receivedDocumentSchema>;

/** What traders and officers read of a declaration's documents. */
export const documentViewSchema = z
  .object({
    documentId: z.string(),
    type: z.string(),
    ref: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    status: z.enum(documentUploadStatuses).meta({
      description: 'PENDING: upload URL handed out, no bytes checked yet; RECEIVED: checked and on the declaration; REFUSED: see refusal',
    }),
    requestedAt: z.string(),
    expiresAt: z.string(),
    receivedAt: z.string().nullable(),
    refusal: z.object({ reason: z.string(), at: z.string() }).nullable(),
  })
  .meta({ id: 'DeclarationDocument' });
export type DocumentView = z.infer<typeof documentViewSchema>;

/** The archive key of an uploaded document: beside the submission, under its declaration. */
export const documentKey = (declarationId: string, documentId: string): string => `declarations/${declarationId}/documents/${documentId}`;

/** The declaration and document of an archive key, if it is a document's. */
export function parseDocumentKey(key: string): { declarationId: string; documentId: string } | undefined {
  const match = /^declarations\/([0-9A-HJKMNP-TV-Z]{26})\/documents\/([0-9A-HJKMNP-TV-Z]{26})$/.exec(key);
  return match ? { declarationId: match[1] as string, documentId: match[2] as string } : undefined;
}

/**
 * The documents of a declaration as readers see them, oldest upload first: every upload with its
 * status; one the declaration already holds counts as RECEIVED even while its upload record is
 * still being settled.
 */
export function documentViews(received: readonly ReceivedDocument[], uploads: readonly DocumentUpload[]): DocumentView[] {
  const views: DocumentView[] = uploads.map((upload) => {
    const held = received.find((document) => document.documentId === upload.documentId);
    return {
      documentId: upload.documentId,
      type: upload.type,
      ref: upload.ref,
      contentType: upload.contentType,
      size: upload.size,
      sha256: upload.sha256,
      status: held ? 'RECEIVED' : upload.status,
      requestedAt: upload.requestedAt,
      expiresAt: upload.expiresAt,
      receivedAt: held?.receivedAt ?? upload.receivedAt ?? null,
      refusal: held ? null : (upload.refusal ?? null),
    };
  });
  return views.sort((a, b) => (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0));
}
