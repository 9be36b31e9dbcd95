/**
 * Chaos for the local cloud (`npm start -- --chaos 0.05`, `npm run chaos`): SDK middleware on the
 * handlers' clients fails a share of DynamoDB, S3 and SQS calls the ways AWS does (throttling,
 * timeouts, 500s), some before the call reaches the emulator and some after it was applied (the
 * caller cannot tell whether its write happened). Part of the faults are inside the SDK's retry
 * loop (retried as in AWS), part outside it (the handler sees them). The local cloud's own
 * clients (pollers, provisioning) are left alone, as Lambda's infrastructure would be.
 */
import { type AwsClient, onClientCreated } from '#shared/adapters/aws-clients.ts';

export interface ChaosOptions {
  /** Share of SDK calls that fail, 0 to 1. */
  faultRate: number;
  /** Seed of the fault draw, so a run can be repeated. */
  seed: number;
}

export interface ChaosStats {
  calls: number;
  faults: Record<string, number>;
}

type Fault = 'throttled' | 'timeout' | 'server-error' | 'applied-then-500';
const faults: readonly Fault[] = ['throttled', 'timeout', 'server-error', 'applied-then-500'];

export interface Chaos {
  enable(): void;
  disable(): void;
  stats(): ChaosStats;
}

/** Registers the fault middleware for every handler client created from now on; starts disabled. */
export function installChaos(options: ChaosOptions): Chaos {
  let enabled = false;
  let state = options.seed >>> 0;
  // mulberry32: small, seeded, good enough for a fault draw.
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const stats: ChaosStats = { calls: 0, faults: {} };
  const draw = (): Fault | undefined => {
    if (!enabled) return undefined;
    stats.calls += 1;
    if (random() >= options.faultRate) return undefined;
    const fault = faults[Math.floor(random() * faults.length)] as Fault;
    stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;
    return fault;
  };

  onClientCreated((client: AwsClient, service) => {
    // The event bus and Secrets Manager are not among the services chaos injects faults into (the
    // notifications' publish is at least once anyway; a secret is read once per five minutes).
    if (service === 'events' || service === 'secretsmanager') return;
    const stack = client.middlewareStack as { add(middleware: unknown, options: Record<string, unknown>): void };
    const middleware = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      const fault = draw();
      if (fault === undefined) return next(args);
      if (fault === 'applied-then-500') {
        const result = (await next(args)) as {
          response?: { body?: { destroy?: () => void } };
          output?: { Body?: { destroy?: () => void } };
        };
        // A streamed body nobody will read would hold its socket for ever (as it would in AWS).
        result.response?.body?.destroy?.();
        result.output?.Body?.destroy?.();
        throw awsError(service, 'server-error');
      }
      if (fault === 'timeout') await new Promise((resolve) => setTimeout(resolve, 50));
      throw awsError(service, fault);
    };
    // Inside the retry loop (finalizeRequest, after retry): the SDK retries these as in AWS.
    stack.add(middleware, { step: 'finalizeRequest', priority: 'low', name: 'chaosInsideRetries' });
    // Outside it (initialize): the handler sees these, as it would once AWS's retries run out.
    stack.add(middleware, { step: 'initialize', priority: 'high', name: 'chaosOutsideRetries' });
  });

  return {
    enable: () => {
      enabled = true;
    },
    disable: () => {
      enabled = false;
    },
    stats: () => ({ calls: stats.calls, faults: { ...stats.faults } }),
  };
}

function awsError(service: 'dynamodb' | 'sqs' | 's3' | 'kms', fault: Exclude<Fault, 'applied-then-500'>): Error {
  const shapes = {
    throttled: {
      dynamodb: ['ThrottlingException', 400],
      sqs: ['RequestThrottled', 400],
      s3: ['SlowDown', 503],
      kms: ['ThrottlingException', 400],
    },
    timeout: { dynamodb: ['TimeoutError', 0], sqs: ['TimeoutError', 0], s3: ['TimeoutError', 0], kms: ['TimeoutError', 0] },
    'server-error': {
      dynamodb: ['InternalServerError', 500],
      sqs: ['InternalError', 500],
      s3: ['InternalError', 500],
      kms: ['KMSInternalException', 500],
    },
  } as const;
  const [name, status] = shapes[fault][service];
  const error = new Error(`chaos: injected ${name} on ${service}`) as Error & { $metadata: unknown; $fault: string; $retryable?: unknown };
  error.name = name;
  error.$fault = status >= 500 || status === 0 ? 'server' : 'client';
  error.$metadata = status > 0 ? { httpStatusCode: status, attempts: 1 } : { attempts: 1 };
  if (fault === 'throttled') error.$retryable = { throttling: true };
  return error;
}
