/** GET /v1/tariff/commodities/{code}?origin=&date=: a commodity and the measures that apply. */
import { referenceDocuments } from '../../shared/adapters/platform.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { tariffFromReferenceDocuments } from '../../shared/adapters/tariff-source.ts';
import { httpHandler } from '../../shared/http/middleware.ts';
import { principalFromEvent } from '../../shared/http/principal.ts';
import { parseQuery, pathParameter } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import { commodityLookupQuerySchema, lookUpCommodity } from '../../shared/usecases/lookup-commodity.ts';

const deps = { tariff: tariffFromReferenceDocuments(referenceDocuments()) };

export const handler = httpHandler(async (event) => {
  const query = parseQuery(commodityLookupQuerySchema, event);
  const today = systemClock.now().toISOString().slice(0, 10);
  return json(200, await lookUpCommodity({ principal: principalFromEvent(event), code: pathParameter(event, 'code'), today, ...query }, deps));
});
