/**
 * The documents of a declaration as one list: those customs issued under its seal (assessment
 * notices, the release note) and those the trader uploaded and the platform checked. Each has a
 * document id that names its declaration, so `GET /v1/documents/{docId}` finds it (and checks who
 * may read it) with no index: `<declaration id>.<kind>.<version>` for an issued document (e.g.
 * `01J….release-note.7`), `<declaration id>.<upload id>` for an uploaded one.
 */
import * as z from 'zod';
import { type IssuedDocumentKind, issuedDocumentKinds } from './sealed-document-schemas.ts';

const ulid = '[0-9A-HJKMNP-TV-Z]{26}';
const kindSlugs = issuedDocumentKinds.map((kind) => kind.toLowerCase().replace(/_/g, '-'));
const documentIdPattern = new RegExp(`^(${ulid})\\.(?:(${kindSlugs.join('|')})\\.([1-9][0-9]{0,5})|(${ulid}))$`);

/** How long a download link of `GET /v1/documents/{docId}` stays valid. */
export const DOWNLOAD_URL_SECONDS = 300;

/**
 * When to ask again for a PDF being printed (the `Retry-After` of `GET /v1/documents/{docId}`): the
 * printing worker renders one in about a second once it runs; its cold start and the queue's
 * polling add a few.
 */
export const PRINTING_RETRY_AFTER_SECONDS = 5;

export const documentIdParameter = z
  .string()
  .regex(documentIdPattern, 'must be a document id as GET /v1/declarations/{id}/documents lists them, e.g. 01J….release-note.7');

export const issuedDocumentId = (declarationId: string, kind: IssuedDocumentKind, version: number): string =>
  `${declarationId}.${kind.toLowerCase().replace(/_/g, '-')}.${version}`;

export const uploadedDocumentId = (declarationId: string, uploadId: string): string => `${declarationId}.${uploadId}`;

export type DocumentReference =
  | { declarationId: string; source: 'CUSTOMS'; kind: IssuedDocumentKind; version: number }
  | { declarationId: string; source: 'TRADER'; uploadId: string };

/** What a document id names; undefined when it is not one. */
export function parseDocumentId(documentId: string): DocumentReference | undefined {
  const match = documentIdPattern.exec(documentId);
  if (!match) return undefined;
  const [, declarationId = '', slug, version, uploadId] = match;
  if (uploadId) return { declarationId, source: 'TRADER', uploadId };
  const kind = issuedDocumentKinds[kindSlugs.indexOf(slug ?? '')];
  return kind ? { declarationId, source: 'CUSTOMS', kind, version: Number(version) } : undefined;
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

const fileSchema = z.object({
  contentType: z.string(),
  /** Hex SHA-256 of the exact archived bytes. */
  sha256: sha256Hex,
});

export const declarationDocumentSchema = z
  .object({
    /** For `GET /v1/documents/{docId}`. */
    documentId: z.string(),
    source: z.enum(['CUSTOMS', 'TRADER']).meta({ description: 'CUSTOMS: issued under the customs seal; TRADER: uploaded and checked' }),
    /** ASSESSMENT_NOTICE or RELEASE_NOTE (CUSTOMS); the CDS document code, e.g. N935 (TRADER). */
    kind: z.string(),
    /** The document's own reference (TRADER), or null. */
    ref: z.string().nullable(),
    /** When customs issued it, or when the platform received and checked it. */
    at: z.string(),
    /**
     * The archived files, each with its SHA-256: an issued document's sealed JSON (application/json),
     * then its printable copy (application/pdf) once rendered; an upload's file as received.
     */
    files: z.array(fileSchema),
    /** The SHA-256 of an issued document's canonical JSON: what its seal names (null for uploads). */
    documentSha256: sha256Hex.nullable(),
    /** The key that sealed it (CUSTOMS), or null. */
    kid: z.string().nullable(),
  })
  .meta({ id: 'DeclarationDocumentEntry' });
export type DeclarationDocument = z.infer<typeof declarationDocumentSchema>;

export const declarationDocumentListSchema = z
  .object({ items: z.array(declarationDocumentSchema) })
  .meta({ id: 'DeclarationDocumentList' });

export const documentPdfStatusSchema = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('printed') }),
    z.object({ status: z.literal('printing'), retryAfterSeconds: z.number().int().positive() }),
  ])
  .meta({ id: 'DocumentPdfStatus' });
export type DocumentPdfStatus = z.infer<typeof documentPdfStatusSchema>;

export const documentDownloadSchema = z
  .object({
    documentId: z.string(),
    /** When the links stop working. */
    expiresAt: z.string(),
    /**
     * Each file of the document: a short-lived link to the archived file (GET it; no credentials
     * needed) or, for a sealed document archived in its sealing batch's object, its exact bytes as
     * an RFC 2397 `data:` URL (a link to the object would disclose the batch's other documents).
     */
    files: z.array(fileSchema.extend({ url: z.string() })),
    /**
     * An issued document's printable copy: `printed` (its link is in `files`), or `printing` (asked
     * for: GET this again after `retryAfterSeconds`, also sent as `Retry-After`). Absent for an upload.
     */
    pdf: documentPdfStatusSchema.optional(),
  })
  .meta({ id: 'DocumentDownload' });
export type DocumentDownload = z.infer<typeof documentDownloadSchema>;
