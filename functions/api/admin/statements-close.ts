/** POST /v1/admin/statements/close?period=: an administrator closes a deferment period now (the scheduled job does it monthly). */
import { statementDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { closeStatementsOperation } from '#shared/http/operations/statements.ts';
import { json } from '#shared/http/responses.ts';
import { closePeriodByAdmin } from '#shared/usecases/monthly-statements.ts';

const config = loadConfig('closeStatements');
const deps = { ...statementDependencies(config), allowEarlyClosing: config.region.allowEarlyStatements };

export const handler = httpOperation(closeStatementsOperation, async ({ principal, query }) => {
  const { period, closed, failed } = await closePeriodByAdmin({ principal, period: query.period }, deps);
  return json(200, { period, closed: closed.map(({ files: _files, ...summary }) => summary), failed });
});
