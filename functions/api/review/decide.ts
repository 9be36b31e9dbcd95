/** POST /v1/review/declarations/{id}/decisions: release, hold, request documents or reject. */
import {
  accountLedger,
  paymentRequests,
  payoutProvider,
  permitStore,
  repaymentClaims,
  reviewDependencies,
} from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { decideOnDeclarationOperation } from '#shared/http/operations/review.ts';
import { json } from '#shared/http/responses.ts';
import { decideOnDeclaration } from '#shared/usecases/review-decisions.ts';

const config = loadConfig('decideOnDeclaration');
// A rejection gives back what the declaration drew: its permits' quantities, and the duties secured (credits, security released, payouts).
const deps = {
  ...reviewDependencies(config),
  permits: permitStore(config),
  accounts: accountLedger(config),
  payments: paymentRequests(config),
  payouts: repaymentClaims(config),
  payoutProvider: payoutProvider(config),
};

export const handler = httpOperation(decideOnDeclarationOperation, async ({ principal, path, headers, body }) => {
  const entry = await decideOnDeclaration({ principal, id: path.id, expectedVersion: headers['If-Match'], decision: body }, deps);
  return json(200, entry, { etag: `"${entry.version}"` });
});
