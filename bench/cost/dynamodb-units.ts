/**
 * DynamoDB billing units, counted from real items: item sizes, read and write request units, and
 * the writes each global secondary index takes. Pure functions over marshalled items (the
 * AttributeValue shape the SDK sends), so that the figures follow the documentation, not guesses.
 *
 * Sources (Amazon DynamoDB Developer Guide):
 * - [SIZE] "DynamoDB item sizes and formats", CapacityUnitCalculations.html
 * - [RW]   "Read/write capacity mode", read-write-operations.html (1 WRU per 1 KB written,
 *          1 RRU per 4 KB read strongly consistent, half of it eventually consistent)
 * - [GSI]  "Using Global Secondary Indexes", GSI.html, "Provisioned throughput considerations"
 *          and "Storage considerations" (which writes an index takes, what an index entry holds)
 * - [TX]   "Transactions", transaction-apis.html (transactional writes cost twice)
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * [SIZE] "Numbers are variable length, with up to 38 significant digits. Leading and trailing
 * zeroes are trimmed. The size of a number is approximately (1 byte per two significant digits)
 * + (1 byte)." The sign costs nothing extra here: the rule does not mention one.
 */
export function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(digits.length / 2) + 1;
}

/** Size of one value, without its attribute name (a list element or a map entry adds its own 1 byte). */
export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S); // [SIZE] strings: UTF-8 bytes
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength; // [SIZE] binary: raw bytes, not base64
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1; // [SIZE] null or Boolean: 1 byte
  // [SIZE] sets: the sum of their elements (no overhead is documented for sets).
  if (value.SS !== undefined) return value.SS.reduce((sum, element) => sum + utf8(element), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, element) => sum + numberSize(element), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, element) => sum + element.byteLength, 0);
  // [SIZE] "An attribute of type List or Map requires 3 bytes of overhead, regardless of its
  // contents", and "each List or Map element requires an additional 1 byte of overhead".
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + valueSize(element) + 1, 0);
  if (value.M !== undefined)
    return 3 + Object.entries(value.M).reduce((sum, [name, element]) => sum + utf8(name) + valueSize(element) + 1, 0);
  return 0;
}

/** [SIZE] "The total size of an item is the sum of the lengths of its attribute names and values." */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

/** [RW] One write request unit per 1 KB (rounded up), at least one. */
export const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

/** [RW] One read request unit per 4 KB (rounded up), at least one; eventually consistent reads half. */
export const readUnits = (bytes: number, consistent: boolean): number => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

export interface IndexDefinition {
  partitionKey: string;
  sortKey?: string | undefined;
  /** Non-key attributes an INCLUDE index projects; undefined = ALL; [] = KEYS_ONLY. */
  include?: readonly string[] | undefined;
}

export interface TableKeys {
  partitionKey: string;
  sortKey?: string | undefined;
}

/**
 * [GSI] Storage considerations: an index entry holds the table's primary key, the index key and
 * the projected attributes. An item without both index key attributes is not in the index
 * (sparse index). The 100 bytes of overhead per index item are for storage, not counted here.
 */
export function indexEntry(item: Item | undefined, table: TableKeys, index: IndexDefinition): Item | undefined {
  if (!item) return undefined;
  if (item[index.partitionKey] === undefined) return undefined;
  if (index.sortKey !== undefined && item[index.sortKey] === undefined) return undefined;
  if (index.include === undefined) return item; // ALL
  const names = new Set([table.partitionKey, table.sortKey, index.partitionKey, index.sortKey, ...index.include]);
  const entry: Item = {};
  for (const name of names) {
    if (name !== undefined && item[name] !== undefined) entry[name] = item[name];
  }
  return entry;
}

export type IndexWriteKind = 'put' | 'delete' | 'delete+put' | 'update' | 'none';

export interface IndexWrite {
  index: string;
  kind: IndexWriteKind;
  units: number;
  /** The index partitions (their key values) that take these units: for the heat model. */
  partitions: { key: string; units: number }[];
}

/** The value of an index entry's partition key, as text (S, N or base64 of B). */
export const partitionOf = (entry: Item, index: IndexDefinition): string => {
  const value = entry[index.partitionKey];
  return value?.S ?? value?.N ?? (value?.B ? Buffer.from(value.B).toString('base64') : '');
};

/**
 * [GSI] Provisioned throughput considerations, case by case:
 * - a write that defines the index key of an item not yet in the index: one put;
 * - a write that removes an index key attribute (or deletes the item): one delete;
 * - a write that changes an index key value: a delete and a put ("two writes are required");
 * - a write that changes only projected attributes: one update;
 * - "If a write to a table does not require a global secondary index update, no write capacity
 *   is consumed from the index."
 * Each of those writes is billed on the index entry's size, by the same 1 KB rule as the table.
 */
export function indexWrite(
  name: string,
  before: Item | undefined,
  after: Item | undefined,
  table: TableKeys,
  index: IndexDefinition,
): IndexWrite {
  const old = indexEntry(before, table, index);
  const next = indexEntry(after, table, index);
  const write = (kind: IndexWriteKind, partitions: { key: string; units: number }[]): IndexWrite => ({
    index: name,
    kind,
    units: partitions.reduce((sum, partition) => sum + partition.units, 0),
    partitions,
  });
  if (!old && !next) return write('none', []);
  if (!old && next) return write('put', [{ key: partitionOf(next, index), units: writeUnits(itemSize(next)) }]);
  if (old && !next) return write('delete', [{ key: partitionOf(old, index), units: writeUnits(itemSize(old)) }]);
  if (!old || !next) throw new Error('unreachable');
  const keyNames = [index.partitionKey, index.sortKey].filter((key): key is string => key !== undefined);
  if (keyNames.some((key) => canonical(old[key]) !== canonical(next[key]))) {
    return write('delete+put', [
      { key: partitionOf(old, index), units: writeUnits(itemSize(old)) },
      { key: partitionOf(next, index), units: writeUnits(itemSize(next)) },
    ]);
  }
  if (canonical(old) === canonical(next)) return write('none', []);
  return write('update', [{ key: partitionOf(next, index), units: writeUnits(Math.max(itemSize(old), itemSize(next))) }]);
}

export interface WriteCost {
  /** Size the table write is billed on: the larger of the item before and after. */
  billedBytes: number;
  tableUnits: number;
  indexes: IndexWrite[];
  totalUnits: number;
}

/**
 * Write request units of one PutItem, UpdateItem or DeleteItem from the item before and after.
 * [RW] "For PutItem, UpdateItem and DeleteItem, the size is the larger of the item before and
 * after the write"; a conditional write whose condition fails still consumes units for the
 * item's size (at least one) and writes no index. [TX] A transactional write costs twice.
 */
export function writeCost(input: {
  before: Item | undefined;
  after: Item | undefined;
  table: TableKeys;
  indexes: Record<string, IndexDefinition>;
  conditionFailed?: boolean;
  transactional?: boolean;
}): WriteCost {
  const factor = input.transactional ? 2 : 1;
  const billedBytes = input.conditionFailed ? itemSize(input.before) : Math.max(itemSize(input.before), itemSize(input.after));
  const tableUnits = writeUnits(billedBytes) * factor;
  const indexes = input.conditionFailed
    ? []
    : Object.entries(input.indexes)
        .map(([name, index]) => indexWrite(name, input.before, input.after, input.table, index))
        .map((write) => ({
          ...write,
          units: write.units * factor,
          partitions: write.partitions.map((partition) => ({ ...partition, units: partition.units * factor })),
        }));
  return { billedBytes, tableUnits, indexes, totalUnits: tableUnits + indexes.reduce((sum, write) => sum + write.units, 0) };
}

/**
 * [RW] Query: "the sum of the sizes of all items returned", rounded up to the next 4 KB once per
 * request (not per item); index queries are eventually consistent. BatchGetItem: "each item in
 * the batch is read separately", each rounded up to 4 KB.
 */
export const queryUnits = (itemSizes: readonly number[], consistent: boolean): number =>
  readUnits(
    itemSizes.reduce((sum, size) => sum + size, 0),
    consistent,
  );
export const batchGetUnits = (itemSizes: readonly number[], consistent: boolean): number =>
  itemSizes.reduce((sum, size) => sum + readUnits(size, consistent), 0);

/** A stable text of a value, to compare index entries before and after a write. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, element: unknown) => {
    if (element instanceof Uint8Array) return Buffer.from(element).toString('base64');
    if (element && typeof element === 'object' && !Array.isArray(element)) {
      return Object.fromEntries(Object.entries(element as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
    }
    return element;
  });
}
