/**
 * SDK clients. They take their region and endpoints from the standard AWS_REGION and
 * AWS_ENDPOINT_URL_* variables (the local cloud points these at its emulators); resource names
 * come from the function's configuration (shared/config.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { traceClient } from '#shared/observability.ts';

export type AwsClient = DynamoDBClient | SQSClient | S3Client | KMSClient | EventBridgeClient | SecretsManagerClient;
export type AwsClientService = 'dynamodb' | 'sqs' | 's3' | 'kms' | 'events' | 'secretsmanager';

/**
 * Called with every client this module creates. Nothing registers one in AWS; the local cloud
 * uses it to add SDK middleware (fault injection with `npm start -- --chaos`, call recording).
 */
const clientListeners: ((client: AwsClient, service: AwsClientService) => void)[] = [];
export const onClientCreated = (listener: (client: AwsClient, service: AwsClientService) => void): void => {
  clientListeners.push(listener);
};

function created<C extends AwsClient>(client: C, service: AwsClientService): C {
  for (const listener of clientListeners) listener(client, service);
  return traceClient(client);
}

export const dynamoDbClient = (): DynamoDBClient => created(new DynamoDBClient({}), 'dynamodb');
export const sqsClient = (): SQSClient => created(new SQSClient({}), 'sqs');
export const s3Client = (config: Pick<S3ClientConfig, 'responseChecksumValidation'> = {}): S3Client => created(new S3Client(config), 's3');
export const kmsClient = (): KMSClient => created(new KMSClient({}), 'kms');

/** Secrets Manager, for Powertools' secrets provider (shared/adapters/secret-values.ts). */
export const secretsManagerClient = (): SecretsManagerClient => created(new SecretsManagerClient({}), 'secretsmanager');

/** EventBridge (the notifications bus; the local cloud's in-process bus speaks the same API). */
export const eventBridgeClient = (): EventBridgeClient => created(new EventBridgeClient({}), 'events');
