/**
 * Which payment provider pays a region's payouts (docs/revenue.md, "Payouts"): none (the payouts
 * stay REQUESTED, visible, until one is contracted), a provider's HTTPS payouts endpoint, or the
 * local cloud's provider simulator (its loopback payouts endpoint, local stage only). The HTTPS
 * adapter signs each payout with the key the provider signs its callbacks with.
 */
import * as z from 'zod';

export const payoutProviderSettingsSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('https'),
    /** The provider's name: its callbacks' key (payment-provider-secrets.ts) signs the payouts sent to it. */
    provider: z.enum(['bank']),
    url: z.url({ protocol: /^https$/, error: 'a payout provider is reached over https' }),
  }),
  z.strictObject({
    kind: z.literal('simulator'),
    url: z.url({ protocol: /^http$/, hostname: /^(127\.0\.0\.1|localhost)$/, error: 'the simulator listens on loopback http' }),
  }),
]);
export type PayoutProviderSettings = z.infer<typeof payoutProviderSettingsSchema>;

/** The environment variable carrying a region's payout provider (JSON of the settings). */
export const PAYOUT_PROVIDER_ENV = 'PAYOUT_PROVIDER';
