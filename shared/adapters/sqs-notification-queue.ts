import type { SQSClient } from '@aws-sdk/client-sqs';
import type { NotificationMessage } from '#shared/domain/notifications.ts';
import type { NotificationQueue } from '#shared/ports/webhooks.ts';
import { sendMessage } from './sqs-send-coalescer.ts';

/** The notifications queue, as the permit routes feed it (the declaration repository sends its own messages as a pipeline queue). */
export class SqsNotificationQueue implements NotificationQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: NotificationMessage, delaySeconds: number): Promise<void> {
    await sendMessage(this.client, {
      QueueUrl: this.queueUrl,
      MessageBody: JSON.stringify(message),
      DelaySeconds: Math.max(0, Math.min(900, Math.round(delaySeconds))),
    });
  }
}
