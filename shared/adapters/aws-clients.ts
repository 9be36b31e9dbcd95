/**
 * SDK clients, created once per execution environment. They take their endpoints from the
 * standard AWS_ENDPOINT_URL_* variables, which the local cloud sets to its emulators.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { bucketNameEnv, queueUrlEnv, tableNameEnv, type BucketName, type QueueName, type TableName } from '../resources.ts';
import { tracer } from '../observability.ts';

export const dynamoDbClient = (): DynamoDBClient => tracer.captureAWSv3Client(new DynamoDBClient({}));
export const sqsClient = (): SQSClient => tracer.captureAWSv3Client(new SQSClient({}));
export const s3Client = (): S3Client => tracer.captureAWSv3Client(new S3Client({}));

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export const tableName = (table: TableName): string => required(tableNameEnv(table));
export const queueUrl = (queue: QueueName): string => required(queueUrlEnv(queue));
export const bucketName = (bucket: BucketName): string => required(bucketNameEnv(bucket));
