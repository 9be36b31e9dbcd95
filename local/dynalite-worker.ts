/**
 * dynalite's own thread (started by `startDynalite` in local/emulators.ts, see
 * local/emulator-thread.ts): the DynamoDB emulator, with its TransactWriteItems front, parses,
 * validates and stores on another core than the gateway, the handlers and their SDK clients. It
 * listens on its loopback port, and also answers requests the main thread hands over without a
 * socket (local/in-thread-requests.ts): the same listener, given the request by light-my-request.
 */
import { workerData } from 'node:worker_threads';
import inject from 'light-my-request';
import { createDynaliteServer } from './dynalite-server.ts';
import { runEmulatorThread, stringHeaders, type ThreadRequest, type ThreadResponse } from './emulator-thread.ts';
import { closeServer, listen } from './servers.ts';

export interface DynaliteThreadData {
  port: number;
  /** LevelDB directory; in memory when undefined. */
  directory: string | undefined;
}

const input = workerData as DynaliteThreadData;

await runEmulatorThread(async () => {
  const server = createDynaliteServer(input.directory);
  const port = await listen(server, input.port);
  const listener = (request: unknown, response: unknown): boolean => server.emit('request', request, response);
  return {
    port,
    answer: async (request: ThreadRequest): Promise<ThreadResponse> => {
      const response = await inject(listener, {
        method: request.method,
        url: request.url,
        headers: request.headers,
        ...(request.body === undefined ? {} : { payload: typeof request.body === 'string' ? request.body : Buffer.from(request.body) }),
        remoteAddress: '127.0.0.1',
      });
      return { statusCode: response.statusCode, headers: stringHeaders(response.headers), body: response.rawPayload };
    },
    stop: () => closeServer(server),
  };
});
