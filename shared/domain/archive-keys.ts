/**
 * Where the platform archives what it writes (S3 keys of the archive bucket). Every key names the
 * object's own SHA-256 and is written once (`If-None-Match: *`), and starts with two hex
 * characters of the SHA-256 of the declaration id: declaration ids are ULIDs, whose first ten
 * characters are the time, so `declarations/<id>/...` keys written at one moment share a long
 * prefix and land in one S3 partition (3,500 PUT/s at most); hashed first, the writes of 1,000
 * declarations/s spread over 256 prefixes (docs/data-model.md, "Archive keys").
 *
 * Readers read the key the record names, so objects archived under earlier layouts
 * (`declarations/<id>/submitted.json`) stay readable. The state item leaves out a submission key
 * these rules rebuild (from the id, the amendment and the SHA-256): `submitted` and `amendment`
 * must never change for keys already written (a new layout is a new rule, its keys stored whole).
 */
import { createHash } from 'node:crypto';

/** Two hex characters (256 prefixes) from the SHA-256 of the declaration id. */
export const archiveSpread = (declarationId: string): string => createHash('sha256').update(declarationId).digest('hex').slice(0, 2);

const declarationFolder = (declarationId: string): string => `${archiveSpread(declarationId)}/declarations/${declarationId}`;

export const archiveKeys = {
  /** The exact bytes a trader submitted. */
  submitted: (declarationId: string, sha256: string): string => `${declarationFolder(declarationId)}/submitted/${sha256}.json`,
  /**
   * Amendment n's exact bytes: named by their SHA-256, so two amendments sent at once with the same
   * If-Match (both archive before one wins the conditional write) never share a key.
   */
  amendment: (declarationId: string, n: number, sha256: string): string =>
    `${declarationFolder(declarationId)}/amendments/${n}/${sha256}.json`,
  /** The trader's detached JWS over a submission, with its kid (a JSON object, named by its own SHA-256). */
  signature: (declarationId: string, sha256: string): string => `${declarationFolder(declarationId)}/signatures/${sha256}.json`,
  /**
   * A document customs issued (e.g. the release note) with its seal, named by the SHA-256 of those
   * bytes: one object per document, as issued before sealing batches were archived as one object
   * (`sealedBatch`); no longer written, still read.
   */
  issued: (declarationId: string, kind: string, sha256: string): string =>
    `${declarationFolder(declarationId)}/issued/${kind.toLowerCase().replace(/_/g, '-')}/${sha256}.json`,
  /**
   * Every document one documents-worker invocation sealed (a sealing batch, several declarations),
   * one after the other as NDJSON: one object, one PUT. Spread by its own SHA-256 (already uniform);
   * each document's record names the object and its bytes' range there.
   */
  sealedBatch: (sha256: string): string => `${sha256.slice(0, 2)}/sealed-batches/${sha256}.ndjson`,
  /** The printable copy (PDF) of a document customs issued, beside it, named by its own SHA-256. */
  issuedPdf: (declarationId: string, kind: string, sha256: string): string =>
    `${declarationFolder(declarationId)}/issued/${kind.toLowerCase().replace(/_/g, '-')}/${sha256}.pdf`,
  /** A deferment account's monthly statement (JSON or CSV), spread by the account number, named by its own SHA-256. */
  statement: (accountNumber: string, period: string, sha256: string, format: 'json' | 'csv'): string =>
    `${archiveSpread(accountNumber)}/statements/${accountNumber}/${period}/${sha256}.${format}`,
} as const;
