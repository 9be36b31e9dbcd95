/**
 * Powertools logger, tracer and metrics, one instance each per function (module scope).
 * Service name and namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'customs', correlationIdSearchFn: search });
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'customs' });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Customs',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'customs',
  // Route the library's own warnings (e.g. "no metrics to publish") through the logger's level.
  logger,
});
