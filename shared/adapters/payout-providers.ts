/**
 * Where payouts go (docs/revenue.md, "Payouts"). The local cloud's payment provider simulator takes
 * every payout it is sent and pays it when told to (`npm run pay -- --payout <reference> <amount>`
 * sends its signed `payout.succeeded`). A deployed stage has no provider integration for payouts
 * yet: it takes none, and the payout stays REQUESTED, visible to the trader and to customs.
 */
import type { Payout } from '#shared/domain/repayments.ts';
import { logger } from '#shared/observability.ts';
import type { PayoutProvider } from '#shared/ports/repayments.ts';

/** The simulator: it holds nothing (each reference is paid once by its callback, which the platform accepts once). */
export class SimulatorPayoutProvider implements PayoutProvider {
  async send(payout: Payout): Promise<'taken'> {
    logger.info('payout handed to the payment provider simulator', {
      reference: payout.reference,
      amount: payout.amount,
      currency: payout.currency,
    });
    return 'taken';
  }
}

/** No provider takes payouts in this stage: the payout stays REQUESTED. */
export class NoPayoutProvider implements PayoutProvider {
  async send(payout: Payout): Promise<'not-taken'> {
    logger.warn('no payment provider takes payouts in this stage: the payout stays REQUESTED', { reference: payout.reference });
    return 'not-taken';
  }
}
