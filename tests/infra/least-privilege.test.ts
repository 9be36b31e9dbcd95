import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { functions } from '#shared/resources.ts';
import { templateWithNestedStacks } from './support/nested-template.ts';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * The broad actions CDK's grant* helpers used to add, and the code paths that call the few the
 * platform needs: any other function policy holding one of them fails.
 */
const broadActions: { pattern: RegExp; calledBy: Record<string, string> }[] = [
  { pattern: /^dynamodb:Scan$/, calledBy: {} },
  {
    pattern: /^dynamodb:DeleteItem$/,
    calledBy: {
      SubmitDeclaration:
        'Powertools idempotency deletes the in-progress record of a request that failed (idempotency table, submitDeclaration#*)',
      DeleteSubscription: "A trader deletes one of its webhook subscriptions: the subscription's item (SUBSCRIBER#*) and nothing else",
      DecideRelease:
        "The release stage, once a declaration discharged its manifest line: the declaration's wait for the goods (CARGO#*) and the line's entry in the office's undeclared goods (UNDECLARED#*)",
    },
  },
  { pattern: /^dynamodb:(BatchWriteItem|DescribeTable|ConditionCheckItem|GetRecords|GetShardIterator|DescribeStream)$/, calledBy: {} },
  { pattern: /^kms:ReEncrypt/, calledBy: {} },
  { pattern: /^s3:(PutObjectLegalHold|PutObjectRetention|BypassGovernanceRetention|DeleteObject)/, calledBy: {} },
  { pattern: /^s3:(GetBucket|List)/, calledBy: {} },
];

/** Role policies of the platform's functions, by function (logical ID `Functions<Name>RoleDefaultPolicy…`). */
function functionPolicies(template: Template): [string, Statement[]][] {
  return Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([id, policy]) => {
    const match = /^Functions([A-Z][A-Za-z]+)RoleDefaultPolicy/.exec(id);
    return match ? [[match[1] as string, policy.Properties.PolicyDocument.Statement as Statement[]] as [string, Statement[]]] : [];
  });
}

describe('least privilege of the function policies (dev, eu-west-2)', () => {
  let template: Template;
  let outdir: string;

  beforeAll(() => {
    // Prepare
    outdir = mkdtempSync(join(tmpdir(), 'customs-cdk-'));
    const { stack } = buildApp({
      region: 'eu-west-2',
      stage: 'dev',
      outdir,
      context: { 'aws:cdk:bundling-stacks': [] },
    });
    // The functions are in nested stacks, one per group: read them with the parent, merged.
    template = templateWithNestedStacks(stack, Object.values(stack.functionStacks));
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('has a policy for every function of shared/resources.ts', () => {
    // Act
    const names = functionPolicies(template).map(([name]) => name);

    // Assess
    expect(names.sort()).toEqual(
      Object.keys(functions)
        .map((name) => name.charAt(0).toUpperCase() + name.slice(1))
        .sort(),
    );
  });

  it('holds none of the broad actions (Scan, Delete, BatchWrite, ReEncrypt, legal hold, retention, GetBucket*, List*) but on a named code path', () => {
    // Act
    const found = functionPolicies(template).flatMap(([name, statements]) =>
      statements.flatMap((statement) =>
        asArray(statement.Action).flatMap((action) =>
          broadActions.filter(({ pattern, calledBy }) => pattern.test(action) && !(name in calledBy)).map(() => `${name}: ${action}`),
        ),
      ),
    );

    // Assess
    expect(found).toEqual([]);
  });

  it('holds dynamodb:DeleteItem only on intake idempotency records, webhook subscriptions and discharged cargo waits', () => {
    // Act
    const deletes = functionPolicies(template).flatMap(([name, statements]) =>
      statements.filter((statement) => asArray(statement.Action).includes('dynamodb:DeleteItem')).map((statement) => ({ name, statement })),
    );
    const byName = new Map(deletes.map(({ name, statement }) => [name, statement]));

    // Assess
    expect(deletes.map(({ name }) => name).sort()).toEqual(['DecideRelease', 'DeleteSubscription', 'SubmitDeclaration']);
    expect(JSON.stringify(byName.get('SubmitDeclaration')?.Resource)).toMatch(/IdempotencyTable/);
    expect(byName.get('SubmitDeclaration')?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['submitDeclaration#*'] },
    });
    expect(byName.get('DeleteSubscription')).toEqual(
      expect.objectContaining({
        Action: 'dynamodb:DeleteItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SUBSCRIBER#*'] } },
      }),
    );
    expect(byName.get('DecideRelease')).toEqual(
      expect.objectContaining({
        Action: 'dynamodb:DeleteItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CARGO#*', 'UNDECLARED#*'] } },
      }),
    );
  });

  it('lets only the notifications fan-out put events, on the clearance bus', () => {
    // Act
    const publishers = functionPolicies(template).flatMap(([name, statements]) =>
      statements
        .filter((statement) => asArray(statement.Action).some((action) => action.startsWith('events:')))
        .map((statement) => ({ name, statement })),
    );

    // Assess
    expect(publishers.map(({ name }) => name)).toEqual(['FanOutNotifications']);
    expect(publishers[0]?.statement.Action).toBe('events:PutEvents');
    expect(JSON.stringify(publishers[0]?.statement.Resource)).toMatch(/ClearanceEventBus/);
  });

  it('puts a dynamodb:LeadingKeys condition on every table statement of a function', () => {
    // Act
    const tableStatements = functionPolicies(template).flatMap(([name, statements]) =>
      statements
        .filter((statement) => asArray(statement.Action).some((action) => action.startsWith('dynamodb:')))
        .map((statement) => ({ name, statement })),
    );
    const unconditioned = tableStatements.filter(({ statement }) => {
      const leadingKeys = statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
      return !Array.isArray(leadingKeys) || leadingKeys.length === 0;
    });

    // Assess
    expect(tableStatements.length).toBeGreaterThan(Object.keys(functions).length);
    expect(unconditioned.map(({ name, statement }) => `${name}: ${asArray(statement.Action).join(',')}`)).toEqual([]);
  });

  it('lets the trader-status function update trader profiles only and read them back with their counts: no declaration item', () => {
    // Act
    const statements = functionPolicies(template).find(([name]) => name === 'SetTraderStatus')?.[1] ?? [];
    const tableStatements = statements.filter((statement) => asArray(statement.Action).some((action) => action.startsWith('dynamodb:')));

    // Assess
    expect(tableStatements).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:UpdateItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TRADER#*'] } },
      }),
      expect.objectContaining({
        Action: 'dynamodb:BatchGetItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TRADER#*', 'TRADERCOUNT#*'] } },
      }),
    ]);
  });

  it('lets intake only put (and head) its own objects in the archive, and use the data key only through the services it calls', () => {
    // Act
    const statements = functionPolicies(template).find(([name]) => name === 'SubmitDeclaration')?.[1] ?? [];
    const s3Actions = statements.flatMap((statement) => asArray(statement.Action)).filter((action) => action.startsWith('s3:'));
    const kmsStatements = statements.filter((statement) => asArray(statement.Action).some((action) => action.startsWith('kms:')));

    // Assess
    expect([...new Set(s3Actions)].sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(kmsStatements.map((statement) => statement.Condition?.StringEquals?.['kms:ViaService']).sort()).toEqual([
      'dynamodb.eu-west-2.amazonaws.com',
      's3.eu-west-2.amazonaws.com',
      'sqs.eu-west-2.amazonaws.com',
    ]);
    for (const statement of kmsStatements) {
      expect(asArray(statement.Action).every((action) => ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'].includes(action))).toBe(
        true,
      );
    }
  });

  it('names the index a listing queries, never index/*', () => {
    // Act
    const indexResources = functionPolicies(template)
      .flatMap(([, statements]) => statements.flatMap((statement) => asArray(statement.Resource)))
      .map((resource) => JSON.stringify(resource))
      .filter((resource) => resource.includes('/index/'));

    // Assess
    expect(indexResources.length).toBeGreaterThan(0);
    for (const resource of indexResources) expect(resource).toMatch(/\/index\/GSI[1-5]"/);
  });
});
