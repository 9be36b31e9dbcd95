/** Scheduled: closes the month that ended on every deferment account (direct debit booked, statement archived), once. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { statementDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { logger, metrics } from '#shared/observability.ts';
import { closeEndedPeriod } from '#shared/usecases/monthly-statements.ts';
import { scheduledHandler } from '#shared/workers/scheduled-handler.ts';

const deps = statementDependencies(loadConfig('closeEndedStatements'));

export const handler = scheduledHandler(async () => {
  const { period, closed, failed } = await closeEndedPeriod(deps);
  metrics.addMetric('StatementsClosed', MetricUnit.Count, closed.length);
  if (failed.length > 0) logger.warn('deferment accounts not closed this time; the next run tries again', { period, accounts: failed });
});
