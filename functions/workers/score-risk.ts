/** Risk stage worker: lane, score and reasons for each validated declaration. */
import { declarationRepository, pipelineQueue, riskDataSources } from '../../shared/adapters/platform.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { scoreRisk } from '../../shared/usecases/score-risk.ts';
import { stageWorker } from '../../shared/workers/stage-worker.ts';

const deps = {
  repository: declarationRepository(),
  dutyQueue: pipelineQueue('duty'),
  clock: systemClock,
  ...riskDataSources(),
};

export const handler = stageWorker('risk', deps, (message) => scoreRisk(message, deps));
