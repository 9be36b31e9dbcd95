/**
 * The DynamoDB emulator the local cloud runs: dynalite with TransactWriteItems answered in front of
 * it (local/dynamodb-transactions.ts). Built the same way in dynalite's own thread
 * (local/dynalite-worker.ts) and in the main thread (`emulatorThreads: false`).
 *
 * Erasable TypeScript, relative imports only: Node loads it in a worker thread without a loader.
 */
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { addTransactWriteItems } from './dynamodb-transactions.ts';

/** A dynalite server (not yet listening) with its LevelDB in `directory`, or in memory when undefined. */
export function createDynaliteServer(directory: string | undefined): Server {
  const server = dynalite({
    ...(directory ? { path: directory } : {}),
    // Tables are ACTIVE at once: nothing to wait for locally.
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  addTransactWriteItems(server);
  return server;
}
