/**
 * Creates the tables, queues (each with its dead-letter queue) and buckets of the resource
 * definition in the emulators, through the AWS APIs as the CDK stack's resources would exist.
 * Idempotent: a restart on a persisted data directory finds and checks what is already there.
 */
import {
  type AttributeDefinition,
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
  ScanCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { type BucketLocationConstraint, CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalBucketDefinition, LocalQueueDefinition, LocalTableDefinition } from './definitions.ts';

/** SQS accepts at most 14 days of retention. */
const MAX_RETENTION_SECONDS = 1_209_600;

export interface ProvisionedQueue {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  definition: LocalTableDefinition,
): Promise<'created' | 'existing'> {
  const attributes = new Map<string, AttributeDefinition>();
  const key = (partitionKey: string, sortKey: string | undefined): KeySchemaElement[] => {
    attributes.set(partitionKey, { AttributeName: partitionKey, AttributeType: 'S' });
    if (sortKey) attributes.set(sortKey, { AttributeName: sortKey, AttributeType: 'S' });
    return [{ AttributeName: partitionKey, KeyType: 'HASH' }, ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : [])];
  };
  const keySchema = key(definition.partitionKey, definition.sortKey);
  const indexes = Object.entries(definition.globalSecondaryIndexes).map(([indexName, index]) => ({
    IndexName: indexName,
    KeySchema: key(index.partitionKey, index.sortKey),
    Projection:
      index.include === undefined
        ? { ProjectionType: 'ALL' as const }
        : index.include.length === 0
          ? { ProjectionType: 'KEYS_ONLY' as const }
          : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.include] },
  }));
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes.values()],
        KeySchema: keySchema,
        ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
      }),
    );
    await waitForActive(client, tableName);
    return 'created';
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const existing = await waitForActive(client, tableName);
  const problems = compareTable(
    existing,
    keySchema,
    indexes.map((index) => ({ name: index.IndexName, keySchema: index.KeySchema })),
  );
  if (problems.length > 0) {
    throw new Error(
      `Table ${tableName} in the data directory does not match shared/resources.ts (${problems.join('; ')}). ` +
        'Delete the dynamodb folder of the data directory (or use a new --data directory) to recreate it.',
    );
  }
  return 'existing';
}

/**
 * Writes every item of a table found on disk back unchanged, which rewrites its index entries.
 * dynalite writes an item and its index entries separately, so a process killed between the two
 * (the chaos drill's SIGKILL) can leave an item its indexes do not show: the redrive, which finds
 * stopped declarations through an index, would never see it. DynamoDB itself never loses an index
 * entry; this only restores what the emulator's crash lost. Returns how many items were written.
 */
export async function repairIndexes(client: DynamoDBClient, tableName: string): Promise<number> {
  let written = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, Limit: 250 }));
    const items = page.Items ?? [];
    for (let start = 0; start < items.length; start += 25) {
      let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
        requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
    written += items.length;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return written;
}

async function waitForActive(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  for (let attempt = 0; ; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return Table;
    if (attempt > 100) throw new Error(`Table ${tableName} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function compareTable(
  table: TableDescription,
  keySchema: KeySchemaElement[],
  indexes: { name: string; keySchema: KeySchemaElement[] }[],
): string[] {
  const same = (a: KeySchemaElement[] | undefined, b: KeySchemaElement[]): boolean =>
    JSON.stringify((a ?? []).map((k) => [k.AttributeName, k.KeyType])) === JSON.stringify(b.map((k) => [k.AttributeName, k.KeyType]));
  const problems: string[] = [];
  if (!same(table.KeySchema, keySchema)) problems.push('different key schema');
  for (const index of indexes) {
    const found = table.GlobalSecondaryIndexes?.find((existing) => existing.IndexName === index.name);
    if (!found) problems.push(`index ${index.name} missing`);
    else if (!same(found.KeySchema, index.keySchema)) problems.push(`index ${index.name} has a different key schema`);
  }
  return problems;
}

export async function ensureQueue(client: SQSClient, queueName: string, definition: LocalQueueDefinition): Promise<ProvisionedQueue> {
  const retention = String(Math.min((definition.retentionDays ?? 4) * 86_400, MAX_RETENTION_SECONDS));
  const dlq = await client.send(
    new CreateQueueCommand({ QueueName: `${queueName}-dlq`, Attributes: { MessageRetentionPeriod: String(MAX_RETENTION_SECONDS) } }),
  );
  const dlqUrl = required(dlq.QueueUrl, 'dead-letter queue URL');
  const dlqArn = await queueArn(client, dlqUrl);
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: queueName,
      Attributes: {
        VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
        MessageRetentionPeriod: retention,
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: definition.maxReceiveCount }),
      },
    }),
  );
  const url = required(queue.QueueUrl, 'queue URL');
  return { url, arn: await queueArn(client, url), dlqUrl, dlqArn };
}

async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return required(Attributes?.QueueArn, 'queue ARN');
}

export async function ensureBucket(
  client: S3Client,
  bucketName: string,
  definition: LocalBucketDefinition,
  awsRegion: string,
): Promise<'created' | 'existing'> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucketName }));
    return 'existing';
  } catch {
    // Not there yet.
  }
  try {
    await client.send(
      new CreateBucketCommand({
        Bucket: bucketName,
        // Accepted and ignored by fauxqs: neither Object Lock nor versioning is emulated.
        ...(definition.objectLock ? { ObjectLockEnabledForBucket: true } : {}),
        ...(awsRegion !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: awsRegion as BucketLocationConstraint } } : {}),
      }),
    );
    return 'created';
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists') return 'existing';
    throw error;
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The emulator returned no ${what}`);
  return value;
}
