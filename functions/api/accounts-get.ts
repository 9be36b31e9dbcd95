/** GET /v1/accounts/{number}: an account and its ledger, for its holder and customs. */
import { accountLedger } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { getAccountOperation } from '#shared/http/operations/revenue.ts';
import { json } from '#shared/http/responses.ts';
import { getTraderAccount } from '#shared/usecases/manage-accounts.ts';

const deps = { accounts: accountLedger(loadConfig('getAccount')), clock: systemClock };

export const handler = httpOperation(getAccountOperation, async ({ principal, path }) =>
  json(200, await getTraderAccount({ principal, number: path.number }, deps)),
);
