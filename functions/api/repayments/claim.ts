/** POST /v1/declarations/{id}/repayment-claims: the declarant claims duties back on a released declaration. */
import { repaymentDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { claimRepaymentOperation } from '#shared/http/operations/repayments.ts';
import { json } from '#shared/http/responses.ts';
import { claimRepayment } from '#shared/usecases/repayment-claims.ts';

const deps = repaymentDependencies(loadConfig('claimRepayment'));

export const handler = httpOperation(claimRepaymentOperation, async ({ principal, path, body }) => {
  const { claim, created } = await claimRepayment({ principal, declarationId: path.id, input: body }, deps);
  return json(created ? 201 : 200, claim, { location: `/v1/declarations/${claim.declarationId}/repayment-claims` });
});
