/**
 * One page of a listing over a sharded, keys-only index partition (`PARTY#<declarant>#<shard>`,
 * `DAY#<date>#<shard>`), newest first: each shard not yet done is read from where the cursor left
 * it, the shards are merged by sort key (time#id) and the page is the newest `limit` of them all;
 * the cursor records where each shard stands (as the review queue merges its queues). The entries
 * name declarations only: the caller reads their state items.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, type ShardPosition } from './cursor-codec.ts';
import { keys } from './keys.ts';

export interface ShardedListing {
  index: 'GSI1' | 'GSI3';
  /** The unsharded partition (`PARTY#<declarant>`, `DAY#<date>`). */
  partition: string;
  shards: number;
  limit: number;
  cursor: string | undefined;
}

export async function listShardedIndex(
  documents: DynamoDBDocumentClient,
  tableName: string,
  listing: ShardedListing,
): Promise<{ ids: string[]; nextCursor: string | null }> {
  const { index, partition, shards, limit } = listing;
  const positions: ShardPosition[] =
    listing.cursor === undefined ? Array.from({ length: shards }, () => null) : decodeCursor(listing.cursor, partition, shards);

  const fetched = await Promise.all(
    positions.map(async (position, shard) => {
      if (position === 'done') return { sortKeys: [] as string[], more: false };
      const shardPartition = keys.listingShard(partition, shard);
      const result = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index,
          KeyConditionExpression: `${index}PK = :pk`,
          ExpressionAttributeValues: { ':pk': shardPartition },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey:
            position === null
              ? undefined
              : { [`${index}PK`]: shardPartition, [`${index}SK`]: position, ...keys.declaration(idOf(position)) },
        }),
      );
      return { sortKeys: (result.Items ?? []).map((item) => String(item[`${index}SK`])), more: result.LastEvaluatedKey !== undefined };
    }),
  );

  const page = fetched
    .flatMap(({ sortKeys }, shard) => sortKeys.map((sortKey) => ({ shard, sortKey })))
    .sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0))
    .slice(0, limit);

  const next = positions.map((position, shard): ShardPosition => {
    const { sortKeys, more } = fetched[shard] ?? { sortKeys: [], more: false };
    const taken = page.filter((entry) => entry.shard === shard);
    // Done when the shard has nothing after what it gave and every one of those is on the page.
    if (position === 'done' || (!more && taken.length === sortKeys.length)) return 'done';
    return taken.at(-1)?.sortKey ?? position;
  });
  return {
    ids: page.map((entry) => idOf(entry.sortKey)),
    nextCursor: next.every((position) => position === 'done') ? null : encodeCursor(partition, next),
  };
}

/** The declaration id of an index sort key (`<time>#<id>`). */
const idOf = (sortKey: string): string => sortKey.slice(sortKey.lastIndexOf('#') + 1);
