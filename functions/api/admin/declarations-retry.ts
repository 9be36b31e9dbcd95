/** POST /v1/admin/declarations/{id}/retry: a PROCESSING_FAILED declaration back to the stage that failed (admin). */

import { declarationRepository, stageQueues } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { retryDeclarationOperation } from '#shared/http/operations/admin.ts';
import { json } from '#shared/http/responses.ts';
import { retryDeclaration } from '#shared/usecases/processing-failures.ts';

const config = loadConfig('retryDeclaration');

const deps = {
  repository: declarationRepository(config, 'no bodies'),
  clock: systemClock,
  stageQueues: stageQueues(config),
};

export const handler = httpOperation(retryDeclarationOperation, async ({ principal, path }) =>
  json(202, await retryDeclaration({ principal, id: path.id }, deps), { location: `/v1/declarations/${path.id}` }),
);
