/** POST /v1/admin/valuation-references/rebuild?days=90: valuation references from past declarations (admin). */

import { declarationBodies, declarationReader, referenceDocuments, riskDataSources } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { rebuildValuationReferencesOperation } from '#shared/http/operations/admin.ts';
import { json } from '#shared/http/responses.ts';
import { rebuildValuationReferences } from '#shared/usecases/rebuild-valuation-references.ts';

const config = loadConfig('rebuildValuationReferences');

const store = referenceDocuments(config);
const risk = riskDataSources(config);
const deps = {
  repository: declarationReader(config, declarationBodies(config)),
  store,
  clock: systemClock,
  nationalCurrency: config.region.nationalCurrency,
  toNational: async (at: string) => (await risk.valuation(at)).toNational,
};

export const handler = httpOperation(rebuildValuationReferencesOperation, async ({ principal, query }) =>
  json(200, await rebuildValuationReferences({ principal, ...query }, deps)),
);
