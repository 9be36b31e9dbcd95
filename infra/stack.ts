/**
 * The customs clearance stack of one region: data (KMS key, DynamoDB tables, SQS queues, archive
 * bucket), identity (Cognito), the HTTP API and the functions of `shared/resources.ts`.
 */
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { BucketDefinition, FunctionDefinition, QueueDefinition, SecretDefinition, TableDefinition } from '../shared/resources.ts';
import * as resources from '../shared/resources.ts';
import { POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from './config/environment.ts';
import { type RegionConfig, stages } from './config/regions.ts';
import { assertVisibilityTimeouts, createFunction, type FunctionResources, pascalCase, retentionDays } from './function-factory.ts';

/** Stages that are deployed to AWS (`local` is the local cloud of `npm start`). */
export type DeployStage = 'dev' | 'prod';

/** The resource definitions the stack is built from; `shared/resources.ts` unless a test overrides them. */
export interface ResourceDefinitions {
  readonly functions: Readonly<Record<string, FunctionDefinition>>;
  readonly queues: Readonly<Record<string, QueueDefinition>>;
  readonly tables: Readonly<Record<string, TableDefinition>>;
  readonly buckets: Readonly<Record<string, BucketDefinition>>;
  readonly secrets?: Readonly<Record<string, SecretDefinition>>;
}

export const defaultDefinitions: ResourceDefinitions = {
  functions: resources.functions,
  queues: resources.queues,
  tables: resources.tables,
  buckets: resources.buckets,
  secrets: resources.secrets,
};

export interface CustomsStackProps extends StackProps {
  /** Key of the region in `infra/config/regions.ts`. */
  readonly regionName: string;
  readonly region: RegionConfig;
  readonly stage: DeployStage;
  readonly definitions?: ResourceDefinitions;
}

/** Cognito groups; handlers read them from the `cognito:groups` claim. */
export const USER_GROUPS = {
  trader: 'Traders and customs representatives: submit and read their own party declarations',
  officer: 'Customs officers: read and decide on declarations of their offices',
  admin: 'Administrators: manage users and reference data',
} as const;

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export class CustomsStack extends Stack {
  readonly key: Key;
  readonly tables: Record<string, TableV2> = {};
  readonly queues: Record<string, Queue> = {};
  readonly deadLetterQueues: Record<string, Queue> = {};
  readonly buckets: Record<string, Bucket> = {};
  readonly secrets: Record<string, Secret> = {};
  readonly accessLogBucket: Bucket;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly httpApi: HttpApi;
  readonly apiStage: HttpStage;

  constructor(scope: Construct, id: string, props: CustomsStackProps) {
    super(scope, id, props);
    const definitions = props.definitions ?? defaultDefinitions;
    const { region, stage } = props;
    const stageSettings = stages[stage];
    // Stage-scoped resources are kept on stack deletion in prod and removed with a dev stack.
    const removalPolicy = stageSettings.retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // Fail the synth before creating anything when a queue would redeliver a message to a
    // consumer that may still be working on it.
    assertVisibilityTimeouts(definitions.functions, definitions.queues);

    // ---- Encryption --------------------------------------------------------------------------
    this.key = new Key(this, 'DataKey', {
      description: `Customs clearance ${stage} data key: tables, queues and the document archive`,
      enableKeyRotation: true,
      // Always retained: the archive bucket is retained, and its objects are unreadable without the key.
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });

    // ---- DynamoDB ----------------------------------------------------------------------------
    for (const [name, table] of Object.entries(definitions.tables)) {
      this.tables[name] = new TableV2(this, `${pascalCase(name)}Table`, {
        partitionKey: { name: table.partitionKey, type: AttributeType.STRING },
        ...(table.sortKey === undefined ? {} : { sortKey: { name: table.sortKey, type: AttributeType.STRING } }),
        billing: Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: stageSettings.retainOnDelete,
        removalPolicy,
        encryption: TableEncryptionV2.customerManagedKey(this.key),
        ...(table.timeToLiveAttribute === undefined ? {} : { timeToLiveAttribute: table.timeToLiveAttribute }),
        globalSecondaryIndexes: Object.entries(table.globalSecondaryIndexes).map(([indexName, index]) => ({
          indexName,
          partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
          sortKey: { name: index.sortKey, type: AttributeType.STRING },
          ...(index.include ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] } : {}),
        })),
      });
    }

    // ---- SQS ---------------------------------------------------------------------------------
    for (const [name, queue] of Object.entries(definitions.queues)) {
      const id = pascalCase(name);
      const deadLetterQueue = new Queue(this, `${id}DeadLetterQueue`, {
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: this.key,
        enforceSSL: true,
        removalPolicy,
      });
      this.deadLetterQueues[name] = deadLetterQueue;
      // A message in a dead-letter queue is a declaration that stopped moving: someone must look.
      new Alarm(this, `${id}DeadLetterAlarm`, {
        alarmDescription: `Messages in the ${name} dead-letter queue: declarations stopped in the pipeline. Fix the cause, then redrive the DLQ (SQS StartMessageMoveTask).`,
        metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      this.queues[name] = new Queue(this, `${id}Queue`, {
        visibilityTimeout: Duration.seconds(queue.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(queue.retentionDays),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: queue.maxReceiveCount },
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: this.key,
        enforceSSL: true,
        removalPolicy,
      });
    }

    // A declaration marked PROCESSING_FAILED (its last delivery failed, or redrives gave up) waits
    // for an administrator: shared/workers/stage-worker.ts and the redrive count them.
    new Alarm(this, 'ProcessingFailedAlarm', {
      alarmDescription:
        'Declarations moved to PROCESSING_FAILED: see GET /v1/review/queue?lane=FAILED, fix the cause, then POST /v1/admin/declarations/{id}/retry.',
      metric: new Metric({
        namespace: POWERTOOLS_METRICS_NAMESPACE,
        metricName: 'DeclarationsFailed',
        dimensionsMap: { service: POWERTOOLS_SERVICE_NAME },
        period: Duration.minutes(1),
        statistic: 'Sum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // ---- S3 ----------------------------------------------------------------------------------
    this.accessLogBucket = new Bucket(this, 'AccessLogBucket', {
      // Server access log delivery supports SSE-S3 only, not SSE-KMS.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-access-logs-with-the-archive',
          expiration: Duration.days(365 * region.archiveRetentionYears),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });
    // cdk-nag AwsSolutions-S1 does not apply: it treats a bucket that receives server access logs as compliant.

    for (const [name, bucket] of Object.entries(definitions.buckets)) {
      this.buckets[name] = new Bucket(this, `${pascalCase(name)}Bucket`, {
        versioned: true,
        ...(bucket.objectLock
          ? {
              objectLockEnabled: true,
              objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(365 * region.archiveRetentionYears)),
            }
          : {}),
        encryption: BucketEncryption.KMS,
        encryptionKey: this.key,
        bucketKeyEnabled: true,
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        serverAccessLogsBucket: this.accessLogBucket,
        serverAccessLogsPrefix: `${name}/`,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    // ---- Secrets Manager ---------------------------------------------------------------------
    for (const [name, secret] of Object.entries(definitions.secrets ?? {})) {
      this.secrets[name] = new Secret(this, `${pascalCase(name)}Secret`, {
        description: secret.description,
        encryptionKey: this.key,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(this.secrets[name]).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: `The ${name} secret keys a deterministic draw that audits must be able to reproduce for past declarations; it is rotated deliberately by an administrator (new version), not on a schedule.`,
      });
    }

    // ---- Cognito -----------------------------------------------------------------------------
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      customAttributes: {
        // The party (EORI) a trader acts for; set by administrators, not by the user (see the client).
        party_id: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: stageSettings.retainOnDelete,
      removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is OPTIONAL (TOTP offered to every user) because Cognito threat protection in FULL_FUNCTION mode (Plus plan) adapts to risk: it challenges risky sign-ins with MFA or blocks them, which requires MFA to be optional rather than required.',
    });
    for (const [groupName, description] of Object.entries(USER_GROUPS)) {
      this.userPool.addGroup(`${pascalCase(groupName)}Group`, { groupName, description });
    }
    this.userPoolClient = this.userPool.addClient('ApiClient', {
      generateSecret: false,
      // Clients sign in with SRP and send the ID token; no hosted UI / OAuth flows.
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      readAttributes: new ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes('party_id'),
      // custom:party_id decides whose declarations a trader sees, so only administrators
      // (AdminUpdateUserAttributes) may set it. The list must not be empty: Cognito treats an empty
      // WriteAttributes like an absent one and leaves every mutable attribute, custom ones included,
      // writable by the user (aws/aws-cdk#30608).
      writeAttributes: new ClientAttributes().withStandardAttributes({ givenName: true, familyName: true }),
    });

    // ---- HTTP API ----------------------------------------------------------------------------
    const authorizer = new HttpJwtAuthorizer(
      'CognitoJwtAuthorizer',
      `https://cognito-idp.${this.region}.amazonaws.com/${this.userPool.userPoolId}`,
      { jwtAudience: [this.userPoolClient.userPoolClientId] },
    );
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: `Customs clearance API (${stage}, ${props.regionName})`,
      createDefaultStage: false,
    });
    const accessLogGroup = new LogGroup(this, 'ApiAccessLogGroup', {
      retention: retentionDays(stageSettings.logRetentionDays),
      removalPolicy,
    });
    this.apiStage = new HttpStage(this, 'ApiDefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: region.throttle.rateLimit, burstLimit: region.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    // ---- Functions ---------------------------------------------------------------------------
    const functionResources: FunctionResources = { tables: this.tables, buckets: this.buckets, queues: this.queues, secrets: this.secrets };
    for (const [name, definition] of Object.entries(definitions.functions)) {
      const { fn } = createFunction(this, name, definition, {
        regionName: props.regionName,
        region,
        stage,
        logRetentionDays: stageSettings.logRetentionDays,
        removalPolicy,
        projectRoot,
        resources: functionResources,
        queueDefinitions: definitions.queues,
        tableDefinitions: definitions.tables,
      });
      for (const trigger of definition.triggers) {
        if (trigger.kind !== 'http') continue;
        const routes = this.httpApi.addRoutes({
          path: trigger.path,
          methods: [HttpMethod[trigger.method]],
          integration: new HttpLambdaIntegration(`${pascalCase(name)}${trigger.method}Integration`, fn),
          authorizer: trigger.auth === 'jwt' ? authorizer : new HttpNoneAuthorizer(),
        });
        if (trigger.auth === 'none') {
          for (const route of routes) {
            Validations.of(route).acknowledge({
              id: 'AwsSolutions-APIG4',
              reason: `${trigger.method} ${trigger.path} is public by design (auth: 'none' in shared/resources.ts): it serves the API description, holds no declaration data and its function has no data access.`,
            });
          }
        }
      }
    }

    // ---- Outputs -----------------------------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    const archive = this.buckets.archive;
    if (archive) new CfnOutput(this, 'ArchiveBucketName', { value: archive.bucketName });
    const main = this.tables.main;
    if (main) new CfnOutput(this, 'TableName', { value: main.tableName, description: 'Name of the main (single) table' });
  }
}
