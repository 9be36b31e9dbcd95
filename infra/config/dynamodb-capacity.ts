/**
 * A region's DynamoDB capacity mode (`dynamodbCapacity` in infra/config/regions.ts): on-demand, or
 * provisioned with auto scaling, each table and each of its global secondary indexes with its own
 * read and write range. The CDK stack builds the tables' billing from it
 * (infra/constructs/table-capacity.ts), the cost model prices DynamoDB units by it
 * (bench/cost/capacity-pricing.ts); the local cloud ignores it (dynalite bills nothing).
 */
import * as z from 'zod';
import { type TableName, tables } from '#shared/stateful-resources.ts';

/** Capacity units per second auto scaling keeps between (both inclusive). */
const capacityRange = z
  .strictObject({ min: z.int().min(1), max: z.int().min(1) })
  .refine((range) => range.min <= range.max, { error: 'min must not exceed max' });

const readsAndWrites = z.strictObject({ reads: capacityRange, writes: capacityRange });

const tableNames = Object.keys(tables) as [TableName, ...TableName[]];

export const dynamodbCapacitySchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('on-demand') }),
  z
    .strictObject({
      mode: z.literal('provisioned'),
      /**
       * Consumed / provisioned units auto scaling steers each table and index to (a target-tracking
       * policy per dimension). Application Auto Scaling accepts 20 to 90 for DynamoDB.
       */
      targetUtilizationPercent: z.int().min(20).max(90),
      /** Every table of shared/stateful-resources.ts, each naming every one of its global secondary indexes. */
      tables: z.record(z.enum(tableNames), readsAndWrites.extend({ indexes: z.record(z.string(), readsAndWrites) })),
    })
    .superRefine((capacity, context) => {
      for (const name of tableNames) {
        const expected = Object.keys(tables[name].globalSecondaryIndexes).sort();
        const named = Object.keys(capacity.tables[name]?.indexes ?? {}).sort();
        if (JSON.stringify(expected) !== JSON.stringify(named)) {
          context.addIssue({
            code: 'custom',
            path: ['tables', name, 'indexes'],
            message: `table ${name} must name the capacity of exactly its global secondary indexes (${expected.join(', ') || 'none'}), not ${named.join(', ') || 'none'}`,
          });
        }
      }
    }),
]);

export type DynamodbCapacity = z.infer<typeof dynamodbCapacitySchema>;
export type ProvisionedCapacity = Extract<DynamodbCapacity, { mode: 'provisioned' }>;
export type CapacityRange = z.infer<typeof capacityRange>;

/** The region's capacity, checked: throws naming the region and every problem. */
export function parseDynamodbCapacity(regionName: string, capacity: unknown): DynamodbCapacity {
  const parsed = dynamodbCapacitySchema.safeParse(capacity);
  if (parsed.success) return parsed.data;
  throw new Error(`dynamodbCapacity of region '${regionName}' is invalid:\n${z.prettifyError(parsed.error)}`);
}
