/**
 * Runs a handler module as Lambda would: lazily imported on first use (an import failure is an
 * invocation error, never a start-up crash), a Lambda-like Context, the function timeout, and the
 * JSON round trip of event and result (a handler receives a copy and must return serialisable data).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { invocationScope } from './access-control.ts';
import type { LocalFunctionDefinition } from './definitions.ts';
import { type FunctionThread, ThreadInvocationFailure } from './function-thread.ts';

export const ACCOUNT_ID = '000000000000';
/** Lambda's synchronous invocation payload limit (request and response), 6 MB. */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

type Handler = (event: unknown, context: Context) => unknown;

export class InvocationError extends Error {
  override name = 'InvocationError';
  constructor(
    message: string,
    readonly kind: 'load' | 'timeout' | 'error' | 'payload-too-large' | 'response-too-large' | 'callback',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Set once any handler module has been imported in this process (see cloud.ts, sticky ports). */
export const processState = { handlersLoaded: false };

export class LocalFunction {
  #handler: Promise<Handler> | undefined;

  constructor(
    readonly name: string,
    readonly definition: LocalFunctionDefinition,
    private readonly rootDir: string,
    private readonly awsRegion: string,
    /** Where the handler runs when not in this thread (local/function-thread.ts): its LocalFunction there does all of the below. */
    private readonly thread?: FunctionThread,
  ) {}

  get entryPath(): string {
    return path.resolve(this.rootDir, this.definition.entry);
  }

  /** Imports the handler module once (in its thread, once per thread); a failed import is retried on the next call. */
  async load(): Promise<void> {
    if (this.thread) await this.thread.load(this.name).catch(rethrowFromThread);
    else await this.#loaded();
  }

  #loaded(): Promise<Handler> {
    if (!this.#handler) {
      this.#handler = this.#import().catch((error: unknown) => {
        this.#handler = undefined;
        throw error;
      });
    }
    return this.#handler;
  }

  async #import(): Promise<Handler> {
    let module: Record<string, unknown>;
    try {
      processState.handlersLoaded = true;
      module = (await import(pathToFileURL(this.entryPath).href)) as Record<string, unknown>;
    } catch (error) {
      throw new InvocationError(`cannot load ${this.definition.entry}: ${messageOf(error)}`, 'load', { cause: error });
    }
    const handler = module[this.definition.handler];
    if (typeof handler !== 'function') {
      throw new InvocationError(`${this.definition.entry} has no exported function '${this.definition.handler}'`, 'load');
    }
    return handler as Handler;
  }

  /**
   * Invokes the handler with a copy of the event (in its thread, when it has one). Init (the
   * import) is not counted in the timeout, as in Lambda. Rejects with InvocationError on load
   * failure, throw, timeout or oversized payloads.
   */
  async invoke(event: unknown): Promise<unknown> {
    const eventJson = JSON.stringify(event);
    const resultJson = this.thread
      ? await this.thread
          .invoke(this.name, eventJson, this.definition.timeoutSeconds * 1000 + THREAD_DEADLINE_MARGIN_MS)
          .catch(rethrowFromThread)
      : await this.invokeJson(eventJson);
    return JSON.parse(resultJson) as unknown;
  }

  /** The invocation itself, on the event as JSON (as Lambda receives it); answers the result as JSON. */
  async invokeJson(eventJson: string): Promise<string> {
    const handler = await this.#loaded();
    if (handler.length >= 3) {
      throw new InvocationError(
        `${this.definition.entry}: callback-style handlers are not supported by the nodejs24.x runtime`,
        'callback',
      );
    }
    if (Buffer.byteLength(eventJson) > LAMBDA_PAYLOAD_LIMIT_BYTES) {
      throw new InvocationError(`event of ${Buffer.byteLength(eventJson)} bytes exceeds Lambda's 6 MB payload limit`, 'payload-too-large');
    }
    const timeoutMs = this.definition.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    const context = this.#context(deadline);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new InvocationError(`Task timed out after ${this.definition.timeoutSeconds.toFixed(2)} seconds`, 'timeout')),
        timeoutMs,
      );
    });
    let result: unknown;
    try {
      // The scope tells the SDK calls of the handler whose access they are checked against.
      const scope = { functionName: this.name, access: this.definition.access };
      const running = invocationScope.run(scope, () => Promise.resolve().then(() => handler(JSON.parse(eventJson), context)));
      result = await Promise.race([running, timeout]);
    } catch (error) {
      if (error instanceof InvocationError) throw error;
      throw new InvocationError(messageOf(error), 'error', { cause: error });
    } finally {
      clearTimeout(timer);
    }
    const resultJson = JSON.stringify(result ?? null);
    if (Buffer.byteLength(resultJson) > LAMBDA_PAYLOAD_LIMIT_BYTES) {
      throw new InvocationError(
        `response of ${Buffer.byteLength(resultJson)} bytes exceeds Lambda's 6 MB payload limit`,
        'response-too-large',
      );
    }
    return resultJson;
  }

  #context(deadline: number): Context {
    const functionName = this.name;
    const requestId = randomUUID();
    const unsupported = (what: string) => (): never => {
      throw new Error(`context.${what}() is not supported by the nodejs24.x runtime; return or throw instead`);
    };
    return {
      callbackWaitsForEmptyEventLoop: true,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${this.awsRegion}:${ACCOUNT_ID}:function:${functionName}`,
      memoryLimitInMB: String(this.definition.memoryMb ?? 128),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${requestId.replaceAll('-', '')}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: unsupported('done'),
      fail: unsupported('fail'),
      succeed: unsupported('succeed'),
    };
  }
}

/**
 * How long past its timeout the main thread waits for a threaded invocation before it replaces the
 * thread (the thread's own timeout answers first unless a handler blocks its event loop; the first
 * invocation's import is not in the timeout either).
 */
const THREAD_DEADLINE_MARGIN_MS = 5_000;

/** The thread's failure as this thread would have thrown it: an InvocationError of its kind, with its cause for the log. */
function rethrowFromThread(error: unknown): never {
  if (!(error instanceof ThreadInvocationFailure)) throw error;
  const { message, kind, cause } = error.failure;
  const rebuilt = cause
    ? Object.assign(new Error(cause.message), { name: cause.name, ...(cause.stack ? { stack: cause.stack } : {}) })
    : undefined;
  throw new InvocationError(message, kind as InvocationError['kind'], rebuilt ? { cause: rebuilt } : undefined);
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
