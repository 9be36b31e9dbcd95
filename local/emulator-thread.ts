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

/** An HTTP request as it crosses to the thread (local/in-thread-requests.ts): what the emulator's listener would have parsed. */
export interface ThreadRequest {
  method: string;
  /** Path and query, e.g. `/` or `/queue?Action=...`. */
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

/** The emulator's answer to a ThreadRequest. */
export interface ThreadResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A response's headers as strings, for a ThreadResponse. */
export function stringHeaders(headers: Record<string, string | number | string[] | undefined>): Record<string, string> {
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) strings[name] = String(value);
  return strings;
}

/** From the thread to the main thread. */
type FromThread =
  | { kind: 'listening'; port: number; detail: unknown }
  | { kind: 'failed'; code: string | undefined; message: string }
  | { kind: 'event'; event: unknown }
  | { kind: 'answered'; id: number; response: ThreadResponse }
  | { kind: 'unanswered'; id: number; message: string }
  | { kind: 'stopped' };

/** From the main thread to the thread. */
type ToThread = { kind: 'command'; command: unknown } | { kind: 'request'; id: number; request: ThreadRequest } | { kind: 'stop' };

export interface EmulatorThread {
  port: number;
  /** What the thread reported with its port (e.g. whether S3 objects are on disk). */
  detail: unknown;
  /** Sends a command to the emulator (its `onCommand`). */
  send(command: unknown): void;
  /**
   * Hands an HTTP request to the emulator's own request listener inside its thread, without a
   * socket (local/in-thread-requests.ts); rejects when the emulator takes no such requests or stops.
   */
  request(request: ThreadRequest): Promise<ThreadResponse>;
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
  const pending = new Map<number, { resolve: (response: ThreadResponse) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const failPending = (why: string): void => {
    for (const { reject } of pending.values()) reject(new Error(why));
    pending.clear();
  };
  worker.on('message', (message: FromThread) => {
    if (message.kind === 'event') onEvent(message.event);
    else if (message.kind === 'answered' || message.kind === 'unanswered') {
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.kind === 'answered') waiting?.resolve(message.response);
      else waiting?.reject(new Error(message.message));
    } else if (message.kind === 'stopped') markStopped();
  });
  // A thread that fails on its own (a crash in the emulator) is reported, not left unnoticed.
  worker.on('error', (error) => process.emitWarning(`emulator thread ${script.pathname} failed: ${String(error)}`));
  worker.once('exit', () => {
    failPending(`${script.pathname} stopped before it answered`);
    markStopped();
  });
  const post = (message: ToThread): void => worker.postMessage(message);
  let stopping: Promise<void> | undefined;
  return {
    port: started.port,
    detail: started.detail,
    send: (command) => post({ kind: 'command', command }),
    request: (request) =>
      new Promise<ThreadResponse>((resolve, reject) => {
        if (stopping) return reject(new Error(`${script.pathname} is stopping`));
        const id = nextId++;
        pending.set(id, { resolve, reject });
        post({ kind: 'request', id, request });
      }),
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
  /** Answers a request handed over by the main thread (EmulatorThread.request), as its listener would over HTTP. */
  answer?(request: ThreadRequest): Promise<ThreadResponse>;
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
    if (message.kind === 'request') {
      const { id } = message;
      if (!emulator.answer) {
        post({ kind: 'unanswered', id, message: 'this emulator takes requests over HTTP only' });
        return;
      }
      emulator.answer(message.request).then(
        (response) => post({ kind: 'answered', id, response }),
        (error: unknown) => post({ kind: 'unanswered', id, message: error instanceof Error ? error.message : String(error) }),
      );
      return;
    }
    emulator.stop().finally(() => {
      post({ kind: 'stopped' });
      port.close();
    });
  });
  post({ kind: 'listening', port: emulator.port, detail: emulator.detail ?? null });
}
