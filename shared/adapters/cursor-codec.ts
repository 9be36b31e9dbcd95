/**
 * Listing cursors of the sharded listings (shared/adapters/sharded-listing.ts): the opaque
 * base64url of the listing's partition and where each of its shards stands (not started, after a
 * sort key, or done). A cursor handed back is checked field by field before it reaches DynamoDB:
 * it must name the same partition (no peeking into another declarant's listing), one position per
 * shard, and sort keys of the form the repository writes (time#id).
 */
import { InvalidCursorError } from '#shared/ports/declarations.ts';

/** Where one shard of a listing stands: not started (null), after this sort key, or done. */
export type ShardPosition = string | null | 'done';

const sortKeyPattern = /^[0-9T:.Z-]{1,40}#[0-9A-HJKMNP-TV-Z]{26}$/;

export function encodeCursor(partition: string, positions: readonly ShardPosition[]): string {
  return Buffer.from(JSON.stringify({ p: partition, s: positions })).toString('base64url');
}

/** Decodes a cursor of the listing `partition` in `shards` shards; anything else is an InvalidCursorError. */
export function decodeCursor(cursor: string, partition: string, shards: number): ShardPosition[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof decoded !== 'object' || decoded === null || Object.keys(decoded).sort().join() !== 'p,s') throw new InvalidCursorError();
  const { p, s } = decoded as { p: unknown; s: unknown };
  if (p !== partition || !Array.isArray(s) || s.length !== shards) throw new InvalidCursorError();
  const positions = s as unknown[];
  if (
    !positions.every(
      (position) => position === null || position === 'done' || (typeof position === 'string' && sortKeyPattern.test(position)),
    )
  )
    throw new InvalidCursorError();
  return positions as ShardPosition[];
}
