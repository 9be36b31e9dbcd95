/** GET /v1/subscriptions/{id}/deliveries: the delivery log of one of the caller's subscriptions. */
import { subscriptionDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listSubscriptionDeliveriesOperation } from '#shared/http/operations/subscriptions.ts';
import { json } from '#shared/http/responses.ts';
import { listSubscriptionDeliveries } from '#shared/usecases/manage-subscriptions.ts';

const deps = subscriptionDependencies(loadConfig('listSubscriptionDeliveries'));

export const handler = httpOperation(listSubscriptionDeliveriesOperation, async ({ principal, path, query }) =>
  json(200, await listSubscriptionDeliveries({ principal, id: path.id, ...query }, deps)),
);
