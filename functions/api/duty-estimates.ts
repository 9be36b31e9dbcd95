/** POST /v1/duty-estimates: what a declaration body would owe, without declaring or storing anything. */

import { tariffSource } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { estimateDutyOperation } from '#shared/http/operations/tariff.ts';
import { json } from '#shared/http/responses.ts';
import { estimateDuty } from '#shared/usecases/assess-duty.ts';

const config = loadConfig('estimateDuty');

const deps = { tariff: tariffSource(config), region: config.region };

export const handler = httpOperation(estimateDutyOperation, async ({ principal, body }) =>
  json(200, await estimateDuty({ principal, declaration: body, now: systemClock.now().toISOString() }, deps)),
);
