/**
 * The shapes the local cloud reads from `shared/resources.ts`, loosened so tests can pass their own
 * functions and queues (fixture handlers, small maxReceiveCount). The real definitions satisfy them.
 */
import type { BucketDefinition, FunctionAccess, HttpMethod, TableDefinition } from '#shared/resources.ts';

export type LocalTrigger =
  | { kind: 'http'; method: HttpMethod; path: string; auth: 'jwt' | 'none' }
  | { kind: 'queue'; queue: string; batchSize: number; maxConcurrency?: number; waitsOnOthers?: true }
  | { kind: 'schedule'; everyMinutes: number };

export interface LocalFunctionDefinition {
  /** Handler module, relative to the repository root (or `rootDir`). */
  entry: string;
  /** Exported handler name. */
  handler: string;
  description?: string;
  memoryMb?: number;
  timeoutSeconds: number;
  triggers: readonly LocalTrigger[];
  /** What the handler may call (shared/resources.ts); without it (fixture handlers), nothing is checked. */
  access?: FunctionAccess;
}

export interface LocalQueueDefinition {
  description?: string;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  retentionDays?: number;
}

export type LocalTableDefinition = Omit<TableDefinition, 'description'> & { description?: string };
export type LocalBucketDefinition = Omit<BucketDefinition, 'description'> & { description?: string };
