/** Release stage worker: draws the cited permits, secures the duties, releases GREEN/BLUE declarations (or waits for payment), queues YELLOW/RED ones for officers. */

import {
  cargoReports,
  clearanceCounters,
  declarationBodies,
  declarationRepository,
  permitStore,
  pipelineQueue,
  revenueDependencies,
} from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { decideRelease } from '#shared/usecases/decide-release.ts';
import { stageWorker } from '#shared/workers/stage-worker.ts';

const config = loadConfig('decideRelease');

const deps = {
  ...revenueDependencies(config),
  repository: declarationRepository(config, declarationBodies(config)),
  counters: clearanceCounters(config),
  documentsQueue: pipelineQueue(config, 'documents'),
  permits: permitStore(config),
  clock: systemClock,
  cargo: cargoReports(config),
  cargoSettings: config.region.cargoReports,
};

export const handler = stageWorker('release', deps, (message) => decideRelease(message, deps));
