/**
 * Each payment provider's callback secret: HKDF-SHA256 (RFC 5869) of the region's payment provider
 * secret (Secrets Manager, cached by Powertools Parameters) with the provider's name as info. One
 * secret to rotate; the key handed to a provider is good for that provider only.
 */
import { hkdfSync } from 'node:crypto';
import type { PaymentProviderSecrets } from '#shared/ports/payments.ts';
import { secretReader } from './secret-values.ts';

/** The providers the platform takes confirmations from (the local cloud's simulator is `simulator`). */
export const paymentProviders = ['simulator', 'bank'] as const;

/** The providers a stage takes confirmations from: the simulator only where the stage allows it (the local cloud). */
export const acceptedProviders = (allowSimulator: boolean): readonly string[] =>
  paymentProviders.filter((provider) => allowSimulator || provider !== 'simulator');

export const providerKey = (secret: string, provider: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, 'customs-payment-callbacks', provider, 32));

export class SecretsManagerPaymentProviderSecrets implements PaymentProviderSecrets {
  private readonly providers: readonly string[];
  private readonly secretValue = secretReader();

  constructor(
    private readonly secretId: () => string,
    options: { allowSimulator: boolean },
  ) {
    this.providers = acceptedProviders(options.allowSimulator);
  }

  async secretFor(provider: string): Promise<Buffer | undefined> {
    if (!this.providers.includes(provider)) return undefined;
    const value = await this.secretValue(this.secretId());
    if (typeof value !== 'string' || value.length < 32) throw new Error('the payment provider secret is missing or too short');
    return providerKey(value, provider);
  }
}
