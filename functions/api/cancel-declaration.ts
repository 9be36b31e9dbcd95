/** POST /v1/declarations/{id}/cancel: a trader withdraws its declaration before release. */
import {
  accountLedger,
  declarationRepository,
  paymentRequests,
  payoutProvider,
  permitStore,
  repaymentClaims,
} from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { cancelDeclarationOperation } from '#shared/http/operations/declarations.ts';
import { json } from '#shared/http/responses.ts';
import { cancelDeclaration } from '#shared/usecases/cancel-declaration.ts';

const config = loadConfig('cancelDeclaration');
const deps = {
  repository: declarationRepository(config, 'no bodies'),
  // Duties drawn before the cancellation are given back: credits, security released, payouts.
  accounts: accountLedger(config),
  payments: paymentRequests(config),
  payouts: repaymentClaims(config),
  payoutProvider: payoutProvider(config),
  // Permit quantities the release stage drew are given back.
  permits: permitStore(config),
  clock: systemClock,
};

export const handler = httpOperation(cancelDeclarationOperation, async ({ principal, path, body }) =>
  json(200, await cancelDeclaration({ principal, id: path.id, reason: body.reason }, deps)),
);
