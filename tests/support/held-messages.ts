/**
 * Messages taken off a queue of the local cloud by a test, to hand a worker one batch of them as
 * Lambda's event source mapping would (the tests of batch sealing and coalesced sends).
 */
import path from 'node:path';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LocalCloud } from '#local/cloud.ts';
import { LocalFunction } from '#local/lambda.ts';
import { functions } from '#shared/resources.ts';
import type { QueueName } from '#shared/stateful-resources.ts';
import { eventually } from '#tests/integration/support.ts';

/**
 * The platform's functions with these ones' queue triggers off: their messages wait on the queue for
 * a test to hold and hand over as one batch (`invokeWithHeldBatch`).
 */
export function withTriggersOff(...names: (keyof typeof functions)[]): typeof functions {
  return { ...functions, ...Object.fromEntries(names.map((name) => [name, { ...functions[name], triggers: [] }])) };
}

/** Receives from the queue until `count` messages are held (invisible to its pollers for a minute). */
export async function holdMessages(cloud: LocalCloud, sqs: SQSClient, queue: QueueName, count: number): Promise<Message[]> {
  const held: Message[] = [];
  return eventually(
    async () => {
      const answer = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: cloud.queueUrls[queue],
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 60,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      held.push(...(answer.Messages ?? []));
      return held.length >= count ? held : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

/** The SQS event Lambda's event source mapping would hand the queue's worker for these messages. */
export const sqsEventOf = (cloud: LocalCloud, queue: QueueName, messages: Message[]): SQSEvent => ({
  Records: messages.map((message) => ({
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: cloud.queueArns[queue],
    awsRegion: cloud.environment.AWS_REGION ?? 'eu-west-2',
  })),
});

/**
 * Holds `count` messages of the queue, then invokes `fn` once with all of them, as the event source
 * mapping hands a batch over under load (`beforeInvoke` runs just before: e.g. a fresh ledger), and
 * deletes them. The function's own trigger is expected to be off in the test's cloud.
 */
export async function invokeWithHeldBatch(
  cloud: LocalCloud,
  queue: QueueName,
  fn: keyof typeof functions,
  count: number,
  beforeInvoke: () => void = () => {},
): Promise<{ response: SQSBatchResponse; messages: Message[] }> {
  const sqs = new SQSClient({ endpoint: cloud.endpoints.sqs });
  try {
    const messages = await holdMessages(cloud, sqs, queue, count);
    const worker = new LocalFunction(fn, functions[fn], path.resolve('.'), cloud.environment.AWS_REGION ?? '');
    beforeInvoke();
    const response = (await worker.invoke(sqsEventOf(cloud, queue, messages))) as SQSBatchResponse;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: cloud.queueUrls[queue],
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
      }),
    );
    return { response, messages };
  } finally {
    sqs.destroy();
  }
}
