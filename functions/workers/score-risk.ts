/** Risk stage worker: lane, score and reasons for each validated declaration. */

import { clearanceCounters, declarationBodies, declarationRepository, pipelineQueue, riskStageSources } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { scoreRisk } from '#shared/usecases/score-risk.ts';
import { stageWorker } from '#shared/workers/stage-worker.ts';

const config = loadConfig('scoreRisk');

const deps = {
  repository: declarationRepository(config, declarationBodies(config)),
  dutyQueue: pipelineQueue(config, 'duty'),
  counters: clearanceCounters(config),
  clock: systemClock,
  ...riskStageSources(config),
};

export const handler = stageWorker('risk', deps, (message) => scoreRisk(message, deps));
