/** GET /v1/review/repayment-claims: claims waiting for an officer, oldest first. */
import { repaymentClaims } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listPendingRepaymentClaimsOperation } from '#shared/http/operations/repayments.ts';
import { json } from '#shared/http/responses.ts';
import { listPendingClaims } from '#shared/usecases/repayment-claims.ts';

const deps = { claims: repaymentClaims(loadConfig('listPendingRepaymentClaims')) };

export const handler = httpOperation(listPendingRepaymentClaimsOperation, async ({ principal, query }) =>
  json(200, { items: await listPendingClaims({ principal, limit: query.limit }, deps) }),
);
