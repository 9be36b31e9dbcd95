/**
 * Documents customs issues, sealed: an assessment notice (what the duty stage made due) and a
 * release note (what the release let go). Each is canonical JSON (RFC 8785) whose SHA-256 a
 * short statement names; the statement is signed with the region's seal key as a compact JWS
 * (RFC 7515, ES256 = ECDSA P-256 with SHA-256, RFC 7518 §3.4). Anyone holding the sealed
 * document and the published JWKS (`/.well-known/jwks.json`) can check it offline: the JWS
 * verifies with the key its `kid` names, and the statement's hash is the document's.
 *
 * Why a statement rather than the document as the JWS payload: KMS signs at most 4 KB of RAW
 * message, and a release note with many items is larger; the statement is always small.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { compactVerify, createLocalJWKSet, errors, type JSONWebKeySet, type JWK } from 'jose';
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

/** What the seal signs: which document (by the SHA-256 of its canonical JSON), of which declaration, when. */
export const sealStatementSchema = z.strictObject({
  typ: z.literal('customs-seal'),
  kind: z.string(),
  declarationId: z.string(),
  documentSha256: sha256Hex,
  issuedAt: z.string(),
});
export type SealStatement = z.infer<typeof sealStatementSchema>;

export const sealedDocumentSchema = z
  .object({
    document: z.record(z.string(), z.unknown()).meta({ description: 'The document as issued (an AssessmentNotice or a ReleaseNote)' }),
    seal: z.string().max(4096).meta({ description: 'Compact JWS (ES256) over the seal statement' }),
  })
  .meta({ id: 'SealedDocument' });
export type SealedDocument<D extends CustomsDocument = CustomsDocument> = { document: D; seal: string };

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

/** The SHA-256 (hex) of a document's canonical JSON. */
export const documentSha256 = (document: unknown): string =>
  createHash('sha256')
    .update(canonicalize(document) ?? '')
    .digest('hex');

const base64url = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');

/** The JWS signing input of a statement sealed by `kid`: `BASE64URL(header).BASE64URL(payload)`. */
export function signingInput(statement: SealStatement, kid: string): string {
  return `${base64url(JSON.stringify({ alg: 'ES256', kid, typ: 'JOSE', cty: 'customs-seal+json' }))}.${base64url(canonicalize(statement) ?? '')}`;
}

/** The compact JWS from its signing input and the raw (r || s) ES256 signature. */
export const compactJws = (input: string, signature: Uint8Array): string => `${input}.${base64url(signature)}`;

/**
 * An ECDSA signature as ES256 needs it (r || s, 32 bytes each, RFC 7518 §3.4) from the DER
 * `SEQUENCE { INTEGER r, INTEGER s }` KMS answers with (RFC 3279 §2.2.3).
 */
export function derToJoseSignature(der: Uint8Array): Uint8Array {
  const bytes = Buffer.from(der);
  let offset = 0;
  const expect = (tag: number) => {
    if (bytes[offset] !== tag) throw new Error(`not a DER ECDSA signature (expected tag ${tag} at ${offset})`);
    offset += 1;
  };
  const length = (): number => {
    const first = bytes[offset++] ?? 0;
    if (first < 0x80) return first;
    let value = 0;
    for (let count = first & 0x7f; count > 0; count--) value = (value << 8) | (bytes[offset++] ?? 0);
    return value;
  };
  const integer = (): Buffer => {
    expect(0x02);
    const size = length();
    let value = bytes.subarray(offset, offset + size);
    offset += size;
    while (value.length > 32 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) throw new Error('ECDSA P-256 integer longer than 32 bytes');
    return Buffer.concat([Buffer.alloc(32 - value.length), value]);
  };
  expect(0x30);
  length();
  return Buffer.concat([integer(), integer()]);
}

/** Checks a sealed document against a set of published keys: offline, nothing else needed. */
export async function verifySealedDocument(sealed: { document: unknown; seal: string }, jwks: JSONWebKeySet): Promise<Verification> {
  let payload: Uint8Array;
  let kid: string;
  try {
    const verified = await compactVerify(sealed.seal, createLocalJWKSet(jwks), { algorithms: ['ES256'] });
    payload = verified.payload;
    kid = verified.protectedHeader.kid ?? '';
  } catch (error) {
    if (error instanceof errors.JWKSNoMatchingKey) {
      return { genuine: false, reason: 'SEAL_KEY_UNKNOWN', message: 'no published key of this customs administration matches the seal' };
    }
    return { genuine: false, reason: 'SEAL_INVALID', message: 'the seal is not a valid ES256 signature by a published key' };
  }
  const statement = sealStatementSchema.safeParse(safeJson(payload));
  if (!statement.success) return { genuine: false, reason: 'SEAL_INVALID', message: 'the sealed statement is not one customs issues' };
  if (documentSha256(sealed.document) !== statement.data.documentSha256) {
    return { genuine: false, reason: 'DOCUMENT_ALTERED', message: 'the document is not the one sealed: its SHA-256 differs' };
  }
  const document = sealed.document as { kind?: unknown; declarationId?: unknown };
  if (document.kind !== statement.data.kind || document.declarationId !== statement.data.declarationId) {
    return { genuine: false, reason: 'STATEMENT_MISMATCH', message: 'the seal names another kind of document or another declaration' };
  }
  return {
    genuine: true,
    kind: statement.data.kind,
    declarationId: statement.data.declarationId,
    issuedAt: statement.data.issuedAt,
    kid,
    alg: 'ES256',
  };
}

function safeJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}

export type PublicJwk = JWK & { kid: string };
