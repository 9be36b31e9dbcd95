/**
 * The customs clearance stack of one region, composed of constructs of one job each
 * (`infra/constructs/`): the stateful resources (KMS key, DynamoDB tables, SQS queues, buckets,
 * secrets), the identity (Cognito), the functions of `shared/resources.ts`, the HTTP API with its
 * routes, the console (CloudFront in front of a private bucket, the API on the same domain) and the
 * alarms. cdk-nag acknowledgements are in `infra/nag-acknowledgements.ts`.
 *
 * CloudFormation allows 500 resources per stack: the functions (four resources each, with their
 * roles, policies, log groups and triggers) are in one nested stack per area (`functionStacks`,
 * grouped by `infra/function-groups.ts`), the API's routes (with their integrations and invoke
 * permissions) and the alarms, three and two resources per function, in nested stacks of their own
 * (`apiRoutesStack`, `alarmsStack`); everything stateful, the API, the console and the operations
 * topic are in this stack (docs/infrastructure.md, Stack layout).
 *
 * Stateful resources keep the logical IDs they had when this constructor created them itself: see
 * `statefulScope` in `infra/constructs/stateful-resources.ts`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, NestedStack, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { HttpMethods } from 'aws-cdk-lib/aws-s3';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type {
  BucketDefinition,
  EventBusDefinition,
  FunctionDefinition,
  QueueDefinition,
  SecretDefinition,
  SigningKeyDefinition,
  TableDefinition,
} from '#shared/resources.ts';
import * as resources from '#shared/resources.ts';
import { type RegionConfig, stages } from './config/regions.ts';
import { Alarms } from './constructs/alarms.ts';
import { ConsoleSite } from './constructs/console-site.ts';
import { Functions } from './constructs/functions.ts';
import { CustomsHttpApi } from './constructs/http-api.ts';
import { HttpRoutes } from './constructs/http-routes.ts';
import { CONSOLE_CALLBACK_PATH, CONSOLE_SIGNED_OUT_PATH, Identity } from './constructs/identity.ts';
import { Operations } from './constructs/operations.ts';
import { StatefulResources, statefulScope } from './constructs/stateful-resources.ts';
import { assertVisibilityTimeouts, type CreatedFunction } from './function-factory.ts';
import { type FunctionGroupName, functionGroups, groupFunctions } from './function-groups.ts';

export { USER_GROUPS } from './constructs/identity.ts';

/** Stages that are deployed to AWS (`local` is the local cloud of `npm start`). */
export type DeployStage = 'dev' | 'prod';

/** The resource definitions the stack is built from; `shared/resources.ts` unless a test overrides them. */
export interface ResourceDefinitions {
  readonly functions: Readonly<Record<string, FunctionDefinition>>;
  readonly queues: Readonly<Record<string, QueueDefinition>>;
  readonly tables: Readonly<Record<string, TableDefinition>>;
  readonly buckets: Readonly<Record<string, BucketDefinition>>;
  readonly secrets?: Readonly<Record<string, SecretDefinition>>;
  readonly signingKeys?: Readonly<Record<string, SigningKeyDefinition>>;
  readonly eventBuses?: Readonly<Record<string, EventBusDefinition>>;
}

export const defaultDefinitions: ResourceDefinitions = {
  functions: resources.functions,
  queues: resources.queues,
  tables: resources.tables,
  buckets: resources.buckets,
  secrets: resources.secrets,
  signingKeys: resources.signingKeys,
  eventBuses: resources.eventBuses,
};

export interface CustomsStackProps extends StackProps {
  /** Key of the region in `infra/config/regions.ts`. */
  readonly regionName: string;
  readonly region: RegionConfig;
  readonly stage: DeployStage;
  readonly definitions?: ResourceDefinitions;
  /** The built console to deploy; default `console/dist` (build it first: `npm run console:build`). */
  readonly consoleAssetPath?: string;
}

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export class CustomsStack extends Stack {
  readonly key: Key;
  readonly tables: Record<string, TableV2>;
  readonly queues: Record<string, Queue>;
  readonly deadLetterQueues: Record<string, Queue>;
  readonly buckets: Record<string, Bucket>;
  readonly secrets: Record<string, Secret>;
  readonly accessLogBucket: Bucket;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  /** The console's app client (managed login, authorization code with PKCE). */
  readonly consoleClient: UserPoolClient;
  readonly consoleSite: ConsoleSite;
  readonly httpApi: HttpApi;
  readonly apiStage: HttpStage;
  /** The functions of the definitions by name, with their roles and log groups. */
  readonly functions: Readonly<Record<string, CreatedFunction>>;
  /** Every alarm notifies this topic; its e-mail subscription is the region's `alarmEmail`. */
  readonly alarmTopic: Topic;
  /** The nested stack of the API's routes, their Lambda integrations and invoke permissions. */
  readonly apiRoutesStack: NestedStack;
  /** The nested stack of the CloudWatch alarms and the metric filter of the API's throttled requests. */
  readonly alarmsStack: NestedStack;
  /** The nested stacks of the functions, by group of `infra/function-groups.ts` (a group without functions has none). */
  readonly functionStacks: Readonly<Partial<Record<FunctionGroupName, NestedStack>>>;

  constructor(scope: Construct, id: string, props: CustomsStackProps) {
    super(scope, id, props);
    const definitions = props.definitions ?? defaultDefinitions;
    const { region, regionName, stage } = props;
    const { retainOnDelete, logRetentionDays } = stages[stage];
    // Stage-scoped resources are kept on stack deletion in prod and removed with a dev stack.
    const removalPolicy = retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // Fail the synth before creating anything when a queue would redeliver a message to a
    // consumer that may still be working on it.
    assertVisibilityTimeouts(definitions.functions, definitions.queues);

    // Stateful: the constructs create these in the stack's own scope, so their logical IDs are
    // those of the single-constructor stack (see `statefulScope`).
    const data = new StatefulResources(this, 'StatefulResources', {
      stage,
      region,
      tables: definitions.tables,
      queues: definitions.queues,
      buckets: definitions.buckets,
      secrets: definitions.secrets ?? {},
      signingKeys: definitions.signingKeys ?? {},
      eventBuses: definitions.eventBuses ?? {},
      retainOnDelete,
      removalPolicy,
    });
    const identity = new Identity(this, 'Identity', {
      retainOnDelete,
      removalPolicy,
      // Prefix domains are global per region: the account keeps them apart.
      domainPrefix: `customs-${stage}-${this.account}`,
    });
    const operations = new Operations(this, 'Operations', { stage, alarmEmail: region.alarmEmail, removalPolicy });

    // Stateless.
    const deployment = { stage, regionName, region, logRetentionDays, removalPolicy };
    // The console's address is its distribution's: the console's Cognito client needs it, and the
    // API needs that client (it accepts the console's ID tokens).
    const consoleSite = new ConsoleSite(this, 'ConsoleSite', {
      logRetentionDays,
      removalPolicy,
      assetPath: props.consoleAssetPath ?? path.join(projectRoot, 'console', 'dist'),
      signInOrigin: identity.signInOrigin,
      accessLogBucket: data.accessLogBucket,
      // The archive's regional endpoint, by pattern: naming the bucket here would make the
      // distribution depend on it while the bucket's CORS rule (below) depends on the distribution.
      uploadOrigins: [`https://*.s3.${region.awsRegion}.amazonaws.com`],
    });
    // Traders' browsers PUT requested documents straight to the archive with a presigned URL:
    // from the console's origin only, PUT only, with the headers the URL signs.
    data.buckets.archive?.addCorsRule({
      allowedOrigins: [consoleSite.origin],
      allowedMethods: [HttpMethods.PUT],
      allowedHeaders: ['content-type', 'x-amz-checksum-sha256'],
      maxAge: 3600,
    });
    const consoleClient = identity.addConsoleClient(consoleSite.origin);
    // The functions, in one nested stack per area (`infra/function-groups.ts`). Inside each, the
    // construct keeps its id `Functions`, so the functions, roles, policies and log groups keep their
    // logical IDs (`Functions<Name>…`), now in the nested templates.
    const functionContext = {
      ...deployment,
      queueDefinitions: definitions.queues,
      tableDefinitions: definitions.tables,
      resources: {
        tables: data.tables,
        buckets: data.buckets,
        queues: data.queues,
        secrets: data.secrets,
        signingKeys: data.signingKeys,
        publicSite: consoleSite.origin,
        eventBuses: data.eventBuses,
      },
      projectRoot,
      operationsKey: operations.key,
      statefulStack: statefulScope(this),
    };
    const functionStacks: Partial<Record<FunctionGroupName, NestedStack>> = {};
    const createdFunctions: Record<string, CreatedFunction> = {};
    for (const [group, members] of Object.entries(groupFunctions(definitions.functions)) as [
      FunctionGroupName,
      Record<string, FunctionDefinition>,
    ][]) {
      // A nested stack without resources cannot be deployed: a group without functions has none.
      if (Object.keys(members).length === 0) continue;
      const { stackId, holds } = functionGroups[group];
      const nested = new NestedStack(this, stackId, {
        description: `Customs clearance functions (${stage}, ${regionName}): ${holds}; each with its role, policy, log group and triggers but routes`,
      });
      const created = new Functions(nested, 'Functions', { ...functionContext, functions: members });
      functionStacks[group] = nested;
      Object.assign(createdFunctions, created.functions);
    }
    const api = new CustomsHttpApi(this, 'Api', {
      ...deployment,
      userPool: identity.userPool,
      userPoolClients: [identity.userPoolClient, consoleClient],
    });
    // Nested stacks: each passes one parameter per function (its ARN, or its name), and a few more.
    const apiRoutesStack = new NestedStack(this, 'ApiRoutesStack', {
      description: `Customs clearance API routes (${stage}, ${regionName}): one route, Lambda integration and invoke permission per http trigger`,
    });
    new HttpRoutes(apiRoutesStack, 'Routes', {
      httpApi: api.httpApi,
      authorizer: api.authorizer,
      functionDefinitions: definitions.functions,
      functions: Object.fromEntries(Object.entries(createdFunctions).map(([name, { fn }]) => [name, fn])),
    });
    consoleSite.routeApi(api.httpApi);
    consoleSite.publish({
      authority: identity.signInOrigin,
      clientId: consoleClient.userPoolClientId,
      redirectUri: `${consoleSite.origin}${CONSOLE_CALLBACK_PATH}`,
      logoutUri: `${consoleSite.origin}${CONSOLE_SIGNED_OUT_PATH}`,
    });
    const alarmsStack = new NestedStack(this, 'AlarmsStack', {
      description: `Customs clearance alarms (${stage}, ${regionName}): per function, queue, table and the API stage`,
    });
    // The construct's id inside the nested stack keeps the alarms' logical IDs (`Alarms<Name>…`).
    new Alarms(alarmsStack, 'Alarms', {
      topic: operations.alarmTopic,
      queueAgeAlarmMinutes: region.queueAgeAlarmMinutes,
      deadLetterQueues: data.deadLetterQueues,
      queues: data.queues,
      functions: createdFunctions,
      tables: data.tables,
      tableDefinitions: definitions.tables,
      apiStage: api.stage,
      apiAccessLogGroup: api.accessLogGroup,
    });

    this.key = data.key;
    this.tables = data.tables;
    this.queues = data.queues;
    this.deadLetterQueues = data.deadLetterQueues;
    this.buckets = data.buckets;
    this.secrets = data.secrets;
    this.accessLogBucket = data.accessLogBucket;
    this.userPool = identity.userPool;
    this.userPoolClient = identity.userPoolClient;
    this.consoleClient = consoleClient;
    this.consoleSite = consoleSite;
    this.httpApi = api.httpApi;
    this.apiStage = api.stage;
    this.functions = createdFunctions;
    this.alarmTopic = operations.alarmTopic;
    this.apiRoutesStack = apiRoutesStack;
    this.alarmsStack = alarmsStack;
    this.functionStacks = functionStacks;

    // ---- Outputs -----------------------------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'ConsoleUrl', { value: consoleSite.origin, description: 'The customs console (and the API under /v1)' });
    const archive = this.buckets.archive;
    if (archive) new CfnOutput(this, 'ArchiveBucketName', { value: archive.bucketName });
    const main = this.tables.main;
    if (main) new CfnOutput(this, 'TableName', { value: main.tableName, description: 'Name of the main (single) table' });
  }
}
