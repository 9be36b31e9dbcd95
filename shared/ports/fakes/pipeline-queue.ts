/**
 * In-memory pipeline queue, for use-case tests that need no local cloud. The contract suite (tests/contract)
 * runs the same checks against it and against the adapter on the local cloud, so a use-case test
 * on the fake says something true about the platform.
 */
import type { PipelineMessage } from '#shared/domain/declaration-record.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';

/** A queue that keeps what was sent; `failNext` makes the next sends fail, as SQS can. */
export class InMemoryPipelineQueue implements PipelineQueue {
  readonly sent: PipelineMessage[] = [];
  failNext = 0;

  async send(message: PipelineMessage): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('queue unavailable');
    }
    this.sent.push({ ...message });
  }
}
