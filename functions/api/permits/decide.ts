/** POST /v1/permits/{id}/decision: the issuing agency approves with conditions or refuses, once. */
import { notificationQueue, permitStore, referenceDocuments } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { permitRulesSchema } from '#shared/domain/permits.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { decidePermitOperation } from '#shared/http/operations/permits.ts';
import { json } from '#shared/http/responses.ts';
import { decidePermit } from '#shared/usecases/manage-permits.ts';

const config = loadConfig('decidePermit');
const documents = referenceDocuments(config);
const deps = {
  permits: permitStore(config),
  rules: async () => (await documents.current('permitRules', (raw) => permitRulesSchema.parse(raw)))?.document,
  clock: systemClock,
  notifications: notificationQueue(config),
};

export const handler = httpOperation(decidePermitOperation, async ({ principal, path, body }) =>
  json(200, await decidePermit({ principal, id: path.id, input: body }, deps)),
);
