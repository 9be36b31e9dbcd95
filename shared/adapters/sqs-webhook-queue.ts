import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryMessage } from '#shared/domain/notifications.ts';
import type { WebhookQueue } from '#shared/ports/webhooks.ts';
import { sendMessage } from './sqs-send-coalescer.ts';

/** SendMessageBatch takes at most 10 entries. */
const SQS_BATCH = 10;

/** The webhook deliveries queue: a retry is the next attempt's message, delayed (SQS DelaySeconds, at most 900; coalesced inside an SQS invocation, sqs-send-coalescer.ts); an event's first attempts go in batches. */
export class SqsWebhookQueue implements WebhookQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: DeliveryMessage, delaySeconds: number): Promise<void> {
    await sendMessage(this.client, {
      QueueUrl: this.queueUrl,
      MessageBody: JSON.stringify(message),
      DelaySeconds: Math.max(0, Math.min(900, Math.round(delaySeconds))),
    });
  }

  async sendAll(messages: readonly DeliveryMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += SQS_BATCH) {
      const batch = messages.slice(start, start + SQS_BATCH);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
        }),
      );
      // A refused entry fails the whole event: its message comes again and re-queues what has no attempt yet.
      const failed = result.Failed ?? [];
      if (failed.length > 0)
        throw new Error(`SQS refused ${failed.length} of ${batch.length} deliveries: ${failed[0]?.Code ?? ''} ${failed[0]?.Message ?? ''}`);
    }
  }
}
