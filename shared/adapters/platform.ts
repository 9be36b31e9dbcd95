/**
 * The real adapters a handler wires into its use cases, built once per execution environment
 * from the function's environment (table names, bucket names, queue URLs).
 */
import { DynamoDbDeclarationRepository } from './dynamodb-declaration-repository.ts';
import { bucketName, dynamoDbClient, queueUrl, s3Client, sqsClient, tableName } from './aws-clients.ts';
import type { ArchiveReader } from '../usecases/ports.ts';
import { S3ReferenceDocumentStore } from './reference-document-store.ts';
import { S3DocumentArchive } from './s3-document-archive.ts';
import { riskData } from './risk-data.ts';
import { SqsPipelineQueue } from './sqs-pipeline-queue.ts';
import type { QueueName } from '../resources.ts';

let dynamodb: ReturnType<typeof dynamoDbClient> | undefined;
let s3: ReturnType<typeof s3Client> | undefined;
let sqs: ReturnType<typeof sqsClient> | undefined;

export const sharedDynamoDb = () => (dynamodb ??= dynamoDbClient());
export const sharedS3 = () => (s3 ??= s3Client());
export const sharedSqs = () => (sqs ??= sqsClient());

let archiveReader: S3DocumentArchive | undefined;
/** The archive, for reading submitted bytes back; built on first read (not every function may read it). */
const archive: ArchiveReader = { read: (document) => (archiveReader ??= new S3DocumentArchive(sharedS3(), bucketName('archive'))).read(document) };
export const declarationRepository = () => new DynamoDbDeclarationRepository(sharedDynamoDb(), tableName('main'), archive);
export const referenceDocuments = () => new S3ReferenceDocumentStore(sharedS3(), () => bucketName('reference'), sharedDynamoDb(), tableName('main'));
export const pipelineQueue = (queue: QueueName) => new SqsPipelineQueue(sharedSqs(), queueUrl(queue));
let documents: ReturnType<typeof referenceDocuments> | undefined;
/** Risk data; the reference documents (a bucket not every risk function may read) are built on first use. */
export const riskDataSources = () =>
  riskData({ dynamodb: sharedDynamoDb(), tableName: tableName('main'), documents: () => (documents ??= referenceDocuments()) });
