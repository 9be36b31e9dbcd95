/**
 * The one worker for S3 event notifications a bucket sends to a queue (shared/resources.ts,
 * `buckets.<name>.notifications`): an SQS handler that reads the S3 event from each message, skips
 * S3's test event (sent when a notification is configured), keeps the ObjectCreated records of its
 * own bucket, decodes their keys (S3 sends them URL-encoded) and hands each object to the use case
 * in turn. A record that fails fails its message, which SQS delivers again (the records handled
 * before must be idempotent, as every S3 event handler must be: S3 delivers at least once).
 */
import * as z from 'zod';
import { logger } from '#shared/observability.ts';
import { type QueueName, queues } from '#shared/stateful-resources.ts';
import { sqsHandler } from './sqs-handler.ts';

const objectCreatedRecord = z.object({
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({ key: z.string(), size: z.number().int().nonnegative().optional() }),
  }),
});

/** The body S3 puts in the queue: an event with records, or the test event of a new configuration. */
export const s3EventMessageSchema = z.union([
  z.object({ Event: z.literal('s3:TestEvent'), Bucket: z.string().optional() }),
  z.object({ Records: z.array(objectCreatedRecord).min(1) }),
]);
export type S3EventMessage = z.infer<typeof s3EventMessageSchema>;

export interface ObjectCreated {
  bucket: string;
  key: string;
  /** As the event reports it (the use case measures the object itself). */
  size: number | undefined;
  eventName: string;
}

/** An S3 event key as stored: S3 URL-encodes keys in events, spaces as '+'. */
export const decodeEventKey = (key: string): string => decodeURIComponent(key.replaceAll('+', ' '));

/** The objects created in `bucket` that the message reports (none for a test event or other buckets). */
export function objectsCreated(message: S3EventMessage, bucket: string): ObjectCreated[] {
  if (!('Records' in message)) return [];
  return message.Records.filter((record) => {
    if (!record.eventName.startsWith('ObjectCreated:')) return false;
    if (record.s3.bucket.name === bucket) return true;
    logger.warn('S3 event of another bucket ignored', { bucket: record.s3.bucket.name });
    return false;
  }).map((record) => ({
    bucket: record.s3.bucket.name,
    key: decodeEventKey(record.s3.object.key),
    size: record.s3.object.size,
    eventName: record.eventName,
  }));
}

export function s3EventWorker(queue: QueueName, bucket: string, handleObject: (object: ObjectCreated) => Promise<unknown>) {
  return sqsHandler(
    s3EventMessageSchema,
    async (message) => {
      if ('Event' in message) logger.info('S3 test event: the bucket notification is configured', { queue });
      for (const object of objectsCreated(message, bucket)) {
        const result = await handleObject(object);
        logger.info(`${queue}: object handled`, { key: object.key, result });
      }
    },
    { maxReceiveCount: queues[queue].maxReceiveCount },
  );
}
