/** GET /v1/accounts/{number}/statements/{period}: one monthly statement, with short-lived links to its JSON and CSV. */
import { statementDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { getStatementOperation } from '#shared/http/operations/statements.ts';
import { json } from '#shared/http/responses.ts';
import { getStatement } from '#shared/usecases/monthly-statements.ts';

const dependencies = statementDependencies(loadConfig('getStatement'));
const deps = { ...dependencies, links: dependencies.archive };

// The links expire within minutes: nobody may keep the answer.
export const handler = httpOperation(getStatementOperation, async ({ principal, path }) =>
  json(200, await getStatement({ principal, number: path.number, period: path.period }, deps), { 'cache-control': 'no-store' }),
);
