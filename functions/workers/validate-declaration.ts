/** Validation stage worker: SQS messages from the validation queue, one declaration each. */

import { declarationRepository, pipelineQueue } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { validateDeclarationRules } from '#shared/domain/validation-rules.ts';
import { referenceData } from '#shared/reference/index.ts';
import { validateDeclaration } from '#shared/usecases/validate-declaration.ts';
import { stageWorker } from '#shared/workers/stage-worker.ts';

const config = loadConfig('validateDeclaration');

const region = { customsOffices: [...config.region.customsOffices], nationalCountry: config.region.country };
const deps = {
  repository: declarationRepository(config),
  riskQueue: pipelineQueue(config, 'risk'),
  clock: systemClock,
  rules: (declaration: Parameters<typeof validateDeclarationRules>[0], today: string) =>
    validateDeclarationRules(declaration, referenceData, { today, ...region }),
};

export const handler = stageWorker('validation', deps, (message) => validateDeclaration(message, deps));
