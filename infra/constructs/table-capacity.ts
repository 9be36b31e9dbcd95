/**
 * The billing of a table and the capacity of each of its global secondary indexes, from the region's
 * `dynamodbCapacity` (infra/config/dynamodb-capacity.ts). Provisioned capacity is autoscaled on
 * every dimension: TableV2 renders it as auto scaling settings of the AWS::DynamoDB::GlobalTable
 * (a scalable target and a target-tracking policy per table and index, reads and writes), not as
 * separate Application Auto Scaling resources.
 */
import { Billing, Capacity } from 'aws-cdk-lib/aws-dynamodb';
import type { CapacityRange, DynamodbCapacity, ProvisionedCapacity } from '#infra/config/dynamodb-capacity.ts';
import type { TableName } from '#shared/stateful-resources.ts';

export interface TableCapacity {
  billing: Billing;
  /** Read and write capacity of each index; empty on-demand (indexes follow the table). */
  indexes: Readonly<Record<string, { readCapacity: Capacity; writeCapacity: Capacity }>>;
}

export function tableCapacity(capacity: DynamodbCapacity, table: TableName): TableCapacity {
  if (capacity.mode === 'on-demand') return { billing: Billing.onDemand(), indexes: {} };
  const autoscaled = (range: CapacityRange): Capacity =>
    Capacity.autoscaled({
      minCapacity: range.min,
      maxCapacity: range.max,
      targetUtilizationPercent: capacity.targetUtilizationPercent,
      // Required to switch a deployed table between on-demand and provisioned: it starts at its
      // floor and auto scaling grows it from there, so switch at a quiet hour.
      seedCapacity: range.min,
    });
  const configured = capacity.tables[table] as ProvisionedCapacity['tables'][TableName] | undefined;
  if (!configured) throw new Error(`dynamodbCapacity names no capacity for table ${table}`);
  const { reads, writes, indexes } = configured;
  return {
    billing: Billing.provisioned({ readCapacity: autoscaled(reads), writeCapacity: autoscaled(writes) }),
    indexes: Object.fromEntries(
      Object.entries(indexes).map(([index, units]) => [
        index,
        { readCapacity: autoscaled(units.reads), writeCapacity: autoscaled(units.writes) },
      ]),
    ),
  };
}
