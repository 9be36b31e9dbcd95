/** DELETE /v1/subscriptions/{id}: a trader deletes one of its webhook subscriptions. */
import { subscriptionDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { deleteSubscriptionOperation } from '#shared/http/operations/subscriptions.ts';
import { noContent } from '#shared/http/responses.ts';
import { deleteSubscription } from '#shared/usecases/manage-subscriptions.ts';

const deps = subscriptionDependencies(loadConfig('deleteSubscription'));

export const handler = httpOperation(deleteSubscriptionOperation, async ({ principal, path }) => {
  await deleteSubscription({ principal, id: path.id }, deps);
  return noContent();
});
