/** Subscriptions' secrets, derived from the region's webhook master secret (Secrets Manager, cached by Powertools Parameters). */
import { deriveWebhookSecret } from '#shared/domain/webhook-signature.ts';
import type { WebhookSecrets } from '#shared/ports/webhooks.ts';
import { secretReader } from './secret-values.ts';

export function secretsManagerWebhookSecrets(secretId: () => string): WebhookSecrets {
  const secretValue = secretReader();
  return {
    async secretFor(subscriptionId, version) {
      const master = await secretValue(secretId());
      if (typeof master !== 'string' || master.length < 32) throw new Error('the webhook master secret is missing or too short');
      return deriveWebhookSecret(master, subscriptionId, version);
    },
  };
}
