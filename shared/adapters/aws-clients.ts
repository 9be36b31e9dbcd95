/**
 * SDK clients, created once per execution environment. They take their endpoints from the
 * standard AWS_ENDPOINT_URL_* variables, which the local cloud sets to its emulators.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from '../observability.ts';
import { type BucketName, bucketNameEnv, type QueueName, queueUrlEnv, type TableName, tableNameEnv } from '../resources.ts';

export type AwsClient = DynamoDBClient | SQSClient | S3Client;

/**
 * Called with every client this module creates. Nothing registers one in AWS; the local cloud
 * uses it to add SDK middleware (fault injection with `npm start -- --chaos`, call recording).
 */
const clientListeners: ((client: AwsClient, service: 'dynamodb' | 'sqs' | 's3') => void)[] = [];
export const onClientCreated = (listener: (client: AwsClient, service: 'dynamodb' | 'sqs' | 's3') => void): void => {
  clientListeners.push(listener);
};

function created<C extends AwsClient>(client: C, service: 'dynamodb' | 'sqs' | 's3'): C {
  for (const listener of clientListeners) listener(client, service);
  return tracer.captureAWSv3Client(client);
}

export const dynamoDbClient = (): DynamoDBClient => created(new DynamoDBClient({}), 'dynamodb');
export const sqsClient = (): SQSClient => created(new SQSClient({}), 'sqs');
export const s3Client = (): S3Client => created(new S3Client({}), 's3');

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export const tableName = (table: TableName): string => required(tableNameEnv(table));
export const queueUrl = (queue: QueueName): string => required(queueUrlEnv(queue));
export const bucketName = (bucket: BucketName): string => required(bucketNameEnv(bucket));
