/**
 * The documents customs issues under its seal, as data: the assessment notice, the release note,
 * the seal statement, a document by reference and the verdict on one. Plain zod (no node:crypto),
 * so the console shares them; sealing and checking are in `sealed-documents.ts`.
 */
import * as z from 'zod';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const money = z.string().regex(/^-?\d+(\.\d+)?$/);

/** The kinds of document customs issues under its seal, in the order a declaration gets them. */
export const issuedDocumentKinds = ['ASSESSMENT_NOTICE', 'RELEASE_NOTE'] as const;
export type IssuedDocumentKind = (typeof issuedDocumentKinds)[number];

const issuer = z.object({ country: z.string(), authority: z.string() });
const goods = z.array(
  z.object({ item: z.number().int(), commodityCode: z.string(), description: z.string(), origin: z.string().nullable() }),
);
const historyHead = z.object({ version: z.number().int(), sha256: sha256Hex });

export const assessmentNoticeSchema = z
  .object({
    kind: z.literal('ASSESSMENT_NOTICE'),
    format: z.literal(1),
    issuer,
    declarationId: z.string(),
    ucr: z.string(),
    lrn: z.string(),
    type: z.string(),
    office: z.string(),
    parties: z.object({
      declarant: z.object({ id: z.string(), name: z.string() }),
      importer: z.object({ id: z.string().nullable(), name: z.string(), country: z.string() }),
      exporter: z.object({ id: z.string().nullable(), name: z.string(), country: z.string() }),
    }),
    /** The goods, each with its customs value in the national currency. */
    goods: z.array(goods.element.extend({ customsValue: money })),
    /** What the assessment made due, per tax type (CDS codes: A00 customs duty, B00 VAT...) and in all. */
    duties: z.object({
      currency: z.string(),
      byTaxType: z.record(z.string(), money),
      total: money,
      tariffPackVersion: z.string(),
      acceptanceDate: z.string(),
    }),
    assessed: z.object({ at: z.string() }),
    submittedSha256: sha256Hex,
    /** The head of the declaration's hash-chained history when it was assessed (the ASSESSED event). */
    history: historyHead,
    issuedAt: z.string(),
  })
  .meta({ id: 'AssessmentNotice', description: 'An assessment notice as customs issues it (canonical JSON, RFC 8785)' });
export type AssessmentNotice = z.infer<typeof assessmentNoticeSchema>;

export const releaseNoteSchema = z
  .object({
    kind: z.literal('RELEASE_NOTE'),
    format: z.literal(1),
    /** The customs administration that issued it (the region's country). */
    issuer,
    declarationId: z.string(),
    ucr: z.string(),
    lrn: z.string(),
    type: z.string(),
    office: z.string(),
    declarant: z.object({ id: z.string() }),
    goods,
    /** What the release made due (the latest assessment); null when nothing was assessed (exports). */
    duties: z.object({ currency: z.string(), byTaxType: z.record(z.string(), money), total: money }).nullable(),
    released: z.object({ at: z.string(), by: z.enum(['RELEASE_STAGE', 'OFFICER']) }),
    /** The SHA-256 of the bytes the trader submitted (after an amendment: of the amended body). */
    submittedSha256: sha256Hex,
    /** The head of the declaration's hash-chained history when it was released. */
    history: historyHead,
    issuedAt: z.string(),
  })
  .meta({ id: 'ReleaseNote', description: 'A release note as customs issues it (canonical JSON, RFC 8785)' });
export type ReleaseNote = z.infer<typeof releaseNoteSchema>;

/** Any document customs issues, by its kind. */
export const customsDocumentSchema = z.discriminatedUnion('kind', [assessmentNoticeSchema, releaseNoteSchema]);
export type CustomsDocument = z.infer<typeof customsDocumentSchema>;

/**
 * What a format-1 seal signs (documents issued before batch sealing, still verified): which
 * document (by the SHA-256 of its canonical JSON), of which declaration, when. One KMS Sign each.
 */
export const sealStatementSchema = z.strictObject({
  typ: z.literal('customs-seal'),
  kind: z.string(),
  declarationId: z.string(),
  documentSha256: sha256Hex,
  issuedAt: z.string(),
});
export type SealStatement = z.infer<typeof sealStatementSchema>;

/**
 * What a format-2 seal signs: the root of a Merkle tree (RFC 9162 §2.1 hashing, leaves the
 * documents' SHA-256) over every document one worker invocation issued, and the tree's size. One
 * KMS Sign seals the batch; each document carries its inclusion proof.
 */
export const treeSealStatementSchema = z.strictObject({
  typ: z.literal('customs-seal'),
  format: z.literal(2),
  treeSize: z.number().int().min(1),
  rootSha256: sha256Hex,
  sealedAt: z.string(),
});
export type TreeSealStatement = z.infer<typeof treeSealStatementSchema>;

/** Either format: a statement without `format` is format 1. */
export const anySealStatementSchema = z.union([sealStatementSchema, treeSealStatementSchema]);

/** Where a document sits in the tree its seal signed, and the sibling hashes from its leaf to the root (RFC 9162 §2.1.3). */
export const inclusionProofSchema = z
  .strictObject({
    leafIndex: z.number().int().min(0),
    treeSize: z.number().int().min(1),
    auditPath: z.array(sha256Hex).max(64),
  })
  .meta({ id: 'InclusionProof', description: 'The document’s inclusion proof in the Merkle tree its seal signed (format-2 seals)' });
export type InclusionProof = z.infer<typeof inclusionProofSchema>;

export const sealedDocumentSchema = z
  .object({
    document: z.record(z.string(), z.unknown()).meta({ description: 'The document as issued (an AssessmentNotice or a ReleaseNote)' }),
    seal: z.string().max(4096).meta({ description: 'Compact JWS (ES256) over the seal statement' }),
    proof: inclusionProofSchema
      .optional()
      .meta({ description: 'Format-2 seals (one signature over a batch): the document’s inclusion proof; absent in format-1 seals' }),
  })
  .meta({ id: 'SealedDocument' });
export type SealedDocument<D extends CustomsDocument = CustomsDocument> = { document: D; seal: string; proof?: InclusionProof | undefined };

/**
 * A document by reference, as the QR code of its printed copy names it: the document id and the
 * SHA-256 of its canonical JSON (256 bits nobody guesses, so only a holder of the paper can look
 * the document up).
 */
export const documentReferenceSchema = z
  .strictObject({
    documentId: z.string().max(80),
    documentSha256: sha256Hex,
  })
  .meta({ id: 'SealedDocumentReference' });

/** The verification page a printed document's QR code leads to. */
export const verificationUrl = (publicBaseUrl: string, documentId: string, documentSha256: string): string =>
  `${publicBaseUrl.replace(/\/+$/, '')}/verify?${new URLSearchParams({ document: documentId, sha256: documentSha256 })}`;

export const verificationSchema = z
  .discriminatedUnion('genuine', [
    z.object({
      genuine: z.literal(true),
      kind: z.string(),
      declarationId: z.string(),
      issuedAt: z.string(),
      kid: z.string(),
      alg: z.literal('ES256'),
      /** 1: the seal signed this document alone; 2: it signed the root of a batch's Merkle tree. */
      sealFormat: z.union([z.literal(1), z.literal(2)]),
      /** Format 2: the tree the seal signed and where the document sits in it. */
      tree: z.object({ rootSha256: sha256Hex, treeSize: z.number().int(), leafIndex: z.number().int() }).optional(),
      /** Asked by reference (a printed copy's QR code): the sealed document, to compare with the paper. */
      document: z.record(z.string(), z.unknown()).optional(),
    }),
    z.object({
      genuine: z.literal(false),
      reason: z.enum(['SEAL_INVALID', 'SEAL_KEY_UNKNOWN', 'DOCUMENT_ALTERED', 'STATEMENT_MISMATCH']),
      message: z.string(),
    }),
  ])
  .meta({ id: 'Verification' });
export type Verification = z.infer<typeof verificationSchema>;
