/** POST /v1/admin/accounts: an administrator opens a trader's cash or duty deferment account. */
import { accountLedger } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { openAccountOperation } from '#shared/http/operations/revenue.ts';
import { json } from '#shared/http/responses.ts';
import { openTraderAccount } from '#shared/usecases/manage-accounts.ts';

const deps = { accounts: accountLedger(loadConfig('openAccount')), clock: systemClock };

export const handler = httpOperation(openAccountOperation, async ({ principal, body }) => {
  const { account, created } = await openTraderAccount({ principal, input: body }, deps);
  return json(created ? 201 : 200, account, { location: `/v1/accounts/${account.number}` });
});
