/** POST /v1/admin/accounts/{number}/top-ups: a bank transfer booked into a cash account. */
import { accountLedger } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { topUpAccountOperation } from '#shared/http/operations/revenue.ts';
import { json } from '#shared/http/responses.ts';
import { topUpAccount } from '#shared/usecases/manage-accounts.ts';

const deps = { accounts: accountLedger(loadConfig('topUpAccount')), clock: systemClock };

export const handler = httpOperation(topUpAccountOperation, async ({ principal, path, body }) =>
  json(200, await topUpAccount({ principal, number: path.number, input: body }, deps)),
);
