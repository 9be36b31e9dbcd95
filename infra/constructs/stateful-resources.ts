/**
 * The stack's data: the KMS key, the DynamoDB tables, the SQS queues with their dead-letter queues,
 * the S3 buckets (archive, reference, access logs) with their event notifications, and the Secrets
 * Manager secrets.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectLockRetention, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type RegionConfig, type StageName, stageTableCapacity } from '#infra/config/regions.ts';
import { tableCapacity } from '#infra/constructs/table-capacity.ts';
import { pascalCase } from '#infra/function-factory.ts';
import { acknowledgeSecretRotation } from '#infra/nag-acknowledgements.ts';
import type {
  BucketDefinition,
  BucketNotification,
  EventBusDefinition,
  QueueDefinition,
  SecretDefinition,
  SigningKeyDefinition,
  TableDefinition,
  TableName,
} from '#shared/resources.ts';

/**
 * The scope stateful resources are created in: the stack itself, not the construct that creates
 * them.
 *
 * A resource's CloudFormation logical ID is derived from its construct path. Created directly in
 * the stack, the main table has the path `<stack>/MainTable` and the logical ID `MainTable74195DAB`,
 * the ID it had before the stack was split into constructs; created in a `StatefulResources`
 * construct it would become `StatefulResourcesMainTable…`, and CloudFormation would create a new,
 * empty table and delete (or, when retained, orphan) the old one with its data. The same holds for
 * the key, queues, buckets, secrets and the user pool.
 *
 * Using the stack as scope keeps the whole subtree of each resource at its old path: the L1
 * resource and everything CDK adds below it (bucket and queue policies, user pool groups and
 * client), and with it the paths that cdk-nag acknowledgements and `aws:cdk:path` metadata name.
 * `overrideLogicalId` was not chosen: it would have to be repeated for each of those children, some
 * of which CDK creates implicitly, and a missed one is replaced (a bucket policy whose logical ID
 * changes is written anew and then deleted as the old resource, leaving the bucket without policy).
 *
 * `tests/infra/stack.test.ts` compares the logical IDs with
 * `tests/infra/fixtures/stateful-logical-ids.json`, so a change fails the tests.
 */
export function statefulScope(construct: Construct): Stack {
  return Stack.of(construct);
}

export interface StatefulResourcesProps {
  readonly stage: StageName;
  readonly region: RegionConfig;
  readonly tables: Readonly<Record<string, TableDefinition>>;
  readonly queues: Readonly<Record<string, QueueDefinition>>;
  readonly buckets: Readonly<Record<string, BucketDefinition>>;
  readonly secrets: Readonly<Record<string, SecretDefinition>>;
  readonly signingKeys: Readonly<Record<string, SigningKeyDefinition>>;
  readonly eventBuses: Readonly<Record<string, EventBusDefinition>>;
  /** Whether stage-scoped resources (tables, queues) are kept on stack deletion. */
  readonly retainOnDelete: boolean;
  /** Removal policy of stage-scoped resources (tables, queues). */
  readonly removalPolicy: RemovalPolicy;
}

export class StatefulResources extends Construct {
  readonly key: Key;
  readonly tables: Record<string, TableV2> = {};
  readonly queues: Record<string, Queue> = {};
  readonly deadLetterQueues: Record<string, Queue> = {};
  readonly buckets: Record<string, Bucket> = {};
  readonly accessLogBucket: Bucket;
  readonly secrets: Record<string, Secret> = {};
  readonly signingKeys: Record<string, Key> = {};
  readonly eventBuses: Record<string, EventBus> = {};

  constructor(scope: Construct, id: string, props: StatefulResourcesProps) {
    super(scope, id);
    const { region, removalPolicy } = props;
    const stack = statefulScope(this);

    // ---- Encryption --------------------------------------------------------------------------
    this.key = new Key(stack, 'DataKey', {
      description: `Customs clearance ${props.stage} data key: tables, queues and the document archive`,
      enableKeyRotation: true,
      // Always retained: the archive bucket is retained, and its objects are unreadable without the key.
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });

    // ---- DynamoDB ----------------------------------------------------------------------------
    for (const [name, table] of Object.entries(props.tables)) {
      // The stage's capacity mode (the region's in prod, on demand in dev): on-demand, or
      // provisioned with auto scaling (table and each index).
      const capacity = tableCapacity(stageTableCapacity(region, props.stage), name as TableName);
      this.tables[name] = new TableV2(stack, `${pascalCase(name)}Table`, {
        partitionKey: { name: table.partitionKey, type: AttributeType.STRING },
        ...(table.sortKey === undefined ? {} : { sortKey: { name: table.sortKey, type: AttributeType.STRING } }),
        billing: capacity.billing,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: props.retainOnDelete,
        removalPolicy,
        encryption: TableEncryptionV2.customerManagedKey(this.key),
        ...(table.timeToLiveAttribute === undefined ? {} : { timeToLiveAttribute: table.timeToLiveAttribute }),
        globalSecondaryIndexes: Object.entries(table.globalSecondaryIndexes).map(([indexName, index]) => ({
          indexName,
          partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
          sortKey: { name: index.sortKey, type: AttributeType.STRING },
          ...capacity.indexes[indexName],
          ...(index.include === undefined
            ? {}
            : index.include.length === 0
              ? { projectionType: ProjectionType.KEYS_ONLY }
              : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] }),
        })),
      });
    }

    // ---- SQS ---------------------------------------------------------------------------------
    // Their alarms are in `alarms.ts`.
    for (const [name, queue] of Object.entries(props.queues)) {
      const id = pascalCase(name);
      const deadLetterQueue = new Queue(stack, `${id}DeadLetterQueue`, {
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: this.key,
        enforceSSL: true,
        removalPolicy,
      });
      this.deadLetterQueues[name] = deadLetterQueue;
      this.queues[name] = new Queue(stack, `${id}Queue`, {
        visibilityTimeout: Duration.seconds(queue.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(queue.retentionDays),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: queue.maxReceiveCount },
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: this.key,
        enforceSSL: true,
        removalPolicy,
      });
    }

    // ---- S3 ----------------------------------------------------------------------------------
    this.accessLogBucket = new Bucket(stack, 'AccessLogBucket', {
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

    for (const [name, bucket] of Object.entries(props.buckets)) {
      this.buckets[name] = new Bucket(stack, `${pascalCase(name)}Bucket`, {
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
      if (bucket.notifications?.length) this.notify(this.buckets[name], bucket.notifications);
    }

    // ---- Secrets Manager ---------------------------------------------------------------------
    for (const [name, secret] of Object.entries(props.secrets)) {
      this.secrets[name] = new Secret(stack, `${pascalCase(name)}Secret`, {
        description: secret.description,
        encryptionKey: this.key,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      acknowledgeSecretRotation(this.secrets[name], name);
    }

    // ---- KMS signing keys ---------------------------------------------------------------------
    // Asymmetric: the private key never leaves KMS; kms:Sign is granted to the issuing function
    // only. KMS rotates no asymmetric key itself: rotation is a new key whose id the region's
    // functions then get, the old key's public part staying published for verification.
    for (const [name, key] of Object.entries(props.signingKeys)) {
      this.signingKeys[name] = new Key(stack, `${pascalCase(name)}SigningKey`, {
        description: key.description,
        keySpec: KeySpec.ECC_NIST_P256,
        keyUsage: KeyUsage.SIGN_VERIFY,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    // ---- EventBridge buses ---------------------------------------------------------------------
    // A custom bus per stack: the region adds its own rules; only functions whose access names it may put events.
    for (const [name, bus] of Object.entries(props.eventBuses)) {
      this.eventBuses[name] = new EventBus(stack, `${pascalCase(name)}EventBus`, {
        eventBusName: `customs-${props.stage}-${name}`,
        description: bus.description.slice(0, 512),
      });
    }
  }

  /**
   * S3 event notifications of a bucket to its queues, set on the bucket itself (its
   * NotificationConfiguration) rather than through CDK's `addEventNotification`, whose custom
   * resource would add a Lambda function with a managed policy and `s3:PutBucketNotification` on
   * every bucket. CloudFormation checks the destinations when it configures the bucket, so the
   * queue's policy must exist first: the bucket depends on it, and the policy therefore names the
   * account (`aws:SourceAccount`) rather than the bucket's ARN, which would make the two depend on
   * each other. The queue's KMS key lets S3 encrypt what it sends, as S3 requires for a queue
   * encrypted with a customer-managed key.
   */
  private notify(bucket: Bucket, notifications: readonly BucketNotification[]): void {
    const stack = Stack.of(this);
    const cfnBucket = bucket.node.defaultChild as CfnBucket;
    const queueConfigurations: CfnBucket.QueueConfigurationProperty[] = [];
    for (const notification of notifications) {
      const queue = this.queues[notification.queue];
      if (!queue) throw new Error(`bucket ${bucket.node.id} notifies unknown queue '${notification.queue}'`);
      const { policyDependable } = queue.addToResourcePolicy(
        new PolicyStatement({
          sid: 'S3EventNotifications',
          principals: [new ServicePrincipal('s3.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:s3:::*` },
          },
        }),
      );
      if (!policyDependable) throw new Error(`queue ${notification.queue} has no policy`);
      cfnBucket.node.addDependency(policyDependable);
      queueConfigurations.push({
        event: 's3:ObjectCreated:*',
        queue: queue.queueArn,
        filter: { s3Key: { rules: [{ name: 'prefix', value: notification.prefix }] } },
      });
    }
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'S3EventNotificationsToEncryptedQueues',
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
      }),
    );
    cfnBucket.notificationConfiguration = { queueConfigurations };
  }
}
