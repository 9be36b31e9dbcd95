import { createHash } from 'node:crypto';
import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

/** New declaration id: a ULID, so ids sort by creation time. */
export const newDeclarationId = (now: Date): string => ulid(now.getTime());

/** New id of a document a trader uploads: a ULID too, so a declaration's uploads sort by time. */
export const newDocumentId = (now: Date): string => ulid(now.getTime());

/**
 * A WCO Unique Consignment Reference (WCO UCR, Recommendation of the CCC 2004): last digit of
 * the year, the declarant's identifier (an EORI, which starts with its country code), and a
 * reference unique to the declarant, at most 35 characters.
 *
 * The reference is the SHA-256 of the exact LRN in base 36 (at least 80 bits for the longest
 * EORI), not the LRN itself: upper-casing and cutting an LRN to fit would give LRNs that differ
 * only in case or after the 19th character the same UCR. The LRN is unique per declarant, so is this.
 */
export function generateUcr(now: Date, declarantId: string, lrn: string): string {
  const prefix = `${now.getUTCFullYear() % 10}${declarantId}-`;
  const digest = BigInt(`0x${createHash('sha256').update(lrn, 'utf8').digest('hex')}`)
    .toString(36)
    .toUpperCase();
  return prefix + digest.slice(0, 35 - prefix.length);
}

/** New id of a webhook subscription: a ULID (its secret is derived from it). */
export const newSubscriptionId = (now: Date): string => ulid(now.getTime());

/** New permit id: `PRM` and a ULID, so an agency's applications sort by time. */
export const newPermitId = (now: Date): string => `PRM${ulid(now.getTime())}`;
