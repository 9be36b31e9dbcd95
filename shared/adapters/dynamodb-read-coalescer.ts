/**
 * Eventually consistent item reads coalesced inside one SQS-triggered invocation: the records of a
 * full batch each read an item at nearly the same moment (the fan-out worker reads the declaration
 * of each event it notifies), and a read waits at the invocation's barrier
 * (shared/workers/send-barrier.ts) so that the waiting reads go as BatchGetItem calls of up to 100
 * keys: one call a batch where each record made its own. Read units are the same either way (each
 * item as a GetItem of it); the saving is in calls, and so in each record's time and CPU.
 *
 * A flush with one key is a plain GetItem, as a read outside a barrier (API and scheduled
 * functions) always is. Keys asked twice are asked once (BatchGetItem refuses duplicates); keys
 * DynamoDB leaves unprocessed are asked again after a short pause; an error fails every read of
 * the call (every fan-out record of the invocation, where a GetItem error failed one: SQS delivers
 * them again). IAM authorises BatchGetItem with an action of its own: a function reading this way is
 * granted both GetItem and BatchGetItem on the keys (shared/resources.ts).
 */
import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type Waiting, waitAtBarrier } from '#shared/workers/send-barrier.ts';

/** BatchGetItem takes at most 100 keys. */
const MAX_KEYS_PER_CALL = 100;
/** Pauses before asking again for keys DynamoDB left unprocessed (throttled), then gives up. */
const UNPROCESSED_PAUSES_MS = [25, 50, 100, 200, 400];

type Key = Record<string, string>;
type Item = Record<string, unknown>;

interface Read {
  documents: DynamoDBDocumentClient;
  tableName: string;
  key: Key;
  /** Set by the flush before it resolves the read. */
  item?: Item | undefined;
}

/** The item of `key`, read eventually consistent: with the invocation's other waiting reads inside a barrier, alone elsewhere. */
export async function getItemEventually(documents: DynamoDBDocumentClient, tableName: string, key: Key): Promise<Item | undefined> {
  const read: Read = { documents, tableName, key };
  const waiting = waitAtBarrier(read, flushReads);
  if (waiting === undefined) return (await documents.send(new GetCommand({ TableName: tableName, Key: key }))).Item;
  await waiting;
  return read.item;
}

/** One key's identity, the same for a key asked and for the key attributes of an item answered. */
const keyId = (key: Record<string, unknown>, names: readonly string[] = Object.keys(key).sort()): string =>
  JSON.stringify(names.map((name) => [name, String(key[name])]));

const flushReads = (reads: Waiting<Read>[]): void => {
  const groups = new Map<DynamoDBDocumentClient, Map<string, Waiting<Read>[]>>();
  for (const read of reads) {
    const tables = groups.get(read.payload.documents) ?? new Map<string, Waiting<Read>[]>();
    groups.set(read.payload.documents, tables);
    tables.set(read.payload.tableName, [...(tables.get(read.payload.tableName) ?? []), read]);
  }
  for (const [documents, tables] of groups) {
    for (const [tableName, group] of tables) void readGroup(documents, tableName, group);
  }
};

async function readGroup(documents: DynamoDBDocumentClient, tableName: string, group: Waiting<Read>[]): Promise<void> {
  try {
    const byKey = new Map<string, Waiting<Read>[]>();
    for (const read of group) byKey.set(keyId(read.payload.key), [...(byKey.get(keyId(read.payload.key)) ?? []), read]);
    const keys = [...byKey.values()].map((reads) => (reads[0] as Waiting<Read>).payload.key);
    const found = keys.length === 1 ? await getOne(documents, tableName, keys[0] as Key) : await getMany(documents, tableName, keys);
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

async function getOne(documents: DynamoDBDocumentClient, tableName: string, key: Key): Promise<Map<string, Item>> {
  const { Item: item } = await documents.send(new GetCommand({ TableName: tableName, Key: key }));
  return new Map(item ? [[keyId(key), item]] : []);
}

async function getMany(documents: DynamoDBDocumentClient, tableName: string, keys: Key[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  const keyNames = Object.keys(keys[0] ?? {}).sort();
  const remember = (item: Item) => found.set(keyId(item, keyNames), item);
  for (let start = 0; start < keys.length; start += MAX_KEYS_PER_CALL) {
    let pending: Key[] = keys.slice(start, start + MAX_KEYS_PER_CALL);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      const result = await documents.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: false } } }));
      for (const item of result.Responses?.[tableName] ?? []) remember(item);
      pending = (result.UnprocessedKeys?.[tableName]?.Keys as Key[] | undefined) ?? [];
      if (pending.length === 0) break;
      const pause = UNPROCESSED_PAUSES_MS[attempt];
      if (pause === undefined)
        throw new Error(`DynamoDB left ${pending.length} key(s) of ${tableName} unprocessed after ${attempt + 1} attempts`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
  return found;
}
