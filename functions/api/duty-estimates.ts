/** POST /v1/duty-estimates: what a declaration body would owe, without declaring or storing anything. */
import { referenceDocuments } from '../../shared/adapters/platform.ts';
import { regionFromEnvironment } from '../../shared/adapters/region-settings.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { tariffFromReferenceDocuments } from '../../shared/adapters/tariff-source.ts';
import { httpHandler } from '../../shared/http/middleware.ts';
import { principalFromEvent } from '../../shared/http/principal.ts';
import { jsonBody } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import { estimateDuty } from '../../shared/usecases/assess-duty.ts';

const deps = { tariff: tariffFromReferenceDocuments(referenceDocuments()), region: regionFromEnvironment() };

export const handler = httpHandler(async (event) => {
  const now = systemClock.now().toISOString();
  return json(200, await estimateDuty({ principal: principalFromEvent(event), body: jsonBody(event), now }, deps));
});
