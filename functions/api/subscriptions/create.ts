/** POST /v1/subscriptions: a trader subscribes an https URL to its notifications (the secret is in this answer only). */
import { subscriptionDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { createSubscriptionOperation } from '#shared/http/operations/subscriptions.ts';
import { json } from '#shared/http/responses.ts';
import { createSubscription } from '#shared/usecases/manage-subscriptions.ts';

const deps = subscriptionDependencies(loadConfig('createSubscription'));

export const handler = httpOperation(createSubscriptionOperation, async ({ principal, body }) => {
  const created = await createSubscription({ principal, input: body }, deps);
  return json(201, created, { location: `/v1/subscriptions/${created.id}` });
});
