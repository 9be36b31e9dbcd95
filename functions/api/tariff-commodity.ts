/** GET /v1/tariff/commodities/{code}?origin=&date=: a commodity and the measures that apply. */

import { tariffSource } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { lookUpCommodityOperation } from '#shared/http/operations/tariff.ts';
import { json } from '#shared/http/responses.ts';
import { lookUpCommodity } from '#shared/usecases/lookup-commodity.ts';

const config = loadConfig('lookUpCommodity');

const deps = { tariff: tariffSource(config) };

export const handler = httpOperation(lookUpCommodityOperation, async ({ principal, path, query }) => {
  const today = systemClock.now().toISOString().slice(0, 10);
  return json(200, await lookUpCommodity({ principal, code: path.code, today, ...query }, deps));
});
