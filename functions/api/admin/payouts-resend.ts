/** POST /v1/admin/payouts/{reference}/resend: an administrator resends a FAILED payout to the payment provider. */
import { declarationRepository, payoutProvider, repaymentClaims } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { resendPayoutOperation } from '#shared/http/operations/repayments.ts';
import { json } from '#shared/http/responses.ts';
import { resendPayout } from '#shared/usecases/payouts.ts';

const config = loadConfig('resendPayout');
const deps = {
  payouts: repaymentClaims(config),
  provider: payoutProvider(config),
  repository: declarationRepository(config, 'no bodies'),
  clock: systemClock,
};

export const handler = httpOperation(resendPayoutOperation, async ({ principal, path, body }) =>
  json(200, await resendPayout({ reference: path.reference, reason: body.reason, adminId: principal.subject }, deps)),
);
