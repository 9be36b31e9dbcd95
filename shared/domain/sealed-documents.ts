/**
 * Documents customs issues, sealed: an assessment notice (what the duty stage made due) and a
 * release note (what the release let go). Each is canonical JSON (RFC 8785) whose SHA-256 a
 * short statement names; the statement is signed with the region's seal key as a compact JWS
 * (RFC 7515, ES256 = ECDSA P-256 with SHA-256, RFC 7518 §3.4). Anyone holding the sealed
 * document and the published JWKS (`/.well-known/jwks.json`) can check it offline: the JWS
 * verifies with the key its `kid` names, and the statement's hash is the document's.
 *
 * Two formats verify. Format 1 (documents sealed before batch sealing): the statement names one
 * document's SHA-256. Format 2: the statement names the root of a Merkle tree over every document
 * one invocation of the documents worker issued (merkle-tree.ts), one KMS Sign per batch, and the
 * sealed document carries its inclusion proof (`proof`) from its SHA-256 to that root.
 *
 * Why a statement rather than the document as the JWS payload: KMS signs at most 4 KB of RAW
 * message, and a release note with many items is larger; the statement is always small.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { compactVerify, createLocalJWKSet, errors, type JSONWebKeySet, type JWK } from 'jose';
import { rootFromInclusionProof } from './merkle-tree.ts';
import {
  anySealStatementSchema,
  type InclusionProof,
  type SealStatement,
  type TreeSealStatement,
  type Verification,
} from './sealed-document-schemas.ts';

export * from './sealed-document-schemas.ts';

/** The SHA-256 (hex) of a document's canonical JSON. */
export const documentSha256 = (document: unknown): string =>
  createHash('sha256')
    .update(canonicalize(document) ?? '')
    .digest('hex');

const base64url = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');

/** The JWS signing input of a statement sealed by `kid`: `BASE64URL(header).BASE64URL(payload)`. */
export function signingInput(statement: SealStatement | TreeSealStatement, kid: string): string {
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

/**
 * Checks a sealed document against a set of published keys: offline, nothing else needed. A
 * format-1 seal names the document's SHA-256; a format-2 seal names a Merkle root, which the
 * document's SHA-256 and its inclusion proof must lead to.
 */
export async function verifySealedDocument(
  sealed: { document: unknown; seal: string; proof?: InclusionProof | undefined },
  jwks: JSONWebKeySet,
): Promise<Verification> {
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
  const statement = anySealStatementSchema.safeParse(safeJson(payload));
  if (!statement.success) return { genuine: false, reason: 'SEAL_INVALID', message: 'the sealed statement is not one customs issues' };
  const document = sealed.document as { kind?: unknown; declarationId?: unknown; issuedAt?: unknown };
  const sha256 = documentSha256(sealed.document);
  if (!('format' in statement.data)) {
    if (sha256 !== statement.data.documentSha256) {
      return { genuine: false, reason: 'DOCUMENT_ALTERED', message: 'the document is not the one sealed: its SHA-256 differs' };
    }
    if (document.kind !== statement.data.kind || document.declarationId !== statement.data.declarationId) {
      return { genuine: false, reason: 'STATEMENT_MISMATCH', message: 'the seal names another kind of document or another declaration' };
    }
    const { kind, declarationId, issuedAt } = statement.data;
    return { genuine: true, kind, declarationId, issuedAt, kid, alg: 'ES256', sealFormat: 1 };
  }
  const { rootSha256, treeSize } = statement.data;
  if (!sealed.proof || sealed.proof.treeSize !== treeSize) {
    return {
      genuine: false,
      reason: 'SEAL_INVALID',
      message: 'the seal signs a batch: the document needs its inclusion proof in that batch',
    };
  }
  if (rootFromInclusionProof(sha256, sealed.proof) !== rootSha256) {
    return {
      genuine: false,
      reason: 'DOCUMENT_ALTERED',
      message: 'the document is not one sealed: its SHA-256 and inclusion proof do not lead to the sealed root',
    };
  }
  // The document's own kind, declaration and date are sealed with it: its SHA-256 is a leaf of the signed tree.
  if (typeof document.kind !== 'string' || typeof document.declarationId !== 'string' || typeof document.issuedAt !== 'string') {
    return { genuine: false, reason: 'STATEMENT_MISMATCH', message: 'the sealed document is not one customs issues' };
  }
  return {
    genuine: true,
    kind: document.kind,
    declarationId: document.declarationId,
    issuedAt: document.issuedAt,
    kid,
    alg: 'ES256',
    sealFormat: 2,
    tree: { rootSha256, treeSize, leafIndex: sealed.proof.leafIndex },
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
