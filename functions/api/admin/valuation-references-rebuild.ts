/** POST /v1/admin/valuation-references/rebuild?days=90: valuation references from past declarations (admin). */
import { z } from 'zod';
import { declarationRepository, referenceDocuments, riskDataSources } from '../../../shared/adapters/platform.ts';
import { regionFromEnvironment } from '../../../shared/adapters/region-settings.ts';
import { systemClock } from '../../../shared/adapters/system-clock.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';
import { principalFromEvent } from '../../../shared/http/principal.ts';
import { parseQuery } from '../../../shared/http/request.ts';
import { json } from '../../../shared/http/responses.ts';
import { rebuildValuationReferences } from '../../../shared/usecases/rebuild-valuation-references.ts';

const querySchema = z.strictObject({ days: z.coerce.number().int().min(1).max(365).default(90) });
const store = referenceDocuments();
const risk = riskDataSources();
const deps = {
  repository: declarationRepository(),
  store,
  clock: systemClock,
  nationalCurrency: regionFromEnvironment().nationalCurrency,
  toNational: async (at: string) => (await risk.valuation(at)).toNational,
};

export const handler = httpHandler(async (event) =>
  json(200, await rebuildValuationReferences({ principal: principalFromEvent(event), ...parseQuery(querySchema, event) }, deps)),
);
