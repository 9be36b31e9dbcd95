/**
 * The environment handlers see locally: the same variables the CDK stack sets on each function
 * (resource names through the helpers of `shared/resources.ts`, region settings), plus the standard
 * `AWS_ENDPOINT_URL_*` variables that point plain SDK clients at the emulators.
 */

import { POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME, regionEnvironment } from '#infra/config/environment.ts';
import type { RegionConfig } from '#infra/config/regions.ts';
import {
  type BucketName,
  bucketNameEnv,
  type EventBusName,
  eventBusNameEnv,
  PUBLIC_SITE_URL_ENV,
  type QueueName,
  queueUrlEnv,
  type SecretName,
  type SigningKeyName,
  secretIdEnv,
  signingKeyIdEnv,
  type TableName,
  tableNameEnv,
} from '#shared/resources.ts';
import type { LogLevel } from './log.ts';

export interface Endpoints {
  /** DynamoDB (dynalite), e.g. http://127.0.0.1:8000 */
  dynamodb: string;
  /** SQS (fauxqs), e.g. http://sqs.eu-west-2.localhost:4566, the origin of the queue URLs. */
  sqs: string;
  /** S3 (fauxqs), e.g. http://s3.localhost:4566; buckets are addressed as <bucket>.s3.localhost. */
  s3: string;
  /** Secrets Manager (local/secrets-manager.ts), e.g. http://127.0.0.1:4584 */
  secretsManager: string;
  /** KMS (local/kms.ts), e.g. http://127.0.0.1:4599 */
  kms: string;
  /** EventBridge (local/eventbridge.ts), e.g. http://127.0.0.1:4589 */
  eventBridge: string;
}

export interface ResourceNames {
  tableNames: Record<string, string>;
  queueUrls: Record<string, string>;
  bucketNames: Record<string, string>;
  secretNames?: Record<string, string>;
  signingKeyIds?: Record<string, string>;
  /** The gateway's own address, where the console and its `/verify` page are served (the printed QR codes lead there). */
  publicSite?: string;
  eventBusNames?: Record<string, string>;
}

export interface EnvironmentInput {
  regionName: string;
  region: RegionConfig;
  endpoints: Endpoints;
  resources: ResourceNames;
  /** The provider simulator's payouts endpoint on the gateway: the local stage's payouts go there. */
  payoutSimulatorUrl: string;
  logLevel: LogLevel;
}

// The env-name helpers are typed with the real logical names; they only transform the string, so
// they are equally right for the names of test definitions.
const tableEnv = (name: string): string => tableNameEnv(name as TableName);
const queueEnv = (name: string): string => queueUrlEnv(name as QueueName);
const bucketEnv = (name: string): string => bucketNameEnv(name as BucketName);

const powertoolsLogLevel: Record<LogLevel, string> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  silent: 'SILENT',
};

/** Variables the local cloud always sets (they must point at this cloud). */
export function requiredEnvironment(input: EnvironmentInput): Record<string, string> {
  const { region, endpoints, resources } = input;
  const env: Record<string, string> = {
    AWS_REGION: region.awsRegion,
    AWS_DEFAULT_REGION: region.awsRegion,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
    AWS_ENDPOINT_URL_KMS: endpoints.kms,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventBridge,
    ...regionEnvironment({ regionName: input.regionName, region, stage: 'local', payoutSimulatorUrl: input.payoutSimulatorUrl }),
  };
  for (const [name, tableName] of Object.entries(resources.tableNames)) env[tableEnv(name)] = tableName;
  for (const [name, queueUrl] of Object.entries(resources.queueUrls)) env[queueEnv(name)] = queueUrl;
  for (const [name, bucketName] of Object.entries(resources.bucketNames)) env[bucketEnv(name)] = bucketName;
  for (const [name, secretName] of Object.entries(resources.secretNames ?? {})) env[secretIdEnv(name as SecretName)] = secretName;
  for (const [name, keyId] of Object.entries(resources.signingKeyIds ?? {})) env[signingKeyIdEnv(name as SigningKeyName)] = keyId;
  if (resources.publicSite) env[PUBLIC_SITE_URL_ENV] = resources.publicSite;
  for (const [name, busName] of Object.entries(resources.eventBusNames ?? {})) env[eventBusNameEnv(name as EventBusName)] = busName;
  return env;
}

/** Variables set only when the developer has not set them (so `POWERTOOLS_LOG_LEVEL=DEBUG npm start` works). */
export function defaultEnvironment(input: EnvironmentInput): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE,
    // No CloudWatch locally: EMF lines would only be noise, and there is no X-Ray daemon.
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: powertoolsLogLevel[input.logLevel],
  };
}

/** Variables removed because they would send SDK calls elsewhere or mix in real credentials. */
export const clearedEnvironment = ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] as const;

/** Applies the environment and returns a function that puts the previous values back. */
export function applyEnvironment(input: EnvironmentInput): { applied: Record<string, string>; restore: () => void } {
  const previous = new Map<string, string | undefined>();
  const remember = (key: string): void => {
    if (!previous.has(key)) previous.set(key, process.env[key]);
  };
  const applied: Record<string, string> = {};
  for (const key of clearedEnvironment) {
    remember(key);
    delete process.env[key];
  }
  for (const [key, value] of Object.entries(requiredEnvironment(input))) {
    remember(key);
    process.env[key] = value;
    applied[key] = value;
  }
  for (const [key, value] of Object.entries(defaultEnvironment(input))) {
    if (process.env[key] !== undefined) {
      applied[key] = process.env[key];
      continue;
    }
    remember(key);
    process.env[key] = value;
    applied[key] = value;
  }
  return {
    applied,
    restore: () => {
      for (const [key, value] of previous) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}
