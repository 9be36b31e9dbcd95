/**
 * Clearance counters in the single table: per UTC day, 16 shards (by the declaration id's last
 * character; the sum of an SQS invocation's additions in its first record's shard, `add`), each with a 'LANES' item, a 'RELEASES#<lane>' item per lane (count, total time and
 * the release-time histogram `b<bucket>`), and the revenue booked that day (docs/revenue.md,
 * "Revenue per day"), in the shard of the ledger's or the reference's hash. No revenue item grows
 * through the day (an update is billed by the item's size):
 *
 * - a ledger's entries count into its own item of the day, 'LEDGER#<ledger>' (pattern 105): the
 *   totals per tax type `t#<type>` and the last sequence counted, in one conditional UpdateItem
 *   (entries of a ledger are counted in sequence order, so that one number makes each count once);
 * - a confirmed payment or a paid payout counts into the day's 'PAID' totals in one transaction
 *   with its own guard item (`REVENUECOUNTED#<reference>`, patterns 108, 109).
 *
 * Items counted before then (the day's 'LEDGER' item with `a#<ledger>` guards inside, 'PAID' with
 * `p#`/`o#` guards) are still read and their guards still honoured, so nothing counts twice across
 * the change. Amounts travel as DynamoDB numbers written from their decimal strings (exact to 38
 * digits), never through a JS number.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { Decimal } from 'decimal.js';
import { type LedgerEntry, ledgerOf } from '#shared/domain/accounts.ts';
import { type DayCounters, emptyDay, releaseBucketOf, type StatisticsIncrement } from '#shared/domain/clearance-statistics.ts';
import { type RevenueCount, revenueOfEntry, revenueOfPayment, revenueOfPayout } from '#shared/domain/ledger-revenue.ts';
import type { ClearanceCounters, LedgerCount } from '#shared/ports/clearance-counters.ts';
import { type Lane, lanes } from '#shared/risk/outcome.ts';
import { atMostOnce } from './at-most-once.ts';
import { addAtBarrier } from './barrier-additions.ts';
import { conditional } from './conditional-write.ts';
import { keys, shardOf } from './keys.ts';
import { cancelledByCondition, retryingConflicts } from './transaction-conflicts.ts';

/** The shard of a declaration: its id's last character (random in a ULID), folded onto the shards. */
export const counterShardOf = (id: string): number => shardOf(id, keys.clearanceCounterShards);

/** Revenue items: a tax type's total is `t#<tax type>`; `a#`/`p#`/`o#` attributes are the guards items kept before patterns 105-109. */
const taxPrefix = 't#';
/** Day shards queried at once by a read of several days. */
const queriesAtOnce = 16;
const entity = { S: 'ClearanceCounters' };

const key = (day: string, shard: number, counter: string): Record<string, AttributeValue> => {
  const { PK, SK } = keys.clearanceCounters(day, shard, counter);
  return { PK: { S: PK }, SK: { S: SK } };
};
const itemKey = ({ PK, SK }: { PK: string; SK: string }): Record<string, AttributeValue> => ({ PK: { S: PK }, SK: { S: SK } });

/** `ADD t#<type> :amount` of each tax type, with its names and values. */
function additions(revenue: RevenueCount): { expression: string; names: Record<string, string>; values: Record<string, AttributeValue> } {
  const taxTypes = Object.keys(revenue.byTaxType);
  return {
    expression: `ADD ${taxTypes.map((_, index) => `#t${index} :t${index}`).join(', ')}`,
    names: Object.fromEntries(taxTypes.map((taxType, index) => [`#t${index}`, `${taxPrefix}${taxType}`])),
    values: Object.fromEntries(
      taxTypes.map((taxType, index) => [`:t${index}`, { N: new Decimal(revenue.byTaxType[taxType] ?? '0').toFixed() }]),
    ),
  };
}

/** One declaration's addition to a counter, as it waits at an SQS invocation's barrier. */
interface CounterAddition {
  day: string;
  shard: number;
  counter: string;
  amounts: Record<string, string>;
}

/** Whether every amount of an addition is a finite number (a NaN would fail the whole group's write). */
const finite = (addition: CounterAddition): boolean => Object.values(addition.amounts).every((amount) => Number.isFinite(Number(amount)));

/** Additions that go alone (not finite): each its own group. */
let alone = 0;

export class DynamoDbClearanceCounters implements ClearanceCounters {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /**
   * Adds a declaration's lane or release time. Inside an SQS invocation the additions of its records
   * to one counter of one day wait at the invocation's barrier and go as one UpdateItem of their sums,
   * in the first one's shard (a full batch of the risk or release stage: one write where there were
   * ten); anywhere else (an officer's release) the addition is written at once.
   */
  async add(increment: StatisticsIncrement): Promise<void> {
    const addition: CounterAddition = {
      day: increment.day,
      shard: counterShardOf(increment.shardOf),
      counter: increment.kind === 'lane' ? 'LANES' : `RELEASES#${increment.lane}`,
      amounts:
        increment.kind === 'lane'
          ? { [increment.lane]: '1' }
          : {
              count: '1',
              totalMilliseconds: String(Math.round(increment.milliseconds)),
              [`b${releaseBucketOf(increment.milliseconds)}`]: '1',
            },
    };
    await addAtBarrier({
      // One write may carry the additions to the same table, day and counter; one that is not finite goes alone, and fails alone.
      group: finite(addition) ? `clearance ${this.tableName} ${addition.day} ${addition.counter}` : `clearance alone ${(alone += 1)}`,
      payload: addition,
      writeAll: (all) => this.addAll(all),
    });
  }

  /** Writes the sums of additions to one counter of one day (in the first one's shard); async, so a bad amount rejects rather than throws. */
  private async addAll(additions: readonly CounterAddition[]): Promise<void> {
    const [first] = additions;
    if (first === undefined) return;
    const sums = new Map<string, Decimal>();
    for (const { amounts } of additions)
      for (const [name, amount] of Object.entries(amounts)) sums.set(name, (sums.get(name) ?? new Decimal(0)).plus(amount));
    await this.addTo(key(first.day, first.shard, first.counter), Object.fromEntries([...sums].map(([name, sum]) => [name, sum.toFixed()])));
  }

  async countLedgerEntry(entry: LedgerEntry, count: LedgerCount = {}): Promise<boolean> {
    const revenue = revenueOfEntry(entry);
    if (!revenue) return false;
    const ledger = ledgerOf(entry);
    if (count.finishing && (await this.countedInLegacyItem(revenue.day, ledger, entry.sequence))) return false;
    const add = additions(revenue);
    // Entries of one ledger are counted in sequence order: a later one counted means this one was.
    return conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: itemKey(keys.ledgerRevenue(revenue.day, ledger)),
          UpdateExpression: `SET #entity = :entity, #sequence = :sequence ${add.expression}`,
          ConditionExpression: 'attribute_not_exists(#sequence) OR #sequence < :sequence',
          ExpressionAttributeNames: { '#entity': 'entity', '#sequence': 'sequence', ...add.names },
          ExpressionAttributeValues: { ':entity': entity, ':sequence': { N: String(entry.sequence) }, ...add.values },
        }),
      ),
    );
  }

  /**
   * Whether the day's 'LEDGER' item, where entries were counted before pattern 105, counted this
   * entry (its guard `a#<ledger>` at or past the sequence; pattern 106). Only an entry another
   * writer left can have been: one this writer just put was not counted by anyone.
   */
  private async countedInLegacyItem(day: string, ledger: string, sequence: number): Promise<boolean> {
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: itemKey(keys.legacyLedgerRevenue(day, ledger)),
        ProjectionExpression: '#guard',
        ExpressionAttributeNames: { '#guard': `a#${ledger}` },
        ConsistentRead: true,
      }),
    );
    const counted = result.Item?.[`a#${ledger}`]?.N;
    return counted !== undefined && Number(counted) >= sequence;
  }

  async countPaidPayment(payment: { reference: string; paidAt: string; byTaxType: Record<string, string> }): Promise<boolean> {
    const revenue = revenueOfPayment(payment);
    if (!revenue) return false;
    return this.countPaidOnce(payment.reference, 'PAYMENT', revenue, `p#${payment.reference}`);
  }

  /** In the day's PAID item beside the payments (no more items to read); its guard item apart from the payment's (same reference). */
  async countPaidPayout(payout: { reference: string; paidAt: string; byTaxType: Record<string, string> }): Promise<boolean> {
    const revenue = revenueOfPayout(payout);
    if (!revenue) return false;
    return this.countPaidOnce(payout.reference, 'PAYOUT', revenue, `o#${payout.reference}`);
  }

  /**
   * One transaction (patterns 108, 109): the guard item put if absent, and the day's PAID totals
   * added to unless that item still holds the guard it was counted under before (`legacyGuard`).
   * Both small items, whatever the day holds: 2 WRU each.
   */
  private async countPaidOnce(reference: string, kind: 'PAYMENT' | 'PAYOUT', revenue: RevenueCount, legacyGuard: string): Promise<boolean> {
    // Every payment of a day and shard adds to one PAID item: overlapping counts conflict.
    return retryingConflicts(() => this.countPaidTransaction(reference, kind, revenue, legacyGuard));
  }

  private async countPaidTransaction(
    reference: string,
    kind: 'PAYMENT' | 'PAYOUT',
    revenue: RevenueCount,
    legacyGuard: string,
  ): Promise<boolean> {
    const add = additions(revenue);
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...itemKey(keys.revenueCounted(reference, kind)), entity: { S: 'RevenueCounted' }, day: { S: revenue.day } },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: itemKey(keys.paidRevenue(revenue.day, reference)),
                UpdateExpression: `SET #entity = :entity ${add.expression}`,
                ConditionExpression: 'attribute_not_exists(#legacyGuard)',
                ExpressionAttributeNames: { '#entity': 'entity', '#legacyGuard': legacyGuard, ...add.names },
                ExpressionAttributeValues: { ':entity': entity, ...add.values },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancelledByCondition(error)) return false;
      throw error;
    }
  }

  /** An unconditional `ADD`, so sent at most once: a count is lost rather than doubled (at-most-once.ts). */
  private async addTo(itemKey: Record<string, AttributeValue>, amounts: Record<string, string>): Promise<void> {
    const names = Object.keys(amounts);
    await this.client.send(
      atMostOnce(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: itemKey,
          UpdateExpression: `SET #entity = :entity ADD ${names.map((_, index) => `#n${index} :v${index}`).join(', ')}`,
          ExpressionAttributeNames: { '#entity': 'entity', ...Object.fromEntries(names.map((name, index) => [`#n${index}`, name])) },
          ExpressionAttributeValues: {
            ':entity': { S: 'ClearanceCounters' },
            ...Object.fromEntries(names.map((name, index) => [`:v${index}`, { N: new Decimal(amounts[name] ?? '0').toFixed() }])),
          },
        }),
      ),
    );
  }

  /** Every item of each day's shards, one Query per shard (pattern 107): the ledgers' items of the day included. */
  async readDays(days: readonly string[]): Promise<DayCounters[]> {
    const partitions = days.flatMap((day) => Array.from({ length: keys.clearanceCounterShards }, (_, shard) => ({ day, shard })));
    const byDay = new Map(days.map((day) => [day, emptyDay(day)]));
    for (let start = 0; start < partitions.length; start += queriesAtOnce) {
      const read = await Promise.all(partitions.slice(start, start + queriesAtOnce).map(({ day, shard }) => this.partition(day, shard)));
      read.forEach((items, index) => {
        const counters = byDay.get(partitions[start + index]?.day ?? '');
        if (counters) for (const item of items) addItem(counters, item.SK?.S ?? '', item);
      });
    }
    return days.map((day) => byDay.get(day) ?? emptyDay(day));
  }

  private async partition(day: string, shard: number): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :partition',
          ExpressionAttributeValues: { ':partition': { S: keys.clearanceCountersPartition(day, shard) } },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

const numberOf = (value: AttributeValue | undefined): string => value?.N ?? '0';

/** Adds one stored counter item into a day's counters (shards are summed). */
function addItem(counters: DayCounters, counter: string, item: Record<string, AttributeValue>): void {
  if (counter === 'LANES') {
    for (const lane of lanes) counters.lanes[lane] += Number(numberOf(item[lane]));
  } else if (counter === 'LEDGER' || counter.startsWith('LEDGER#') || counter === 'PAID') {
    for (const [name, value] of Object.entries(item)) {
      if (!name.startsWith(taxPrefix) || value.N === undefined) continue;
      const taxType = name.slice(taxPrefix.length);
      counters.revenue[taxType] = new Decimal(counters.revenue[taxType] ?? '0').plus(value.N).toFixed();
    }
  } else if (counter.startsWith('RELEASES#')) {
    const release = counters.releases[counter.slice('RELEASES#'.length) as Lane];
    if (!release) return;
    release.count += Number(numberOf(item.count));
    release.totalMilliseconds += Number(numberOf(item.totalMilliseconds));
    release.buckets.forEach((count, index) => {
      release.buckets[index] = count + Number(numberOf(item[`b${index}`]));
    });
  }
}
