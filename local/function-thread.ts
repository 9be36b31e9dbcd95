/**
 * The queue- and schedule-triggered functions in a worker thread of their own (`functionThread` of
 * startLocalCloud; `npm start` and `npm run bench` turn it on). In AWS every function has its own
 * execution environments; locally they all shared the main thread with the gateway, the pollers and
 * the API handlers, and at 50 declarations a second that one thread was the limit (issue 11, item 5;
 * docs/local-cloud.md, "Threads"). In the thread the handlers run as in the main thread: the same
 * LocalFunction (lazy import, Lambda-like context, timeout, Lambda's payload limits), the same
 * process.env (shared, SHARE_ENV), the placeholder signatures, the access control against
 * `shared/resources.ts` and the *.localhost names; only the event and the result cross the
 * boundary, as JSON.
 *
 * A thread that dies (a handler's unhandled rejection) or hangs past an invocation's deadline (a
 * synchronous loop: the thread's own timeout cannot fire) is logged and replaced on the next call,
 * as Lambda replaces a crashed execution environment; the invocations it held fail as invocation
 * errors, so their records go back to their queues.
 *
 * The thread script (local/function-thread-worker.ts) registers tsx's loader itself, so the
 * handlers' TypeScript loads under tsx and vitest alike.
 */
import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { ResourceIndex } from './access-policy.ts';
import type { LocalFunctionDefinition } from './definitions.ts';
import type { Log } from './log.ts';

export interface FunctionThreadInput {
  functions: Record<string, LocalFunctionDefinition>;
  rootDir: string;
  awsRegion: string;
  accountId: string;
  resources: ResourceIndex;
}

/** An invocation's failure as it crosses the boundary: InvocationError's message and kind, and its cause for the log. */
export interface ThreadFailure {
  message: string;
  kind: string;
  cause?: { name: string; message: string; stack?: string };
}

export type ToFunctionThread = { kind: 'load'; id: number; name: string } | { kind: 'invoke'; id: number; name: string; eventJson: string };

export type FromFunctionThread =
  | { kind: 'ready' }
  | { kind: 'answer'; id: number; ok: true; resultJson?: string }
  | { kind: 'answer'; id: number; ok: false; failure: ThreadFailure };

export interface FunctionThread {
  load(name: string): Promise<void>;
  /** The handler's result as JSON; rejects with a ThreadInvocationFailure. `deadlineMs`: when to give up on the thread. */
  invoke(name: string, eventJson: string, deadlineMs: number): Promise<string>;
  /** Waits up to `graceMs` for the invocations in flight, then ends the thread. */
  stop(graceMs?: number): Promise<void>;
}

/** A failure of an invocation in the thread, or of the thread itself (kind 'error' or 'timeout'). */
export class ThreadInvocationFailure extends Error {
  override name = 'ThreadInvocationFailure';
  constructor(readonly failure: ThreadFailure) {
    super(failure.message);
  }
}

/** tsx's own flags (its CLI passes `--require …preflight.cjs --import …loader.mjs`): the thread registers the loader itself. */
function withoutTsx(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < execArgv.length; index += 1) {
    const flag = execArgv[index] ?? '';
    if ((flag === '--require' || flag === '--import' || flag === '-r') && /tsx/.test(execArgv[index + 1] ?? '')) {
      index += 1;
      continue;
    }
    if (/^--(require|import)=.*tsx/.test(flag)) continue;
    kept.push(flag);
  }
  return kept;
}

interface Running {
  worker: Worker;
  pending: Map<number, { resolve: (answer: Extract<FromFunctionThread, { kind: 'answer' }>) => void; reject: (error: Error) => void }>;
  /** The handlers this thread has imported (or is importing): a load is asked once per thread, not before every poll. */
  loaded: Map<string, Promise<void>>;
  /** Set once the thread is ending or gone: no call is posted to it, the next one starts a new thread. */
  gone: boolean;
  /** Why it ended, when this side ended it. */
  endedBy?: string;
}

/** How long a new thread may take to install its hooks and say it is ready. */
const READY_TIMEOUT_MS = 60_000;

/** Starts the thread and resolves once its handlers' hooks are installed (rejects if it cannot start). */
export async function startFunctionThread(input: FunctionThreadInput, log: Log): Promise<FunctionThread> {
  let nextId = 0;
  let stopping = false;
  // Every thread started and not yet ended: stop() ends them all.
  const workers = new Set<Worker>();

  const spawn = async (): Promise<Running> => {
    const worker = new Worker(new URL('./function-thread-worker.ts', import.meta.url), {
      workerData: input,
      env: SHARE_ENV,
      execArgv: withoutTsx(process.execArgv),
    });
    workers.add(worker);
    worker.once('exit', () => workers.delete(worker));
    const running: Running = { worker, pending: new Map(), loaded: new Map(), gone: false };
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const onMessage = (message: FromFunctionThread): void => {
          if (message.kind !== 'ready') return;
          worker.off('message', onMessage).off('error', reject).off('exit', onExit);
          resolve();
        };
        const onExit = (code: number): void => reject(new Error(`the function thread exited (code ${code}) before it was ready`));
        worker.on('message', onMessage).once('error', reject).once('exit', onExit);
        timer = setTimeout(() => reject(new Error(`the function thread was not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      });
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    worker.on('message', (message: FromFunctionThread) => {
      if (message.kind !== 'answer') return;
      const waiting = running.pending.get(message.id);
      running.pending.delete(message.id);
      waiting?.resolve(message);
    });
    let firstError: Error | undefined;
    worker.on('error', (error) => {
      firstError ??= error;
      log.error(`the function thread failed; it is replaced on the next invocation: ${error.message}`, error);
    });
    worker.once('exit', (code) => {
      running.gone = true;
      const reason =
        running.endedBy ?? (firstError ? `the function thread failed: ${firstError.message}` : `the function thread exited (code ${code})`);
      if (!running.endedBy && !firstError && !stopping) log.error(`${reason}; it is replaced on the next invocation`);
      for (const { reject } of running.pending.values()) reject(new ThreadInvocationFailure({ message: reason, kind: 'error' }));
      running.pending.clear();
    });
    return running;
  };

  let current: Promise<Running> = spawn();
  await current;
  const thread = async (): Promise<Running> => {
    for (;;) {
      if (stopping) throw new ThreadInvocationFailure({ message: 'the local cloud is stopping', kind: 'error' });
      const observed = current;
      const running = await observed.catch(() => undefined);
      if (running && !running.gone) return running;
      // Another call may have started the replacement while this one waited: use it, never start a second.
      if (current !== observed) continue;
      log.warn('starting a new function thread (the last one ended)');
      current = spawn();
      // This call gets the replacement's outcome; after a failure the next call tries again.
      return current.catch((error: unknown) => {
        const message = `a new function thread did not start: ${error instanceof Error ? error.message : String(error)}`;
        log.error(message, error);
        throw new ThreadInvocationFailure({ message, kind: 'error' });
      });
    }
  };

  /** Posts to this thread (the one a load is cached on, or an invocation follows its load on). */
  const ask = async (
    running: Running,
    message: ToFunctionThread,
    deadlineMs?: number,
  ): Promise<Extract<FromFunctionThread, { kind: 'answer' }>> => {
    if (running.gone) throw new ThreadInvocationFailure({ message: running.endedBy ?? 'the function thread has ended', kind: 'error' });
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise((resolve, reject) => {
        running.pending.set(message.id, { resolve, reject });
        running.worker.postMessage(message);
        if (deadlineMs === undefined) return;
        timer = setTimeout(() => {
          // The thread's own timeout did not answer: something holds its event loop. End it; the next call starts another.
          running.gone = true;
          running.endedBy = `the function thread was ended: an invocation of ${message.name} had no answer within ${deadlineMs} ms (a handler blocks it)`;
          running.pending.delete(message.id);
          reject(new ThreadInvocationFailure({ message: running.endedBy, kind: 'timeout' }));
          log.error(`${running.endedBy}${stopping ? '' : '; it is replaced on the next invocation'}`);
          void running.worker.terminate();
        }, deadlineMs);
      });
    } finally {
      clearTimeout(timer);
    }
  };

  /** The thread, with the handler imported there. */
  const loadedIn = async (name: string): Promise<Running> => {
    const running = await thread();
    let loading = running.loaded.get(name);
    if (!loading) {
      loading = ask(running, { kind: 'load', id: nextId++, name }).then((answer) => {
        if (!answer.ok) throw new ThreadInvocationFailure(answer.failure);
      });
      running.loaded.set(name, loading);
      // A failed import is asked again on the next call, as in the main thread.
      loading.catch(() => running.loaded.delete(name));
    }
    await loading;
    return running;
  };

  return {
    load: async (name) => {
      await loadedIn(name);
    },
    invoke: async (name, eventJson, deadlineMs) => {
      // Init first, outside the deadline (as Lambda keeps init out of the timeout), on the thread that then runs it.
      const running = await loadedIn(name);
      const answer = await ask(running, { kind: 'invoke', id: nextId++, name, eventJson }, deadlineMs);
      if (!answer.ok) throw new ThreadInvocationFailure(answer.failure);
      return answer.resultJson ?? 'null';
    },
    stop: async (graceMs = 5_000) => {
      stopping = true;
      const running = await current.catch(() => undefined);
      const deadline = Date.now() + graceMs;
      while (running && running.pending.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await Promise.all([...workers].map((worker) => worker.terminate()));
    },
  };
}
