/** Duty stage worker: customs duty, excise and VAT for each scored declaration. */
import { declarationRepository, pipelineQueue, referenceDocuments } from '../../shared/adapters/platform.ts';
import { regionFromEnvironment } from '../../shared/adapters/region-settings.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { tariffFromReferenceDocuments } from '../../shared/adapters/tariff-source.ts';
import { assessDuty } from '../../shared/usecases/assess-duty.ts';
import { stageWorker } from '../../shared/workers/stage-worker.ts';

const deps = {
  repository: declarationRepository(),
  releaseQueue: pipelineQueue('release'),
  clock: systemClock,
  tariff: tariffFromReferenceDocuments(referenceDocuments()),
  region: regionFromEnvironment(),
};

export const handler = stageWorker('duty', deps, (message) => assessDuty(message, deps));
