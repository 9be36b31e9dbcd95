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
  /** API Gateway stage throttling. */
  throttle: { rateLimit: number; burstLimit: number };
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
    throttle: { rateLimit: 200, burstLimit: 400 },
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
  },
} as const satisfies Record<string, RegionConfig>;

export type RegionName = keyof typeof regions;

export const defaultRegion: RegionName = 'eu-west-2';

export function regionConfig(region: string | undefined): RegionConfig {
  const name = region ?? defaultRegion;
  if (!(name in regions)) {
    throw new Error(`Unknown region '${name}'. Known regions: ${Object.keys(regions).join(', ')}`);
  }
  return regions[name as RegionName];
}

/** Stage-specific overrides: production keeps everything on delete, dev can be torn down. */
export const stages = {
  dev: { retainOnDelete: false, logRetentionDays: 30 },
  prod: { retainOnDelete: true, logRetentionDays: 365 },
  local: { retainOnDelete: false, logRetentionDays: 1 },
} as const satisfies Record<StageName, { retainOnDelete: boolean; logRetentionDays: number }>;
