/**
 * Listing cursors: the opaque base64url of DynamoDB's last evaluated key. A cursor handed back is
 * checked field by field before it reaches DynamoDB: it must belong to the same index partition
 * (no peeking into another declarant's listing), point at a declaration's state item, and carry
 * an index sort key of the form the repository writes (time#id).
 */
import { InvalidCursorError } from '#shared/ports/declarations.ts';

export type ListingIndex = 'GSI1' | 'GSI3';

export function encodeCursor(lastKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastKey)).toString('base64url');
}

/** Decodes a cursor of the listing `partition` of `index`; anything else is an InvalidCursorError. */
export function decodeCursor(cursor: string, partition: string, index: ListingIndex): Record<string, string> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const expected = [`${index}PK`, `${index}SK`, 'PK', 'SK'];
  if (typeof decoded !== 'object' || decoded === null || Object.keys(decoded).sort().join() !== expected.join())
    throw new InvalidCursorError();
  const key = decoded as Record<string, unknown>;
  if (
    key[`${index}PK`] !== partition ||
    typeof key.PK !== 'string' ||
    !/^DECL#[0-9A-HJKMNP-TV-Z]{26}$/.test(key.PK) ||
    key.SK !== 'META' ||
    typeof key[`${index}SK`] !== 'string' ||
    !/^[0-9T:.Z-]{1,40}#[0-9A-HJKMNP-TV-Z]{26}$/.test(key[`${index}SK`] as string)
  ) {
    throw new InvalidCursorError();
  }
  return key as Record<string, string>;
}
