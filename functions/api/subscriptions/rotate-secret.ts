/** POST /v1/subscriptions/{id}/secret: a new signing secret for one of the caller's subscriptions, shown once. */
import { subscriptionDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { rotateSubscriptionSecretOperation } from '#shared/http/operations/subscriptions.ts';
import { json } from '#shared/http/responses.ts';
import { rotateSubscriptionSecret } from '#shared/usecases/manage-subscriptions.ts';

const deps = subscriptionDependencies(loadConfig('rotateSubscriptionSecret'));

export const handler = httpOperation(rotateSubscriptionSecretOperation, async ({ principal, path }) =>
  json(200, await rotateSubscriptionSecret({ principal, id: path.id }, deps)),
);
