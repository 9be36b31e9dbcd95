/** The customs seal: a signing key the platform never sees, its published public keys, and what it sealed. */
import type { PublicJwk } from '#shared/domain/sealed-documents.ts';

export interface DocumentSealer {
  /** The seal key's public JWK, with its `kid` (the RFC 7638 thumbprint). */
  publicKey(): Promise<PublicJwk>;
  /** An ES256 signature (r || s, RFC 7518 §3.4) over `input` with that key. */
  sign(input: Uint8Array): Promise<Uint8Array>;
}

/** The public keys that verify seals: every key ever used stays, so rotated keys still verify. */
export interface SealKeyRegistry {
  /** Publishes a key (nothing changes if it is published already). */
  publish(key: PublicJwk, at: string): Promise<void>;
  /** Every published key, oldest first. */
  all(): Promise<PublicJwk[]>;
}

export type IssuedDocumentKind = 'RELEASE_NOTE';

/** A document customs issued for a declaration, archived with its seal. */
export interface IssuedDocument {
  declarationId: string;
  kind: IssuedDocumentKind;
  /** The sealed document's archive key and the SHA-256 of its bytes there. */
  archiveKey: string;
  sha256: string;
  /** The SHA-256 of the document's canonical JSON (what the seal names). */
  documentSha256: string;
  kid: string;
  issuedAt: string;
}

export interface IssuedDocuments {
  /** Records the document; false if one of its kind was recorded for the declaration already (that one counts). */
  record(document: IssuedDocument): Promise<boolean>;
  get(declarationId: string, kind: IssuedDocumentKind): Promise<IssuedDocument | undefined>;
}
