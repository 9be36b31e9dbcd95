/** A pipeline queue: hands a declaration to the next stage. */
import type { PipelineMessage } from '#shared/domain/declaration-record.ts';

export interface PipelineQueue {
  send(message: PipelineMessage): Promise<void>;
}
