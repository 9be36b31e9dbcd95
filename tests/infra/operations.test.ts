/**
 * Operations: the alarm topic and who may use its key, the alarms and where they send, the
 * concurrency the region config gives intake and the queue consumers, and the redrive schedule's
 * dead-letter queue. (cdk-nag runs over the same stack in stack.test.ts.) The alarms are in the
 * stack's `alarmsStack`, read with the parameters the parent passes it resolved: they name the
 * parent's topic, queues and tables and the functions (in the functions' nested stacks, read merged
 * with the parent) by their logical IDs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, featureFlags } from '#infra/app.ts';
import { type RegionConfig, regions } from '#infra/config/regions.ts';
import { SCHEDULE_DEAD_LETTER_RETENTION_DAYS } from '#infra/function-factory.ts';
import { CustomsStack } from '#infra/stack.ts';
import { type FunctionDefinition, functions, queues, tables } from '#shared/resources.ts';
import { resolvedNestedTemplate, templateWithNestedStacks } from './support/nested-template.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Statement = { Sid?: string; Effect: string; Principal?: any; Action: string | string[]; Condition?: any; Resource?: unknown };

const region = regions['eu-west-2'];
const outdirs: string[] = [];
const definitions = Object.entries(functions as Record<string, FunctionDefinition>);
const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

function onlyOne(template: Template, type: string, idPrefix: string): [string, Resource] {
  const found = resourcesOf(template, type).filter(([id]) => id.startsWith(idPrefix));
  expect(found, `${type} ${idPrefix}`).toHaveLength(1);
  return found[0]!;
}

/** The one alarm whose logical ID starts with `Alarms<idPrefix>`, in the alarms' nested stack. */
function alarm(alarmsTemplate: Template, idPrefix: string): Resource {
  return onlyOne(alarmsTemplate, 'AWS::CloudWatch::Alarm', `Alarms${idPrefix}`)[1];
}

function functionId(template: Template, name: string): string {
  return onlyOne(template, 'AWS::Lambda::Function', `Functions${pascal(name)}Function`)[0];
}

/** A stack of the default definitions for a region config, without bundling or cdk-nag. */
function stackFor(config: RegionConfig): CustomsStack {
  const outdir = mkdtempSync(join(tmpdir(), 'customs-cdk-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { ...featureFlags, 'aws:cdk:bundling-stacks': [] } });
  return new CustomsStack(app, 'Customs-dev-test', {
    env: { region: config.awsRegion },
    regionName: 'eu-west-2',
    region: config,
    stage: 'dev',
  });
}

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

describe('operations (dev, eu-west-2)', () => {
  let template: Template;
  let alarms: Template;
  let topicId: string;
  let operationsKeyId: string;

  beforeAll(() => {
    const outdir = mkdtempSync(join(tmpdir(), 'customs-cdk-'));
    outdirs.push(outdir);
    const { stack } = buildApp({ region: 'eu-west-2', stage: 'dev', outdir, nag: false, context: { 'aws:cdk:bundling-stacks': [] } });
    // The functions (and their schedules) are in nested stacks, one per group: merged with the parent.
    template = templateWithNestedStacks(stack, Object.values(stack.functionStacks));
    alarms = resolvedNestedTemplate(stack.alarmsStack);
    [topicId] = onlyOne(template, 'AWS::SNS::Topic', 'AlarmTopic');
    [operationsKeyId] = onlyOne(template, 'AWS::KMS::Key', 'OperationsKey');
  });

  describe('alarm topic', () => {
    it('is the one topic, encrypted with the rotated operations key, and subscribes the region alarm e-mail', () => {
      // Prepare
      const topics = resourcesOf(template, 'AWS::SNS::Topic');
      const [, key] = onlyOne(template, 'AWS::KMS::Key', 'OperationsKey');

      // Act
      const subscriptions = resourcesOf(template, 'AWS::SNS::Subscription');

      // Assess
      expect(topics).toHaveLength(1);
      expect(topics[0]![1].Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [operationsKeyId, 'Arn'] });
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(subscriptions.map(([, s]) => s.Properties)).toEqual([
        { Protocol: 'email', Endpoint: region.alarmEmail, TopicArn: { Ref: topicId } },
      ]);
    });

    it('denies publishing without TLS and lets CloudWatch alarms of this account publish', () => {
      // Prepare
      const [, policy] = onlyOne(template, 'AWS::SNS::TopicPolicy', 'AlarmTopicPolicy');

      // Act
      const statements = policy.Properties.PolicyDocument.Statement as Statement[];

      // Assess
      expect(policy.Properties.Topics).toEqual([{ Ref: topicId }]);
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Principal: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          expect.objectContaining({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      );
    });

    it('lets CloudWatch and EventBridge use the operations key, and neither the data key nor the seal', () => {
      // Prepare
      const keys = resourcesOf(template, 'AWS::KMS::Key');
      const servicesOf = (resource: Resource): string[] =>
        (resource.Properties.KeyPolicy.Statement as Statement[]).flatMap((s) => (s.Principal?.Service ? [s.Principal.Service] : []));

      // Act
      const operationsKey = keys.find(([id]) => id === operationsKeyId)![1];
      const dataKey = keys.find(([id]) => id.startsWith('DataKey'))![1];

      // Assess
      // The data key, the operations key and the customs seal (an asymmetric signing key).
      expect(keys).toHaveLength(3);
      expect(servicesOf(operationsKey).sort()).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
      expect(servicesOf(dataKey)).not.toContain('cloudwatch.amazonaws.com');
      expect(servicesOf(dataKey)).not.toContain('events.amazonaws.com');
      expect(operationsKey.Properties.KeyPolicy.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      );
    });
  });

  describe('alarms', () => {
    it('all notify the alarm topic, and all but the per-event ProcessingFailed alarm say when they are OK again', () => {
      // Prepare
      const all = resourcesOf(alarms, 'AWS::CloudWatch::Alarm');

      // Act
      const withoutOk = all.filter(([, a]) => a.Properties.OKActions === undefined).map(([id]) => id);

      // Assess
      expect(all.length).toBeGreaterThan(0);
      for (const [id, a] of all) {
        expect(a.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
        expect(a.Properties.ActionsEnabled ?? true, id).toBe(true);
      }
      expect(withoutOk).toEqual([expect.stringMatching(/^AlarmsProcessingFailedAlarm/)]);
      expect(all.filter(([id]) => !withoutOk.includes(id)).every(([, a]) => a.Properties.OKActions[0].Ref === topicId)).toBe(true);
    });

    it('alarms on Errors and on Throttles of every function, over 1-minute periods, two bad minutes in five', () => {
      // Prepare
      const expected = definitions.flatMap(([name]) => (['Errors', 'Throttles'] as const).map((metric) => ({ name, metric })));

      // Act
      const actual = expected.map(({ name, metric }) => ({ name, metric, alarm: alarm(alarms, `${pascal(name)}${metric}Alarm`) }));

      // Assess
      for (const { name, metric, alarm: a } of actual) {
        expect(a.Properties, `${name} ${metric}`).toMatchObject({
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(template, name) } }],
          Statistic: 'Sum',
          Period: 60,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 5,
          DatapointsToAlarm: 2,
          TreatMissingData: 'notBreaching',
        });
      }
    });

    it('alarms when the oldest message of a pipeline queue is older than the region threshold', () => {
      // Prepare
      const queueIds = resourcesOf(template, 'AWS::SQS::Queue').map(([id]) => id);

      // Act
      const actual = Object.keys(queues).map((name) => ({ name, alarm: alarm(alarms, `${pascal(name)}QueueAgeAlarm`) }));

      // Assess
      expect(region.queueAgeAlarmMinutes).toBe(5);
      for (const { name, alarm: a } of actual) {
        const queueId = queueIds.find((id) => id.startsWith(`${pascal(name)}Queue`));
        expect(a.Properties, name).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
          Statistic: 'Maximum',
          Period: 60,
          Threshold: region.queueAgeAlarmMinutes * 60,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      }
    });

    it('alarms on 5xx responses of the API stage', () => {
      // Prepare
      const [apiId] = onlyOne(template, 'AWS::ApiGatewayV2::Api', 'HttpApi');

      // Act
      const a = alarm(alarms, 'ApiServerErrorAlarm');

      // Assess
      expect(a.Properties).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Statistic: 'Sum',
        Period: 60,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(a.Properties.Dimensions).toEqual(
        expect.arrayContaining([
          { Name: 'ApiId', Value: { Ref: apiId } },
          { Name: 'Stage', Value: expect.anything() },
        ]),
      );
    });

    it('counts throttled (429) responses from the access log, HTTP APIs having no 429 metric, and alarms on them', () => {
      // Prepare
      const [accessLogId] = onlyOne(template, 'AWS::Logs::LogGroup', 'ApiAccessLogGroup');

      // Act
      const [, filter] = onlyOne(alarms, 'AWS::Logs::MetricFilter', 'AlarmsApiThrottledRequestsFilter');
      const a = alarm(alarms, 'ApiThrottledAlarm');

      // Assess
      expect(filter.Properties).toEqual({
        LogGroupName: { Ref: accessLogId },
        FilterPattern: '{ $.status = "429" }',
        MetricTransformations: [{ MetricNamespace: 'CustomsClearance', MetricName: 'ApiThrottledRequests', MetricValue: '1' }],
      });
      expect(a.Properties).toMatchObject({
        Namespace: 'CustomsClearance',
        MetricName: 'ApiThrottledRequests',
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    it('alarms on read and on write throttle events of every table, its GSIs included', () => {
      // Prepare
      const tableIds = resourcesOf(template, 'AWS::DynamoDB::GlobalTable').map(([id]) => id);

      // Act
      const actual = Object.entries(tables).flatMap(([name, definition]) =>
        (['Read', 'Write'] as const).map((kind) => ({
          name,
          definition,
          kind,
          alarm: alarm(alarms, `${pascal(name)}Table${kind}ThrottleAlarm`),
        })),
      );

      // Assess
      for (const { name, definition, kind, alarm: a } of actual) {
        const tableId = tableIds.find((id) => id.startsWith(`${pascal(name)}Table`));
        const metrics = a.Properties.Metrics as { Id: string; Expression?: string; MetricStat?: any; ReturnData?: boolean }[];
        const summed = metrics.filter((m) => m.MetricStat !== undefined);
        expect(metrics.find((m) => m.Expression)?.Expression, name).toBe(`SUM([${summed.map((m) => m.Id).join(', ')}])`);
        expect(summed.map((m) => m.MetricStat.Metric.MetricName)).toEqual(summed.map(() => `${kind}ThrottleEvents`));
        expect(summed.map((m) => m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'GlobalSecondaryIndexName')?.Value)).toEqual([
          undefined,
          ...Object.keys(definition.globalSecondaryIndexes),
        ]);
        for (const m of summed) {
          expect(m.MetricStat.Metric.Dimensions).toContainEqual({ Name: 'TableName', Value: { Ref: tableId } });
          expect(m.MetricStat).toMatchObject({ Period: 60, Stat: 'Sum' });
        }
        expect(a.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 5 });
      }
    });

    it('keeps the dead-letter queue and ProcessingFailed alarms, now with the topic', () => {
      // Prepare
      const names = Object.keys(queues);

      // Act
      const deadLetter = names.map((name) => alarm(alarms, `${pascal(name)}DeadLetterAlarm`));
      const failed = alarm(alarms, 'ProcessingFailedAlarm');

      // Assess
      for (const a of [...deadLetter, failed]) expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(failed.Properties.MetricName).toBe('DeclarationsFailed');
    });
  });

  describe('concurrency', () => {
    it('reserves the region concurrency for intake and for no other function', () => {
      // Prepare
      const reserved = region.reservedConcurrency as Partial<Record<string, number>>;

      // Act
      const actual = definitions.map(([name]) => ({
        name,
        value: resourcesOf(template, 'AWS::Lambda::Function').find(([id]) => id === functionId(template, name))![1].Properties
          .ReservedConcurrentExecutions,
      }));

      // Assess
      expect(Object.keys(reserved)).toEqual(['submitDeclaration']);
      for (const { name, value } of actual) expect(value, name).toBe(reserved[name]);
    });

    it("caps each queue's event source mapping at the region's maxConcurrency for that queue", () => {
      // Prepare
      const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping');
      const queueIds = resourcesOf(template, 'AWS::SQS::Queue').map(([id]) => id);

      // Act
      const byQueue = Object.keys(queues).map((name) => {
        const queueId = queueIds.find((id) => id.startsWith(`${pascal(name)}Queue`));
        const found = mappings.filter(([, m]) => m.Properties.EventSourceArn['Fn::GetAtt'][0] === queueId);
        return { name, found };
      });

      // Assess
      for (const { name, found } of byQueue) {
        expect(found, name).toHaveLength(1);
        expect(found[0]![1].Properties.ScalingConfig, name).toEqual({
          MaximumConcurrency: region.queueConcurrency[name as keyof typeof queues],
        });
      }
    });

    it('is sized for 1,000 declarations a second (the arithmetic of infra/config/regions.ts)', () => {
      // Prepare: the durations the sizing assumes
      const declarationsPerSecond = 1_000;
      const intakeSeconds = 0.2;
      const batchSeconds = 0.5;
      const defaultAccountConcurrency = 1_000;

      // Act
      const intakeInUse = declarationsPerSecond * intakeSeconds;
      const stages = ['validation', 'risk', 'duty', 'release'] as const;
      const perStage = stages.map((queue) => {
        const batchSize = definitions.flatMap(([, d]) => d.triggers).find((t) => t.kind === 'queue' && t.queue === queue);
        return { queue, perSecond: (region.queueConcurrency[queue] * (batchSize as { batchSize: number }).batchSize) / batchSeconds };
      });
      const atFullLoad =
        (region.reservedConcurrency.submitDeclaration ?? 0) + Object.values(region.queueConcurrency).reduce((sum, n) => sum + n, 0);

      // Assess
      expect(region.throttle.rateLimit).toBeGreaterThanOrEqual(declarationsPerSecond);
      expect(region.throttle.burstLimit).toBeGreaterThanOrEqual(region.throttle.rateLimit);
      expect(region.reservedConcurrency.submitDeclaration).toBeGreaterThanOrEqual(2 * intakeInUse);
      for (const { queue, perSecond } of perStage) expect(perSecond, queue).toBeGreaterThanOrEqual(declarationsPerSecond);
      // Lambda keeps 100 of an account's concurrency unreserved.
      expect(atFullLoad).toBeLessThanOrEqual(defaultAccountConcurrency - 100);
    });
  });

  describe('redrive schedule', () => {
    it('sends events it cannot deliver to an encrypted, TLS-only dead-letter queue of its own, after retries', () => {
      // Prepare
      const [queueId, queue] = onlyOne(template, 'AWS::SQS::Queue', 'RedriveStalledScheduleDeadLetterQueue');
      const [ruleId, rule] = onlyOne(template, 'AWS::Events::Rule', 'FunctionsRedriveStalledFunctionSchedule');

      // Act
      const [, policy] = resourcesOf(template, 'AWS::SQS::QueuePolicy').find(
        ([, p]) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: queueId }]),
      )!;
      const statements = policy.Properties.PolicyDocument.Statement as Statement[];

      // Assess
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [functionId(template, 'redriveStalled'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
        }),
      ]);
      expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [operationsKeyId, 'Arn'] });
      expect(queue.Properties.MessageRetentionPeriod).toBe(SCHEDULE_DEAD_LETTER_RETENTION_DAYS * 86_400);
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          expect.objectContaining({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      );
    });

    it('alarms on any event in that dead-letter queue', () => {
      // Prepare
      const [queueId] = onlyOne(template, 'AWS::SQS::Queue', 'RedriveStalledScheduleDeadLetterQueue');

      // Act
      const a = alarm(alarms, 'RedriveStalledScheduleDeadLetterAlarm');

      // Assess
      expect(a.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: topicId }],
      });
    });
  });
});

describe('operations settings of the region config', () => {
  it('refuses an alarm e-mail that is not an address (there is no default)', () => {
    // Prepare
    const config: RegionConfig = { ...region, alarmEmail: '' };

    // Act
    const build = (): unknown => stackFor(config);

    // Assess
    expect(build).toThrow(/alarmEmail '' of the region config is not an e-mail address/);
  });

  it('refuses a queue without maxConcurrency, or one outside the limits of an event source mapping', () => {
    // Prepare
    const { risk: _omitted, ...withoutRisk } = region.queueConcurrency;
    const missing = { ...region, queueConcurrency: withoutRisk } as unknown as RegionConfig;
    const tooLow: RegionConfig = { ...region, queueConcurrency: { ...region.queueConcurrency, duty: 1 } };

    // Act
    const buildMissing = (): unknown => stackFor(missing);
    const buildTooLow = (): unknown => stackFor(tooLow);

    // Assess
    expect(buildMissing).toThrow(/No queueConcurrency for queue 'risk'/);
    expect(buildTooLow).toThrow(/queueConcurrency of queue 'duty' must be an integer from 2 to 1000, not 1/);
  });
});
