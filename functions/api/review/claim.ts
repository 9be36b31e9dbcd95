/** POST /v1/review/declarations/{id}/claim: an officer takes (or renews) a declaration under review. */
import { reviewDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { claimDeclarationOperation } from '#shared/http/operations/review.ts';
import { json } from '#shared/http/responses.ts';
import { claimDeclaration } from '#shared/usecases/review-decisions.ts';

const deps = reviewDependencies(loadConfig('claimDeclaration'));

export const handler = httpOperation(claimDeclarationOperation, async ({ principal, path }) =>
  json(200, await claimDeclaration({ principal, id: path.id }, deps)),
);
