/**
 * The one place a Lambda function is made from a `FunctionDefinition` of `shared/resources.ts`.
 *
 * Every function gets the same runtime defaults (Node.js 24 on arm64, ESM bundle built by the
 * local esbuild, source maps, X-Ray, an explicit log group with retention) and a role of its own
 * whose permissions come only from the statements `grantAccess` makes of the definition's
 * `access` (least privilege: docs/infrastructure.md). The cdk-nag IAM5 findings those statements
 * produce are acknowledged by `acknowledgeGrantWildcards` of `infra/nag-acknowledgements.ts`,
 * from the same `access` entries.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  accessEnvironment,
  type BucketName,
  type EventBusName,
  type FunctionDefinition,
  type QueueDefinition,
  type QueueName,
  type SecretName,
  type SigningKeyName,
  type TableAction,
  type TableDefinition,
  type TableName,
} from '#shared/resources.ts';
import { POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME, regionEnvironment } from './config/environment.ts';
import type { RegionConfig, StageName } from './config/regions.ts';
import { nodejsFunctionBundling } from './function-bundling.ts';
import { acknowledgeEventTargetDeadLetterQueue, acknowledgeGrantWildcards } from './nag-acknowledgements.ts';

export { POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME };

/**
 * AWS recommends a queue visibility timeout of at least six times the consumer's timeout, plus the
 * mapping's batching window (Lambda developer guide, "Using Lambda with Amazon SQS").
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** The deployed resources a function can be wired to, by logical name. */
export interface FunctionResources {
  readonly tables: Readonly<Record<string, ITableV2>>;
  readonly buckets: Readonly<Record<string, IBucket>>;
  readonly queues: Readonly<Record<string, IQueue>>;
  readonly secrets: Readonly<Record<string, ISecret>>;
  readonly signingKeys: Readonly<Record<string, IKey>>;
  /**
   * The console's public address (`https://<distribution domain>`), for functions whose access
   * names `publicSite`. None of them may be behind the HTTP API: the distribution routes to the
   * API, so an API function that named it would close a dependency cycle.
   */
  readonly publicSite: string;
  readonly eventBuses: Readonly<Record<string, IEventBus>>;
}

/** Where a construct is deployed: the stage, the region and its settings, and how long logs live. */
export interface DeploymentContext {
  readonly stage: StageName;
  /** Key of the region in `infra/config/regions.ts`, and its settings. */
  readonly regionName: string;
  readonly region: RegionConfig;
  readonly logRetentionDays: number;
  /** Removal policy of stage-scoped resources (log groups, tables, queues). */
  readonly removalPolicy: RemovalPolicy;
}

export interface FunctionFactoryContext extends DeploymentContext {
  /** Repository root: handler entries are relative to it, and it holds package-lock.json. */
  readonly projectRoot: string;
  readonly resources: FunctionResources;
  readonly queueDefinitions: Readonly<Record<string, QueueDefinition>>;
  readonly tableDefinitions: Readonly<Record<string, TableDefinition>>;
  /** Encrypts the dead-letter queues of scheduled rules (the operations key, `infra/constructs/operations.ts`). */
  readonly operationsKey: IKey;
  /**
   * The parent stack: the dead-letter queues of scheduled rules are stateful and are created there,
   * with their recorded logical IDs, while the functions are in nested stacks (`infra/function-groups.ts`).
   */
  readonly statefulStack: Stack;
}

export interface CreatedFunction {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** Where EventBridge puts the scheduled events it could not deliver, for a function with a `schedule` trigger. */
  readonly scheduleDeadLetterQueue: Queue | undefined;
}

/** Days the dead-letter queue of a schedule keeps an event it could not deliver (the SQS maximum). */
export const SCHEDULE_DEAD_LETTER_RETENTION_DAYS = 14;

/**
 * Throws when a queue's visibility timeout is shorter than six times the timeout of a function
 * consuming it: a message would otherwise become visible again while a retry of the same batch is
 * still running, and be processed twice.
 */
export function assertVisibilityTimeouts(
  functionDefinitions: Readonly<Record<string, FunctionDefinition>>,
  queueDefinitions: Readonly<Record<string, QueueDefinition>>,
): void {
  for (const [name, definition] of Object.entries(functionDefinitions)) {
    for (const trigger of definition.triggers) {
      if (trigger.kind !== 'queue') continue;
      const queue = queueDefinitions[trigger.queue];
      if (!queue) throw new Error(`Function '${name}' consumes unknown queue '${trigger.queue}'`);
      const minimum = VISIBILITY_TIMEOUT_FACTOR * definition.timeoutSeconds + (trigger.maxBatchingWindowSeconds ?? 0);
      if (queue.visibilityTimeoutSeconds < minimum) {
        throw new Error(
          `Queue '${trigger.queue}' has a visibility timeout of ${queue.visibilityTimeoutSeconds}s, but its consumer ` +
            `'${name}' has a timeout of ${definition.timeoutSeconds}s: the visibility timeout must be at least ` +
            `${VISIBILITY_TIMEOUT_FACTOR}x the function timeout plus the batching window (${minimum}s)`,
        );
      }
    }
  }
}

/** The environment of a function: names of the resources it may touch, plus region settings. */
export function functionEnvironment(definition: FunctionDefinition, context: FunctionFactoryContext): Record<string, string> {
  const { region, resources } = context;
  const environment: Record<string, string> = {
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE,
    ...regionEnvironment({ regionName: context.regionName, region, stage: context.stage }),
    ...accessEnvironment(definition, {
      table: (name) => required(resources.tables, name, 'table').tableName,
      bucket: (name) => required(resources.buckets, name, 'bucket').bucketName,
      queue: (name) => required(resources.queues, name, 'queue').queueUrl,
      secret: (name) => required(resources.secrets, name, 'secret').secretArn,
      signingKey: (name) => required(resources.signingKeys, name, 'signing key').keyArn,
      publicSite: () => {
        // The distribution routes to the HTTP API: an API function naming its address would close a cycle.
        if (definition.triggers.some((trigger) => trigger.kind === 'http'))
          throw new Error(`Function '${definition.entry}' is behind the HTTP API and cannot have access.publicSite`);
        return resources.publicSite;
      },
      eventBus: (name) => required(resources.eventBuses, name, 'event bus').eventBusName,
    }),
  };
  return environment;
}

/** Creates the function `name` from its definition: role, log group, grants and triggers (except HTTP routes). */
export function createFunction(
  scope: Construct,
  name: string,
  definition: FunctionDefinition,
  context: FunctionFactoryContext,
): CreatedFunction {
  const id = pascalCase(name);
  const entry = resolve(context.projectRoot, definition.entry);
  if (!existsSync(entry)) {
    throw new Error(`Handler entry of function '${name}' not found: ${entry}`);
  }

  const logGroup = new LogGroup(scope, `${id}LogGroup`, {
    retention: retentionDays(context.logRetentionDays),
    removalPolicy: context.removalPolicy,
  });
  // A role per function, without the AWS managed AWSLambdaBasicExecutionRole: the function may
  // write to its own log group only.
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of the ${name} function`,
  });
  logGroup.grantWrite(role);

  const fn = new NodejsFunction(scope, `${id}Function`, {
    entry,
    handler: definition.handler,
    description: definition.description,
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: definition.memoryMb,
    timeout: Duration.seconds(definition.timeoutSeconds),
    tracing: Tracing.ACTIVE,
    logGroup,
    role,
    environment: functionEnvironment(definition, context),
    // A ceiling and a floor from the region config (intake: sized for the stage's request rate).
    ...reservedConcurrency(name, context.region),
    projectRoot: context.projectRoot,
    depsLockFilePath: resolve(context.projectRoot, 'package-lock.json'),
    bundling: { ...nodejsFunctionBundling(definition), format: OutputFormat.ESM, forceDockerBundling: false },
  });

  grantAccess(fn, name, definition, context);
  const scheduleDeadLetterQueue = addTriggers(fn, name, definition, context);
  acknowledgeGrantWildcards(role, definition, context);
  return { fn, role, logGroup, scheduleDeadLetterQueue };
}

function reservedConcurrency(name: string, region: RegionConfig): { reservedConcurrentExecutions?: number } {
  const reserved = (region.reservedConcurrency as Readonly<Partial<Record<string, number>>>)[name];
  return reserved === undefined ? {} : { reservedConcurrentExecutions: reserved };
}

/** `maxConcurrency` of the event source mapping of a queue, from the region config. */
export function queueConcurrency(queue: string, region: RegionConfig): number {
  const maxConcurrency = (region.queueConcurrency as Readonly<Partial<Record<string, number>>>)[queue];
  if (maxConcurrency === undefined) throw new Error(`No queueConcurrency for queue '${queue}' in the region config`);
  // The limits of an SQS event source mapping's maximum concurrency.
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000) {
    throw new Error(`queueConcurrency of queue '${queue}' must be an integer from 2 to 1000, not ${maxConcurrency}`);
  }
  return maxConcurrency;
}

/**
 * Turns `access` into IAM statements, one per grant, with exactly the actions it names: DynamoDB
 * statements on the table (or the one index a grant queries) with a `dynamodb:LeadingKeys`
 * condition on the grant's key patterns; S3 statements on the grant's object key patterns; and
 * the customer-managed key's use those calls need, only through the service that makes them
 * (`kms:ViaService`). Nothing else adds permissions to a function's role but the log group, the
 * queue event sources (receive and delete) and X-Ray.
 */
function grantAccess(fn: NodejsFunction, name: string, definition: FunctionDefinition, context: FunctionFactoryContext): void {
  const { resources } = context;
  const keyUse = new KeyUse(Stack.of(fn).region);
  for (const [table, grants] of entries(definition.access.tables)) {
    const target = required(resources.tables, table, 'table', name);
    const indexes = Object.keys(required(context.tableDefinitions, table, 'table', name).globalSecondaryIndexes);
    for (const grant of grants) {
      if (grant.index !== undefined && !indexes.includes(grant.index)) {
        throw new Error(`Function '${name}' queries unknown index '${grant.index}' of table '${table}'`);
      }
      if (grant.index !== undefined && grant.actions.some((action) => action !== 'Query')) {
        throw new Error(`Function '${name}': a grant on index '${grant.index}' of table '${table}' may only Query`);
      }
      if (grant.keys.length === 0) throw new Error(`Function '${name}': a grant on table '${table}' names no partition keys`);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: grant.actions.map((action) => `dynamodb:${action}`),
          resources: [grant.index === undefined ? target.tableArn : `${target.tableArn}/index/${grant.index}`],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.keys] } },
        }),
      );
      const writes = grant.actions.some((action) => !TABLE_READS.includes(action));
      keyUse.add(target.encryptionKey, 'dynamodb', writes ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt']);
    }
  }
  for (const [bucket, grants] of entries(definition.access.buckets)) {
    const target = required(resources.buckets, bucket, 'bucket', name);
    for (const grant of grants) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: grant.actions.map((action) => `s3:${action}`),
          resources: grant.keys.map((pattern) => target.arnForObjects(pattern)),
        }),
      );
      if (grant.actions.includes('PutObject')) keyUse.add(target.encryptionKey, 's3', ['kms:GenerateDataKey']);
      if (grant.actions.some((action) => action !== 'PutObject')) keyUse.add(target.encryptionKey, 's3', ['kms:Decrypt']);
    }
  }
  for (const queue of definition.access.sendTo ?? []) {
    const target = required(resources.queues, queue, 'queue', name);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [target.queueArn] }));
    // A producer of an SSE-KMS queue makes (GenerateDataKey) and reuses (Decrypt) the data key.
    keyUse.add(target.encryptionMasterKey, 'sqs', ['kms:GenerateDataKey', 'kms:Decrypt']);
  }
  for (const secret of definition.access.secrets ?? []) {
    const target = required(resources.secrets, secret, 'secret', name);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [target.secretArn] }));
    keyUse.add(target.encryptionKey, 'secretsmanager', ['kms:Decrypt']);
  }
  // Sign and read the public key: nothing else (no encrypt, decrypt or key administration).
  for (const key of definition.access.signWith ?? []) {
    required(resources.signingKeys, key, 'signing key', name).grant(fn, 'kms:Sign', 'kms:GetPublicKey');
  }
  // events:PutEvents on that bus only (the bus is encrypted with an AWS owned key: no KMS statement).
  for (const bus of definition.access.publishTo ?? []) {
    const target = required(resources.eventBuses, bus, 'event bus', name);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['events:PutEvents'], resources: [target.eventBusArn] }));
  }
  for (const statement of keyUse.statements()) fn.addToRolePolicy(statement);
}

/** The DynamoDB actions that only read: a grant of these needs the table's key to decrypt only. */
const TABLE_READS: readonly TableAction[] = ['GetItem', 'Query', 'BatchGetItem'];

/** The uses of customer-managed keys the statements need, per key and per service that calls KMS for the function. */
class KeyUse {
  readonly #uses = new Map<IKey, Map<string, Set<string>>>();
  constructor(private readonly region: string) {}

  add(key: IKey | undefined, service: string, actions: readonly string[]): void {
    if (!key) return;
    const byService = this.#uses.get(key) ?? new Map<string, Set<string>>();
    this.#uses.set(key, byService);
    const set = byService.get(service) ?? new Set<string>();
    byService.set(service, set);
    for (const action of actions) set.add(action);
  }

  statements(): PolicyStatement[] {
    return [...this.#uses].flatMap(([key, byService]) =>
      [...byService].map(
        ([service, actions]) =>
          new PolicyStatement({
            actions: [...actions].sort(),
            resources: [key.keyArn],
            conditions: { StringEquals: { 'kms:ViaService': `${service}.${this.region}.amazonaws.com` } },
          }),
      ),
    );
  }
}

/** Adds the queue event sources and schedules; returns the dead-letter queue of the schedule, if any. */
function addTriggers(fn: NodejsFunction, name: string, definition: FunctionDefinition, context: FunctionFactoryContext): Queue | undefined {
  let scheduleDeadLetterQueue: Queue | undefined;
  for (const trigger of definition.triggers) {
    if (trigger.kind === 'schedule') {
      if (scheduleDeadLetterQueue) throw new Error(`Function '${name}' has more than one schedule`);
      // EventBridge puts an event here when it cannot invoke the function (throttled, missing
      // permission, function gone) after its retries; failures of the function itself are its
      // Errors alarm. Created with the parent stack as scope, like the other queues (see `statefulScope`).
      scheduleDeadLetterQueue = new Queue(context.statefulStack, `${pascalCase(name)}ScheduleDeadLetterQueue`, {
        retentionPeriod: Duration.days(SCHEDULE_DEAD_LETTER_RETENTION_DAYS),
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: context.operationsKey,
        enforceSSL: true,
        removalPolicy: context.removalPolicy,
      });
      acknowledgeEventTargetDeadLetterQueue(scheduleDeadLetterQueue, name);
      new Rule(fn, 'Schedule', {
        description: `Runs ${name} every ${trigger.everyMinutes} minute(s)`,
        schedule: Schedule.rate(Duration.minutes(trigger.everyMinutes)),
        targets: [
          new LambdaFunction(fn, {
            deadLetterQueue: scheduleDeadLetterQueue,
            retryAttempts: 2,
            // A run that could not start within its interval is superseded by the next one.
            maxEventAge: Duration.minutes(Math.max(1, trigger.everyMinutes)),
          }),
        ],
      });
      continue;
    }
    if (trigger.kind !== 'queue') continue;
    const queueDefinition = context.queueDefinitions[trigger.queue];
    if (!queueDefinition) throw new Error(`Function '${name}' consumes unknown queue '${trigger.queue}'`);
    assertVisibilityTimeouts({ [name]: definition }, { [trigger.queue]: queueDefinition });
    if (trigger.batchSize > 10 && !trigger.maxBatchingWindowSeconds) {
      throw new Error(`Function '${name}': a batch size above 10 (${trigger.batchSize}) needs maxBatchingWindowSeconds`);
    }
    fn.addEventSource(
      new SqsEventSource(required(context.resources.queues, trigger.queue, 'queue', name), {
        batchSize: trigger.batchSize,
        ...(trigger.maxBatchingWindowSeconds ? { maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds) } : {}),
        reportBatchItemFailures: true,
        maxConcurrency: queueConcurrency(trigger.queue, context.region),
      }),
    );
  }
  return scheduleDeadLetterQueue;
}

export function retentionDays(days: number): RetentionDays {
  const known = Object.values(RetentionDays).filter((value): value is RetentionDays => typeof value === 'number');
  if (!known.includes(days as RetentionDays)) {
    throw new Error(`Log retention of ${days} days is not a CloudWatch Logs retention period (${known.join(', ')})`);
  }
  return days as RetentionDays;
}

function entries<K extends string, V>(record: Partial<Record<K, V>> | undefined): [K, V][] {
  return Object.entries(record ?? {}) as [K, V][];
}

function required<T>(
  record: Readonly<Record<string, T>>,
  key: TableName | BucketName | QueueName | SecretName | SigningKeyName | EventBusName,
  kind: string,
  user?: string,
): T {
  const value = record[key];
  if (value === undefined) {
    throw new Error(`${user ? `Function '${user}' uses ` : ''}unknown ${kind} '${key}'`);
  }
  return value;
}

/** `submitDeclaration` -> `SubmitDeclaration`, for construct IDs. */
export function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
