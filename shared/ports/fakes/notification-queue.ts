/** In-memory notifications queue; the contract suite (tests/contract) holds it to what the SQS adapter does. */
import type { NotificationMessage } from '#shared/domain/notifications.ts';
import type { NotificationQueue } from '#shared/ports/webhooks.ts';

/** A queue that keeps what was sent; `failNext` makes the next sends fail, as SQS can. */
export class InMemoryNotificationQueue implements NotificationQueue {
  readonly sent: NotificationMessage[] = [];
  /** The delay each message was sent with, in the order sent. */
  readonly delays: number[] = [];
  failNext = 0;

  async send(message: NotificationMessage, delaySeconds: number): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('queue unavailable');
    }
    this.sent.push(structuredClone(message));
    this.delays.push(delaySeconds);
  }
}
