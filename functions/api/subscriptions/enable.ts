/** POST /v1/subscriptions/{id}/enable: a disabled subscription of the caller's takes deliveries again. */
import { subscriptionDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { enableSubscriptionOperation } from '#shared/http/operations/subscriptions.ts';
import { json } from '#shared/http/responses.ts';
import { enableSubscription } from '#shared/usecases/manage-subscriptions.ts';

const deps = subscriptionDependencies(loadConfig('enableSubscription'));

export const handler = httpOperation(enableSubscriptionOperation, async ({ principal, path }) =>
  json(200, await enableSubscription({ principal, id: path.id }, deps)),
);
