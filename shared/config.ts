/**
 * The one place a function reads its configuration: the environment, parsed once at cold start by
 * a zod schema built for that function from what `shared/resources.ts` says it may access, plus
 * the region facts every function gets (infra/config/environment.ts). There are no defaults for
 * region facts: a stack for another region that forgets a variable fails at cold start with a
 * message naming it, instead of quietly behaving as the UK.
 *
 * Documented exceptions that read the environment elsewhere: Powertools (POWERTOOLS_*), the AWS
 * SDK (AWS_REGION, AWS_ENDPOINT_URL_*), and `shared/observability.ts` (service name).
 */
import * as z from 'zod';
import { type CargoReportSettings, cargoReportSettingsSchema } from './domain/cargo-reports.ts';
import { countryCode, currencyCode } from './domain/declaration.ts';
import type { WebhookSettings } from './domain/notifications.ts';
import { type PayoutProviderSettings, payoutProviderSettingsSchema } from './domain/payout-provider-settings.ts';
import type { FunctionAccess, FunctionName } from './resources.ts';
import {
  type BucketName,
  bucketNameEnv,
  type EventBusName,
  eventBusNameEnv,
  PUBLIC_SITE_URL_ENV,
  type QueueName,
  queueUrlEnv,
  type SecretName,
  type SigningKeyName,
  secretIdEnv,
  signingKeyIdEnv,
  type TableName,
  tableNameEnv,
} from './stateful-resources.ts';
import { type DeMinimis, deMinimisSchema } from './tariff/model.ts';

const officeCode = z.string().regex(/^[A-Z]{2}[A-Z0-9]{3,6}$/);
const required = (name: string) => z.string({ error: `${name} is missing` }).min(1, `${name} is empty`);

/** The region facts, from the variables infra/config/environment.ts sets on every function. */
const regionSchema = z.object({
  CUSTOMS_COUNTRY: required('CUSTOMS_COUNTRY').pipe(countryCode),
  NATIONAL_CURRENCY: required('NATIONAL_CURRENCY').pipe(currencyCode),
  CUSTOMS_OFFICES: required('CUSTOMS_OFFICES')
    .transform((value) => value.split(','))
    .pipe(z.array(officeCode).min(1)),
  IDEMPOTENCY_TTL_SECONDS: required('IDEMPOTENCY_TTL_SECONDS')
    .regex(/^[1-9][0-9]*$/)
    .transform(Number),
  STALLED_AFTER_MINUTES: required('STALLED_AFTER_MINUTES')
    .regex(/^[0-9]+(\.[0-9]+)?$/)
    .transform(Number)
    .pipe(z.number().positive()),
  REVIEW_CLAIM_MINUTES: required('REVIEW_CLAIM_MINUTES')
    .regex(/^[1-9][0-9]{0,3}$/, 'REVIEW_CLAIM_MINUTES must be a whole number of minutes (1 to 9999)')
    .transform(Number),
  REQUIRE_DECLARATION_SIGNATURES: required('REQUIRE_DECLARATION_SIGNATURES')
    .pipe(z.enum(['true', 'false'], { error: 'REQUIRE_DECLARATION_SIGNATURES must be "true" or "false"' }))
    .transform((value) => value === 'true'),
  CARGO_REPORTS: required('CARGO_REPORTS').transform((value, context) => {
    const parsed = (() => {
      try {
        return cargoReportSettingsSchema.safeParse(JSON.parse(value));
      } catch {
        return undefined;
      }
    })();
    if (parsed?.success) return parsed.data;
    context.addIssue({ code: 'custom', message: 'CARGO_REPORTS must be the JSON of the cargo report settings (infra/config/regions.ts)' });
    return z.NEVER;
  }),
  DOCUMENT_PRINTING: required('DOCUMENT_PRINTING').pipe(
    z.enum(['at-issue', 'on-request'], { error: 'DOCUMENT_PRINTING must be "at-issue" or "on-request"' }),
  ),
  WEBHOOK_MAX_ATTEMPTS: required('WEBHOOK_MAX_ATTEMPTS')
    .regex(/^([1-9]|1[0-9]|20)$/, 'WEBHOOK_MAX_ATTEMPTS must be a whole number from 1 to 20')
    .transform(Number),
  WEBHOOK_RETRY_BASE_SECONDS: required('WEBHOOK_RETRY_BASE_SECONDS')
    .regex(/^[1-9][0-9]{0,2}$/, 'WEBHOOK_RETRY_BASE_SECONDS must be a whole number of seconds from 1 to 999')
    .transform(Number),
  WEBHOOK_DISABLE_AFTER_FAILURES: required('WEBHOOK_DISABLE_AFTER_FAILURES')
    .regex(/^[1-9][0-9]{0,2}$/, 'WEBHOOK_DISABLE_AFTER_FAILURES must be a whole number from 1 to 999')
    .transform(Number),
  WEBHOOK_DELIVERY_RETENTION_DAYS: required('WEBHOOK_DELIVERY_RETENTION_DAYS')
    .regex(/^[1-9][0-9]{0,3}$/, 'WEBHOOK_DELIVERY_RETENTION_DAYS must be a whole number of days from 1 to 9999')
    .transform(Number),
  // Local cloud only (infra/config/environment.ts sets it from the stage): http and loopback webhook targets.
  WEBHOOK_ALLOW_LOOPBACK_TARGETS: required('WEBHOOK_ALLOW_LOOPBACK_TARGETS')
    .pipe(z.enum(['true', 'false'], { error: 'WEBHOOK_ALLOW_LOOPBACK_TARGETS must be "true" or "false"' }))
    .transform((value) => value === 'true'),
  PAYMENT_SIMULATOR_ALLOWED: required('PAYMENT_SIMULATOR_ALLOWED')
    .pipe(z.enum(['true', 'false'], { error: 'PAYMENT_SIMULATOR_ALLOWED must be "true" or "false"' }))
    .transform((value) => value === 'true'),
  // Local cloud only: an administrator may close the current deferment period early (docs/revenue.md, monthly statements).
  EARLY_STATEMENTS_ALLOWED: required('EARLY_STATEMENTS_ALLOWED')
    .pipe(z.enum(['true', 'false'], { error: 'EARLY_STATEMENTS_ALLOWED must be "true" or "false"' }))
    .transform((value) => value === 'true'),
  // Who pays payouts (infra/config/regions.ts `payouts`; the provider simulator in the local stage), named explicitly.
  PAYOUT_PROVIDER: required('PAYOUT_PROVIDER').transform((value, context) => {
    const parsed = (() => {
      try {
        return payoutProviderSettingsSchema.safeParse(JSON.parse(value));
      } catch {
        return undefined;
      }
    })();
    if (parsed?.success) return parsed.data;
    context.addIssue({
      code: 'custom',
      message: `PAYOUT_PROVIDER must be the JSON of {"kind":"none"}, {"kind":"https","provider":"bank","url":"https://..."} or {"kind":"simulator","url":"http://127.0.0.1:<port>/..."} (${parsed?.error.issues[0]?.message ?? 'not JSON'})`,
    });
    return z.NEVER;
  }),
  // Empty: the region has no low-value relief.
  DE_MINIMIS: z.string({ error: 'DE_MINIMIS is missing (empty when the region has no low-value relief)' }).transform((value, context) => {
    if (value === '') return undefined;
    try {
      return deMinimisSchema.parse(JSON.parse(value));
    } catch {
      context.addIssue({ code: 'custom', message: 'DE_MINIMIS must be empty or the JSON of a de minimis rule' });
      return z.NEVER;
    }
  }),
});

export interface RegionSettings {
  country: string;
  nationalCurrency: string;
  customsOffices: readonly string[];
  idempotencyTtlSeconds: number;
  stalledAfterMinutes: number;
  /** How long an officer's claim on a declaration lasts. */
  reviewClaimMinutes: number;
  /** Whether intake refuses a declaration without the declarant's signature. */
  requireDeclarationSignatures: boolean;
  deMinimis: DeMinimis | undefined;
  /** Webhook retries and when a subscription is disabled. */
  webhooks: WebhookSettings;
  /** Cargo reports: who waits for arrival, pre-lodgement, the time limit to declare, the mass tolerance. */
  cargoReports: CargoReportSettings;
  /** When a sealed document's PDF is rendered: as soon as it is sealed, or on its first download. */
  documentPrinting: 'at-issue' | 'on-request';
  /** Local cloud only: webhooks may go to http:// and loopback addresses (never in AWS). */
  allowLoopbackWebhookTargets: boolean;
  /** Local cloud only: payment confirmations of the provider simulator are taken (never in AWS). */
  allowPaymentSimulator: boolean;
  /** Local cloud only: an administrator may close the current month's deferment period before it ends (never in AWS). */
  allowEarlyStatements: boolean;
  /** Who pays payouts: none, a provider's HTTPS endpoint, or (local cloud only) the provider simulator. */
  payoutProvider: PayoutProviderSettings;
}

/** A function's configuration: the region, and the names of exactly the resources it may access. */
export interface FunctionConfig {
  readonly name: FunctionName;
  readonly region: RegionSettings;
  tableName(table: TableName): string;
  bucketName(bucket: BucketName): string;
  queueUrl(queue: QueueName): string;
  secretId(secret: SecretName): string;
  signingKeyId(key: SigningKeyName): string;
  /** The console's public address (`access.publicSite`), without a trailing slash: the links printed documents carry. */
  publicSiteUrl(): string;
  eventBusName(bus: EventBusName): string;
}

export class ConfigurationError extends Error {
  constructor(functionName: string, problems: readonly string[]) {
    super(`configuration of ${functionName} is incomplete: ${problems.join('; ')}`);
    this.name = 'ConfigurationError';
  }
}

/** The variables a function's resources come in, by its `access`. */
export function resourceVariables(access: FunctionAccess): string[] {
  return [
    ...Object.keys(access.tables ?? {}).map((table) => tableNameEnv(table as TableName)),
    ...Object.keys(access.buckets ?? {}).map((bucket) => bucketNameEnv(bucket as BucketName)),
    ...(access.sendTo ?? []).map((queue) => queueUrlEnv(queue)),
    ...(access.secrets ?? []).map((secret) => secretIdEnv(secret)),
    ...(access.signWith ?? []).map((key) => signingKeyIdEnv(key)),
    ...(access.publicSite ? [PUBLIC_SITE_URL_ENV] : []),
    ...(access.publishTo ?? []).map((bus) => eventBusNameEnv(bus)),
  ];
}

/**
 * The manifest, only where the code runs unbundled (the tests, the local cloud, the tools): in a
 * function's bundle its resource variables are fixed at bundling (`CUSTOMS_BUNDLE_RESOURCE_VARIABLES`,
 * shared/bundle-facts.ts), this import is dead code and the bundle carries neither the manifest nor
 * every HTTP operation's schemas it builds routes from (about 46 KB). The test stays in the
 * condition itself: esbuild drops a branch whose test is a literal, not one that reads a variable.
 */
const manifest = globalThis.CUSTOMS_BUNDLE_RESOURCE_VARIABLES === undefined ? await import('./resources.ts') : undefined;

/** The function's resource variables: fixed in its bundle, else from its `access` in the manifest. */
function functionResourceVariables(name: FunctionName): string[] {
  const bundled = globalThis.CUSTOMS_BUNDLE_RESOURCE_VARIABLES;
  if (bundled !== undefined) return bundled === '' ? [] : bundled.split(',');
  if (manifest === undefined) throw new ConfigurationError(name, ['the resource manifest did not load']);
  return resourceVariables(manifest.functions[name].access);
}

/** Every variable a function needs: for the tests that start each handler with one missing. */
export const requiredVariables = (name: FunctionName): string[] => [...Object.keys(regionSchema.shape), ...functionResourceVariables(name)];

/** Parses the function's environment once; throws a ConfigurationError naming every problem. */
export function loadConfig(name: FunctionName, env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  const variables = functionResourceVariables(name);
  const schema = regionSchema.extend(Object.fromEntries(variables.map((variable) => [variable, required(variable)])));
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigurationError(
      name,
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '');
        return issue.message.startsWith(variable) ? issue.message : `${variable}: ${issue.message}`;
      }),
    );
  }
  const values = parsed.data as z.infer<typeof regionSchema> & Record<string, string>;
  if (values.PAYOUT_PROVIDER.kind === 'simulator' && !values.PAYMENT_SIMULATOR_ALLOWED)
    throw new ConfigurationError(name, [
      'PAYOUT_PROVIDER: the provider simulator pays payouts only where PAYMENT_SIMULATOR_ALLOWED is "true"',
    ]);
  const resource = (kind: string, variable: string) => {
    if (!variables.includes(variable))
      throw new ConfigurationError(name, [`${kind} ${variable} is not in this function's access (shared/resources.ts)`]);
    return values[variable] as string;
  };
  return {
    name,
    region: {
      country: values.CUSTOMS_COUNTRY,
      nationalCurrency: values.NATIONAL_CURRENCY,
      customsOffices: values.CUSTOMS_OFFICES,
      idempotencyTtlSeconds: values.IDEMPOTENCY_TTL_SECONDS,
      stalledAfterMinutes: values.STALLED_AFTER_MINUTES,
      reviewClaimMinutes: values.REVIEW_CLAIM_MINUTES,
      requireDeclarationSignatures: values.REQUIRE_DECLARATION_SIGNATURES,
      deMinimis: values.DE_MINIMIS,
      cargoReports: values.CARGO_REPORTS,
      documentPrinting: values.DOCUMENT_PRINTING,
      webhooks: {
        maxAttempts: values.WEBHOOK_MAX_ATTEMPTS,
        retryBaseSeconds: values.WEBHOOK_RETRY_BASE_SECONDS,
        disableAfterFailedDeliveries: values.WEBHOOK_DISABLE_AFTER_FAILURES,
        deliveryRetentionDays: values.WEBHOOK_DELIVERY_RETENTION_DAYS,
      },
      allowLoopbackWebhookTargets: values.WEBHOOK_ALLOW_LOOPBACK_TARGETS,
      allowPaymentSimulator: values.PAYMENT_SIMULATOR_ALLOWED,
      allowEarlyStatements: values.EARLY_STATEMENTS_ALLOWED,
      payoutProvider: values.PAYOUT_PROVIDER,
    },
    tableName: (table) => resource('table', tableNameEnv(table)),
    bucketName: (bucket) => resource('bucket', bucketNameEnv(bucket)),
    queueUrl: (queue) => resource('queue', queueUrlEnv(queue)),
    secretId: (secret) => resource('secret', secretIdEnv(secret)),
    signingKeyId: (key) => resource('signing key', signingKeyIdEnv(key)),
    publicSiteUrl: () => {
      const url = resource('public site', PUBLIC_SITE_URL_ENV);
      if (!/^https?:\/\/[^/\s]+\/?$/.test(url))
        throw new ConfigurationError(name, [`${PUBLIC_SITE_URL_ENV} must be an origin such as https://customs.example.org`]);
      return url.replace(/\/$/, '');
    },
    eventBusName: (bus) => resource('event bus', eventBusNameEnv(bus)),
  };
}
