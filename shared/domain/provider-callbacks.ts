/**
 * What a payment provider's signed callback carries (docs/revenue.md, "Payment provider
 * callbacks"): a payment confirmed (`payment.succeeded`), or a payout paid or failed
 * (`payout.succeeded`, `payout.failed`); told apart by `type`.
 */
import * as z from 'zod';
import { paymentConfirmationSchema } from './duties.ts';
import { payoutSettlementSchema } from './repayments.ts';

export const providerCallbackSchema = z
  .discriminatedUnion('type', [paymentConfirmationSchema, ...payoutSettlementSchema.options])
  .meta({ id: 'ProviderCallback' });
export type ProviderCallback = z.infer<typeof providerCallbackSchema>;
