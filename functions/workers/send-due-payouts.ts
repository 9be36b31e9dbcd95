/** Scheduled: sends again every payout left REQUESTED (the provider was down, or the request that recorded it stopped). */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { payoutProvider, repaymentClaims } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { logger, metrics } from '#shared/observability.ts';
import { sendDuePayouts } from '#shared/usecases/payouts.ts';
import { scheduledHandler } from '#shared/workers/scheduled-handler.ts';

const config = loadConfig('sendDuePayouts');
const deps = { payouts: repaymentClaims(config), provider: payoutProvider(config), clock: systemClock };

/** Payouts per run: each waits at most the provider's timeout (3 s), well within the function's. */
const PAYOUTS_PER_RUN = 15;

export const handler = scheduledHandler(async () => {
  const result = await sendDuePayouts({ now: systemClock.now(), limit: PAYOUTS_PER_RUN }, deps);
  metrics.addMetric('PayoutsResent', MetricUnit.Count, result.sent);
  if (result.notTaken > 0 || result.errors > 0)
    logger.warn(
      'payouts still REQUESTED: the provider did not take them, or they could not be read; the next runs send them again',
      result,
    );
});
