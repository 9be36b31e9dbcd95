/**
 * fauxqs' own thread (SQS and S3; started by `startFauxqsThread` in local/emulators.ts, see
 * local/emulator-thread.ts). The objects its S3 API creates are sent to the main thread as events
 * (local/s3-notifications.ts turns them into S3 event notifications there), and so are its log lines.
 */
import { workerData } from 'node:worker_threads';
import { runEmulatorThread } from './emulator-thread.ts';
import { type FauxqsThreadData, type FauxqsThreadEvent, startFauxqs } from './emulators.ts';
import type { Log } from './log.ts';

const input = workerData as FauxqsThreadData;

await runEmulatorThread(async (emit) => {
  const send = (event: FauxqsThreadEvent): void => emit(event);
  const log: Log = {
    debug: (message) => send({ kind: 'log', level: 'debug', message }),
    info: (message) => send({ kind: 'log', level: 'info', message }),
    warn: (message) => send({ kind: 'log', level: 'warn', message }),
    error: (message) => send({ kind: 'log', level: 'error', message }),
  };
  const fauxqs = await startFauxqs({ ...input, log });
  fauxqs.onObjectCreated((created) => send({ kind: 'objectCreated', created }));
  return {
    port: fauxqs.port,
    detail: { s3Persistent: fauxqs.s3Persistent },
    onCommand: (command) => fauxqs.allowBrowserUploads((command as { allowBrowserUploads: string[] }).allowBrowserUploads),
    stop: () => fauxqs.stop(),
  };
});
