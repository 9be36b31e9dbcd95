/** The customs seal: a signing key the platform never sees, its published public keys, and what it sealed. */
import type { IssuedDocumentKind, PublicJwk } from '#shared/domain/sealed-documents.ts';
import type { ByteRange } from './document-archive.ts';

export type { IssuedDocumentKind };

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

/** A document customs issued for a declaration, archived with its seal (and, once printed, its PDF). */
export interface IssuedDocument {
  declarationId: string;
  kind: IssuedDocumentKind;
  /** The declaration version (history event) it documents: an amended declaration is assessed again. */
  version: number;
  /**
   * The archived object holding the sealed document, and the SHA-256 of the document's bytes there:
   * its sealing batch's object (`range`: where its bytes are in it) or, for documents issued before
   * batches were archived as one object, its own object (no `range`: the whole object).
   */
  archiveKey: string;
  range?: ByteRange | undefined;
  sha256: string;
  /** The SHA-256 of the document's canonical JSON (what the seal names). */
  documentSha256: string;
  kid: string;
  issuedAt: string;
  /** The printable copy (PDF), archived beside the sealed JSON once it is rendered. */
  pdf?: ArchivedPdf | undefined;
  /** When a download last asked the printing worker for the PDF (printing on request), until it is printed. */
  printRequestedAt?: string | undefined;
}

export interface ArchivedPdf {
  archiveKey: string;
  sha256: string;
  bytes: number;
}

export interface IssuedDocuments {
  /** Records the document; false if one of its kind and version was recorded already (that one counts). */
  record(document: IssuedDocument): Promise<boolean>;
  get(declarationId: string, kind: IssuedDocumentKind, version: number): Promise<IssuedDocument | undefined>;
  /** Every document issued for the declaration, by kind then version. */
  list(declarationId: string): Promise<IssuedDocument[]>;
  /**
   * Notes that the document's PDF is asked for at `at`, once: true for the one caller that should
   * send the printing message; false if the document has its PDF, is not recorded, or was asked
   * for after `askedBefore` (a printing under way; an older ask is taken as lost and asked again).
   */
  requestPrinting(declarationId: string, kind: IssuedDocumentKind, version: number, at: string, askedBefore: string): Promise<boolean>;
  /** Notes the printable copy of a document; false if it has one already (that one counts) or is not recorded. */
  attachPdf(declarationId: string, kind: IssuedDocumentKind, version: number, pdf: ArchivedPdf): Promise<boolean>;
}
