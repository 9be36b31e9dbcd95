/** GET /v1/declarations/{id}/events: the history of a declaration, oldest first. */

import { declarationReader } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listDeclarationEventsOperation } from '#shared/http/operations/declarations.ts';
import { json } from '#shared/http/responses.ts';
import { listDeclarationEvents } from '#shared/usecases/read-declarations.ts';

const config = loadConfig('listDeclarationEvents');

const deps = { repository: declarationReader(config, 'no bodies') };

export const handler = httpOperation(listDeclarationEventsOperation, async ({ principal, path }) =>
  json(200, await listDeclarationEvents({ principal, id: path.id }, deps)),
);
