/**
 * DynamoDB units priced by the region's capacity mode (bench/cost/capacity-pricing.ts): provisioned,
 * $ per million units = unit-hour price / 3,600 / (target / 100) x 1,000,000, hand-worked on round
 * prices (tests/fixtures/bench/round-dynamodb-prices.json: $0.00252 a WCU-hour is $1 per million
 * units at 70 %); on demand, the request unit prices as they are.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dynamodbUnitPricing, inCapacityMode, provisionedUsdPerMillionUnits } from '#bench/cost/capacity-pricing.ts';
import type { CostLine, PriceTable } from '#bench/cost/pricing.ts';
import type { ProvisionedCapacity } from '#infra/config/dynamodb-capacity.ts';
import { tables } from '#shared/resources.ts';

// Only the four DynamoDB prices the capacity pricing reads.
const roundPrices = JSON.parse(
  readFileSync(new URL('../../fixtures/bench/round-dynamodb-prices.json', import.meta.url), 'utf8'),
) as PriceTable;

/** Every table at 100 writes and 50 reads at least, each index at 10 and 5; the maxima play no part in the price. */
function provisioned(targetUtilizationPercent: number): ProvisionedCapacity {
  const units = (writes: number, reads: number) => ({ writes: { min: writes, max: writes * 10 }, reads: { min: reads, max: reads * 10 } });
  const table = (name: keyof typeof tables) => ({
    ...units(100, 50),
    indexes: Object.fromEntries(Object.keys(tables[name].globalSecondaryIndexes).map((index) => [index, units(10, 5)])),
  });
  return { mode: 'provisioned', targetUtilizationPercent, tables: { main: table('main'), idempotency: table('idempotency') } };
}

/** A GREEN 1-item declaration's DynamoDB lines at volume (docs/cost.md), with two lines that are not DynamoDB's. */
const lines: CostLine[] = [
  { item: 'DynamoDB writes, table', perDeclaration: 26, unit: 'WRU', usdPerMillion: '19.3050' },
  { item: 'DynamoDB writes, GSIs', perDeclaration: 4, unit: 'WRU', usdPerMillion: '2.9700' },
  { item: 'DynamoDB reads', perDeclaration: 44.5, unit: 'RRU', usdPerMillion: '6.6083' },
  { item: 'SQS requests (excl. empty receives)', perDeclaration: 18.2, unit: 'requests', usdPerMillion: '7.2800' },
  { item: 'Lambda duration (local x2)', perDeclaration: 0.5, unit: 'GB-s', usdPerMillion: '6.6667' },
];

describe('provisioned $ per million units', () => {
  it('divides the unit-hour price by the 3,600 seconds of an hour and by the target utilisation', () => {
    // Act
    const at70 = provisionedUsdPerMillionUnits('0.00252', 70);
    const at100 = provisionedUsdPerMillionUnits('0.00252', 100);
    const at35 = provisionedUsdPerMillionUnits('0.00252', 35);
    const londonWrite = provisionedUsdPerMillionUnits('0.000772', 70);

    // Assess: $0.00252 / 3,600 = $0.0000007 a unit-second, $0.70 per million at 100 % busy; at 70 % $1, at 35 % $2
    expect(at100.toFixed(6)).toBe('0.700000');
    expect(at70.toFixed(6)).toBe('1.000000');
    expect(at35.toFixed(6)).toBe('2.000000');
    // eu-west-2's believed WCU-hour: 772 / 3,600 / 0.7 = 0.306349... per million, against $0.7425 on demand
    expect(londonWrite.toFixed(6)).toBe('0.306349');
  });
});

describe('DynamoDB unit pricing by capacity mode', () => {
  it('prices provisioned units at the target, keeps the on-demand prices beside them and costs the floor of every table and index a month', () => {
    // Prepare
    const capacity = provisioned(70);

    // Act
    const pricing = dynamodbUnitPricing(capacity, roundPrices);

    // Assess
    expect(pricing).toMatchObject({
      mode: 'provisioned',
      targetUtilizationPercent: 70,
      writeUsdPerMillionUnits: '1.000000',
      readUsdPerMillionUnits: '0.200000',
      onDemandWriteUsdPerMillionUnits: '0.742500',
      onDemandReadUsdPerMillionUnits: '0.148500',
      // Below 0.70 / 0.7425 (writes) and 0.14 / 0.1485 (reads) of the time busy, a provisioned unit costs more than on demand
      breakEvenUtilizationPercent: { writes: '94.3', reads: '94.3' },
    });
    // Floor: main 100 + 5 indexes x 10 = 150 WCU and 50 + 5 x 5 = 75 RCU; idempotency 100 and 50.
    // (250 x $0.00252 + 125 x $0.000504) x 730 hours = (0.63 + 0.063) x 730 = $505.89
    expect(pricing.floorUsdPerMonth).toBe('505.89');
    expect(pricing.assumption).toContain('steady load at the target');
  });

  it('prices on-demand units at the request unit prices, with no floor', () => {
    // Act
    const pricing = dynamodbUnitPricing({ mode: 'on-demand' }, roundPrices);

    // Assess
    expect(pricing).toMatchObject({ mode: 'on-demand', writeUsdPerMillionUnits: '0.742500', readUsdPerMillionUnits: '0.148500' });
    expect(pricing.floorUsdPerMonth).toBeUndefined();
  });

  it('reprices only the DynamoDB lines of a scenario, and totals it with and without Lambda duration', () => {
    // Prepare
    const pricing = dynamodbUnitPricing(provisioned(70), roundPrices);

    // Act
    const repriced = inCapacityMode(lines, pricing);

    // Assess: 26 x $1 + 4 x $1 + 44.5 x $0.20; SQS and Lambda duration as they were
    expect(repriced.lines.map((line) => line.usdPerMillion)).toEqual(['26.0000', '4.0000', '8.9000', '7.2800', '6.6667']);
    expect(repriced.totalUsdPerMillion).toBe('52.85');
    expect(repriced.withoutLambdaDurationUsdPerMillion).toBe('46.18');
    expect(lines[0]?.usdPerMillion).toBe('19.3050');
  });

  it('leaves the on-demand figures as priced when the region is on demand', () => {
    // Prepare
    const pricing = dynamodbUnitPricing({ mode: 'on-demand' }, roundPrices);

    // Act
    const repriced = inCapacityMode(lines, pricing);

    // Assess: 26 x 0.7425 = 19.305, 4 x 0.7425 = 2.97, 44.5 x 0.1485 = 6.60825
    expect(repriced.lines.map((line) => line.usdPerMillion)).toEqual(['19.3050', '2.9700', '6.6083', '7.2800', '6.6667']);
    expect(repriced.totalUsdPerMillion).toBe('42.83');
  });
});
