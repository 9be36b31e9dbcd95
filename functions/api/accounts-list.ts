/** GET /v1/accounts: the trader's accounts; officers and admins name the holder. */
import { accountLedger } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listAccountsOperation } from '#shared/http/operations/revenue.ts';
import { json } from '#shared/http/responses.ts';
import { listTraderAccounts } from '#shared/usecases/manage-accounts.ts';

const deps = { accounts: accountLedger(loadConfig('listAccounts')), clock: systemClock };

export const handler = httpOperation(listAccountsOperation, async ({ principal, query }) =>
  json(200, { items: await listTraderAccounts({ principal, owner: query.owner }, deps) }),
);
