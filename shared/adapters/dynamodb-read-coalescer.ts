/**
 * Item reads coalesced inside one SQS-triggered invocation: the records of a full batch each read
 * an item at nearly the same moment (the fan-out worker the declaration of each event it notifies,
 * the release stage the charge guard, account shard and payment request of each declaration, the
 * documents worker each document's issue record), and a read waits at the invocation's barrier
 * (shared/workers/send-barrier.ts) so that the waiting reads go as BatchGetItem calls of up to 100
 * keys: one call a batch where each record made its own. A strongly consistent read stays one: the
 * batch asks with `ConsistentRead: true` (reads of the two kinds go in separate calls), and it is
 * made after the read was asked, so it sees every write that finished before. Read units are the
 * same either way (each item as a GetItem of it); the saving is in calls, and so in each record's
 * time and CPU.
 *
 * A flush with one key is a plain GetItem, as a single read outside a barrier (API and scheduled
 * functions) always is; `getItemsCoalesced` outside a barrier is one BatchGetItem of its keys. So a
 * function reading this way inside an invocation needs both GetItem and BatchGetItem on the keys.
 * Keys asked twice are asked once (BatchGetItem refuses duplicates); keys DynamoDB leaves
 * unprocessed are asked again after a short pause; an error fails every read of
 * the call (every record of the invocation waiting on it, where a GetItem error failed one: SQS
 * delivers them again). IAM authorises BatchGetItem with an action of its own: a function reading
 * this way is granted both GetItem and BatchGetItem on the keys (shared/resources.ts).
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type Waiting, waitAtBarrier } from '#shared/workers/send-barrier.ts';
import { batchGetItems } from './dynamodb-items.ts';

type Key = Record<string, string>;
type Item = Record<string, unknown>;

/** How an item is read: strongly consistent, or eventually (half the read units). */
export interface ItemRead {
  consistent: boolean;
}

interface Read {
  documents: DynamoDBDocumentClient;
  tableName: string;
  key: Key;
  consistent: boolean;
  /** Set by the flush before it resolves the read. */
  item?: Item | undefined;
}

/** The item of `key`: with the invocation's other waiting reads inside a barrier, alone elsewhere. */
export async function getItemCoalesced(
  documents: DynamoDBDocumentClient,
  tableName: string,
  key: Key,
  how: ItemRead,
): Promise<Item | undefined> {
  const read: Read = { documents, tableName, key, consistent: how.consistent };
  const waiting = waitAtBarrier(read, flushReads);
  if (waiting === undefined) return (await getOne(documents, tableName, key, how.consistent)).get(keyId(key));
  await waiting;
  return read.item;
}

/**
 * The items of `keys` (in their order; undefined where none): with the invocation's other waiting
 * reads inside a barrier, as BatchGetItem calls of their own elsewhere (even for one key: callers
 * are granted BatchGetItem for this read).
 */
export async function getItemsCoalesced(
  documents: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  how: ItemRead,
): Promise<(Item | undefined)[]> {
  const reads = keys.map((key): Read => ({ documents, tableName, key, consistent: how.consistent }));
  const waiting = reads.map((read) => waitAtBarrier(read, flushReads));
  if (waiting.every((wait) => wait === undefined)) {
    if (keys.length === 0) return [];
    const found = await getMany(documents, tableName, [...new Map(keys.map((key) => [keyId(key), key])).values()], how.consistent);
    return keys.map((key) => found.get(keyId(key)));
  }
  await Promise.all(waiting);
  return reads.map((read) => read.item);
}

/** One key's identity, the same for a key asked and for the key attributes of an item answered. */
const keyId = (key: Record<string, unknown>, names: readonly string[] = Object.keys(key).sort()): string =>
  JSON.stringify(names.map((name) => [name, String(key[name])]));

/** Reads go in one group per client, table and consistency (a BatchGetItem asks its keys one way). */
const flushReads = (reads: Waiting<Read>[]): void => {
  const groups = new Map<DynamoDBDocumentClient, Map<string, Waiting<Read>[]>>();
  for (const read of reads) {
    const tables = groups.get(read.payload.documents) ?? new Map<string, Waiting<Read>[]>();
    groups.set(read.payload.documents, tables);
    const group = JSON.stringify([read.payload.tableName, read.payload.consistent]);
    tables.set(group, [...(tables.get(group) ?? []), read]);
  }
  for (const [documents, tables] of groups) {
    for (const group of tables.values()) {
      const { tableName, consistent } = (group[0] as Waiting<Read>).payload;
      void readGroup(documents, tableName, consistent, group);
    }
  }
};

async function readGroup(documents: DynamoDBDocumentClient, tableName: string, consistent: boolean, group: Waiting<Read>[]): Promise<void> {
  try {
    const byKey = new Map<string, Waiting<Read>[]>();
    for (const read of group) byKey.set(keyId(read.payload.key), [...(byKey.get(keyId(read.payload.key)) ?? []), read]);
    const keys = [...byKey.values()].map((reads) => (reads[0] as Waiting<Read>).payload.key);
    const found =
      keys.length === 1
        ? await getOne(documents, tableName, keys[0] as Key, consistent)
        : await getMany(documents, tableName, keys, consistent);
    for (const [id, reads] of byKey) {
      for (const read of reads) {
        read.payload.item = found.get(id);
        read.resolve();
      }
    }
  } catch (error) {
    for (const read of group) read.reject(error as Error);
  }
}

async function getOne(documents: DynamoDBDocumentClient, tableName: string, key: Key, consistent: boolean): Promise<Map<string, Item>> {
  const { Item: item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: key, ...(consistent ? { ConsistentRead: true } : {}) }),
  );
  return new Map(item ? [[keyId(key), item]] : []);
}

async function getMany(documents: DynamoDBDocumentClient, tableName: string, keys: Key[], consistent: boolean): Promise<Map<string, Item>> {
  const keyNames = Object.keys(keys[0] ?? {}).sort();
  const items = await batchGetItems(documents, tableName, keys, { consistent });
  return new Map(items.map((item) => [keyId(item, keyNames), item]));
}
