/**
 * SDK clients. They take their region and endpoints from the standard AWS_REGION and
 * AWS_ENDPOINT_URL_* variables (the local cloud points these at its emulators); resource names
 * come from the function's configuration (shared/config.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { traceClient } from '#shared/observability.ts';

export type AwsClient = DynamoDBClient | SQSClient | S3Client | KMSClient;

/**
 * Called with every client this module creates. Nothing registers one in AWS; the local cloud
 * uses it to add SDK middleware (fault injection with `npm start -- --chaos`, call recording).
 */
const clientListeners: ((client: AwsClient, service: 'dynamodb' | 'sqs' | 's3' | 'kms') => void)[] = [];
export const onClientCreated = (listener: (client: AwsClient, service: 'dynamodb' | 'sqs' | 's3' | 'kms') => void): void => {
  clientListeners.push(listener);
};

function created<C extends AwsClient>(client: C, service: 'dynamodb' | 'sqs' | 's3' | 'kms'): C {
  for (const listener of clientListeners) listener(client, service);
  return traceClient(client);
}

export const dynamoDbClient = (): DynamoDBClient => created(new DynamoDBClient({}), 'dynamodb');
export const sqsClient = (): SQSClient => created(new SQSClient({}), 'sqs');
export const s3Client = (config: Pick<S3ClientConfig, 'responseChecksumValidation'> = {}): S3Client => created(new S3Client(config), 's3');
export const kmsClient = (): KMSClient => created(new KMSClient({}), 'kms');
