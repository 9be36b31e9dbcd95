/** DELETE /v1/review/declarations/{id}/claim: an officer lets go of a declaration for a colleague. */
import { reviewDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { releaseClaimOperation } from '#shared/http/operations/review.ts';
import { noContent } from '#shared/http/responses.ts';
import { releaseDeclarationClaim } from '#shared/usecases/review-decisions.ts';

const deps = reviewDependencies(loadConfig('releaseDeclarationClaim'));

export const handler = httpOperation(releaseClaimOperation, async ({ principal, path }) => {
  await releaseDeclarationClaim({ principal, id: path.id }, deps);
  return noContent();
});
