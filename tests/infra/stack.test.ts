import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildAppOptions, type BuiltApp, buildApp, parseStage, stackName } from '#infra/app.ts';
import { regions } from '#infra/config/regions.ts';
import { assertVisibilityTimeouts } from '#infra/function-factory.ts';
import { defaultDefinitions, type ResourceDefinitions, USER_GROUPS } from '#infra/stack.ts';
import { ensureConsoleBuilt } from '#local/console-build.ts';
import {
  archived,
  bucketNameEnv,
  type FunctionDefinition,
  functions,
  queues,
  queueUrlEnv,
  referenceKeys,
  tableNameEnv,
  tables,
} from '#shared/resources.ts';
import { parametersPassedTo, resolvedNestedTemplate, templatesOf, templateWithNestedStacks } from './support/nested-template.ts';

type Resource = {
  Type: string;
  Properties: Record<string, any>;
  DeletionPolicy?: string;
  Metadata?: Record<string, any>;
  DependsOn?: string[];
};
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const region = regions['eu-west-2'];
const outdirs: string[] = [];

/** Builds the app without bundling the handlers (no esbuild run, fast, works without handler changes). */
function build(options: BuildAppOptions = {}): BuiltApp {
  const outdir = mkdtempSync(join(tmpdir(), 'customs-cdk-'));
  outdirs.push(outdir);
  return buildApp({
    region: 'eu-west-2',
    stage: 'dev',
    outdir,
    ...options,
    context: { 'aws:cdk:bundling-stacks': [], ...options.context },
  });
}

const httpFunctions = Object.values(functions as Record<string, FunctionDefinition>).flatMap((definition) =>
  definition.triggers.flatMap((trigger) => (trigger.kind === 'http' ? [{ definition, trigger }] : [])),
);

/** The logical ID of the one resource whose ID starts with `prefix` (`ArchiveBucket` -> `ArchiveBucket1A2B3C4D`). */
function logicalIdOf(template: Template, prefix: string): string {
  const ids = Object.keys(template.toJSON().Resources as Record<string, unknown>).filter((id) =>
    new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id),
  );
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

/**
 * The parameter through which the parent passes the ARN of its resource `logicalId` to the
 * functions' nested stacks: the same name in each of them (cdk-nag names the ARN by it).
 */
function arnParameter(stack: BuiltApp['stack'], logicalId: string): string {
  const arn = JSON.stringify({ 'Fn::GetAtt': [logicalId, 'Arn'] });
  const names = new Set(
    Object.values(stack.functionStacks).flatMap((nested) =>
      Object.entries(parametersPassedTo(nested)).flatMap(([name, value]) => (JSON.stringify(value) === arn ? [name] : [])),
    ),
  );
  expect([...names], logicalId).toHaveLength(1);
  return [...names][0]!;
}

function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

/** The platform's functions: not the handler aws-cdk-lib adds for the console's BucketDeployment (tests/infra/console-site.test.ts). */
function platformFunctions(template: Template): [string, Resource][] {
  return resourcesOf(template, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'));
}

function functionByDescription(template: Template, description: string): Resource {
  const found = platformFunctions(template).filter(([, r]) => r.Properties.Description === description);
  expect(found).toHaveLength(1);
  return found[0]![1];
}

/** Statements of the platform's policies (the console deployment's role is tested with the console). */
function statementsOf(template: Template): Statement[] {
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([id]) => !id.startsWith('ConsoleSiteDeploymentRole'))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

const scheduleTriggerCount = Object.values(functions as Record<string, FunctionDefinition>).filter((d) =>
  d.triggers.some((t) => t.kind === 'schedule'),
).length;

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * Logical IDs of the stateful resources (and of the policies, groups and client attached to them),
 * recorded from the template before the stack was split into constructs. A changed logical ID makes
 * CloudFormation replace the resource: a new, empty table, bucket, key or queue, the old one deleted
 * or orphaned. Update the fixture only for a resource that is deliberately added or removed.
 */
const recordedStatefulLogicalIds = JSON.parse(
  readFileSync(new URL('./fixtures/stateful-logical-ids.json', import.meta.url), 'utf8'),
) as Record<string, string[]>;

/** The logical IDs of the template's resources of the recorded types, by type, sorted. */
function statefulLogicalIds(template: Template): Record<string, string[]> {
  return Object.fromEntries(
    Object.keys(recordedStatefulLogicalIds).map((type) => [type, Object.keys(template.findResources(type)).sort()]),
  );
}

/** The message of the error the synth fails with ('' when it succeeds): one synth, several assertions. */
function synthError(app: BuiltApp['app']): string {
  try {
    app.synth();
    return '';
  } catch (error) {
    return String(error);
  }
}

// The stack deploys console/dist: build it when missing or stale (about a second).
beforeAll(async () => {
  await ensureConsoleBuilt();
}, 120_000);

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

describe('CustomsStack (dev, eu-west-2)', () => {
  let built: BuiltApp;
  /** The parent stack's own template. */
  let template: Template;
  /** The parent with the functions' nested stacks merged in (tests/infra/support/nested-template.ts). */
  let functionsTemplate: Template;
  /** The nested stacks, their parameters resolved to the parent's values (tests/infra/support/nested-template.ts). */
  let routesTemplate: Template;
  let alarmsTemplate: Template;
  let keyId: string;

  beforeAll(() => {
    built = build();
    template = Template.fromStack(built.stack);
    functionsTemplate = templateWithNestedStacks(built.stack, Object.values(built.stack.functionStacks));
    routesTemplate = resolvedNestedTemplate(built.stack.apiRoutesStack);
    alarmsTemplate = resolvedNestedTemplate(built.stack.alarmsStack);
    // The data key; the operations key (alarm topic, schedule DLQs) is asserted in operations.test.ts.
    const keys = Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.startsWith('DataKey'));
    expect(keys).toHaveLength(1);
    keyId = keys[0]!;
  });

  it('is named Customs-<stage>-<region> and targets the configured region', () => {
    // Prepare
    const expected = stackName('dev', 'eu-west-2');

    // Act
    const { stack } = built;

    // Assess
    expect(stack.stackName).toBe('Customs-dev-eu-west-2');
    expect(stack.stackName).toBe(expected);
    expect(stack.region).toBe('eu-west-2');
  });

  it('keeps the recorded logical IDs of the stateful resources, so that no deployment replaces them', () => {
    // Prepare
    const expected = recordedStatefulLogicalIds;

    // Act
    const actual = statefulLogicalIds(template);

    // Assess
    for (const type of [
      'AWS::KMS::Key',
      'AWS::DynamoDB::GlobalTable',
      'AWS::DynamoDB::Table',
      'AWS::SQS::Queue',
      'AWS::S3::Bucket',
      'AWS::SecretsManager::Secret',
      'AWS::Cognito::UserPool',
      'AWS::SNS::Topic',
      'AWS::SNS::Subscription',
    ]) {
      expect(Object.keys(expected), 'fixture lists the type').toContain(type);
    }
    expect(actual).toEqual(expected);
  });

  it('uses one customer-managed KMS key with rotation, retained on delete', () => {
    // Prepare
    const keys = template.findResources('AWS::KMS::Key');

    // Act
    const key = keys[keyId] as Resource;

    // Assess
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('runs every function on nodejs24.x, arm64, with active tracing and a log group with retention', () => {
    // Prepare
    const lambdas = platformFunctions(functionsTemplate);
    const logGroups = functionsTemplate.findResources('AWS::Logs::LogGroup');

    // Act
    const logGroupOf = (fn: Resource): Resource => {
      const ref = fn.Properties.LoggingConfig?.LogGroup?.Ref as string | undefined;
      expect(ref, 'function without an explicit log group').toBeDefined();
      return logGroups[ref!] as Resource;
    };

    // Assess
    expect(lambdas).toHaveLength(Object.keys(functions).length);
    for (const [id, fn] of lambdas) {
      expect(fn.Properties.Runtime, id).toBe('nodejs24.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Handler, id).toBe('index.handler');
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS, id).toBe('--enable-source-maps');
      expect(logGroupOf(fn).Properties.RetentionInDays, id).toBe(30);
    }
  });

  it('configures each function from its definition: memory, timeout, env of the resources it may touch', () => {
    // Prepare
    const definitions = Object.values(functions as Record<string, FunctionDefinition>);

    // Act
    const actual = definitions.map((definition) => ({ definition, fn: functionByDescription(functionsTemplate, definition.description) }));

    // Assess
    for (const { definition, fn } of actual) {
      const env = fn.Properties.Environment.Variables as Record<string, unknown>;
      expect(fn.Properties.MemorySize).toBe(definition.memoryMb);
      expect(fn.Properties.Timeout).toBe(definition.timeoutSeconds);
      expect(env).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'customs-clearance',
        POWERTOOLS_METRICS_NAMESPACE: 'CustomsClearance',
        NATIONAL_CURRENCY: 'GBP',
        CUSTOMS_COUNTRY: 'GB',
        CUSTOMS_OFFICES: region.customsOffices.join(','),
        IDEMPOTENCY_TTL_SECONDS: String(region.idempotencyDays * 86_400),
        STALLED_AFTER_MINUTES: String(region.stalledAfterMinutes),
        REVIEW_CLAIM_MINUTES: String(region.reviewClaimMinutes),
        REQUIRE_DECLARATION_SIGNATURES: String(region.requireDeclarationSignatures),
      });
      // Only what a function reads (shared/config.ts): no unused variables.
      for (const unused of ['REGION_NAME', 'STAGE', 'ARCHIVE_RETENTION_YEARS']) expect(env).not.toHaveProperty(unused);
      const resourceEnv = Object.keys(env)
        .filter((name) => /_(TABLE_NAME|BUCKET_NAME|QUEUE_URL)$/.test(name))
        .sort();
      const expected = [
        ...Object.keys(definition.access.tables ?? {}).map((t) => tableNameEnv(t as keyof typeof tables)),
        ...Object.keys(definition.access.buckets ?? {}).map((b) => bucketNameEnv(b as 'archive')),
        ...(definition.access.sendTo ?? []).map((q) => queueUrlEnv(q)),
      ].sort();
      expect(resourceEnv, definition.entry).toEqual(expected);
    }
  });

  it('gives every queue a KMS-encrypted dead-letter queue with the defined maxReceiveCount and 14 days retention', () => {
    // Prepare
    // Pipeline queues only: the dead-letter queues of schedules are asserted in operations.test.ts.
    const all = Object.fromEntries(resourcesOf(template, 'AWS::SQS::Queue').filter(([id]) => !id.includes('ScheduleDeadLetterQueue')));

    // Act
    const sources = Object.entries(all).filter(([, q]) => q.Properties.RedrivePolicy !== undefined);

    // Assess
    expect(Object.keys(all)).toHaveLength(2 * Object.keys(queues).length);
    expect(sources).toHaveLength(Object.keys(queues).length);
    for (const [id, queue] of Object.entries(all)) {
      expect(queue.Properties.KmsMasterKeyId, id).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    }
    for (const [name, definition] of Object.entries(queues)) {
      const prefix = `${name.charAt(0).toUpperCase()}${name.slice(1)}Queue`;
      const [, source] = sources.find(([id]) => id.startsWith(prefix))!;
      const dlqId = source.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;
      expect(source.Properties.VisibilityTimeout, name).toBe(definition.visibilityTimeoutSeconds);
      expect(source.Properties.RedrivePolicy.maxReceiveCount, name).toBe(definition.maxReceiveCount);
      expect(source.Properties.MessageRetentionPeriod, name).toBe(definition.retentionDays * 86_400);
      expect(all[dlqId]!.Properties.MessageRetentionPeriod, name).toBe(14 * 86_400);
      // A message moved to the DLQ keeps its first enqueue time: the DLQ must keep it longer.
      expect(all[dlqId]!.Properties.MessageRetentionPeriod, name).toBeGreaterThan(source.Properties.MessageRetentionPeriod);
      expect(all[dlqId]!.Properties.RedrivePolicy, name).toBeUndefined();
    }
  });

  it('denies non-TLS access to every queue', () => {
    // Prepare
    const policies = resourcesOf(template, 'AWS::SQS::QueuePolicy');

    // Act
    const denies = policies.map(([, p]) =>
      (p.Properties.PolicyDocument.Statement as any[]).some(
        (s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      ),
    );

    // Assess
    expect(policies).toHaveLength(2 * Object.keys(queues).length + scheduleTriggerCount);
    expect(denies.every(Boolean)).toBe(true);
  });

  it('maps queue triggers to event source mappings that report batch item failures', () => {
    // Prepare
    const mappings = resourcesOf(functionsTemplate, 'AWS::Lambda::EventSourceMapping');
    const triggers = Object.values(functions as Record<string, FunctionDefinition>).flatMap((d) =>
      d.triggers.filter((t) => t.kind === 'queue'),
    );

    // Act
    const responseTypes = mappings.map(([, m]) => m.Properties.FunctionResponseTypes as string[]);

    // Assess
    expect(mappings).toHaveLength(triggers.length);
    expect(responseTypes.every((types) => types.length === 1 && types[0] === 'ReportBatchItemFailures')).toBe(true);
    functionsTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: region.queueConcurrency.validation },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ValidationQueue'), 'Arn'] },
    });
    // The documents worker seals and archives once per invocation: batches of 100, filled for up to a second.
    functionsTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DocumentsQueue'), 'Arn'] },
    });
  });

  it('refuses a queue trigger above 10 messages a batch without a batching window', () => {
    // Prepare
    const unwindowed: ResourceDefinitions = {
      ...defaultDefinitions,
      functions: {
        ...defaultDefinitions.functions,
        issueDocuments: { ...functions.issueDocuments, triggers: [{ kind: 'queue', queue: 'documents', batchSize: 100 }] },
      },
    };

    // Act
    const synth = (): unknown => build({ definitions: unwindowed, nag: false });

    // Assess
    expect(synth).toThrow(/'issueDocuments': a batch size above 10 \(100\) needs maxBatchingWindowSeconds/);
  });

  it('creates the tables with the region capacity mode, PITR, CMK encryption, their GSIs and TTL', () => {
    // Prepare
    const all = resourcesOf(template, 'AWS::DynamoDB::GlobalTable');

    // Act
    const byKey = (partitionKey: string): Resource => all.find(([, t]) => t.Properties.KeySchema[0].AttributeName === partitionKey)![1];

    // Assess
    expect(all).toHaveLength(Object.keys(tables).length);
    for (const [id, table] of all) {
      const replica = table.Properties.Replicas[0];
      // A dev stack is billed on demand even where the region is provisioned (tests/infra/table-capacity.test.ts
      // checks the prod stage's auto scaling of each table and index, and on-demand).
      expect(table.Properties.BillingMode, id).toBe('PAY_PER_REQUEST');
      expect(table.Properties.SSESpecification, id).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      expect(replica.SSESpecification, id).toEqual({ KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      expect(replica.PointInTimeRecoverySpecification, id).toEqual({ PointInTimeRecoveryEnabled: true });
      // dev stacks can be torn down (stages.dev.retainOnDelete = false); prod is asserted below.
      expect(replica.DeletionProtectionEnabled, id).toBe(false);
    }
    const main = byKey(tables.main.partitionKey);
    expect(main.Properties.GlobalSecondaryIndexes.map((i: any) => [i.IndexName, i.KeySchema.map((k: any) => k.AttributeName)])).toEqual(
      Object.entries(tables.main.globalSecondaryIndexes).map(([name, index]) => [name, [index.partitionKey, index.sortKey]]),
    );
    expect(main.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'purgeAt', Enabled: true });
    const idempotency = byKey(tables.idempotency.partitionKey);
    expect(idempotency.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect(idempotency.Properties.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('locks the archive in COMPLIANCE mode for the retention years, versioned, SSE-KMS, private, logged and retained', () => {
    // Prepare
    // The console's buckets are tested with the console (tests/infra/console-site.test.ts).
    const buckets = resourcesOf(template, 'AWS::S3::Bucket').filter(([id]) => !id.startsWith('ConsoleSite'));
    const sse = (b: (typeof buckets)[number][1]) =>
      b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm;

    // Act
    const [, archive] = buckets.find(([, b]) => b.Properties.ObjectLockEnabled === true)!;
    const [accessLogId, accessLog] = buckets.find(([, b]) => sse(b) === 'AES256')!;
    const [, reference] = buckets.find(([, b]) => b.Properties.ObjectLockEnabled === undefined && sse(b) === 'aws:kms')!;

    // Assess
    expect(buckets).toHaveLength(3);
    expect(reference.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(reference.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: accessLogId }, LogFilePrefix: 'reference/' });
    expect(archive.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 * region.archiveRetentionYears } },
    });
    expect(archive.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(archive.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    expect(archive.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: accessLogId }, LogFilePrefix: 'archive/' });
    expect(archive.DeletionPolicy).toBe('Retain');
    expect(accessLog.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'AES256',
    });
    expect(accessLog.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(accessLog.DeletionPolicy).toBe('Retain');
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it("sends the archive's ObjectCreated events under declarations/ to the document uploads queue, which only S3 of this account may send to", () => {
    // Prepare
    const buckets = resourcesOf(template, 'AWS::S3::Bucket');
    const queuePolicies = resourcesOf(template, 'AWS::SQS::QueuePolicy');
    const [, key] = resourcesOf(template, 'AWS::KMS::Key')[0]!;

    // Act
    const [, archive] = buckets.find(([, b]) => b.Properties.ObjectLockEnabled === true)!;
    const notified = buckets.filter(([, b]) => b.Properties.NotificationConfiguration !== undefined);
    const [queueId] = Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) => id.startsWith('DocumentUploadsQueue'));
    const [policyId, policy] = queuePolicies.find(([, p]) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: queueId }]))!;
    const s3Statements = (resource: Resource) =>
      (resource.Properties.PolicyDocument?.Statement ?? resource.Properties.KeyPolicy.Statement).filter(
        (statement: { Principal?: { Service?: string } }) => statement.Principal?.Service === 's3.amazonaws.com',
      );

    // Assess
    expect(notified).toHaveLength(1);
    expect(archive.Properties.NotificationConfiguration).toEqual({
      QueueConfigurations: [
        {
          Event: 's3:ObjectCreated:*',
          Queue: { 'Fn::GetAtt': [queueId, 'Arn'] },
          Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'declarations/' }] } },
        },
      ],
    });
    // CloudFormation checks the destination when it configures the bucket: the queue policy comes first.
    expect(archive.DependsOn).toContain(policyId);
    expect(s3Statements(policy)).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' },
        },
      }),
    ]);
    expect(s3Statements(key)).toEqual([expect.objectContaining({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'] })]);
    // No custom resource (CDK's addEventNotification would add a Lambda function with a managed policy).
    expect(resourcesOf(template, 'Custom::S3BucketNotifications')).toEqual([]);
  });

  it('lets the upload URL function put objects in the archive but not read them, and the receiving worker read but not put', () => {
    // Prepare
    const policies = resourcesOf(functionsTemplate, 'AWS::IAM::Policy');
    const [archiveId] = resourcesOf(template, 'AWS::S3::Bucket').find(([, b]) => b.Properties.ObjectLockEnabled === true)!;

    // Act
    const archiveActions = (prefix: string) =>
      policies
        .filter(([id]) => id.startsWith(prefix))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
        .filter((statement) => JSON.stringify(statement.Resource).includes(archiveId))
        .flatMap((statement) => asArray(statement.Action));

    // Assess
    expect(archiveActions('FunctionsRequestDocumentUploadRole')).toContain('s3:PutObject');
    expect(archiveActions('FunctionsRequestDocumentUploadRole').filter((action) => action.startsWith('s3:Get'))).toEqual([]);
    expect(archiveActions('FunctionsReceiveDocumentRole')).toEqual(['s3:GetObject']);
    expect(archiveActions('FunctionsReceiveDocumentRole').filter((action) => action.startsWith('s3:Put'))).toEqual([]);
  });

  it('gives every bucket a policy denying requests without TLS', () => {
    // Prepare
    const bucketIds = Object.keys(template.findResources('AWS::S3::Bucket'));

    // Act
    const policies = resourcesOf(template, 'AWS::S3::BucketPolicy');

    // Assess
    expect(policies.map(([, p]) => p.Properties.Bucket.Ref).sort()).toEqual([...bucketIds].sort());
    for (const [id, policy] of policies) {
      expect(policy.Properties.PolicyDocument.Statement, id).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      );
    }
  });

  it('creates an admin-only Cognito user pool with a strong password policy, threat protection and the party_id and agency_id attributes', () => {
    // Prepare
    const pools = resourcesOf(template, 'AWS::Cognito::UserPool');

    // Act
    const pool = pools[0]![1].Properties;

    // Assess
    expect(pools).toHaveLength(1);
    expect(pool.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(pool.Policies.PasswordPolicy).toMatchObject({
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
    });
    expect(pool.MfaConfiguration).toBe('OPTIONAL');
    expect(pool.UserPoolTier).toBe('PLUS');
    expect(pool.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    expect(pool.Schema).toEqual([
      expect.objectContaining({ Name: 'party_id', AttributeDataType: 'String', Mutable: true }),
      expect.objectContaining({ Name: 'agency_id', AttributeDataType: 'String', Mutable: true }),
    ]);
  });

  it('creates the trader, officer, admin and agency groups and an API client without secret that cannot write party_id or agency_id', () => {
    // Prepare
    const groups = resourcesOf(template, 'AWS::Cognito::UserPoolGroup');

    // Act
    // The console's client is tested with the console (tests/infra/console-site.test.ts).
    const clients = resourcesOf(template, 'AWS::Cognito::UserPoolClient').filter(([id]) => id.startsWith('UserPoolApiClient'));

    // Assess
    expect(groups.map(([, g]) => g.Properties.GroupName).sort()).toEqual(Object.keys(USER_GROUPS).sort());
    expect(clients).toHaveLength(1);
    const client = clients[0]![1].Properties;
    expect(client.GenerateSecret).toBe(false);
    expect(client.ReadAttributes).toContain('custom:party_id');
    // An empty list would leave every attribute writable (aws/aws-cdk#30608).
    expect(client.WriteAttributes.length).toBeGreaterThan(0);
    expect(client.WriteAttributes).not.toContain('custom:party_id');
    expect(client.ReadAttributes).toContain('custom:agency_id');
    expect(client.WriteAttributes).not.toContain('custom:agency_id');
  });

  it("protects the HTTP API with a Cognito JWT authorizer (ID tokens of the API's and the console's clients), throttles and logs its default stage", () => {
    // Prepare
    const clientIds = Object.keys(template.findResources('AWS::Cognito::UserPoolClient'));
    const [poolId] = Object.keys(template.findResources('AWS::Cognito::UserPool'));

    // Act
    const authorizers = resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer');
    const stages = resourcesOf(template, 'AWS::ApiGatewayV2::Stage');

    // Assess
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]![1].Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: clientIds.map((id) => ({ Ref: id })),
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.eu-west-2.amazonaws.com/', { Ref: poolId }]] },
      },
    });
    expect(stages).toHaveLength(1);
    expect(stages[0]![1].Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: region.throttle.rateLimit, ThrottlingBurstLimit: region.throttle.burstLimit },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogGroup/), 'Arn'] } },
    });
    expect(resourcesOf(template, 'AWS::ApiGatewayV2::Api')[0]![1].Properties.CorsConfiguration).toBeUndefined();
  });

  it('creates one route per http trigger, with the JWT authorizer unless the trigger says auth none', () => {
    // Prepare
    const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));

    // Act
    // The routes are in the routes' nested stack; the authorizer stays with the API in the parent.
    const routes = new Map(
      resourcesOf(routesTemplate, 'AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey as string, r.Properties]),
    );

    // Assess
    expect(routes.size).toBe(httpFunctions.length);
    for (const { trigger } of httpFunctions) {
      if (trigger.kind !== 'http') continue;
      const route = routes.get(`${trigger.method} ${trigger.path}`);
      expect(route, `${trigger.method} ${trigger.path}`).toBeDefined();
      if (trigger.auth === 'jwt') {
        expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
      } else {
        expect(route!.AuthorizationType).toBe('NONE');
        expect(route!.AuthorizerId).toBeUndefined();
      }
    }
  });

  it("integrates each route with its function, which only this API's route may invoke", () => {
    // Prepare
    const [apiId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Api'));
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    const permissions = resourcesOf(routesTemplate, 'AWS::Lambda::Permission');

    // Act
    const routed = resourcesOf(routesTemplate, 'AWS::ApiGatewayV2::Route').map(([, route]) => {
      const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref as string;
      const integration = routesTemplate.toJSON().Resources[integrationId] as Resource;
      const functionArn = integration.Properties.IntegrationUri;
      return { routeKey: route.Properties.RouteKey as string, route, integration, functionArn };
    });

    // Assess
    expect(integrations).toEqual({});
    expect(routed).toHaveLength(httpFunctions.length);
    for (const { definition, trigger } of httpFunctions) {
      if (trigger.kind !== 'http') continue;
      const routeKey = `${trigger.method} ${trigger.path}`;
      const found = routed.find((r) => r.routeKey === routeKey)!;
      const [functionId] = platformFunctions(functionsTemplate).find(([, fn]) => fn.Properties.Description === definition.description)!;
      expect(found.route.Properties.ApiId, routeKey).toEqual({ Ref: apiId });
      expect(found.integration.Properties, routeKey).toMatchObject({
        ApiId: { Ref: apiId },
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
      });
      const invokers = permissions.filter(([, p]) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify(found.functionArn));
      expect(
        invokers.map(([, p]) => p.Properties),
        routeKey,
      ).toContainEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
        Principal: 'apigateway.amazonaws.com',
        SourceArn: {
          'Fn::Join': ['', ['arn:aws:execute-api:eu-west-2:', { Ref: 'AWS::AccountId' }, ':', { Ref: apiId }, `/*/*${trigger.path}`]],
        },
      });
    }
    expect(permissions).toHaveLength(httpFunctions.length);
  });

  it('grants named actions only: no wildcard in any action, Resource "*" only for X-Ray', () => {
    // Prepare
    const statements = statementsOf(functionsTemplate).filter((s) => s.Effect === 'Allow');

    // Act
    const actions = statements.flatMap((s) => asArray(s.Action));
    const starResources = statements.filter((s) => asArray(s.Resource).includes('*'));

    // Assess
    expect(actions).not.toContain('*');
    expect(actions.filter((a) => a.endsWith(':*'))).toEqual([]);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(
      actions.filter((a) => /^(s3:Delete|s3:PutBucket|s3:BypassGovernanceRetention|dynamodb:DeleteTable|kms:ScheduleKeyDeletion)/.test(a)),
    ).toEqual([]);
    for (const statement of starResources) {
      expect(asArray(statement.Action).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
    for (const [id, role] of resourcesOf(functionsTemplate, 'AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it('runs scheduled functions from an EventBridge rule at their rate', () => {
    // Prepare
    const rules = resourcesOf(functionsTemplate, 'AWS::Events::Rule');

    // Assess
    expect(rules.map(([, rule]) => rule.Properties.ScheduleExpression).sort()).toEqual([
      'rate(1 hour)',
      'rate(1 minute)',
      'rate(5 minutes)',
    ]);
    const targetOf = (rate: string) =>
      JSON.stringify(rules.find(([, rule]) => rule.Properties.ScheduleExpression === rate)?.[1].Properties.Targets);
    expect(targetOf('rate(1 minute)')).toMatch(/RedriveStalled/);
    expect(targetOf('rate(1 hour)')).toMatch(/CloseEndedStatements/);
    expect(targetOf('rate(5 minutes)')).toMatch(/SendDuePayouts/);
  });

  it('alarms on any declaration marked PROCESSING_FAILED', () => {
    // Prepare
    const alarms = resourcesOf(alarmsTemplate, 'AWS::CloudWatch::Alarm').filter(([id]) => id.includes('ProcessingFailedAlarm'));

    // Assess
    expect(alarms).toHaveLength(1);
    expect(alarms[0]![1].Properties).toMatchObject({
      MetricName: 'DeclarationsFailed',
      Namespace: 'CustomsClearance',
      Dimensions: [{ Name: 'service', Value: 'customs-clearance' }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms on any message in a dead-letter queue', () => {
    // Prepare
    const alarms = resourcesOf(alarmsTemplate, 'AWS::CloudWatch::Alarm').filter(
      ([id]) => id.includes('DeadLetterAlarm') && !id.includes('ScheduleDeadLetterAlarm'),
    );

    // Assess
    expect(alarms).toHaveLength(Object.keys(defaultDefinitions.queues).length);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('generates the risk selection secret under the CMK and lets only the risk worker read it', () => {
    // Prepare
    const [secretId, secret] = resourcesOf(template, 'AWS::SecretsManager::Secret')[0]!;
    const policies = resourcesOf(functionsTemplate, 'AWS::IAM::Policy');

    // Act
    const readers = policies.filter(([, policy]) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).some(
        (statement) =>
          [statement.Action].flat().includes('secretsmanager:GetSecretValue') && JSON.stringify(statement.Resource).includes(secretId),
      ),
    );

    // Assess
    expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    expect(readers).toHaveLength(1);
    expect(readers[0]![0]).toMatch(/^FunctionsScoreRiskRoleDefaultPolicy/);
  });

  it('exports the API URL, console URL, user pool, client, archive bucket and table names', () => {
    // Prepare
    const outputs = template.findOutputs('*');

    // Act
    const names = Object.keys(outputs).sort();

    // Assess
    expect(names).toEqual(['ApiUrl', 'ArchiveBucketName', 'ConsoleUrl', 'TableName', 'UserPoolClientId', 'UserPoolId']);
  });
});

describe('CustomsStack (prod, eu-west-2)', () => {
  let template: Template;
  let functionsTemplate: Template;

  beforeAll(() => {
    const { stack } = build({ stage: 'prod' });
    template = Template.fromStack(stack);
    functionsTemplate = templateWithNestedStacks(stack, Object.values(stack.functionStacks));
  });

  it('protects tables and the user pool against deletion and retains stateful resources', () => {
    // Prepare
    const tablesInTemplate = resourcesOf(template, 'AWS::DynamoDB::GlobalTable');

    // Act
    const pool = resourcesOf(template, 'AWS::Cognito::UserPool')[0]![1];

    // Assess
    for (const [id, table] of tablesInTemplate) {
      expect(table.Properties.Replicas[0].DeletionProtectionEnabled, id).toBe(true);
      expect(table.DeletionPolicy, id).toBe('Retain');
    }
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
    expect(pool.DeletionPolicy).toBe('Retain');
    for (const [id, queue] of resourcesOf(template, 'AWS::SQS::Queue')) expect(queue.DeletionPolicy, id).toBe('Retain');
  });

  it('keeps the recorded logical IDs of the stateful resources in prod too', () => {
    // Prepare
    const expected = recordedStatefulLogicalIds;

    // Act
    const actual = statefulLogicalIds(template);

    // Assess
    expect(actual).toEqual(expected);
  });

  it('keeps function logs for a year', () => {
    // Prepare
    const logGroups = functionsTemplate.findResources('AWS::Logs::LogGroup') as Record<string, Resource>;

    // Act
    const retentions = platformFunctions(functionsTemplate).map(
      ([, fn]) => logGroups[fn.Properties.LoggingConfig.LogGroup.Ref]!.Properties.RetentionInDays,
    );

    // Assess
    expect(retentions).toEqual(Object.keys(functions).map(() => 365));
  });
});

describe('cdk-nag AwsSolutions checks', () => {
  it('report no unacknowledged finding when the app is synthesized with the nag plugin', () => {
    // Prepare
    const { app, stack } = build({ nag: true });

    // Act: the plugin runs as a policy-validation plugin during synth; a finding fails the synth.
    const assembly = app.synth();
    const reportFile = join(assembly.directory, 'validation-report.json');
    const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
    const direct = new AwsSolutionsChecks().validateScope(app);

    // Assess
    // pluginReports[] = { pluginName, conclusion: 'success' | 'failure', violations: [...] }
    expect(report.pluginReports.flatMap((r: any) => r.violations ?? [])).toEqual([]);
    expect(report.pluginReports.filter((r: any) => r.conclusion !== 'success')).toEqual([]);
    expect(direct.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(direct.success).toBe(true);
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledges rules only with a rule id and a specific reason, recorded in the template metadata', () => {
    // Prepare
    const { app, stack } = build({ nag: true });
    const template = Template.fromStack(stack);

    // Act
    const acknowledgments = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    // In the parent's template and the nested stacks' (the public route's acknowledgement is in the routes' stack).
    const recorded = Object.values(templatesOf(stack))
      .flatMap((each) => Object.values(each.toJSON().Resources as Record<string, Resource>))
      .flatMap((r) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[]);

    // Assess
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgments) {
      expect(id).toMatch(/^Annotation::AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.length, id).toBeGreaterThanOrEqual(60);
    }
    const ids = new Set(acknowledgments.map(([id]) => id.replace(/^Annotation::/, '')));
    expect(ids).toEqual(
      new Set([
        'AwsSolutions-COG2',
        'AwsSolutions-APIG4',
        'AwsSolutions-SMG4',
        'AwsSolutions-SQS3',
        // The functions: X-Ray, and the object key patterns of their bucket grants (no wildcard action, no index/*).
        'AwsSolutions-IAM5[Resource::*]',
        // The functions are in nested stacks: the bucket's ARN is the parameter the parent passes it by.
        ...Object.values(archived).map(
          (pattern) => `AwsSolutions-IAM5[Resource::<${arnParameter(stack, logicalIdOf(template, 'ArchiveBucket'))}>/${pattern}]`,
        ),
        ...Object.values(referenceKeys).map(
          (pattern) => `AwsSolutions-IAM5[Resource::<${arnParameter(stack, logicalIdOf(template, 'ReferenceBucket'))}>/${pattern}]`,
        ),
        // The console (infra/constructs/console-site.ts): its distribution and its BucketDeployment.
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR4',
        'AwsSolutions-L1',
        'AwsSolutions-IAM5[Action::s3:Abort*]',
        'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        'AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-eu-west-2/*]',
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<ConsoleSiteBucket[0-9A-F]{8}\.Arn>\/\*\]$/),
      ]),
    );
    expect(new Set(recorded.map((r) => r.id))).toEqual(ids);
  });

  it('fails the synth on a finding that is not acknowledged (the check is live)', () => {
    // Prepare
    const { app, stack } = build({ nag: true });
    const { role } = stack.functions.openApi!;
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::some-bucket'] }));

    // Act
    const synth = (): unknown => app.synth();

    // Assess
    expect(synth).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
  });
});

describe('cdk-nag in the nested stacks', () => {
  it('checks the resources of the nested stacks too: an unacknowledged finding in either fails the synth', () => {
    // Prepare: a public route without acknowledgement in the routes' stack, a queue without
    // encryption or dead-letter queue in the alarms' stack.
    const { app, stack } = build({ nag: true });
    new HttpRoute(stack.apiRoutesStack, 'UnacknowledgedPublicRoute', {
      httpApi: stack.httpApi,
      routeKey: HttpRouteKey.with('/v1/unacknowledged', HttpMethod.GET),
      integration: new HttpLambdaIntegration('UnacknowledgedIntegration', stack.functions.openApi!.fn),
    });
    new Queue(stack.alarmsStack, 'UnacknowledgedQueue');

    // Act
    const failure = synthError(app);

    // Assess
    // Each finding names the resource's construct path, then the rule to acknowledge.
    expect(failure).toMatch(
      /ApiRoutesStack\/UnacknowledgedPublicRoute\/Resource .*\n\s*Acknowledge with 'AwsSolutions::AwsSolutions-APIG4'/,
    );
    expect(failure).toMatch(/AlarmsStack\/UnacknowledgedQueue\/Resource .*\n\s*Acknowledge with 'AwsSolutions::AwsSolutions-SQS3'/);
  });

  it("applies the stack's tags to the nested stacks and to their resources", () => {
    // Prepare
    const { stack } = build({ nag: false });

    // Act
    const alarms = resourcesOf(Template.fromStack(stack.alarmsStack), 'AWS::CloudWatch::Alarm');
    const nestedStackResources = resourcesOf(Template.fromStack(stack), 'AWS::CloudFormation::Stack');

    // Assess
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, resource] of [...alarms, ...nestedStackResources]) {
      expect(resource.Properties.Tags, id).toEqual(
        expect.arrayContaining([
          { Key: 'project', Value: 'customs-clearance' },
          { Key: 'stage', Value: 'dev' },
        ]),
      );
    }
    // The routes', the alarms' and one per group of functions.
    expect(nestedStackResources).toHaveLength(2 + Object.keys(stack.functionStacks).length);
  });
});

describe('queue visibility timeout rule', () => {
  const tooSlow: ResourceDefinitions = {
    ...defaultDefinitions,
    functions: {
      ...defaultDefinitions.functions,
      // 31 s x 6 = 186 s > the validation queue's 180 s visibility timeout.
      validateDeclaration: { ...functions.validateDeclaration, timeoutSeconds: 31 },
    },
  };

  it('accepts the shared definitions', () => {
    // Prepare
    const { functions: fns, queues: qs } = defaultDefinitions;

    // Act
    const check = (): void => assertVisibilityTimeouts(fns, qs);

    // Assess
    expect(check).not.toThrow();
  });

  it('throws when a queue visibility timeout is below 6x the timeout of its consumer', () => {
    // Prepare
    const { functions: fns, queues: qs } = tooSlow;

    // Act
    const check = (): void => assertVisibilityTimeouts(fns, qs);

    // Assess
    expect(check).toThrow(/Queue 'validation' has a visibility timeout of 180s.*'validateDeclaration' has a timeout of 31s.*at least 6x/);
  });

  it('stops the synth of a stack built from such definitions', () => {
    // Prepare
    const options: BuildAppOptions = { definitions: tooSlow, nag: false };

    // Act
    const synth = (): unknown => build(options);

    // Assess
    expect(synth).toThrow(/at least 6x the function timeout plus the batching window \(186s\)/);
  });

  it('counts the batching window: a documents queue kept at 6x its consumer timeout alone is refused', () => {
    // Prepare: issueDocuments waits up to 1 s to fill its batch of 100, so 6 x 30 s is 1 s short.
    const documentsAt180 = { documents: { ...queues.documents, visibilityTimeoutSeconds: 180 } };

    // Act
    const check = (): void => assertVisibilityTimeouts({ issueDocuments: functions.issueDocuments }, documentsAt180);

    // Assess
    expect(check).toThrow(/Queue 'documents' has a visibility timeout of 180s.*plus the batching window \(181s\)/);
  });
});

describe('stage selection', () => {
  it('deploys dev and prod only', () => {
    // Prepare
    const valid = ['dev', 'prod'];

    // Act
    const parsed = valid.map(parseStage);

    // Assess
    expect(parsed).toEqual(valid);
    expect(() => parseStage('local')).toThrow(/Unknown stage 'local'/);
    expect(() => parseStage('staging')).toThrow(/Unknown stage 'staging'/);
  });
});
