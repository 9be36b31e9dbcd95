/** GET /v1/review/queue?lane=&office=&minAgeHours=&cursor=: declarations waiting for an officer, RED first, oldest first. */

import { declarationReader } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { reviewQueueOperation } from '#shared/http/operations/review.ts';
import { json } from '#shared/http/responses.ts';
import { listReviewQueue } from '#shared/usecases/review-queue.ts';

const config = loadConfig('reviewQueue');

const deps = {
  repository: declarationReader(config, 'no bodies'),
  customsOffices: config.region.customsOffices,
  clock: systemClock,
};

export const handler = httpOperation(reviewQueueOperation, async ({ principal, query }) =>
  json(200, await listReviewQueue({ principal, ...query }, deps)),
);
