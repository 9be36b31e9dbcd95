/** GET /v1/declarations: a trader's own declarations (officers name a declarant), newest first. */

import { declarationReader } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listDeclarationsOperation } from '#shared/http/operations/declarations.ts';
import { json } from '#shared/http/responses.ts';
import { listDeclarations } from '#shared/usecases/read-declarations.ts';

const config = loadConfig('listDeclarations');

const deps = { repository: declarationReader(config, 'no bodies') };

export const handler = httpOperation(listDeclarationsOperation, async ({ principal, query }) =>
  json(200, await listDeclarations({ principal, ...query }, deps)),
);
