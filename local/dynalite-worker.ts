/**
 * dynalite's own thread (started by `startDynalite` in local/emulators.ts, see
 * local/emulator-thread.ts): the DynamoDB emulator, with its TransactWriteItems front, parses,
 * validates and stores on another core than the gateway, the handlers and their SDK clients.
 */
import { workerData } from 'node:worker_threads';
import { createDynaliteServer } from './dynalite-server.ts';
import { runEmulatorThread } from './emulator-thread.ts';
import { closeServer, listen } from './servers.ts';

export interface DynaliteThreadData {
  port: number;
  /** LevelDB directory; in memory when undefined. */
  directory: string | undefined;
}

const input = workerData as DynaliteThreadData;

await runEmulatorThread(async () => {
  const server = createDynaliteServer(input.directory);
  return { port: await listen(server, input.port), stop: () => closeServer(server) };
});
