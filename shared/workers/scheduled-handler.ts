/** The one wrapper for scheduled (EventBridge) functions: logging, tracing, metrics. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { logger, metrics, tracingMiddleware } from '#shared/observability.ts';

export function scheduledHandler(run: (event: ScheduledEvent) => Promise<void>) {
  return middy<ScheduledEvent, void>()
    .use(tracingMiddleware())
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      metrics.addMetric('ScheduledRuns', MetricUnit.Count, 1);
      await run(event);
    });
}
