/** POST /v1/duty-estimates: what a declaration body would owe, without declaring or storing anything. */
import { referenceDocuments } from '../../shared/adapters/platform.ts';
import { regionFromEnvironment } from '../../shared/adapters/region-settings.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { tariffFromReferenceDocuments } from '../../shared/adapters/tariff-source.ts';
import { httpOperation } from '../../shared/http/operation.ts';
import { estimateDutyOperation } from '../../shared/http/operations/tariff.ts';
import { json } from '../../shared/http/responses.ts';
import { estimateDuty } from '../../shared/usecases/assess-duty.ts';

const deps = { tariff: tariffFromReferenceDocuments(referenceDocuments()), region: regionFromEnvironment() };

export const handler = httpOperation(estimateDutyOperation, async ({ principal, body }) =>
  json(200, await estimateDuty({ principal, declaration: body, now: systemClock.now().toISOString() }, deps)),
);
