/**
 * S3 event notifications, locally. fauxqs stores objects but sends no events, so the local cloud
 * sends them: for each request to fauxqs' S3 API that created an object (a PUT, also through a
 * presigned URL; a copy; a completed multipart upload: `onObjectCreated` of `local/emulators.ts`),
 * it sends the event S3 would send to the queue of each matching notification of the bucket
 * (`buckets.<name>.notifications` in `shared/resources.ts`, the same definition the CDK stack
 * configures on the bucket): event version 2.1, the key URL-encoded as S3 encodes it, size and ETag
 * read back with HeadObject. As S3 does when a notification is configured, it first sends an
 * `s3:TestEvent` to each queue.
 *
 * Like S3's, delivery is asynchronous (after the PUT has been answered) and at least once is all a
 * consumer may assume; a send that fails is logged, not retried. Presigned POST forms are not
 * reported (see `objectCreatedBy`).
 */
import { randomUUID } from 'node:crypto';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalBucketDefinition } from './definitions.ts';
import type { CreatedObject, RunningFauxqs } from './emulators.ts';
import { describeError, type Log } from './log.ts';

export interface BucketNotificationsOptions {
  fauxqs: Pick<RunningFauxqs, 'onObjectCreated'>;
  s3: S3Client;
  sqs: SQSClient;
  awsRegion: string;
  log: Log;
  /** Bucket definitions and their names in the emulator, by logical name. */
  buckets: Record<string, LocalBucketDefinition>;
  bucketNames: Record<string, string>;
  /** Queue URLs by logical name. */
  queueUrls: Record<string, string>;
}

interface Target {
  bucket: string;
  prefix: string;
  queue: string;
  queueUrl: string;
  configurationId: string;
}

export interface BucketNotifications {
  /** `bucket -> queue (prefix)` of each notification, for progress output. */
  routes: string[];
  /** Stops reporting; events already being sent are sent first. */
  stop(): Promise<void>;
}

export async function startBucketNotifications(options: BucketNotificationsOptions): Promise<BucketNotifications> {
  const targets: Target[] = [];
  for (const [name, definition] of Object.entries(options.buckets)) {
    for (const notification of definition.notifications ?? []) {
      const bucket = options.bucketNames[name];
      const queueUrl = options.queueUrls[notification.queue];
      // A cloud started with its own queues (tests) may lack the one a real bucket notifies.
      if (!bucket || !queueUrl) {
        options.log.warn(`bucket ${name} notifies queue '${notification.queue}', which this cloud does not have: its events are not sent`);
        continue;
      }
      targets.push({
        bucket,
        prefix: notification.prefix,
        queue: notification.queue,
        queueUrl,
        configurationId: `${name}-to-${notification.queue}`,
      });
    }
  }
  // S3 checks a new notification's destination with a test event.
  for (const target of targets) {
    await options.sqs.send(
      new SendMessageCommand({
        QueueUrl: target.queueUrl,
        MessageBody: JSON.stringify({
          Service: 'Amazon S3',
          Event: 's3:TestEvent',
          Time: new Date().toISOString(),
          Bucket: target.bucket,
          RequestId: randomUUID(),
          HostId: 'local',
        }),
      }),
    );
  }

  let sequence = 0;
  const pending = new Set<Promise<void>>();
  const deliver = async (created: CreatedObject, matching: Target[]): Promise<void> => {
    const head = await options.s3.send(new HeadObjectCommand({ Bucket: created.bucket, Key: created.key }));
    sequence += 1;
    for (const target of matching) {
      const record = {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: options.awsRegion,
        eventTime: created.at.toISOString(),
        eventName: created.eventName,
        userIdentity: { principalId: 'AWS:local' },
        requestParameters: { sourceIPAddress: created.sourceIp },
        responseElements: { 'x-amz-request-id': created.requestId ?? randomUUID(), 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: target.configurationId,
          bucket: { name: created.bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${created.bucket}` },
          object: {
            key: encodeEventKey(created.key),
            size: head.ContentLength ?? 0,
            eTag: (head.ETag ?? '').replaceAll('"', ''),
            sequencer: sequence.toString(16).toUpperCase().padStart(16, '0'),
          },
        },
      };
      await options.sqs.send(new SendMessageCommand({ QueueUrl: target.queueUrl, MessageBody: JSON.stringify({ Records: [record] }) }));
      options.log.debug(`S3 event ${created.eventName} ${created.bucket}/${created.key} sent to ${target.queue}`);
    }
  };
  const unsubscribe = options.fauxqs.onObjectCreated((created) => {
    const matching = targets.filter((target) => target.bucket === created.bucket && created.key.startsWith(target.prefix));
    if (matching.length === 0) return;
    const sending = deliver(created, matching)
      .catch((error: unknown) => options.log.warn(`S3 event for ${created.bucket}/${created.key} not sent: ${describeError(error)}`))
      .finally(() => pending.delete(sending));
    pending.add(sending);
  });

  return {
    routes: targets.map((target) => `${target.bucket} -> ${target.queue} (ObjectCreated, prefix ${target.prefix})`),
    stop: async () => {
      unsubscribe();
      await Promise.allSettled([...pending]);
    },
  };
}

/** A key as S3 writes it in an event: URL-encoded, '/' kept, spaces as '+'. */
export const encodeEventKey = (key: string): string =>
  key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replaceAll('%20', '+'))
    .join('/');
