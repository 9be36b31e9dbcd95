/**
 * What every PipelineQueue must do: run against the in-memory fake (fakes.test.ts) and the SQS
 * adapter on the local cloud (adapters.test.ts). What a stage is sent is what the next stage's
 * worker reads (`pipelineMessageSchema`), exactly and once.
 */
import { describe, expect, it } from 'vitest';
import { type PipelineMessage, pipelineMessageSchema } from '#shared/domain/declaration-record.ts';
import { newDeclarationId } from '#shared/domain/ids.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';

export interface PipelineQueueSubject {
  queue: () => PipelineQueue;
  /** Takes every message the queue holds now (each one once), as the bodies the worker would parse. */
  received: () => Promise<unknown[]>;
}

const byId = (a: PipelineMessage, b: PipelineMessage) => a.declarationId.localeCompare(b.declarationId) || a.version - b.version;

export function pipelineQueueContract(name: string, subject: PipelineQueueSubject): void {
  describe(`PipelineQueue contract: ${name}`, () => {
    it('delivers every message sent, exactly as sent and once, in the shape the stage workers read', async () => {
      // Prepare: messages sent at once, two of them for the same declaration
      const queue = subject.queue();
      const twice = newDeclarationId(new Date());
      const sent: PipelineMessage[] = [
        { declarationId: twice, version: 1 },
        { declarationId: twice, version: 2 },
        ...Array.from({ length: 8 }, (_, index) => ({ declarationId: newDeclarationId(new Date()), version: index + 1 })),
      ];

      // Act
      await Promise.all(sent.map((message) => queue.send(message)));
      const received = await subject.received();
      const again = await subject.received();

      // Assess: strict parse, so an extra or missing member fails
      const parsed = received.map((body) => pipelineMessageSchema.parse(body));
      expect(parsed.sort(byId)).toEqual([...sent].sort(byId));
      expect(again).toEqual([]);
    });

    it('sends the message as it was when sent, whatever the sender does with it afterwards', async () => {
      // Prepare
      const queue = subject.queue();
      const message = { declarationId: newDeclarationId(new Date()), version: 3 };

      // Act
      await queue.send(message);
      message.version = 4;
      const received = await subject.received();

      // Assess
      expect(received).toEqual([{ declarationId: message.declarationId, version: 3 }]);
    });
  });
}
