/** GET /v1/admin/revenue/reconciliation?from=&to=: released imports' tax lines against the ledger, per tax type. */
import { declarationBodies, declarationReader, revenueDependencies } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { revenueReconciliationOperation } from '#shared/http/operations/statements.ts';
import { json } from '#shared/http/responses.ts';
import { reconcileRevenue } from '#shared/usecases/reconcile-revenue.ts';

const config = loadConfig('revenueReconciliation');
const deps = { listings: declarationReader(config, declarationBodies(config)), ...revenueDependencies(config), clock: systemClock };

export const handler = httpOperation(revenueReconciliationOperation, async ({ principal, query }) =>
  json(200, await reconcileRevenue({ principal, ...query }, deps)),
);
