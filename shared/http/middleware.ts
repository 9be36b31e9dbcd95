/**
 * The one HTTP middleware stack: Powertools logging, tracing and metrics, and the mapping of
 * domain errors to RFC 9457 problem responses. Handlers stay thin adapters.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DomainError, problem } from '#shared/domain/problems.ts';
import { logger, metricsWhenAny, tracingMiddleware } from '#shared/observability.ts';
import { problemResponse, statusByKind } from './responses.ts';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

const problemErrors: middy.MiddlewareObj<HttpEvent, HttpResult> = {
  onError: async (request) => {
    const error = request.error;
    if (error instanceof DomainError) {
      const status = statusByKind[error.kind];
      // Bounded: the first few problems and the count, never a hostile body's whole list.
      logger.info('request refused', { status, problemCount: error.problemCount, problems: error.problems.slice(0, 10) });
      request.response = problemResponse(status, error.title, error.problems, { problemCount: error.problemCount });
      return;
    }
    logger.error('unhandled error', error as Error);
    request.response = problemResponse(500, 'Internal error', [
      problem('', 'INTERNAL_ERROR', `something went wrong on our side; quote request id ${request.context.awsRequestId}`),
    ]);
  },
};

/** The API Gateway request id on every log line of the request (`correlation_id`). */
const correlationId: middy.MiddlewareObj<HttpEvent, HttpResult> = {
  before: async (request) => {
    logger.setCorrelationId(request.event.requestContext.requestId);
  },
};

/**
 * Wraps an HTTP handler. API Gateway already measures requests, latency and errors per route;
 * handlers that record business metrics (e.g. declarations submitted) pass `{ metrics: true }`
 * (a request that records none, such as a refused submission, writes no EMF line).
 */
export function httpHandler(handler: (event: HttpEvent, context: Context) => Promise<HttpResult>, options: { metrics?: boolean } = {}) {
  // Never the event, whatever POWERTOOLS_LOGGER_LOG_EVENT says: requests carry declarations and tokens.
  const wrapped = middy<HttpEvent, HttpResult>()
    .use(tracingMiddleware())
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(correlationId);
  if (options.metrics) wrapped.use(metricsWhenAny({ coldStart: true }));
  return wrapped.use(problemErrors).handler(handler);
}
