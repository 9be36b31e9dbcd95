/**
 * In the function thread (local/function-thread.ts): the handlers' environment and the local
 * cloud's SDK hooks as the main thread has them, then LocalFunctions that load and invoke on request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { interceptLocalhostDns } from 'fauxqs';
import { enforceAccess } from './access-control.ts';
import type { FromFunctionThread, FunctionThreadInput, ToFunctionThread } from './function-thread.ts';
import { InvocationError, LocalFunction, messageOf } from './lambda.ts';
import { signWithPlaceholders } from './request-signing.ts';

const port = parentPort;
if (!port) throw new Error('local/function-thread-host.ts runs only in the function thread (see startFunctionThread)');
const input = workerData as FunctionThreadInput;

// Before any handler module (and so any SDK client or configuration parse) exists, as in startLocalCloud.
Object.assign(process.env, input.environment);
interceptLocalhostDns();
signWithPlaceholders();
enforceAccess(input.resources, { awsRegion: input.awsRegion, accountId: input.accountId });

const functions = new Map(
  Object.entries(input.functions).map(([name, definition]) => [name, new LocalFunction(name, definition, input.rootDir, input.awsRegion)]),
);

async function answer(message: Exclude<ToFunctionThread, { kind: 'stop' }>): Promise<FromFunctionThread> {
  const fn = functions.get(message.name);
  try {
    if (!fn) throw new InvocationError(`no function ${message.name} in the function thread`, 'load');
    if (message.kind === 'load') {
      await fn.load();
      return { id: message.id, ok: true };
    }
    const result = await fn.invoke(JSON.parse(message.eventJson));
    return { id: message.id, ok: true, resultJson: JSON.stringify(result ?? null) };
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    return {
      id: message.id,
      ok: false,
      failure: {
        message: messageOf(error),
        kind: error instanceof InvocationError ? error.kind : 'error',
        ...(cause instanceof Error && cause.stack ? { causeStack: cause.stack } : {}),
      },
    };
  }
}

port.on('message', (message: ToFunctionThread) => {
  if (message.kind === 'stop') {
    port.close();
    return;
  }
  answer(message).then((reply) => port.postMessage(reply));
});
