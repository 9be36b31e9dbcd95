/**
 * The heat model: write (and read) units each single partition would take at a given rate of
 * declarations, from the units recorded per partition key value. Keys that belong to one
 * declaration take its whole lifetime's units once; shared keys take every declaration's, divided
 * among their shards. Limits: 1,000 WCU/s and 3,000 RCU/s per partition (DynamoDB Developer
 * Guide, "Partitions and data distribution"); 300 WCU/s is the issue's own head-room target.
 */

import { keys } from '#shared/adapters/keys.ts';
import { BENCH_ACCOUNT_SHARDS } from '../accounts.ts';

export interface PartitionHeat {
  pattern: string;
  kind: 'per-declaration' | 'shared';
  shards: number;
  /** per-declaration: units per key per declaration; shared: units per second per key (per shard) at the rate. */
  units: number;
  flag: '' | '>300' | '>1000' | '>3000';
}

const patterns: { test: RegExp; label: string; kind: PartitionHeat['kind']; shards: number }[] = [
  { test: /^DECL#/, label: 'DECL#<id>', kind: 'per-declaration', shards: 1 },
  { test: /^LRN#/, label: 'LRN#<party>#<lrn>', kind: 'per-declaration', shards: 1 },
  // A consignment's UCR index (pattern 77): the few declarations of one consignment, not a key every declaration shares.
  { test: /^UCR#/, label: 'UCR#<ucr>', kind: 'per-declaration', shards: 1 },
  // Sharded keys: as many shards as keys.ts builds (a shard takes its share of the writes).
  {
    test: /^PARTY#/,
    label: 'PARTY#<declarant>#<shard> (one declarant sending them all)',
    kind: 'shared',
    shards: keys.declarantShards,
  },
  { test: /^DAY#/, label: 'DAY#<date>#<shard>', kind: 'shared', shards: keys.dayShards },
  { test: /^COUNTERS#/, label: 'COUNTERS#<day>#<shard>', kind: 'shared', shards: keys.clearanceCounterShards },
  { test: /^INFLIGHT#/, label: 'INFLIGHT#<c>', kind: 'shared', shards: keys.inFlightShards.length },
  { test: /^LANE#/, label: 'LANE#<lane>#<office>#<shard>', kind: 'shared', shards: keys.reviewQueueShardCount },
  { test: /^STATS#/, label: 'STATS#<office>#<shard>', kind: 'shared', shards: keys.selectionStatsShards },
  { test: /^RISKPROFILES$/, label: 'RISKPROFILES', kind: 'shared', shards: 1 },
  { test: /^RISK#/, label: 'RISK#<profile>', kind: 'shared', shards: 1 },
  { test: /^RISKSTATS#/, label: 'RISKSTATS#<profile>#<shard>', kind: 'shared', shards: keys.riskProfileEffectivenessShards },
  { test: /^TRADER#/, label: 'TRADER#<party>', kind: 'shared', shards: 1 },
  // A sharded account (docs/revenue.md): one charge guard per declaration, its charges over the shards, the account itself.
  { test: /^ACCOUNT#\d+#SOURCE#/, label: 'ACCOUNT#<number>#SOURCE#<source>', kind: 'per-declaration', shards: 1 },
  {
    test: /^ACCOUNT#\d+#\d+$/,
    label: 'ACCOUNT#<number>#<shard> (one account taking every charge)',
    kind: 'shared',
    shards: BENCH_ACCOUNT_SHARDS,
  },
  { test: /^ACCOUNT#\d+$/, label: 'ACCOUNT#<number> (one account taking every charge)', kind: 'shared', shards: 1 },
  {
    test: /^TRADERCOUNT#/,
    label: 'TRADERCOUNT#<party>#<shard> (one trader sending them all)',
    kind: 'shared',
    shards: keys.traderDeclarationCountShards,
  },
];

/** "main GSI3 DAY#2026-11-27" -> its pattern; REFDOC keys keep their kind (a handful of fixed keys). */
function classify(partition: string): { label: string; kind: PartitionHeat['kind']; shards: number } {
  const [table = '', ...rest] = partition.split(' ');
  const index = rest.length > 1 && /^GSI\d$/.test(rest[0] ?? '') ? rest.shift() : undefined;
  const key = rest.join(' ');
  const prefix = index ? `${table} ${index}` : table;
  if (table === 'idempotency') return { label: 'idempotency <party+key hash>', kind: 'per-declaration', shards: 1 };
  if (key.startsWith('REFDOC#')) return { label: `${prefix} ${key}`, kind: 'shared', shards: 1 };
  const match = patterns.find((pattern) => pattern.test.test(key));
  if (!match) return { label: `${prefix} ${key}`, kind: 'shared', shards: 1 };
  return { ...match, label: `${prefix} ${match.label}` };
}

export function heat(units: Map<string, number>, declarations: number, ratePerSecond: number, kind: 'write' | 'read'): PartitionHeat[] {
  const byPattern = new Map<string, { kind: PartitionHeat['kind']; shards: number; total: number; keys: Set<string> }>();
  for (const [partition, amount] of units) {
    const pattern = classify(partition);
    const entry = byPattern.get(pattern.label) ?? { kind: pattern.kind, shards: pattern.shards, total: 0, keys: new Set<string>() };
    entry.total += amount;
    entry.keys.add(partition);
    byPattern.set(pattern.label, entry);
  }
  const result: PartitionHeat[] = [];
  for (const [pattern, entry] of byPattern) {
    // One key per declaration: the units one declaration puts on its own key over its lifetime.
    const value =
      entry.kind === 'per-declaration'
        ? entry.total / Math.max(1, entry.keys.size)
        : ((entry.total / declarations) * ratePerSecond) / entry.shards;
    const limit = kind === 'write' ? value > 1000 : value > 3000;
    const flag =
      entry.kind === 'per-declaration'
        ? ''
        : limit
          ? kind === 'write'
            ? '>1000'
            : '>3000'
          : kind === 'write' && value > 300
            ? '>300'
            : '';
    result.push({ pattern, kind: entry.kind, shards: entry.shards, units: Math.round(value * 100) / 100, flag });
  }
  return result.sort((a, b) => (a.kind === b.kind ? b.units - a.units : a.kind === 'shared' ? -1 : 1));
}
