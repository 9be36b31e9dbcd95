/**
 * Powertools logger, tracer and metrics, one instance each per function (module scope).
 * Service name and namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';

// No correlationIdSearchFn: the HTTP middleware sets the correlation id from the event itself,
// which keeps Powertools' JMESPath engine (about 23 KB) out of every bundle.
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'customs' });

/**
 * The tracer, only where it will trace: in a Lambda execution environment (the runtime sets
 * AWS_EXECUTION_ENV) unless POWERTOOLS_TRACE_ENABLED=false. Importing it loads the X-Ray SDK, whose
 * async hooks slow every promise in the process, traced or not (measured on Node 24: 2 million
 * awaits took 0.5 s without it and 6.8 s with it), so the local cloud, the tests and the tools,
 * which have no X-Ray daemon, never import it.
 */
const tracing = process.env.AWS_EXECUTION_ENV?.startsWith('AWS_Lambda_') === true && process.env.POWERTOOLS_TRACE_ENABLED !== 'false';
const tracer: Tracer | undefined = tracing
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'customs' })
  : undefined;

/** The handler's trace segment (cold start, response, error), or no middleware where tracing is off. */
export const tracingMiddleware = (): MiddlewareObj[] => (tracer ? [captureLambdaHandler(tracer)] : []);

/** The client with its calls traced as subsegments, or as it is where tracing is off. */
export const traceClient = <C>(client: C): C => (tracer ? tracer.captureAWSv3Client(client) : client);
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Customs',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'customs',
  // Route the library's own warnings (e.g. "no metrics to publish") through the logger's level.
  logger,
});
