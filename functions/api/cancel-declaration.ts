/** POST /v1/declarations/{id}/cancel: a trader withdraws its declaration before release. */
import { declarationRepository } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { cancelDeclarationOperation } from '#shared/http/operations/declarations.ts';
import { json } from '#shared/http/responses.ts';
import { cancelDeclaration } from '#shared/usecases/cancel-declaration.ts';

const deps = { repository: declarationRepository(loadConfig('cancelDeclaration')), clock: systemClock };

export const handler = httpOperation(cancelDeclarationOperation, async ({ principal, path, body }) =>
  json(200, await cancelDeclaration({ principal, id: path.id, reason: body.reason }, deps)),
);
