/**
 * The queue- and schedule-triggered functions in a worker thread of their own (`functionThread` of
 * startLocalCloud; `npm start` and `npm run bench` turn it on). In AWS every function has its own
 * execution environments; locally they all shared the main thread with the gateway, the pollers and
 * the API handlers, and at 50 declarations a second that one thread was the limit (issue 11, item 5;
 * docs/local-cloud.md, "Threads"). In the thread the handlers run exactly as in the main thread: the
 * same LocalFunction (lazy import, Lambda-like context, timeout, JSON round trip), the same
 * environment, the placeholder signatures, the access control against `shared/resources.ts` and
 * the *.localhost names; only the event and the result cross the boundary, as JSON.
 *
 * The thread script (local/function-thread-worker.ts) registers tsx's loader itself, so the
 * handlers' TypeScript loads under tsx and vitest alike.
 */
import { Worker } from 'node:worker_threads';
import type { ResourceIndex } from './access-policy.ts';
import type { LocalFunctionDefinition } from './definitions.ts';

export interface FunctionThreadInput {
  functions: Record<string, LocalFunctionDefinition>;
  rootDir: string;
  awsRegion: string;
  accountId: string;
  /** The handlers' environment (applyEnvironment's `applied`), set in the thread before any import. */
  environment: Record<string, string>;
  resources: ResourceIndex;
}

/** An invocation's failure as it crosses the boundary (InvocationError's message and kind, and the cause's stack for the log). */
export interface ThreadFailure {
  message: string;
  kind: string;
  causeStack?: string;
}

export type ToFunctionThread =
  | { kind: 'load'; id: number; name: string }
  | { kind: 'invoke'; id: number; name: string; eventJson: string }
  | { kind: 'stop' };

export type FromFunctionThread = { id: number; ok: true; resultJson?: string } | { id: number; ok: false; failure: ThreadFailure };

export interface FunctionThread {
  load(name: string): Promise<void>;
  /** The handler's result (JSON round-tripped), or a rejection with the thread's failure. */
  invoke(name: string, event: unknown): Promise<unknown>;
  stop(): Promise<void>;
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

export function startFunctionThread(input: FunctionThreadInput): FunctionThread {
  const worker = new Worker(new URL('./function-thread-worker.ts', import.meta.url), {
    workerData: input,
    execArgv: withoutTsx(process.execArgv),
  });
  const pending = new Map<number, { resolve: (message: FromFunctionThread) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let exited: Error | undefined;
  const failAll = (error: Error): void => {
    exited = error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on('message', (message: FromFunctionThread) => {
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    waiting?.resolve(message);
  });
  worker.on('error', (error) => failAll(new Error(`the function thread failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => failAll(new Error(`the function thread exited (code ${code})`)));

  const ask = (message: Exclude<ToFunctionThread, { kind: 'stop' }>): Promise<FromFunctionThread> =>
    new Promise((resolve, reject) => {
      if (exited) {
        reject(exited);
        return;
      }
      pending.set(message.id, { resolve, reject });
      worker.postMessage(message);
    });
  let stopping: Promise<void> | undefined;
  return {
    load: async (name) => {
      const answer = await ask({ kind: 'load', id: nextId++, name });
      if (!answer.ok) throw failureError(answer.failure);
    },
    invoke: async (name, event) => {
      const answer = await ask({ kind: 'invoke', id: nextId++, name, eventJson: JSON.stringify(event) });
      if (!answer.ok) throw failureError(answer.failure);
      return answer.resultJson === undefined ? null : (JSON.parse(answer.resultJson) as unknown);
    },
    stop: () => {
      stopping ??= (async () => {
        if (!exited) worker.postMessage({ kind: 'stop' } satisfies ToFunctionThread);
        await worker.terminate();
      })();
      return stopping;
    },
  };
}

/** Rebuilt by LocalFunction as the InvocationError the thread's LocalFunction threw. */
export class ThreadInvocationFailure extends Error {
  override name = 'ThreadInvocationFailure';
  constructor(readonly failure: ThreadFailure) {
    super(failure.message);
  }
}

function failureError(failure: ThreadFailure): ThreadInvocationFailure {
  return new ThreadInvocationFailure(failure);
}
