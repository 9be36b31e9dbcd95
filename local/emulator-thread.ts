/**
 * Emulators in worker threads: the local cloud is one process, but its emulators' request parsing
 * and storage need not compete with the gateway and the handlers for one core. An emulator thread
 * listens on its own loopback port exactly as it would in the main thread; the SDK clients reach it
 * over HTTP as before. Only small messages cross the thread boundary: the port it listens on,
 * events the main thread subscribes to (fauxqs' objects created), commands, and stop.
 *
 * The thread scripts (local/dynalite-worker.ts, local/fauxqs-worker.ts) use erasable TypeScript
 * and relative imports only: Node runs them without a loader (under tsx and vitest alike).
 */
import { parentPort, Worker } from 'node:worker_threads';

/** From the thread to the main thread. */
type FromThread =
  | { kind: 'listening'; port: number; detail: unknown }
  | { kind: 'failed'; code: string | undefined; message: string }
  | { kind: 'event'; event: unknown }
  | { kind: 'stopped' };

/** From the main thread to the thread. */
type ToThread = { kind: 'command'; command: unknown } | { kind: 'stop' };

export interface EmulatorThread {
  port: number;
  /** What the thread reported with its port (e.g. whether S3 objects are on disk). */
  detail: unknown;
  /** Sends a command to the emulator (its `onCommand`). */
  send(command: unknown): void;
  /** Stops the emulator (in-flight requests finish, as closeServer does), then the thread. */
  stop(): Promise<void>;
}

/** Main thread: starts `script` with `workerData` and resolves once it listens (rejects with its error, e.g. EADDRINUSE). */
export async function startEmulatorThread(
  script: URL,
  workerData: unknown,
  onEvent: (event: unknown) => void = () => undefined,
): Promise<EmulatorThread> {
  const worker = new Worker(script, { workerData });
  let started: FromThread;
  try {
    started = await new Promise<FromThread>((resolve, reject) => {
      const onMessage = (message: FromThread): void => {
        if (message.kind === 'event') return;
        worker.off('message', onMessage).off('error', reject).off('exit', onExit);
        resolve(message);
      };
      const onExit = (code: number): void => reject(new Error(`${script.pathname} exited (code ${code}) before it listened`));
      worker.on('message', onMessage).once('error', reject).once('exit', onExit);
    });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  if (started.kind !== 'listening') {
    await worker.terminate();
    const failure = started.kind === 'failed' ? started : { code: undefined, message: `${script.pathname} stopped before it listened` };
    // The code (EADDRINUSE...) as the caller would have seen it from an in-thread listen.
    throw Object.assign(new Error(failure.message), { code: failure.code });
  }
  let markStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  worker.on('message', (message: FromThread) => {
    if (message.kind === 'event') onEvent(message.event);
    else if (message.kind === 'stopped') markStopped();
  });
  // A thread that fails on its own (a crash in the emulator) is reported, not left unnoticed.
  worker.on('error', (error) => process.emitWarning(`emulator thread ${script.pathname} failed: ${String(error)}`));
  worker.once('exit', () => markStopped());
  const post = (message: ToThread): void => worker.postMessage(message);
  let stopping: Promise<void> | undefined;
  return {
    port: started.port,
    detail: started.detail,
    send: (command) => post({ kind: 'command', command }),
    stop: () => {
      stopping ??= (async () => {
        post({ kind: 'stop' });
        await stopped;
        await worker.terminate();
      })();
      return stopping;
    },
  };
}

export interface ThreadEmulator {
  port: number;
  detail?: unknown;
  onCommand?(command: unknown): void;
  stop(): Promise<void>;
}

/** In the thread: starts the emulator, reports its port (or why it could not listen), runs commands, stops when asked. */
export async function runEmulatorThread(start: (emit: (event: unknown) => void) => Promise<ThreadEmulator>): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('an emulator thread script runs only as a worker thread (see startEmulatorThread)');
  const post = (message: FromThread): void => port.postMessage(message);
  let emulator: ThreadEmulator;
  try {
    emulator = await start((event) => post({ kind: 'event', event }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    post({
      kind: 'failed',
      code: typeof code === 'string' ? code : undefined,
      message: error instanceof Error ? error.message : String(error),
    });
    port.close();
    return;
  }
  port.on('message', (message: ToThread) => {
    if (message.kind === 'command') {
      emulator.onCommand?.(message.command);
      return;
    }
    emulator.stop().finally(() => {
      post({ kind: 'stopped' });
      port.close();
    });
  });
  post({ kind: 'listening', port: emulator.port, detail: emulator.detail ?? null });
}
