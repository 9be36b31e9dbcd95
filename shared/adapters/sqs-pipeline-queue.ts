import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PipelineMessage } from '#shared/domain/declaration-record.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';

export class SqsPipelineQueue implements PipelineQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: PipelineMessage): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        MessageAttributes: { declarationId: { DataType: 'String', StringValue: message.declarationId } },
      }),
    );
  }
}
