import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

/** New declaration id: a ULID, so ids sort by creation time. */
export const newDeclarationId = (now: Date): string => ulid(now.getTime());

/**
 * A WCO Unique Consignment Reference (WCO UCR, Recommendation of the CCC 2004): last digit of
 * the year, the declarant's identifier (an EORI, which starts with its country code), and the
 * declarant's own reference, upper-cased, at most 35 characters.
 */
export function generateUcr(now: Date, declarantId: string, reference: string): string {
  const yearDigit = String(now.getUTCFullYear() % 10);
  const prefix = `${yearDigit}${declarantId}-`;
  const cleaned = reference.toUpperCase().replace(/[^A-Z0-9\-+/.]/g, '-');
  return (prefix + cleaned).slice(0, 35);
}
