/** PUT /v1/declarations/{id}: a trader amends its declaration before release (If-Match, full body, same LRN, optionally signed). */
import { declarationRepository, documentArchive, pipelineQueue, signingKeys } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { amendDeclarationOperation } from '#shared/http/operations/declarations.ts';
import { json } from '#shared/http/responses.ts';
import { amendDeclaration } from '#shared/usecases/amend-declaration.ts';

const config = loadConfig('amendDeclaration');

const deps = {
  repository: declarationRepository(config, 'no bodies'),
  archive: documentArchive(config),
  validationQueue: pipelineQueue(config, 'validation'),
  clock: systemClock,
  signatures: { keys: signingKeys(config), required: config.region.requireDeclarationSignatures },
};

export const handler = httpOperation(amendDeclarationOperation, async ({ principal, path, headers, body }) => {
  const receipt = await amendDeclaration(
    { principal, id: path.id, expectedVersion: headers['If-Match'], body, signature: headers.Signature },
    deps,
  );
  return json(202, receipt, { location: receipt.links.self });
});
