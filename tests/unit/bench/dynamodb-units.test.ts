/**
 * The DynamoDB sizing rules of the cost model, on examples worked by hand from the Developer
 * Guide ("DynamoDB item sizes and formats"; GSI "Provisioned throughput considerations").
 */
import { describe, expect, it } from 'vitest';
import {
  batchGetUnits,
  type IndexDefinition,
  type Item,
  itemSize,
  numberSize,
  queryUnits,
  readUnits,
  writeCost,
  writeUnits,
} from '#bench/cost/dynamodb-units.ts';

const table = { partitionKey: 'PK', sortKey: 'SK' };
const indexes: Record<string, IndexDefinition> = {
  GSI1: { partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  GSI4: { partitionKey: 'GSI4PK', sortKey: 'GSI4SK', include: ['status'] },
};

describe('item size', () => {
  it('adds attribute names and values: UTF-8 strings, numbers by significant digits, lists and maps with their overheads', () => {
    // Prepare
    const item: Item = {
      PK: { S: 'DECL#1' }, // 2 + 6
      SK: { S: 'META' }, // 2 + 4
      n: { N: '00123.4500' }, // 1 + (digits 12345: ceil(5/2) + 1 = 4)
      café: { S: 'é' }, // 5 (é is 2 bytes) + 2
      ok: { BOOL: true }, // 2 + 1
      l: { L: [{ S: 'ab' }, { N: '7' }] }, // 1 + 3 + (2 + 1) + (2 + 1)
      m: { M: { k: { S: 'v' } } }, // 1 + 3 + (1 + 1 + 1)
      b: { B: new Uint8Array([1, 2, 3]) }, // 1 + 3
    };

    // Act
    const size = itemSize(item);

    // Assess
    expect(numberSize('00123.4500')).toBe(4);
    expect(numberSize('-7')).toBe(2);
    expect(size).toBe(8 + 6 + 5 + 7 + 3 + 10 + 7 + 4);
  });

  it('turns bytes into request units: 1 KB per write unit, 4 KB per read unit, eventually consistent reads half', () => {
    // Prepare: 1 KB + 1 byte, and 7 KB
    const justOver = 1025;
    const sevenKb = 7 * 1024;

    // Act
    const units = [writeUnits(justOver), writeUnits(0), readUnits(sevenKb, true), readUnits(sevenKb, false), readUnits(0, true)];

    // Assess: the guide's example, a 7 KB item read takes 2 RRU strongly consistent
    expect(units).toEqual([2, 1, 2, 1, 1]);
    expect(queryUnits([3000, 3000], false)).toBe(1); // 6,000 bytes rounded once: 2 x 0.5
    expect(batchGetUnits([3000, 3000], true)).toBe(2); // each item rounded on its own
  });
});

describe('write cost with global secondary indexes', () => {
  const base: Item = { PK: { S: 'DECL#1' }, SK: { S: 'META' }, status: { S: 'SUBMITTED' }, note: { S: 'x' } };

  it('puts a new item into each index whose key it defines', () => {
    // Prepare
    const after: Item = { ...base, GSI1PK: { S: 'PARTY#A' }, GSI1SK: { S: '1' } };

    // Act
    const cost = writeCost({ before: undefined, after, table, indexes });

    // Assess
    expect(cost.tableUnits).toBe(1);
    expect(cost.indexes.map((write) => [write.index, write.kind, write.units])).toEqual([
      ['GSI1', 'put', 1],
      ['GSI4', 'none', 0],
    ]);
    expect(cost.totalUnits).toBe(2);
  });

  it('deletes and puts when an index key changes, updates when only a projected attribute changes, nothing for an attribute it does not project', () => {
    // Prepare
    const before: Item = { ...base, GSI1PK: { S: 'PARTY#A' }, GSI1SK: { S: '1' }, GSI4PK: { S: 'INFLIGHT#1' }, GSI4SK: { S: 't1' } };
    const keyMoved: Item = { ...before, GSI4SK: { S: 't2' } };
    const statusChanged: Item = { ...before, status: { S: 'VALIDATED' } };
    const noteChanged: Item = { ...before, note: { S: 'y' } };
    const leftIndex: Item = { ...statusChanged };
    delete leftIndex.GSI4PK;
    delete leftIndex.GSI4SK;

    // Act
    const kinds = (after: Item) => writeCost({ before, after, table, indexes }).indexes.map((write) => `${write.index}:${write.kind}`);

    // Assess: GSI1 projects ALL (any change updates it), GSI4 projects only status
    expect(kinds(keyMoved)).toEqual(['GSI1:update', 'GSI4:delete+put']);
    expect(writeCost({ before, after: keyMoved, table, indexes }).totalUnits).toBe(1 + 1 + 2);
    expect(kinds(statusChanged)).toEqual(['GSI1:update', 'GSI4:update']);
    expect(kinds(noteChanged)).toEqual(['GSI1:update', 'GSI4:none']);
    expect(kinds(leftIndex)).toEqual(['GSI1:update', 'GSI4:delete']);
    expect(kinds(before)).toEqual(['GSI1:none', 'GSI4:none']);
  });

  it('bills the larger of the item before and after, and a failed condition on the item size with no index write', () => {
    // Prepare: a 1,958-byte item shrinking to a small one
    const big: Item = { ...base, GSI1PK: { S: 'PARTY#A' }, GSI1SK: { S: '1' }, blob: { S: 'z'.repeat(1900) } };

    // Act
    const shrink = writeCost({ before: big, after: base, table, indexes });
    const failed = writeCost({ before: big, after: big, table, indexes, conditionFailed: true });
    const failedOnNothing = writeCost({ before: undefined, after: undefined, table, indexes, conditionFailed: true });

    // Assess
    expect(shrink.tableUnits).toBe(2);
    expect(shrink.indexes.find((write) => write.index === 'GSI1')).toEqual({
      index: 'GSI1',
      kind: 'delete',
      units: 2,
      partitions: [{ key: 'PARTY#A', units: 2 }],
    });
    expect([failed.tableUnits, failed.indexes.length]).toEqual([2, 0]);
    expect(failedOnNothing.totalUnits).toBe(1);
  });
});
