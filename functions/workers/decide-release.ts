/** Release stage worker: releases GREEN/BLUE declarations, queues YELLOW/RED ones for officers. */

import { clearanceCounters, declarationRepository, pipelineQueue } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { decideRelease } from '#shared/usecases/decide-release.ts';
import { stageWorker } from '#shared/workers/stage-worker.ts';

const config = loadConfig('decideRelease');

const deps = {
  repository: declarationRepository(config),
  counters: clearanceCounters(config),
  documentsQueue: pipelineQueue(config, 'documents'),
  clock: systemClock,
};

export const handler = stageWorker('release', deps, (message) => decideRelease(message, deps));
