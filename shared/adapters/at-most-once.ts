/**
 * Writes that must not be applied twice: an unconditional `ADD` to a counter. The SDK retries a
 * write after a throttle, and also after a transient error (a 5xx, a time-out, a reset connection),
 * but DynamoDB may have applied a write it answered with a 500 ("the request may or may not have
 * been processed", InternalServerError in the DynamoDB API reference, "Common errors"), and a
 * response lost in the network says nothing either: a retry would then add a second time. The
 * platform's counts are at most once (docs/data-model.md, patterns 18, 33, 34), so such an error
 * ends the attempts as `WriteOutcomeUnknown`, and the count it carried is lost rather than doubled.
 * A refusal (any 4xx: throttled, invalid) applied nothing, and the SDK still retries it as usual.
 */

/** The write may or may not have been applied; the SDK does not retry it. */
export class WriteOutcomeUnknownError extends Error {
  override readonly name = 'WriteOutcomeUnknown';
  /**
   * What ended the attempt. Not `cause`: the SDK's retry classification follows `cause`
   * (`isTransientError`), and would retry this error as the transient one it wraps.
   */
  readonly underlying: unknown;

  constructor(underlying: unknown) {
    super(`the write may or may not have been applied, so it is not retried: ${(underlying as Error)?.message ?? String(underlying)}`);
    this.underlying = underlying;
  }
}

/** Set on a refusal that passed through the middleware: every attempt before it was a refusal too. */
const REFUSED_EVERY_ATTEMPT = Symbol.for('customs.refusedEveryAttempt');

type Metadata = { $metadata?: { httpStatusCode?: number; attempts?: number } };

const refused = (error: unknown): boolean => {
  const status = (error as Metadata)?.$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
};

/**
 * Whether no attempt of a failed write can have been applied: it failed at its only attempt, or it
 * was sent `atMostOnce` and so every attempt before the last was a refusal too (an unknown outcome
 * would have ended them). Its refusal itself is the caller's to judge (by the error's name).
 */
export const refusedOnEveryAttempt = (error: unknown): boolean =>
  (error as Record<symbol, unknown>)?.[REFUSED_EVERY_ATTEMPT] === true || ((error as Metadata)?.$metadata?.attempts ?? 1) <= 1;

/** The part of an SDK command this needs: its own middleware stack (a lib-dynamodb command's is used too). */
interface WithMiddleware {
  middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
}

/**
 * Marks a command to be sent at most once: inside the SDK's retry loop (finalizeRequest, below the
 * retry middleware's high priority), an error that is not a refusal becomes `WriteOutcomeUnknown`,
 * which the SDK does not retry.
 */
export function atMostOnce<C extends WithMiddleware>(command: C): C {
  command.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (error) {
        if (!refused(error)) throw new WriteOutcomeUnknownError(error);
        (error as Record<symbol, unknown>)[REFUSED_EVERY_ATTEMPT] = true;
        throw error;
      }
    },
    // override: a lib-dynamodb command shares its stack with the command it wraps, and both are concatenated.
    { step: 'finalizeRequest', priority: 'normal', name: 'atMostOnce', override: true },
  );
  return command;
}
