/** POST /v1/permits: a trader applies for a permit; it goes to the agency that issues its type. */
import { notificationQueue, permitStore, referenceDocuments } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { permitRulesSchema } from '#shared/domain/permits.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { applyForPermitOperation } from '#shared/http/operations/permits.ts';
import { json } from '#shared/http/responses.ts';
import { applyForPermit } from '#shared/usecases/manage-permits.ts';

const config = loadConfig('applyForPermit');
const documents = referenceDocuments(config);
const deps = {
  permits: permitStore(config),
  rules: async () => (await documents.current('permitRules', (raw) => permitRulesSchema.parse(raw)))?.document,
  clock: systemClock,
  notifications: notificationQueue(config),
};

export const handler = httpOperation(applyForPermitOperation, async ({ principal, body }) => {
  const permit = await applyForPermit({ principal, input: body }, deps);
  return json(201, permit, { location: `/v1/permits/${permit.id}` });
});
