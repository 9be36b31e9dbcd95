/** GET /v1/subscriptions: the caller's webhook subscriptions. */
import { subscriptionDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listSubscriptionsOperation } from '#shared/http/operations/subscriptions.ts';
import { json } from '#shared/http/responses.ts';
import { listSubscriptions } from '#shared/usecases/manage-subscriptions.ts';

const deps = subscriptionDependencies(loadConfig('listSubscriptions'));

export const handler = httpOperation(listSubscriptionsOperation, async ({ principal }) =>
  json(200, await listSubscriptions({ principal }, deps)),
);
