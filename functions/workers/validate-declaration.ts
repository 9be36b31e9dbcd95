/** Validation stage worker: SQS messages from the validation queue, one declaration each. */

import {
  declarationBodies,
  declarationRepository,
  permitStore,
  pipelineQueue,
  referenceDocuments,
  tariffSource,
} from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import type { Declaration } from '#shared/domain/declaration.ts';
import { permitRulesSchema } from '#shared/domain/permits.ts';
import { validateDeclarationRules } from '#shared/domain/validation-rules.ts';
import { referenceData } from '#shared/reference/index.ts';
import { needsAlcoholDutyRates } from '#shared/tariff/alcohol-duty.ts';
import { permitChecks } from '#shared/usecases/permit-drawings.ts';
import { validateDeclaration } from '#shared/usecases/validate-declaration.ts';
import { stageWorker } from '#shared/workers/stage-worker.ts';

const config = loadConfig('validateDeclaration');

const region = {
  customsOffices: [...config.region.customsOffices],
  nationalCountry: config.region.country,
  preLodgementAllowed: config.region.cargoReports.preLodgement,
};
const tariff = tariffSource(config);
const documents = referenceDocuments(config);
const permits = permitStore(config);
const deps = {
  repository: declarationRepository(config, declarationBodies(config)),
  riskQueue: pipelineQueue(config, 'risk'),
  clock: systemClock,
  // Only a declaration with alcohol reads the alcohol duty rate table in force when it was accepted.
  rules: async (declaration: Declaration, today: string, acceptedAt: string) =>
    validateDeclarationRules(declaration, referenceData(), {
      today,
      ...region,
      alcoholDutyRates: needsAlcoholDutyRates(declaration) ? await tariff.alcoholDutyRatesAsOf(acceptedAt) : undefined,
    }),
  // The permit rules in force when it was accepted; the permits it cites as they stand.
  permits: async (declaration: Declaration, today: string, acceptedAt: string) =>
    permitChecks(declaration, today, {
      permits,
      rules: (await documents.asOf('permitRules', acceptedAt, (raw) => permitRulesSchema.parse(raw)))?.document,
    }),
};

export const handler = stageWorker('validation', deps, (message) => validateDeclaration(message, deps));
