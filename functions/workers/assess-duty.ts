/** Duty stage worker: customs duty, excise and VAT for each scored declaration. */

import { declarationBodies, declarationRepository, pipelineQueue, tariffSource } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { assessDuty } from '#shared/usecases/assess-duty.ts';
import { stageWorker } from '#shared/workers/stage-worker.ts';

const config = loadConfig('assessDuty');

const deps = {
  repository: declarationRepository(config, declarationBodies(config)),
  releaseQueue: pipelineQueue(config, 'release'),
  documentsQueue: pipelineQueue(config, 'documents'),
  clock: systemClock,
  tariff: tariffSource(config),
  region: config.region,
};

export const handler = stageWorker('duty', deps, (message) => assessDuty(message, deps));
