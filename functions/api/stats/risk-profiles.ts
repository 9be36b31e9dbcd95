/** GET /v1/stats/risk-profiles?limit=: the risk profiles that select most, with their hit rates. */
import { riskStore } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { profileSelectionsOperation } from '#shared/http/operations/stats.ts';
import { json } from '#shared/http/responses.ts';
import { readProfileSelections } from '#shared/usecases/clearance-statistics.ts';

const config = loadConfig('profileSelections');

const deps = { profiles: riskStore(config) };

export const handler = httpOperation(profileSelectionsOperation, async ({ principal, query }) =>
  json(200, await readProfileSelections({ principal, ...query }, deps)),
);
