/**
 * What every NotificationQueue must do: run against the in-memory fake (fakes.test.ts) and the SQS
 * adapter on the local cloud (adapters.test.ts). What the permit routes send is what the fan-out
 * reads (`notificationMessageSchema`), exactly and once, after the delay asked for.
 */
import { describe, expect, it } from 'vitest';
import { newPermitId } from '#shared/domain/ids.ts';
import { notificationMessageSchema, type PermitEventMessage } from '#shared/domain/notifications.ts';
import type { NotificationQueue } from '#shared/ports/webhooks.ts';

export interface NotificationQueueSubject {
  queue: () => NotificationQueue;
  /** Takes every message visible now (each one once), as the bodies the fan-out would parse. */
  received: () => Promise<unknown[]>;
}

export function notificationQueueContract(name: string, subject: NotificationQueueSubject): void {
  describe(`NotificationQueue contract: ${name}`, () => {
    it("delivers a permit's events exactly as sent and once, in the shape the fan-out reads", async () => {
      // Prepare
      const queue = subject.queue();
      const at = new Date().toISOString();
      const sent: PermitEventMessage[] = [
        { permitId: newPermitId(new Date()), event: 'APPLIED', at },
        { permitId: newPermitId(new Date()), event: 'DECIDED', at },
      ];

      // Act
      for (const message of sent) await queue.send(message, 0);
      const received = await subject.received();
      const again = await subject.received();

      // Assess: strict parse, so an extra or missing member fails (the queue is shared: the
      // declaration repository's messages of other suites may be on it too)
      const ids = new Set(sent.map((message) => message.permitId));
      const parsed = received.map((body) => notificationMessageSchema.parse(body));
      const ours = parsed.filter((message) => 'permitId' in message && ids.has(message.permitId));
      expect(ours).toEqual(expect.arrayContaining(sent));
      expect(ours).toHaveLength(sent.length);
      expect(
        again.map((body) => notificationMessageSchema.parse(body)).filter((message) => 'permitId' in message && ids.has(message.permitId)),
      ).toEqual([]);
    });
  });
}
