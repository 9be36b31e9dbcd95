/**
 * Where payouts go (docs/revenue.md, "Payouts"). A region names its provider (infra/config/regions.ts):
 * a provider's HTTPS payouts endpoint, reached by `HttpsPayoutProvider`, or none, whose payouts stay
 * REQUESTED, visible to the trader and to customs. The local cloud runs the same HTTPS adapter
 * against the provider simulator's loopback payouts endpoint (local/payment-simulator.ts).
 */

import { signCallback } from '#shared/domain/payment-signature.ts';
import { attemptOf, idempotencyKeyOf, type Payout } from '#shared/domain/repayments.ts';
import { logger } from '#shared/observability.ts';
import type { PaymentProviderSecrets } from '#shared/ports/payments.ts';
import type { PayoutProvider } from '#shared/ports/repayments.ts';

/**
 * How long the provider has to take a payout (it answers once it recorded it, and pays later): short
 * enough for the API functions that send one (5 s timeouts); a payout not taken is sent again.
 */
export const PAYOUT_TIMEOUT_MS = 3_000;

/**
 * The header carrying the payout's reference (with its attempt once an administrator resent it:
 * `<reference>.<attempt>`): the provider pays a key once, however often it is sent.
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** The signature header, as the provider's callbacks carry it (`t=<unix seconds>,v1=<hex HMAC-SHA256>`). */
export const SIGNATURE_HEADER = 'payment-signature';

/** What the provider is sent: the amount as a decimal string, never a number; the attempt once resent. */
export interface PayoutInstruction {
  reference: string;
  amount: string;
  currency: string;
  payee: string;
  attempt?: number;
}

export const payoutInstruction = (payout: Payout): PayoutInstruction => ({
  reference: payout.reference,
  amount: payout.amount,
  currency: payout.currency,
  payee: payout.payeeId,
  ...(attemptOf(payout) > 1 ? { attempt: attemptOf(payout) } : {}),
});

/**
 * POSTs the payout as JSON to the provider's payouts URL, signed as the provider signs its
 * callbacks to us (HMAC-SHA256 over "<timestamp>.<body>" with the provider's key), with the
 * reference as idempotency key. A 2xx answer means the provider took it; any other answer, no
 * answer within the timeout or no connection means it did not: the payout stays REQUESTED and is
 * sent again later (the sweeper, a repeat), which the idempotency key makes safe.
 */
export class HttpsPayoutProvider implements PayoutProvider {
  constructor(
    private readonly options: {
      url: string;
      /** The provider's name, whose key signs the request. */
      provider: string;
      secrets: PaymentProviderSecrets;
      timeoutMs?: number;
      nowSeconds?: () => number;
    },
  ) {}

  async send(payout: Payout): Promise<'taken' | 'not-taken'> {
    const key = await this.options.secrets.secretFor(this.options.provider);
    if (!key) throw new Error(`no key for the payment provider ${this.options.provider} in this stage`);
    const body = JSON.stringify(payoutInstruction(payout));
    const timestamp = this.options.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
    const timeoutMs = this.options.timeoutMs ?? PAYOUT_TIMEOUT_MS;
    const context = { reference: payout.reference, provider: this.options.provider };
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signCallback(key, timestamp, body),
          [IDEMPOTENCY_HEADER]: idempotencyKeyOf(payout),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The answer's body says nothing the platform acts on: read and dropped, so the connection is released.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return 'taken';
      logger.warn('the payment provider did not take the payout: it stays REQUESTED and is sent again', {
        ...context,
        statusCode: response.status,
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(error);
      logger.warn('the payment provider could not be reached: the payout stays REQUESTED and is sent again', { ...context, reason });
    }
    return 'not-taken';
  }
}

/** No provider takes payouts in this stage: the payout stays REQUESTED. */
export class NoPayoutProvider implements PayoutProvider {
  async send(payout: Payout): Promise<'not-taken'> {
    logger.warn('no payment provider takes payouts in this stage: the payout stays REQUESTED', { reference: payout.reference });
    return 'not-taken';
  }
}
