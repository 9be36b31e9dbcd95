/** The heat model's grouping: a key of one declaration (or one consignment) is not a key every declaration shares. */
import { describe, expect, it } from 'vitest';
import { heat } from '#bench/cost/heat.ts';

describe('heat model', () => {
  it('counts a UCR key per consignment, shares shard keys among their shards, and flags a shared key past the partition limit', () => {
    // Prepare: 2 declarations, each with its own UCR key and declaration key, writes on two of 16 account shards and one unsharded key
    const units = new Map<string, number>([
      ['main UCR#6GB987654321000-5ECTPONS61UVFY4F3A1', 1],
      ['main UCR#6GB987654321000-3W7GUBZR2IGN9Z4GU91', 1],
      ['main DECL#01M8G7NGCSCSP2CNQP5GX1RDZH', 16],
      ['main DECL#01M8G7NGCSCSP2CNQP5GX1RDZJ', 16],
      ['main ACCOUNT#9900002#3', 2],
      ['main ACCOUNT#9900002#11', 2],
      ['main SOMETHING#shared', 6],
    ]);

    // Act
    const rows = heat(units, 2, 1000, 'write');
    const row = (pattern: string) => rows.find((entry) => entry.pattern === pattern);

    // Assess
    expect(row('main UCR#<ucr>')).toMatchObject({ kind: 'per-declaration', units: 1, flag: '' });
    expect(row('main DECL#<id>')).toMatchObject({ kind: 'per-declaration', units: 16, flag: '' });
    expect(row('main ACCOUNT#<number>#<shard> (one account taking every charge)')).toMatchObject({
      kind: 'shared',
      shards: 16,
      units: 125,
    });
    expect(row('main SOMETHING#shared')).toMatchObject({ kind: 'shared', shards: 1, units: 3000, flag: '>1000' });
  });
});
