/**
 * Clearance counters in the single table: per UTC day, 16 shards (by the declaration id's last
 * character), each with a 'LANES' item, a 'RELEASES#<lane>' item per lane (count, total time and
 * the release-time histogram `b<bucket>`), and the revenue booked that day: a 'LEDGER' item (per
 * tax type `t#<type>`, and per account the last entry counted `a#<account>`) and a 'PAID' item
 * (per tax type, and `p#<reference>` per immediate payment counted), both in the shard of the
 * account's or the reference's hash. Every add is one UpdateItem ADD, so concurrent writers never
 * overwrite each other; a revenue add is conditional on its guard attribute in the same item,
 * which makes it count once. Amounts travel as DynamoDB numbers written from their decimal
 * strings (exact to 38 digits), never through a JS number.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type KeysAndAttributes,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { Decimal } from 'decimal.js';
import { type LedgerEntry, ledgerOf } from '#shared/domain/accounts.ts';
import { type DayCounters, emptyDay, releaseBucketOf, type StatisticsIncrement } from '#shared/domain/clearance-statistics.ts';
import { type RevenueCount, revenueOfEntry, revenueOfPayment, revenueOfPayout } from '#shared/domain/ledger-revenue.ts';
import type { ClearanceCounters } from '#shared/ports/clearance-counters.ts';
import { type Lane, lanes } from '#shared/risk/outcome.ts';
import { conditional } from './conditional-write.ts';
import { keys, shardOf } from './keys.ts';

/** The shard of a declaration: its id's last character (random in a ULID), folded onto the shards. */
export const counterShardOf = (id: string): number => shardOf(id, keys.clearanceCounterShards);

const counterNames = ['LANES', 'LEDGER', 'PAID', ...lanes.map((lane) => `RELEASES#${lane}`)];
/** Revenue items: a tax type's total is `t#<tax type>`; `a#`/`p#`/`o#` attributes are the guards. */
const taxPrefix = 't#';
/** BatchGetItem takes up to 100 keys a call. */
const batchSize = 100;
const maxUnprocessedRounds = 8;

const key = (day: string, shard: number, counter: string): Record<string, AttributeValue> => {
  const { PK, SK } = keys.clearanceCounters(day, shard, counter);
  return { PK: { S: PK }, SK: { S: SK } };
};

export class DynamoDbClearanceCounters implements ClearanceCounters {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async add(increment: StatisticsIncrement): Promise<void> {
    const shard = counterShardOf(increment.shardOf);
    if (increment.kind === 'lane') {
      await this.addTo(key(increment.day, shard, 'LANES'), { [increment.lane]: '1' });
      return;
    }
    await this.addTo(key(increment.day, shard, `RELEASES#${increment.lane}`), {
      count: '1',
      totalMilliseconds: String(Math.round(increment.milliseconds)),
      [`b${releaseBucketOf(increment.milliseconds)}`]: '1',
    });
  }

  async countLedgerEntry(entry: LedgerEntry): Promise<boolean> {
    const revenue = revenueOfEntry(entry);
    if (!revenue) return false;
    const { PK, SK } = keys.ledgerRevenue(revenue.day, ledgerOf(entry));
    // Entries of one ledger (an account's, or one of its shards') are counted in sequence order: a later one counted means this one was.
    return this.addRevenueOnce({ PK: { S: PK }, SK: { S: SK } }, revenue, {
      set: '#guard = :sequence',
      condition: 'attribute_not_exists(#guard) OR #guard < :sequence',
      name: `a#${ledgerOf(entry)}`,
      values: { ':sequence': { N: String(entry.sequence) } },
    });
  }

  async countPaidPayment(payment: { reference: string; paidAt: string; byTaxType: Record<string, string> }): Promise<boolean> {
    const revenue = revenueOfPayment(payment);
    if (!revenue) return false;
    const { PK, SK } = keys.paidRevenue(revenue.day, payment.reference);
    return this.addRevenueOnce({ PK: { S: PK }, SK: { S: SK } }, revenue, {
      set: '#guard = :counted',
      condition: 'attribute_not_exists(#guard)',
      name: `p#${payment.reference}`,
      values: { ':counted': { BOOL: true } },
    });
  }

  /** In the day's PAID item beside the payments (no more items to read), guarded by `o#<reference>`. */
  async countPaidPayout(payout: { reference: string; paidAt: string; byTaxType: Record<string, string> }): Promise<boolean> {
    const revenue = revenueOfPayout(payout);
    if (!revenue) return false;
    const { PK, SK } = keys.paidRevenue(revenue.day, payout.reference);
    return this.addRevenueOnce({ PK: { S: PK }, SK: { S: SK } }, revenue, {
      set: '#guard = :counted',
      condition: 'attribute_not_exists(#guard)',
      name: `o#${payout.reference}`,
      values: { ':counted': { BOOL: true } },
    });
  }

  /** One conditional UpdateItem: the guard and the amounts in the same item, so the amounts count once. */
  private async addRevenueOnce(
    itemKey: Record<string, AttributeValue>,
    revenue: RevenueCount,
    guard: { set: string; condition: string; name: string; values: Record<string, AttributeValue> },
  ): Promise<boolean> {
    const taxTypes = Object.keys(revenue.byTaxType);
    return conditional(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: itemKey,
          UpdateExpression: `SET #entity = :entity, ${guard.set} ADD ${taxTypes.map((_, index) => `#t${index} :t${index}`).join(', ')}`,
          ConditionExpression: guard.condition,
          ExpressionAttributeNames: {
            '#entity': 'entity',
            '#guard': guard.name,
            ...Object.fromEntries(taxTypes.map((taxType, index) => [`#t${index}`, `${taxPrefix}${taxType}`])),
          },
          ExpressionAttributeValues: {
            ':entity': { S: 'ClearanceCounters' },
            ...guard.values,
            ...Object.fromEntries(
              taxTypes.map((taxType, index) => [`:t${index}`, { N: new Decimal(revenue.byTaxType[taxType] ?? '0').toFixed() }]),
            ),
          },
        }),
      ),
    );
  }

  private async addTo(itemKey: Record<string, AttributeValue>, amounts: Record<string, string>): Promise<void> {
    const names = Object.keys(amounts);
    await this.client.send(
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
    );
  }

  async readDays(days: readonly string[]): Promise<DayCounters[]> {
    const wanted = days.flatMap((day) =>
      Array.from({ length: keys.clearanceCounterShards }, (_, shard) => counterNames.map((counter) => key(day, shard, counter))).flat(),
    );
    const items: Record<string, AttributeValue>[] = [];
    for (let start = 0; start < wanted.length; start += batchSize)
      items.push(...(await this.batchGet(wanted.slice(start, start + batchSize))));
    const byDay = new Map(days.map((day) => [day, emptyDay(day)]));
    for (const item of items) {
      const [, day] = (item.PK?.S ?? '').split('#');
      const counters = day === undefined ? undefined : byDay.get(day);
      if (counters) addItem(counters, item.SK?.S ?? '', item);
    }
    return days.map((day) => byDay.get(day) ?? emptyDay(day));
  }

  /** One BatchGetItem, with its unprocessed keys asked again (throttling) after a short wait. */
  private async batchGet(batchKeys: Record<string, AttributeValue>[]): Promise<Record<string, AttributeValue>[]> {
    const found: Record<string, AttributeValue>[] = [];
    let request: Record<string, KeysAndAttributes> | undefined = { [this.tableName]: { Keys: batchKeys } };
    for (let round = 0; request && Object.keys(request).length > 0; round++) {
      if (round === maxUnprocessedRounds) throw new Error(`clearance counters: keys still unprocessed after ${round} rounds`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
      const result: BatchGetItemCommandOutput = await this.client.send(new BatchGetItemCommand({ RequestItems: request }));
      found.push(...(result.Responses?.[this.tableName] ?? []));
      request = result.UnprocessedKeys;
    }
    return found;
  }
}

const numberOf = (value: AttributeValue | undefined): string => value?.N ?? '0';

/** Adds one stored counter item into a day's counters (shards are summed). */
function addItem(counters: DayCounters, counter: string, item: Record<string, AttributeValue>): void {
  if (counter === 'LANES') {
    for (const lane of lanes) counters.lanes[lane] += Number(numberOf(item[lane]));
  } else if (counter === 'LEDGER' || counter === 'PAID') {
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
