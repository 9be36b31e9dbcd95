/** GET /v1/declarations/{id}/repayment-claims: a declaration's claims (its declarant, customs). */
import { declarationReader, repaymentClaims } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { listDeclarationRepaymentClaimsOperation } from '#shared/http/operations/repayments.ts';
import { json } from '#shared/http/responses.ts';
import { listDeclarationClaims } from '#shared/usecases/repayment-claims.ts';

const config = loadConfig('listDeclarationRepaymentClaims');
const deps = { repository: declarationReader(config, 'no bodies'), claims: repaymentClaims(config), payouts: repaymentClaims(config) };

export const handler = httpOperation(listDeclarationRepaymentClaimsOperation, async ({ principal, path }) =>
  json(200, { items: await listDeclarationClaims({ principal, declarationId: path.id }, deps) }),
);
