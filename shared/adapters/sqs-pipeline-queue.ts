import type { SQSClient } from '@aws-sdk/client-sqs';
import type { PipelineMessage } from '#shared/domain/declaration-record.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import { sendMessage } from './sqs-send-coalescer.ts';

/** A pipeline queue (a stage's, the documents', the notifications'): inside an SQS invocation its sends are coalesced (sqs-send-coalescer.ts). */

export class SqsPipelineQueue implements PipelineQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: PipelineMessage): Promise<void> {
    await sendMessage(this.client, {
      QueueUrl: this.queueUrl,
      MessageBody: JSON.stringify(message),
      MessageAttributes: { declarationId: { DataType: 'String', StringValue: message.declarationId } },
    });
  }
}
