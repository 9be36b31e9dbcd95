/** POST /v1/review/repayment-claims/{claimId}/decisions: an officer approves (in part or in full) or refuses, once. */
import { repaymentDependencies } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { decideRepaymentClaimOperation } from '#shared/http/operations/repayments.ts';
import { json } from '#shared/http/responses.ts';
import { decideRepaymentClaim } from '#shared/usecases/repayment-claims.ts';

const deps = repaymentDependencies(loadConfig('decideRepaymentClaim'));

export const handler = httpOperation(decideRepaymentClaimOperation, async ({ principal, path, body }) =>
  json(200, await decideRepaymentClaim({ principal, claimId: path.claimId, decision: body }, deps)),
);
