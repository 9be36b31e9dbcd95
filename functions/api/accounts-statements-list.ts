/** GET /v1/accounts/{number}/statements: a deferment account's monthly statements, for its holder and customs. */
import { accountLedger, statementIndex } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listStatementsOperation } from '#shared/http/operations/statements.ts';
import { json } from '#shared/http/responses.ts';
import { listStatements } from '#shared/usecases/monthly-statements.ts';

const config = loadConfig('listStatements');
const deps = { accounts: accountLedger(config), statements: statementIndex(config) };

export const handler = httpOperation(listStatementsOperation, async ({ principal, path }) =>
  json(200, await listStatements({ principal, number: path.number }, deps)),
);
