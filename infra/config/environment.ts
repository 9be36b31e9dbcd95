import type { PayoutProviderSettings } from '#shared/domain/payout-provider-settings.ts';
import type { RegionConfig } from './regions.ts';

/** Service name and metrics namespace of every function, deployed or local. */
export const POWERTOOLS_SERVICE_NAME = 'customs-clearance';
export const POWERTOOLS_METRICS_NAMESPACE = 'CustomsClearance';

/**
 * Region settings every function receives as environment variables, the same in the CDK stack
 * (infra/function-factory.ts) and the local cloud (local/environment.ts); shared/config.ts
 * parses exactly these. Archive retention acts in the stack, not in functions; of the stage, functions
 * learn only whether it is the local cloud (which alone allows loopback webhook receivers).
 */
export function regionEnvironment(input: {
  regionName: string;
  region: RegionConfig;
  stage: string;
  /** The local cloud's provider simulator (its loopback payouts endpoint): the local stage's payouts go there. */
  payoutSimulatorUrl?: string;
}): Record<string, string> {
  const { region } = input;
  return {
    CUSTOMS_COUNTRY: region.country,
    NATIONAL_CURRENCY: region.nationalCurrency,
    CUSTOMS_OFFICES: region.customsOffices.join(','),
    IDEMPOTENCY_TTL_SECONDS: String(region.idempotencyDays * 24 * 60 * 60),
    STALLED_AFTER_MINUTES: String(region.stalledAfterMinutes),
    REVIEW_CLAIM_MINUTES: String(region.reviewClaimMinutes),
    REQUIRE_DECLARATION_SIGNATURES: String(region.requireDeclarationSignatures),
    DE_MINIMIS: region.deMinimis ? JSON.stringify(region.deMinimis) : '',
    CARGO_REPORTS: JSON.stringify(region.cargoReports),
    DOCUMENT_PRINTING: region.documentPrinting,
    WEBHOOK_MAX_ATTEMPTS: String(region.webhooks.maxAttempts),
    WEBHOOK_RETRY_BASE_SECONDS: String(region.webhooks.retryBaseSeconds),
    WEBHOOK_DISABLE_AFTER_FAILURES: String(region.webhooks.disableAfterFailedDeliveries),
    WEBHOOK_DELIVERY_RETENTION_DAYS: String(region.webhooks.deliveryRetentionDays),
    // Only the local cloud lets webhooks go to http:// and loopback receivers (the tests' own); never a deployed stage.
    WEBHOOK_ALLOW_LOOPBACK_TARGETS: String(input.stage === 'local'),
    // Only the local cloud takes confirmations of the payment provider simulator (`npm run pay`).
    PAYMENT_SIMULATOR_ALLOWED: String(input.stage === 'local'),
    // Only the local cloud lets an administrator close the current month's statements before the month ends.
    EARLY_STATEMENTS_ALLOWED: String(input.stage === 'local'),
    PAYOUT_PROVIDER: JSON.stringify(payoutProvider(input)),
  };
}

/** The local cloud pays its payouts through the provider simulator; a deployed stage through the region's provider (or none). */
function payoutProvider(input: { region: RegionConfig; stage: string; payoutSimulatorUrl?: string }): PayoutProviderSettings {
  if (input.stage !== 'local') return input.region.payouts;
  if (!input.payoutSimulatorUrl) throw new Error('the local stage pays payouts through the provider simulator: name its payouts URL');
  return { kind: 'simulator', url: input.payoutSimulatorUrl };
}
