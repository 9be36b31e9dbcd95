/** GET /v1/review/undeclared-goods: goods arrived longer ago than the region allows and not declared (officer, admin). */
import { cargoReports } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listUndeclaredGoodsOperation } from '#shared/http/operations/cargo-reports.ts';
import { json } from '#shared/http/responses.ts';
import { listUndeclaredGoods } from '#shared/usecases/cargo-reports.ts';

const config = loadConfig('listUndeclaredGoods');
const deps = {
  cargo: cargoReports(config),
  clock: systemClock,
  declareWithinHours: config.region.cargoReports.declareWithinHours,
  customsOffices: config.region.customsOffices,
};

export const handler = httpOperation(listUndeclaredGoodsOperation, async ({ principal, query }) =>
  json(200, await listUndeclaredGoods({ principal, office: query.office, limit: query.limit, cursor: query.cursor }, deps)),
);
