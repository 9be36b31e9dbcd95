/** GET /v1/stats/clearance?from=&to=: declarations by lane, release times and revenue per day. */
import { clearanceCounters } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { clearanceStatisticsOperation } from '#shared/http/operations/stats.ts';
import { json } from '#shared/http/responses.ts';
import { readClearanceStatistics } from '#shared/usecases/clearance-statistics.ts';

const config = loadConfig('clearanceStatistics');

const deps = { counters: clearanceCounters(config), clock: systemClock, nationalCurrency: config.region.nationalCurrency };

export const handler = httpOperation(clearanceStatisticsOperation, async ({ principal, query }) =>
  json(200, await readClearanceStatistics({ principal, ...query }, deps)),
);
