/**
 * What `refusedOnEveryAttempt` concludes from a failed write (shared/adapters/at-most-once.ts): a
 * write may be redone one addition at a time only if no attempt of it can have landed.
 */
import { describe, expect, it } from 'vitest';
import { atMostOnce, refusedOnEveryAttempt, WriteOutcomeUnknownError } from '#shared/adapters/at-most-once.ts';

const throttled = (attempts?: number): Error =>
  Object.assign(new Error('throttled'), {
    name: 'ThrottlingException',
    $metadata: attempts === undefined ? { httpStatusCode: 400 } : { httpStatusCode: 400, attempts },
  });

/** Runs the middleware `atMostOnce` adds around an attempt that fails with `error`. */
async function attemptFailingWith(error: unknown): Promise<unknown> {
  let added: ((next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>) | undefined;
  atMostOnce({ middlewareStack: { add: (middleware: never) => void (added = middleware) } });
  return added?.(() => Promise.reject(error))({}).catch((thrown: unknown) => thrown);
}

describe('a write sent at most once', () => {
  it('passes a refusal (4xx) on, marked, so that the SDK retries it and its last attempt vouches for all', async () => {
    // Prepare
    const refusal = throttled(3);

    // Act
    const thrown = await attemptFailingWith(refusal);

    // Assess
    expect(thrown).toBe(refusal);
    expect(refusedOnEveryAttempt(thrown)).toBe(true);
  });

  it('turns a 500 into WriteOutcomeUnknown, with nothing the SDK retries by (no status, no cause)', async () => {
    // Prepare
    const serverError = Object.assign(new Error('boom'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });

    // Act
    const thrown = await attemptFailingWith(serverError);

    // Assess
    expect(thrown).toBeInstanceOf(WriteOutcomeUnknownError);
    expect(thrown).toMatchObject({ name: 'WriteOutcomeUnknown', underlying: serverError });
    expect((thrown as Error).cause).toBeUndefined();
    expect((thrown as { $metadata?: unknown }).$metadata).toBeUndefined();
  });

  it('turns an error with no answer at all (a reset connection) into WriteOutcomeUnknown', async () => {
    // Prepare
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

    // Act
    const thrown = await attemptFailingWith(reset);

    // Assess
    expect(thrown).toMatchObject({ name: 'WriteOutcomeUnknown', underlying: reset });
    expect((thrown as { code?: unknown }).code).toBeUndefined();
  });
});

describe('whether no attempt of a failed write can have landed', () => {
  it('holds for a failure at the only attempt, or one that never reached the SDK’s retries', () => {
    expect(refusedOnEveryAttempt(throttled(1))).toBe(true);
    expect(refusedOnEveryAttempt(throttled())).toBe(true);
  });

  it('does not hold for a refusal after attempts not sent at most once: one of them may have landed', () => {
    expect(refusedOnEveryAttempt(throttled(3))).toBe(false);
  });
});
