/** Scheduled: hands declarations that stopped between two stages to their stage again. */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { declarationRepository, stageQueues } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { logger, metrics } from '#shared/observability.ts';
import { redriveStalled } from '#shared/usecases/redrive-stalled.ts';
import { scheduledHandler } from '#shared/workers/scheduled-handler.ts';

const config = loadConfig('redriveStalled');

const deps = {
  repository: declarationRepository(config, 'no bodies'),
  clock: systemClock,
  stageQueues: stageQueues(config),
};
/** Minutes without a change after which a declaration counts as stopped (region config: stalledAfterMinutes). */
const olderThanMinutes = config.region.stalledAfterMinutes;

export const handler = scheduledHandler(async () => {
  const result = await redriveStalled({ now: systemClock.now(), olderThanMinutes, limit: 1000 }, deps);
  if (result.errors > 0)
    logger.warn('some stalled declarations could not be handled this time; the next run tries again', { errors: result.errors });
  if (result.redriven > 0) logger.warn('stalled declarations handed to their stage again', { byStatus: result.byStatus });
  if (result.gaveUp.length > 0) metrics.addMetric('DeclarationsFailed', MetricUnit.Count, result.gaveUp.length);
  if (result.gaveUp.length > 0)
    logger.error(
      'declarations marked PROCESSING_FAILED after repeated redrives: fix the cause, then retry them (POST /v1/admin/declarations/{id}/retry)',
      { ids: result.gaveUp },
    );
});
