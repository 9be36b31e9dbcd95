/**
 * Powertools logger, tracer and metrics, one instance each per function (module scope).
 * Service name and namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { CompactLogFormatter } from './log-formatter.ts';

// No correlationIdSearchFn: the HTTP middleware sets the correlation id from the event itself,
// which keeps Powertools' JMESPath engine (about 23 KB) out of every bundle.
// The compact formatter leaves out of INFO and DEBUG lines what the log group and Lambda's own lines already say (shared/log-formatter.ts).
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'customs',
  logFormatter: new CompactLogFormatter(),
});

/**
 * The tracer, only in the functions whose definition says `traced` (shared/resources.ts), and there
 * only in a Lambda execution environment (the runtime sets AWS_EXECUTION_ENV) unless
 * POWERTOOLS_TRACE_ENABLED=false. In the other bundles the bundling makes `CUSTOMS_BUNDLE_TRACED`
 * false (shared/bundle-facts.ts), so esbuild drops these imports: the X-Ray SDK, Powertools Tracer,
 * cls-hooked and semver, about 120 KB parsed at every cold start. Importing it also slows every
 * promise in the process, traced or not (the X-Ray SDK's async hooks; measured on Node 24: 2
 * million awaits took 0.5 s without it and 6.8 s with it), so the local cloud, the tests and the
 * tools, which have no X-Ray daemon, never import it.
 */
const inLambdaWithTracing = (): boolean =>
  process.env.AWS_EXECUTION_ENV?.startsWith('AWS_Lambda_') === true && process.env.POWERTOOLS_TRACE_ENABLED !== 'false';
// The bundle fact stays in the condition itself: esbuild drops a branch whose test is a literal, not one that reads a variable.
const traced =
  globalThis.CUSTOMS_BUNDLE_TRACED === true && inLambdaWithTracing()
    ? await Promise.all([import('@aws-lambda-powertools/tracer'), import('@aws-lambda-powertools/tracer/middleware')]).then(
        ([{ Tracer }, { captureLambdaHandler }]) => ({
          tracer: new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'customs' }),
          captureLambdaHandler,
        }),
      )
    : undefined;

/** The handler's trace segment (cold start, response, error), or no middleware where tracing is off. */
export const tracingMiddleware = (): MiddlewareObj[] => (traced ? [traced.captureLambdaHandler(traced.tracer)] : []);

/** The client with its calls traced as subsegments, or as it is where tracing is off. */
export const traceClient = <C>(client: C): C => (traced ? traced.tracer.captureAWSv3Client(client) : client);
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Customs',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'customs',
  // Route the library's own warnings (e.g. "no metrics to publish") through the logger's level.
  logger,
});

const flushMetrics = (): void => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
};

/**
 * Powertools' `logMetrics` for the workers, except that an invocation that added no metric writes
 * nothing: `logMetrics` flushes regardless, and an empty flush logs a warning ("No application
 * metrics to publish") on every such invocation. One flush, one EMF line, holds every metric the
 * invocation added (Powertools flushes by itself only at 100 metrics). `coldStart` adds the
 * ColdStart metric once per execution environment, in an EMF line of its own.
 */
export const metricsWhenAny = (options: { coldStart: boolean }): MiddlewareObj<unknown, unknown, Error, Context> => ({
  before: (request) => {
    if (options.coldStart) metrics.captureColdStartMetric(request.context.functionName);
  },
  after: flushMetrics,
  onError: flushMetrics,
});
