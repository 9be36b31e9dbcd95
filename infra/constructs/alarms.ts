/**
 * CloudWatch alarms, each sending to the alarm topic of `operations.ts` (and, except the
 * per-event ProcessingFailed alarm, telling it when the alarm is OK again):
 *
 * - a message in a dead-letter queue (one per queue, and one per schedule's DLQ);
 * - declarations marked PROCESSING_FAILED;
 * - per function: Lambda Errors and Throttles;
 * - per pipeline queue: the age of its oldest message above the region's `queueAgeAlarmMinutes`;
 * - the HTTP API stage: 5xx responses, and 429 (throttled) responses counted from its access log;
 * - per table: read and write throttle events, of the table and its GSIs.
 *
 * Stateless: the alarms live in this construct (logical IDs `Alarms<Queue>DeadLetterAlarm…`,
 * `AlarmsProcessingFailedAlarm…`, `Alarms<Function>ErrorsAlarm…`, ...), which `infra/stack.ts`
 * creates in the nested stack `AlarmsStack`: two alarms per function would otherwise take the
 * parent's resource quota. Alarms are given no `alarmName`, so CloudFormation names them after their
 * stack and logical ID and they can move between stacks without colliding.
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from '#infra/config/environment.ts';
import { pascalCase } from '#infra/function-factory.ts';
import type { TableDefinition } from '#shared/resources.ts';

export interface AlarmsProps {
  /** Where every alarm sends its notifications. */
  readonly topic: ITopic;
  /** Alarm when the oldest message of a queue is older than this (`queueAgeAlarmMinutes`). */
  readonly queueAgeAlarmMinutes: number;
  /** Dead-letter queues by the name of their source queue. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** The pipeline queues by name. */
  readonly queues: Readonly<Record<string, IQueue>>;
  /** The functions by name, with the dead-letter queue of their schedule, if any. */
  readonly functions: Readonly<Record<string, { readonly fn: IFunction; readonly scheduleDeadLetterQueue: IQueue | undefined }>>;
  /** The tables by name, and their definitions (for the names of their GSIs). */
  readonly tables: Readonly<Record<string, ITableV2>>;
  readonly tableDefinitions: Readonly<Record<string, TableDefinition>>;
  readonly apiStage: IHttpStage;
  /** The access log group of the API stage (JSON lines with a `status` field). */
  readonly apiAccessLogGroup: ILogGroup;
}

/** Metric name of the throttled (429) API responses counted from the access log. */
export const API_THROTTLED_METRIC = 'ApiThrottledRequests';

const oneMinute = Duration.minutes(1);

/** Two bad minutes out of five: one bad minute is a blip, two within five are a problem. */
const sustained = { evaluationPeriods: 5, datapointsToAlarm: 2 } as const;

/** `> 0`, a missing datapoint (no traffic) being fine. */
const anyAtAll = {
  threshold: 0,
  comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
  treatMissingData: TreatMissingData.NOT_BREACHING,
} as const;

/** CloudWatch evaluates at most 10 metrics in one alarm's expression. */
const MAX_ALARM_METRICS = 10;

export class Alarms extends Construct {
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.action = new SnsAction(props.topic);

    // A message in a dead-letter queue is a declaration that stopped moving: someone must look.
    for (const [name, deadLetterQueue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(`${pascalCase(name)}DeadLetterAlarm`, {
        alarmDescription: `Messages in the ${name} dead-letter queue: declarations stopped in the pipeline. Fix the cause, then redrive the DLQ (SQS StartMessageMoveTask).`,
        metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: oneMinute, statistic: 'Maximum' }),
        evaluationPeriods: 1,
        ...anyAtAll,
      });
    }

    // A declaration marked PROCESSING_FAILED (its last delivery failed, or redrives gave up) waits
    // for an administrator: shared/workers/stage-worker.ts and the redrive count them. One alarm
    // per event: no OK notification a minute later.
    this.alarm(
      'ProcessingFailedAlarm',
      {
        alarmDescription:
          'Declarations moved to PROCESSING_FAILED: see GET /v1/review/queue?lane=FAILED, fix the cause, then POST /v1/admin/declarations/{id}/retry.',
        metric: new Metric({
          namespace: POWERTOOLS_METRICS_NAMESPACE,
          metricName: 'DeclarationsFailed',
          dimensionsMap: { service: POWERTOOLS_SERVICE_NAME },
          period: oneMinute,
          statistic: 'Sum',
        }),
        evaluationPeriods: 1,
        ...anyAtAll,
      },
      { ok: false },
    );

    for (const [name, { fn, scheduleDeadLetterQueue }] of Object.entries(props.functions)) {
      const id = pascalCase(name);
      // Errors: the function threw or timed out (a stage's failed record is a partial batch
      // failure, not a function error, unless the whole batch failed).
      this.alarm(`${id}ErrorsAlarm`, {
        alarmDescription: `The ${name} function failed (threw or timed out) in two of the last five minutes: see its log group.`,
        metric: fn.metricErrors({ period: oneMinute, statistic: 'Sum' }),
        ...sustained,
        ...anyAtAll,
      });
      // Throttles: invocations refused for lack of concurrency (its reserved concurrency, or the account's).
      this.alarm(`${id}ThrottlesAlarm`, {
        alarmDescription: `The ${name} function was throttled in two of the last five minutes: its reserved concurrency or the account's concurrency is exhausted.`,
        metric: fn.metricThrottles({ period: oneMinute, statistic: 'Sum' }),
        ...sustained,
        ...anyAtAll,
      });
      if (scheduleDeadLetterQueue) {
        this.alarm(`${id}ScheduleDeadLetterAlarm`, {
          alarmDescription: `EventBridge could not invoke ${name} on schedule (events in its dead-letter queue): check the function exists, its permissions and throttles.`,
          metric: scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: oneMinute, statistic: 'Maximum' }),
          evaluationPeriods: 1,
          ...anyAtAll,
        });
      }
    }

    // A pipeline queue whose oldest message waits longer than a stage ever takes: a backlog the
    // consumers do not drain, or a message failing and being retried before it reaches the DLQ.
    for (const [name, queue] of Object.entries(props.queues)) {
      this.alarm(`${pascalCase(name)}QueueAgeAlarm`, {
        alarmDescription: `The oldest message of the ${name} queue has waited more than ${props.queueAgeAlarmMinutes} minutes: a backlog, or a message failing and being retried.`,
        metric: queue.metricApproximateAgeOfOldestMessage({ period: oneMinute, statistic: 'Maximum' }),
        threshold: props.queueAgeAlarmMinutes * 60,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        ...sustained,
      });
    }

    // The API answered 5xx: a function failed or timed out behind it, or API Gateway itself did.
    this.alarm('ApiServerErrorAlarm', {
      alarmDescription:
        'The HTTP API answered 5xx in two of the last five minutes: see the access log (integrationError) and the Errors alarms.',
      metric: props.apiStage.metricServerError({ period: oneMinute, statistic: 'Sum' }),
      ...sustained,
      ...anyAtAll,
    });

    // An HTTP API has no 429 metric, only `4xx`, which mostly counts callers' own errors (401, 403,
    // 404, 422): alarming on it would page for traders' mistakes. The stage's throttled requests
    // are counted from its access log instead (status 429).
    const throttled = new MetricFilter(this, 'ApiThrottledRequestsFilter', {
      logGroup: props.apiAccessLogGroup,
      filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: POWERTOOLS_METRICS_NAMESPACE,
      metricName: API_THROTTLED_METRIC,
      metricValue: '1',
    });
    this.alarm('ApiThrottledAlarm', {
      alarmDescription:
        'The HTTP API throttled requests (429) in two of the last five minutes: traffic above the stage throttle (region config) or the account quota.',
      metric: throttled.metric({ period: oneMinute, statistic: 'Sum' }),
      ...sustained,
      ...anyAtAll,
    });

    // DynamoDB throttled reads or writes of a table or one of its GSIs (on-demand tables too,
    // above their warm throughput): the SDK retries, so a sustained count means requests fail.
    for (const [name, table] of Object.entries(props.tables)) {
      const indexes = Object.keys(props.tableDefinitions[name]?.globalSecondaryIndexes ?? {});
      for (const kind of ['Read', 'Write'] as const) {
        this.alarm(`${pascalCase(name)}Table${kind}ThrottleAlarm`, {
          alarmDescription: `DynamoDB throttled ${kind.toLowerCase()}s of the ${name} table or its indexes in two of the last five minutes.`,
          metric: throttleEvents(table, `${kind}ThrottleEvents`, indexes),
          ...sustained,
          ...anyAtAll,
        });
      }
    }
  }

  /** An alarm that notifies the topic when it fires and, unless `ok` is false, when it is OK again. */
  private alarm(id: string, props: AlarmProps, options: { ok: boolean } = { ok: true }): Alarm {
    const alarm = new Alarm(this, id, props);
    alarm.addAlarmAction(this.action);
    if (options.ok) alarm.addOkAction(this.action);
    return alarm;
  }
}

/** The sum of a throttle metric over a table and each of its GSIs (each reported with its own dimension). */
function throttleEvents(table: ITableV2, metricName: string, indexes: readonly string[]): IMetric {
  const metric = (index?: string): Metric =>
    new Metric({
      namespace: 'AWS/DynamoDB',
      metricName,
      dimensionsMap: { TableName: table.tableName, ...(index === undefined ? {} : { GlobalSecondaryIndexName: index }) },
      period: oneMinute,
      statistic: 'Sum',
    });
  const metrics = [metric(), ...indexes.map((index) => metric(index))];
  if (metrics.length > MAX_ALARM_METRICS) {
    throw new Error(`Table ${table.node.id}: ${metrics.length} throttle metrics, more than one alarm can sum (${MAX_ALARM_METRICS})`);
  }
  const usingMetrics = Object.fromEntries(metrics.map((m, index) => [`m${index}`, m]));
  // SUM over the list adds the series per minute; a series without data (no throttling) adds nothing.
  return new MathExpression({
    expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    label: `${metricName} of the table and its indexes`,
    period: oneMinute,
  });
}
