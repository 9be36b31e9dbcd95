/**
 * The region's DynamoDB capacity mode (infra/config/dynamodb-capacity.ts): what its schema accepts
 * and refuses, and that eu-west-2's provisioned maxima carry 1,000 declarations a second of the
 * units the cost benchmark last measured (bench/results/latest.json) at the target utilisation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dynamodbCapacitySchema, type ProvisionedCapacity, parseDynamodbCapacity } from '#infra/config/dynamodb-capacity.ts';
import { regionConfig, regions } from '#infra/config/regions.ts';

const DECLARATIONS_PER_SECOND = 1_000;

const euWest2 = (): ProvisionedCapacity => {
  const capacity = structuredClone(regions['eu-west-2'].dynamodbCapacity) as ProvisionedCapacity;
  if (capacity.mode !== 'provisioned') throw new Error('these tests expect eu-west-2 to be configured provisioned');
  return capacity;
};

describe('dynamodbCapacity schema', () => {
  it('accepts every region as configured, and on-demand', () => {
    for (const name of Object.keys(regions)) {
      // Act
      const parsed = regionConfig(name).dynamodbCapacity;

      // Assess
      expect(parsed).toEqual(regions[name as keyof typeof regions].dynamodbCapacity);
    }
    expect(dynamodbCapacitySchema.parse({ mode: 'on-demand' })).toEqual({ mode: 'on-demand' });
  });

  it('refuses a table left out, an index left out or unknown, min above max, a unit below 1 and a target outside 20-90 %', () => {
    // Prepare
    const withoutTable = euWest2();
    delete (withoutTable.tables as Partial<ProvisionedCapacity['tables']>).idempotency;
    const withoutIndex = euWest2();
    delete (withoutIndex.tables.main.indexes as Record<string, unknown>).GSI5;
    const unknownIndex = euWest2();
    (unknownIndex.tables.idempotency.indexes as Record<string, unknown>).GSI1 = { reads: { min: 1, max: 1 }, writes: { min: 1, max: 1 } };
    const minAboveMax = euWest2();
    minAboveMax.tables.main.writes = { min: 60_000, max: 50_000 };
    const zero = euWest2();
    zero.tables.main.reads = { min: 0, max: 10 };
    const target = (percent: number) => ({ ...euWest2(), targetUtilizationPercent: percent });

    // Act
    const attempts = [
      withoutTable,
      withoutIndex,
      unknownIndex,
      minAboveMax,
      zero,
      target(19),
      target(91),
      { mode: 'provisioned' },
      { mode: 'reserved' },
    ];
    const outcomes = attempts.map((attempt) => () => parseDynamodbCapacity('test', attempt));

    // Assess
    for (const outcome of outcomes) expect(outcome).toThrow(/dynamodbCapacity of region 'test' is invalid/);
    expect(outcomes[1]).toThrow(
      /table main must name the capacity of exactly its global secondary indexes \(GSI1, GSI2, GSI3, GSI4, GSI5\)/,
    );
    expect(outcomes[2]).toThrow(/table idempotency must name the capacity of exactly its global secondary indexes \(none\), not GSI1/);
    expect(outcomes[3]).toThrow(/min must not exceed max/);
    expect(() => parseDynamodbCapacity('test', target(20))).not.toThrow();
    expect(() => parseDynamodbCapacity('test', target(90))).not.toThrow();
  });
});

describe('eu-west-2 capacity, sized for 1,000 declarations a second', () => {
  type Line = { item: string; perDeclaration: number };
  const results = JSON.parse(readFileSync(new URL('../../bench/results/latest.json', import.meta.url), 'utf8')) as {
    cost: { scenarios: { scenario: string; atVolume: { lines: Line[] } }[] };
  };
  const most = (item: string): number =>
    Math.max(...results.cost.scenarios.map((scenario) => scenario.atVolume.lines.find((line) => line.item === item)?.perDeclaration ?? 0));
  /** Provisioned units that keep `unitsPerDeclaration` at 1,000 declarations/s at the target utilisation. */
  const needed = (unitsPerDeclaration: number, capacity: ProvisionedCapacity): number =>
    (DECLARATIONS_PER_SECOND * unitsPerDeclaration) / (capacity.targetUtilizationPercent / 100);

  it("lets the main table and its indexes reach the costliest measured scenario's units at the target utilisation", () => {
    // Prepare
    const capacity = euWest2();
    const main = capacity.tables.main;

    // Act
    const tableWrites = most('DynamoDB writes, table');
    const indexWrites = most('DynamoDB writes, GSIs');
    const reads = most('DynamoDB reads');

    // Assess: at least the figures of docs/cost.md ("Where it stands"): 26 WRU on the table GREEN
    expect(tableWrites).toBeGreaterThanOrEqual(26);
    expect(main.writes.max).toBeGreaterThanOrEqual(needed(tableWrites, capacity));
    expect(Object.values(main.indexes).reduce((sum, index) => sum + index.writes.max, 0)).toBeGreaterThanOrEqual(
      needed(indexWrites, capacity),
    );
    expect(main.reads.max).toBeGreaterThanOrEqual(needed(reads, capacity));
    // The floor carries a tenth of the rate: what auto scaling grows from in the morning.
    expect(main.writes.min).toBeGreaterThanOrEqual(needed(tableWrites, capacity) / 10);
  });

  it('lets the idempotency table take the two writes of every keyed declaration at the target utilisation', () => {
    // Prepare
    const capacity = euWest2();
    const keyed = results.cost.scenarios.find((scenario) => scenario.scenario === 'GREEN 1 item, Idempotency-Key');
    const plain = results.cost.scenarios.find((scenario) => scenario.scenario === 'GREEN 1 item');
    const tableWrites = (lines: Line[] | undefined) => lines?.find((line) => line.item === 'DynamoDB writes, table')?.perDeclaration ?? 0;

    // Act
    const idempotencyWrites = tableWrites(keyed?.atVolume.lines) - tableWrites(plain?.atVolume.lines);

    // Assess
    expect(idempotencyWrites).toBe(2);
    expect(capacity.tables.idempotency.writes.max).toBeGreaterThanOrEqual(needed(idempotencyWrites, capacity));
  });
});
