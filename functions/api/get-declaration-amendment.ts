/** GET /v1/declarations/{id}/amendments/{n}: the declaration as it stood as amendment n. */
import { declarationBodies, declarationReader } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { getDeclarationAmendmentOperation } from '#shared/http/operations/declarations.ts';
import { json } from '#shared/http/responses.ts';
import { getDeclarationAmendment } from '#shared/usecases/read-declarations.ts';

const config = loadConfig('getDeclarationAmendment');
const deps = { repository: declarationReader(config, declarationBodies(config)) };

export const handler = httpOperation(getDeclarationAmendmentOperation, async ({ principal, path }) =>
  json(200, await getDeclarationAmendment({ principal, id: path.id, amendment: path.n }, deps)),
);
