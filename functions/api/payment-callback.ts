/** POST /v1/payments/callbacks/{provider}: a payment provider's signed confirmation of a payment or a payout (public). */
import {
  clearanceCounters,
  declarationRepository,
  paymentProviderSecrets,
  paymentRequests,
  pipelineQueue,
  repaymentClaims,
} from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { paymentCallbackOperation } from '#shared/http/operations/revenue.ts';
import { json } from '#shared/http/responses.ts';
import { acceptPaymentCallback } from '#shared/usecases/payment-callbacks.ts';

const config = loadConfig('paymentCallback');
const deps = {
  payments: paymentRequests(config),
  payouts: repaymentClaims(config),
  secrets: paymentProviderSecrets(config),
  repository: declarationRepository(config, 'no bodies'),
  counters: clearanceCounters(config),
  documentsQueue: pipelineQueue(config, 'documents'),
  clock: systemClock,
};

export const handler = httpOperation(paymentCallbackOperation, async ({ path, body, event }) =>
  json(200, await acceptPaymentCallback({ provider: path.provider, signature: event.headers['payment-signature'], body }, deps)),
);
