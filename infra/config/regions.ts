import type { PayoutProviderSettings } from '#shared/domain/payout-provider-settings.ts';
import type { FunctionName, QueueName } from '#shared/resources.ts';
import { type DynamodbCapacity, parseDynamodbCapacity } from './dynamodb-capacity.ts';

/**
 * Per-region configuration. One independent stack is deployed per AWS region (one customs
 * administration or office group per region); choose it with `-c region=... -c stage=...`.
 * The local cloud uses the same configuration (`local` stage of the default region).
 */
export interface RegionConfig {
  /** AWS region the stack is deployed to. */
  awsRegion: string;
  /** ISO 3166-1 alpha-2 code of the customs territory. */
  country: string;
  /** ISO 4217 code of the national currency in which duties are assessed. */
  nationalCurrency: string;
  /** Customs offices of this region (UN/LOCODE-based office codes), declarations must name one. */
  customsOffices: readonly string[];
  /** Years the document archive keeps objects under Object Lock (COMPLIANCE mode). */
  archiveRetentionYears: number;
  /** API Gateway stage throttling (the stage's default route settings: the limits of each route). */
  throttle: { rateLimit: number; burstLimit: number };
  /**
   * Lambda reserved concurrency by function: kept free for it in the account, and its ceiling.
   * Functions not named share the account's unreserved concurrency.
   */
  reservedConcurrency: Readonly<Partial<Record<FunctionName, number>>>;
  /** `maxConcurrency` of each queue's event source mapping: how many consumers at most (2 to 1,000). */
  queueConcurrency: Readonly<Record<QueueName, number>>;
  /**
   * The e-mail address subscribed to the stack's alarm topic. Required, with no default in code:
   * each region's operators set their on-call address and confirm the subscription from the
   * e-mail SNS sends after the first deploy.
   */
  alarmEmail: string;
  /** Alarm when the oldest message of a pipeline queue has waited longer than this. */
  queueAgeAlarmMinutes: number;
  /** Days an Idempotency-Key is remembered. */
  idempotencyDays: number;
  /**
   * Declarations unchanged this many minutes between two stages are handed to their stage again
   * (the redrive runs every minute), so one stopped by a crash resumes within about this + 1 minute.
   */
  stalledAfterMinutes: number;
  /** Minutes an officer's claim on a declaration lasts before another officer may take it. */
  reviewClaimMinutes: number;
  /**
   * Whether every declaration must carry the declarant's signature (a `Signature` header: detached
   * JWS over the body's RFC 8785 canonical JSON, with a key registered at POST /v1/traders/me/keys).
   * When false a signature is optional, and checked when sent.
   */
  requireDeclarationSignatures: boolean;
  /** Relief for low-value consignments: the tax types not charged up to an intrinsic value. */
  deMinimis: { thresholdValue: string; currency: string; appliesTo: readonly string[] } | undefined;
  /**
   * Webhook deliveries: attempts per event (the first included), the wait before the second
   * (doubled each time, at most 15 minutes: the SQS delay limit), and how many deliveries in a row
   * may fail every attempt before the subscription is disabled; how many days a delivery record
   * (payload and attempts) stays in the subscriber's log before DynamoDB's TTL removes it.
   */
  webhooks: { maxAttempts: number; retryBaseSeconds: number; disableAfterFailedDeliveries: number; deliveryRetentionDays: number };
  /**
   * Cargo reports (docs/single-window.md): whether every import waits for its goods to be reported
   * arrived (false: only those lodged before arrival, DE 1/2 D, wait), whether such pre-lodgement is
   * allowed, the hours after arrival within which goods must be declared (later, officers see them
   * listed), and the gross mass difference tolerated between declaration and manifest (percent).
   */
  cargoReports: { requireArrival: boolean; preLodgement: boolean; declareWithinHours: number; massTolerancePercent: string };
  /**
   * Who pays the region's payouts (docs/revenue.md, "Payouts"), named explicitly: `{ kind: 'none' }`
   * (they stay REQUESTED, visible, until a provider is contracted), or `{ kind: 'https', provider,
   * url }`, the provider's payouts endpoint. The local stage always uses the provider simulator.
   */
  payouts: Exclude<PayoutProviderSettings, { kind: 'simulator' }>;
  /**
   * When the printable copy (PDF) of a sealed document is rendered (docs/sealed-documents.md,
   * "Printing"): `at-issue`, every document as soon as it is sealed; `on-request`, the first time
   * someone asks `GET /v1/documents/{docId}` for it (a document exchanged system-to-system and
   * never downloaded is never rendered nor archived twice).
   */
  documentPrinting: 'at-issue' | 'on-request';
  /**
   * DynamoDB capacity mode of the region's tables (infra/config/dynamodb-capacity.ts, checked by its
   * zod schema): `{ mode: 'on-demand' }` (billed per request), or `{ mode: 'provisioned',
   * targetUtilizationPercent, tables }` with auto scaling between a `min` and a `max` of reads and
   * writes for every table and each of its global secondary indexes (billed per provisioned
   * unit-hour, docs/cost.md "DynamoDB capacity mode"). The local cloud ignores it.
   */
  dynamodbCapacity: DynamodbCapacity;
}

export type StageName = 'dev' | 'prod' | 'local';

export const regions = {
  'eu-west-2': {
    awsRegion: 'eu-west-2',
    country: 'GB',
    nationalCurrency: 'GBP',
    customsOffices: ['GBLHR', 'GBFXT', 'GBDVR', 'GBSOU', 'GBMAN', 'GBBHX', 'GBLGP', 'GBIMM'],
    // UK customs records must be kept 4 years (Customs and Excise Management Act 1979, s.75A
    // and UCC Art. 51 for the EU); we keep 6 to cover VAT records (VATA 1994 Sch. 11 para 6).
    archiveRetentionYears: 6,
    // Sized for 1,000 declarations a second at intake (POST /v1/declarations).
    // API: 1,000 requests/s sustained on each route, a burst bucket of two seconds of that. The
    // account's regional API Gateway quota (10,000 requests/s, burst 5,000 by default) caps all
    // routes of all APIs together.
    throttle: { rateLimit: 1_000, burstLimit: 2_000 },
    // Intake: concurrency = rate x duration (Little's law). 1,000/s x ~0.2 s (five DynamoDB, S3 and
    // SQS calls) = ~200 in use; 400 doubles that for cold starts and slow calls, and caps what a
    // flood of submissions can take from the workers and the other routes.
    reservedConcurrency: { submitDeclaration: 400 },
    // Stages: a batch of 10 records handled at once in ~0.5 s is 20 declarations/s per consumer, so
    // 50 keep up with 1,000/s; 100 also drain a backlog. Documents arrive at human pace. Release
    // notes are sealed with KMS Sign, whose ECC quota (about 300 requests/s per account and
    // region) is below the release rate at peak: 10 consumers keep under it and the queue absorbs
    // the peak (a note is issued later; the release itself never waits for it).
    // The printing worker renders PDFs apart: 5 consumers (a late PDF delays only the paper copy).
    // At full load intake and stages use up to 400 + 4 x 100 + 10 + 5 + 10 = 825 of the account's
    // Lambda concurrency (1,000 by default per region), notifications 75 more: ask for more before taking 1,000/s.
    // Notifications: one message per history event (about five per declaration). 40 fan-out
    // consumers (10 events in ~0.5 s each: 800/s) fall behind at full load and catch up after it:
    // the queue absorbs the peak, and clearance never waits for a notification. Deliveries wait on
    // receivers (at most 10 s each). Both fit the account's default concurrency beside the stages
    // (825 + 40 fan-out + 35 deliveries = 900, leaving Lambda's unreserved 100); a region that wants
    // notifications in step at peak asks for more.
    queueConcurrency: {
      validation: 100,
      risk: 100,
      duty: 100,
      release: 100,
      documents: 10,
      printing: 5,
      documentUploads: 10,
      notifications: 40,
      webhookDeliveries: 35,
    },
    // A placeholder: operators put the region's on-call address here before deploying.
    alarmEmail: 'customs-oncall@example.org',
    // Stages take seconds; a message older than 5 minutes is a backlog or a failing message being retried.
    queueAgeAlarmMinutes: 5,
    idempotencyDays: 1,
    // Stages take seconds; two minutes leaves room for a slow batch before it counts as stopped.
    stalledAfterMinutes: 2,
    // Long enough to examine a declaration and its documents; short enough that one left open
    // does not block colleagues for a shift.
    reviewClaimMinutes: 30,
    // CDS accepts declarations authenticated by the software's credentials, not signed per
    // declaration: signatures are optional here (and verified when sent).
    requireDeclarationSignatures: false,
    // UK low-value relief: no customs duty on consignments of intrinsic value up to £135 (HMRC
    // guidance "VAT and overseas goods sold directly to customers in the UK", from 1 January 2021);
    // VAT and excise stay due. Anti-dumping and safeguard duties are duties too.
    deMinimis: { thresholdValue: '135.00', currency: 'GBP', appliesTo: ['A00', 'A20', 'A30', 'A35', 'A40', 'A45'] },
    // 8 attempts 30 s, 1, 2, 4, 8, 15, 15 minutes apart: a receiver may be down for about 45 minutes
    // without losing an event; 5 events in a row lost that way disable the subscription.
    // Deliveries are notices of events the platform keeps for good (the declaration's history): 90 days of log is for debugging a receiver.
    webhooks: { maxAttempts: 8, retryBaseSeconds: 30, disableAfterFailedDeliveries: 5, deliveryRetentionDays: 90 },
    // Not every carrier reports electronically yet: only pre-lodged imports (UCC Art. 171) wait for
    // the arrival report; goods arrived are to be declared within 90 days of presentation (UCC
    // Art. 149: temporary storage ends after 90 days), listed for officers after 14 days here so
    // they follow them up well before; a declared gross mass more than 5% off the carrier's is
    // looked at by an officer.
    cargoReports: { requireArrival: false, preLodgement: true, declareWithinHours: 14 * 24, massTolerancePercent: '5' },
    // No payment provider is contracted for payouts yet: they stay REQUESTED (visible to the trader
    // and to customs) until one is, e.g. { kind: 'https', provider: 'bank', url: 'https://payouts.bank.example/v1/payouts' }.
    payouts: { kind: 'none' },
    // Most declarations at national volume are exchanged system-to-system and their PDFs never
    // downloaded: a PDF is rendered the first time someone asks for it (2 S3 PUTs and 2 printing
    // invocations fewer per GREEN declaration, docs/cost.md).
    documentPrinting: 'on-request',
    // Provisioned with auto scaling: at a steady national volume a provisioned unit kept 70 % busy
    // costs about 40 % of the same unit on demand (docs/cost.md, "DynamoDB capacity mode").
    // Sized from the cost bench at volume (docs/cost.md, "Where it stands"), per declaration: the
    // table 26 WRU GREEN, 34 RED with an Idempotency-Key (the costliest); its indexes GSI1 and GSI3
    // 1 each (the put at intake, keys only), GSI4 2 (in the pipeline: put, then delete), GSI2 2 per
    // RED declaration (the review queue: put, then delete); reads 44.5 RRU GREEN, 48.5 RED, one of
    // them a GSI5 query (risk profiles); the idempotency table 2 WRU per keyed declaration.
    // max = 1,000 declarations/s x units per declaration / 70 %, rounded up: the costliest scenario
    // at full rate stays at the target. min = a tenth of max (100 declarations/s): the floor paid
    // when idle (about $4,300 a month at eu-west-2 list prices), and what auto scaling grows from;
    // it scales out in steps of minutes, so a floor far below the morning's rate throttles the ramp.
    // Listings at human pace (traders' GSI1, officers' GSI2, the redrive's GSI4) and the day's
    // batch readers of GSI3 (risk profile dry runs, valuation rebuild) get a small floor.
    // AWS's default quotas are 40,000 RCU and 40,000 WCU per table and 80,000 of each per account
    // and region: ask for more (the main table's 50,000 WCU and 70,000 RCU) before taking 1,000/s.
    dynamodbCapacity: {
      mode: 'provisioned',
      targetUtilizationPercent: 70,
      tables: {
        main: {
          reads: { min: 7_000, max: 70_000 },
          writes: { min: 5_000, max: 50_000 },
          indexes: {
            GSI1: { reads: { min: 10, max: 1_000 }, writes: { min: 150, max: 1_500 } },
            GSI2: { reads: { min: 5, max: 500 }, writes: { min: 300, max: 3_000 } },
            GSI3: { reads: { min: 5, max: 3_000 }, writes: { min: 150, max: 1_500 } },
            GSI4: { reads: { min: 5, max: 500 }, writes: { min: 300, max: 3_000 } },
            // Risk profile versions: written by administrators, read by the risk stage (one query a
            // declaration as measured, a few KB of profiles, eventually consistent: ~2 RCU).
            GSI5: { reads: { min: 300, max: 3_000 }, writes: { min: 1, max: 10 } },
          },
        },
        idempotency: { reads: { min: 10, max: 1_000 }, writes: { min: 300, max: 3_000 }, indexes: {} },
      },
    },
  },
} as const satisfies Record<string, RegionConfig>;

export type RegionName = keyof typeof regions;

export const defaultRegion: RegionName = 'eu-west-2';

export function regionConfig(region: string | undefined): RegionConfig {
  const name = region ?? defaultRegion;
  if (!(name in regions)) {
    throw new Error(`Unknown region '${name}'. Known regions: ${Object.keys(regions).join(', ')}`);
  }
  const config: RegionConfig = regions[name as RegionName];
  return { ...config, dynamodbCapacity: parseDynamodbCapacity(name, config.dynamodbCapacity) };
}

/**
 * Stage-specific overrides: production keeps everything on delete, dev can be torn down.
 * `tableCapacity`: prod takes the region's `dynamodbCapacity`; dev and local are billed on demand
 * whatever the region says, so a test stack never pays a provisioned floor sized for national
 * volume (eu-west-2's is about $4,300 a month).
 */
export const stages = {
  dev: { retainOnDelete: false, logRetentionDays: 30, tableCapacity: 'on-demand' },
  prod: { retainOnDelete: true, logRetentionDays: 365, tableCapacity: 'region' },
  local: { retainOnDelete: false, logRetentionDays: 1, tableCapacity: 'on-demand' },
} as const satisfies Record<StageName, { retainOnDelete: boolean; logRetentionDays: number; tableCapacity: 'region' | 'on-demand' }>;

/** The capacity mode a stage's tables get: the region's in prod, on demand in dev and local. */
export function stageTableCapacity(region: RegionConfig, stage: StageName): DynamodbCapacity {
  return stages[stage].tableCapacity === 'region' ? region.dynamodbCapacity : { mode: 'on-demand' };
}
