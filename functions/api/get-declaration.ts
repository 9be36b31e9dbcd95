/** GET /v1/declarations/{id}: the owner, an officer or an admin reads a declaration. */

import { declarationBodies, declarationReader } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { getDeclarationOperation } from '#shared/http/operations/declarations.ts';
import { json } from '#shared/http/responses.ts';
import { getDeclaration } from '#shared/usecases/read-declarations.ts';

const config = loadConfig('getDeclaration');

const deps = { repository: declarationReader(config, declarationBodies(config)) };

export const handler = httpOperation(getDeclarationOperation, async ({ principal, path }) => {
  const view = await getDeclaration({ principal, id: path.id }, deps);
  return json(200, view, { etag: `"${view.version}"` });
});
