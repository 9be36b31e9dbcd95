/**
 * The tables' capacity mode follows the region's `dynamodbCapacity` (infra/config/regions.ts):
 * provisioned, every table and each of its global secondary indexes gets auto scaling of reads and
 * writes (TableV2 renders each as a scalable range with a target-tracking policy in the
 * AWS::DynamoDB::GlobalTable); on-demand, PAY_PER_REQUEST and no capacity at all. cdk-nag runs over
 * both. Only a prod stage takes the region's mode: dev and local stacks are billed on demand
 * (`stages` in infra/config/regions.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureFlags } from '#infra/app.ts';
import type { CapacityRange } from '#infra/config/dynamodb-capacity.ts';
import { type RegionConfig, regionConfig } from '#infra/config/regions.ts';
import { CustomsStack } from '#infra/stack.ts';
import { ensureConsoleBuilt } from '#local/console-build.ts';
import { type TableName, tables } from '#shared/resources.ts';

type GlobalTable = { Properties: Record<string, any> };

const outdirs: string[] = [];

function appAndStack(config: RegionConfig, stage: 'dev' | 'prod'): { app: App; stack: CustomsStack } {
  const outdir = mkdtempSync(join(tmpdir(), 'customs-cdk-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { ...featureFlags, 'aws:cdk:bundling-stacks': [] } });
  const stack = new CustomsStack(app, 'Customs-dev-test', {
    env: { region: config.awsRegion },
    regionName: 'eu-west-2',
    region: config,
    stage,
  });
  return { app, stack };
}

/** The GlobalTable of each logical table, found by its partition key (unique per table). */
function globalTables(template: Template): Record<TableName, GlobalTable> {
  const all = Object.values(template.findResources('AWS::DynamoDB::GlobalTable')) as GlobalTable[];
  return Object.fromEntries(
    Object.entries(tables).map(([name, table]) => [
      name,
      all.find((resource) => resource.Properties.KeySchema[0].AttributeName === table.partitionKey),
    ]),
  ) as Record<TableName, GlobalTable>;
}

/** What CloudFormation receives for an autoscaled dimension: the range, the seed and the target-tracking policy. */
const autoScaling = (range: CapacityRange, target: number) => ({
  MinCapacity: range.min,
  MaxCapacity: range.max,
  SeedCapacity: range.min,
  TargetTrackingScalingPolicyConfiguration: { TargetValue: target },
});

// The stack deploys console/dist: build it when missing or stale.
beforeAll(async () => {
  await ensureConsoleBuilt();
}, 120_000);

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

describe('table capacity, provisioned (eu-west-2 as configured, prod stage)', () => {
  const region = regionConfig('eu-west-2');
  let app: App;
  let synthesised: Record<TableName, GlobalTable>;

  beforeAll(() => {
    const built = appAndStack(region, 'prod');
    app = built.app;
    synthesised = globalTables(Template.fromStack(built.stack));
  });

  it('passes the cdk-nag AwsSolutions checks with no new acknowledgement', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(app);

    // Assess
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('autoscales the reads and writes of every table and of each of its indexes at the target utilisation, within its range', () => {
    // Prepare
    const capacity = region.dynamodbCapacity;
    if (capacity.mode !== 'provisioned') throw new Error('these tests expect eu-west-2 to be configured provisioned');
    const target = capacity.targetUtilizationPercent;

    for (const name of Object.keys(tables) as TableName[]) {
      // Act
      const table = synthesised[name].Properties;
      const configured = capacity.tables[name];
      const replica = table.Replicas[0];

      // Assess
      expect(table.BillingMode, name).toBe('PROVISIONED');
      expect(table.WriteProvisionedThroughputSettings, name).toEqual({
        WriteCapacityAutoScalingSettings: autoScaling(configured.writes, target),
      });
      expect(replica.ReadProvisionedThroughputSettings, name).toEqual({
        ReadCapacityAutoScalingSettings: autoScaling(configured.reads, target),
      });
      const indexNames = Object.keys(tables[name].globalSecondaryIndexes);
      expect(
        (table.GlobalSecondaryIndexes ?? []).map((index: any) => index.IndexName),
        name,
      ).toEqual(indexNames);
      for (const indexName of indexNames) {
        const units = (configured.indexes as Record<string, { reads: CapacityRange; writes: CapacityRange }>)[indexName];
        if (!units) throw new Error(`no capacity for ${name} ${indexName}`);
        const index = table.GlobalSecondaryIndexes.find((each: any) => each.IndexName === indexName);
        const replicaIndex = replica.GlobalSecondaryIndexes.find((each: any) => each.IndexName === indexName);
        expect(index.WriteProvisionedThroughputSettings, `${name} ${indexName}`).toEqual({
          WriteCapacityAutoScalingSettings: autoScaling(units.writes, target),
        });
        expect(replicaIndex.ReadProvisionedThroughputSettings, `${name} ${indexName}`).toEqual({
          ReadCapacityAutoScalingSettings: autoScaling(units.reads, target),
        });
      }
    }
  });
});

describe('table capacity, on-demand', () => {
  const region: RegionConfig = { ...regionConfig('eu-west-2'), dynamodbCapacity: { mode: 'on-demand' } };
  let app: App;
  let synthesised: Record<TableName, GlobalTable>;

  beforeAll(() => {
    const built = appAndStack(region, 'dev');
    app = built.app;
    synthesised = globalTables(Template.fromStack(built.stack));
  });

  it('bills every table per request, with no provisioned or autoscaled capacity on the table, its replica or its indexes', () => {
    for (const name of Object.keys(tables) as TableName[]) {
      // Act
      const table = synthesised[name].Properties;
      const text = JSON.stringify(table);

      // Assess
      expect(table.BillingMode, name).toBe('PAY_PER_REQUEST');
      expect(text, name).not.toContain('ProvisionedThroughputSettings');
      expect(text, name).not.toContain('AutoScalingSettings');
      expect(
        (table.GlobalSecondaryIndexes ?? []).map((index: any) => index.IndexName),
        name,
      ).toEqual(Object.keys(tables[name].globalSecondaryIndexes));
    }
  });

  it('passes the cdk-nag AwsSolutions checks with no new acknowledgement', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(app);

    // Assess
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('table capacity of a dev stage in a provisioned region', () => {
  it('bills every table on demand: a test stack never pays the floor sized for national volume', () => {
    // Prepare
    const region = regionConfig('eu-west-2');
    expect(region.dynamodbCapacity.mode).toBe('provisioned');

    // Act
    const synthesised = globalTables(Template.fromStack(appAndStack(region, 'dev').stack));

    // Assess
    for (const name of Object.keys(tables) as TableName[]) {
      expect(synthesised[name].Properties.BillingMode, name).toBe('PAY_PER_REQUEST');
      expect(JSON.stringify(synthesised[name].Properties), name).not.toContain('AutoScalingSettings');
    }
  });
});
