/** Subscriptions' secrets, derived from the region's webhook master secret (Secrets Manager, cached by Powertools Parameters). */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { deriveWebhookSecret } from '#shared/domain/webhook-signature.ts';
import type { WebhookSecrets } from '#shared/ports/webhooks.ts';

export function secretsManagerWebhookSecrets(secretId: () => string): WebhookSecrets {
  return {
    async secretFor(subscriptionId) {
      const master = await getSecret(secretId(), { maxAge: 300 });
      if (typeof master !== 'string' || master.length < 32) throw new Error('the webhook master secret is missing or too short');
      return deriveWebhookSecret(master, subscriptionId);
    },
  };
}
