/**
 * In the function thread (local/function-thread.ts): the local cloud's SDK hooks as the main thread
 * has them (process.env is the main thread's, shared), then LocalFunctions that load and invoke on
 * request. It says `ready` once the hooks are in place, before any handler module is imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { interceptLocalhostDns } from 'fauxqs';
import { enforceAccess } from './access-control.ts';
import type { FromFunctionThread, FunctionThreadInput, ThreadFailure, ToFunctionThread } from './function-thread.ts';
import { InvocationError, LocalFunction, messageOf } from './lambda.ts';
import { signWithPlaceholders } from './request-signing.ts';

const port = parentPort;
if (!port) throw new Error('local/function-thread-host.ts runs only in the function thread (see startFunctionThread)');
const input = workerData as FunctionThreadInput;

interceptLocalhostDns();
signWithPlaceholders();
enforceAccess(input.resources, { awsRegion: input.awsRegion, accountId: input.accountId });

const functions = new Map(
  Object.entries(input.functions).map(([name, definition]) => [name, new LocalFunction(name, definition, input.rootDir, input.awsRegion)]),
);

function failureOf(error: unknown): ThreadFailure {
  const cause = error instanceof Error ? error.cause : undefined;
  return {
    message: messageOf(error),
    kind: error instanceof InvocationError ? error.kind : 'error',
    ...(cause instanceof Error
      ? { cause: { name: cause.name, message: cause.message, ...(cause.stack ? { stack: cause.stack } : {}) } }
      : cause !== undefined
        ? { cause: { name: 'Error', message: String(cause) } }
        : {}),
  };
}

async function answer(message: ToFunctionThread): Promise<FromFunctionThread> {
  try {
    const fn = functions.get(message.name);
    if (!fn) throw new InvocationError(`no function ${message.name} in the function thread`, 'load');
    if (message.kind === 'load') {
      await fn.load();
      return { kind: 'answer', id: message.id, ok: true };
    }
    return { kind: 'answer', id: message.id, ok: true, resultJson: await fn.invokeJson(message.eventJson) };
  } catch (error) {
    return { kind: 'answer', id: message.id, ok: false, failure: failureOf(error) };
  }
}

port.on('message', (message: ToFunctionThread) => {
  answer(message).then((reply) => port.postMessage(reply));
});
port.postMessage({ kind: 'ready' } satisfies FromFunctionThread);
