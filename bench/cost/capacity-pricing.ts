/**
 * DynamoDB units priced by the region's capacity mode (`dynamodbCapacity` of
 * infra/config/regions.ts, docs/cost.md "DynamoDB capacity mode"). On-demand bills each request
 * unit; provisioned bills each capacity unit per hour, whether used or not. A provisioned unit
 * serves one unit a second, and auto scaling keeps consumed / provisioned at the target, so under a
 * steady load at that target a consumed unit costs
 *
 *   $ per million units = unit-hour price / 3,600 s / (targetUtilizationPercent / 100) x 1,000,000.
 *
 * That is the assumption, and a favourable one: diurnal traffic lowers the average utilisation
 * (auto scaling follows with a lag of minutes and scales in only a limited number of times a day),
 * and the floor (`min` of every table and index) is paid when idle. Request units and capacity units
 * are the same size (1 KB written, 4 KB read strongly consistent), so the ledger's WRU and RRU are
 * priced as they are. The on-demand total stays beside the modelled one: nothing hides it.
 */
import { Decimal } from 'decimal.js';
import type { DynamodbCapacity } from '#infra/config/dynamodb-capacity.ts';
import type { CostLine, PriceTable } from './pricing.ts';

const SECONDS_PER_HOUR = 3_600;
/** AWS prices a month of hourly capacity at 730 hours. */
const HOURS_PER_MONTH = 730;

/** $ per million units consumed, for a provisioned unit-hour price kept busy at the target utilisation. */
export function provisionedUsdPerMillionUnits(unitHourUsd: Decimal.Value, targetUtilizationPercent: number): Decimal {
  return new Decimal(unitHourUsd).div(SECONDS_PER_HOUR).div(new Decimal(targetUtilizationPercent).div(100)).mul(1_000_000);
}

export interface DynamodbUnitPricing {
  mode: DynamodbCapacity['mode'];
  targetUtilizationPercent?: number;
  /** $ per million write / read units in the region's mode. */
  writeUsdPerMillionUnits: string;
  readUsdPerMillionUnits: string;
  /** The same on demand, for comparison. */
  onDemandWriteUsdPerMillionUnits: string;
  onDemandReadUsdPerMillionUnits: string;
  /** Provisioned: what the floor (every table's and index's `min`) costs a month, idle or not. */
  floorUsdPerMonth?: string;
  /**
   * Provisioned: the average utilisation below which a unit costs more than on demand (writes, reads):
   * unit-hour price / 3,600 / on-demand price of a unit.
   */
  breakEvenUtilizationPercent?: { writes: string; reads: string };
  assumption: string;
}

const onDemandPerMillion = (prices: PriceTable, name: 'dynamodbWriteRequestUnit' | 'dynamodbReadRequestUnit'): Decimal =>
  new Decimal(prices.prices[name].usd).mul(1_000_000).div(prices.prices[name].per);

const unitHour = (prices: PriceTable, name: 'dynamodbWriteCapacityUnitHour' | 'dynamodbReadCapacityUnitHour'): Decimal =>
  new Decimal(prices.prices[name].usd).div(prices.prices[name].per);

/** The price of a DynamoDB write and read unit in the region's capacity mode, with the on-demand prices beside. */
export function dynamodbUnitPricing(capacity: DynamodbCapacity, prices: PriceTable): DynamodbUnitPricing {
  const onDemandWrite = onDemandPerMillion(prices, 'dynamodbWriteRequestUnit');
  const onDemandRead = onDemandPerMillion(prices, 'dynamodbReadRequestUnit');
  const onDemand = { onDemandWriteUsdPerMillionUnits: onDemandWrite.toFixed(6), onDemandReadUsdPerMillionUnits: onDemandRead.toFixed(6) };
  if (capacity.mode === 'on-demand') {
    return {
      mode: 'on-demand',
      writeUsdPerMillionUnits: onDemand.onDemandWriteUsdPerMillionUnits,
      readUsdPerMillionUnits: onDemand.onDemandReadUsdPerMillionUnits,
      ...onDemand,
      assumption: 'DynamoDB on-demand: each request unit billed as used',
    };
  }
  const target = capacity.targetUtilizationPercent;
  const write = unitHour(prices, 'dynamodbWriteCapacityUnitHour');
  const read = unitHour(prices, 'dynamodbReadCapacityUnitHour');
  const ranges = Object.values(capacity.tables).flatMap((table) => [table, ...Object.values(table.indexes)]);
  const floor = ranges
    .reduce((sum, units) => sum.plus(write.mul(units.writes.min)).plus(read.mul(units.reads.min)), new Decimal(0))
    .mul(HOURS_PER_MONTH);
  return {
    mode: 'provisioned',
    targetUtilizationPercent: target,
    writeUsdPerMillionUnits: provisionedUsdPerMillionUnits(write, target).toFixed(6),
    readUsdPerMillionUnits: provisionedUsdPerMillionUnits(read, target).toFixed(6),
    ...onDemand,
    floorUsdPerMonth: floor.toFixed(2),
    breakEvenUtilizationPercent: {
      writes: provisionedUsdPerMillionUnits(write, 100).div(onDemandWrite).mul(100).toFixed(1),
      reads: provisionedUsdPerMillionUnits(read, 100).div(onDemandRead).mul(100).toFixed(1),
    },
    assumption:
      `DynamoDB provisioned with auto scaling at ${target} % target utilisation: $ per million units = unit-hour price / 3,600 / ${target / 100} x 1,000,000, ` +
      `a steady load at the target all day; diurnal traffic lowers the average utilisation (a higher price per unit), and the floor of every table and index (min) costs $${floor.toFixed(2)} a month idle or not`,
  };
}

/** Priced lines with their DynamoDB lines (units WRU and RRU) priced in the region's capacity mode instead of on demand. */
export function inCapacityMode(
  lines: readonly CostLine[],
  pricing: DynamodbUnitPricing,
): { lines: CostLine[]; totalUsdPerMillion: string; withoutLambdaDurationUsdPerMillion: string } {
  const repriced = lines.map((line) => {
    const price = line.unit === 'WRU' ? pricing.writeUsdPerMillionUnits : line.unit === 'RRU' ? pricing.readUsdPerMillionUnits : undefined;
    return price === undefined ? { ...line } : { ...line, usdPerMillion: new Decimal(line.perDeclaration).mul(price).toFixed(4) };
  });
  const total = (kept: readonly CostLine[]) => kept.reduce((sum, line) => sum.plus(line.usdPerMillion), new Decimal(0)).toFixed(2);
  return {
    lines: repriced,
    totalUsdPerMillion: total(repriced),
    withoutLambdaDurationUsdPerMillion: total(repriced.filter((line) => !line.item.startsWith('Lambda duration'))),
  };
}

/** The report's rows of the modelled total in the region's mode (the on-demand rows are the report's own). */
export function capacityRows(pricing: DynamodbUnitPricing): {
  label: string;
  value: (scenario: { atVolumeInRegionCapacity: { totalUsdPerMillion: string; withoutLambdaDurationUsdPerMillion: string } }) => string;
}[] {
  const mode = pricing.mode === 'provisioned' ? `provisioned ${pricing.targetUtilizationPercent} %` : 'on-demand';
  return [
    { label: `  with DynamoDB ${mode}`, value: (scenario) => scenario.atVolumeInRegionCapacity.totalUsdPerMillion },
    { label: '    without Lambda duration', value: (scenario) => scenario.atVolumeInRegionCapacity.withoutLambdaDurationUsdPerMillion },
  ];
}

/** One line for the report: the unit prices in both modes and the assumption. */
export function capacityNote(region: string, pricing: DynamodbUnitPricing): string {
  return (
    `\nIn ${region}, ${pricing.assumption}.\n` +
    `  $ per million units, write / read: ${pricing.writeUsdPerMillionUnits} / ${pricing.readUsdPerMillionUnits} in the region's mode, ` +
    `${pricing.onDemandWriteUsdPerMillionUnits} / ${pricing.onDemandReadUsdPerMillionUnits} on demand ("TOTAL, modelled at volume" above)` +
    (pricing.breakEvenUtilizationPercent
      ? `\n  provisioned costs more than on demand below an average utilisation of ${pricing.breakEvenUtilizationPercent.writes} % (writes), ${pricing.breakEvenUtilizationPercent.reads} % (reads)`
      : '')
  );
}
