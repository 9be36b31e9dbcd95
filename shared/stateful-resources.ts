/**
 * The stateful resources of the platform's manifest (`shared/resources.ts`, which re-exports this
 * module): queues, tables, buckets, secrets, event buses and signing keys, and the environment
 * variables that carry their names to a function. A module of its own, without the functions and
 * their HTTP operations, so that a handler importing a queue's settings or its configuration's
 * variable names (`shared/config.ts`) does not bundle the whole manifest.
 */
/**
 * Queues of the pipeline, by logical name. Each gets a dead-letter queue that keeps messages 14
 * days (the SQS maximum). A message moved to a standard queue's DLQ keeps its first enqueue time,
 * so the source keeps them 4 days: a message moved on its last day still has 10 days in the DLQ.
 */
export const queues = {
  validation: {
    description: 'Declarations accepted at intake, waiting for validation against reference data',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 4,
  },
  risk: {
    description: 'Validated declarations waiting for risk scoring',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 4,
  },
  duty: {
    description: 'Scored declarations waiting for the duty and tax calculation',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 4,
  },
  release: {
    description: 'Assessed declarations waiting for the release decision (release or officer review)',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 4,
  },
  documents: {
    description:
      'Assessed and released declarations waiting for their assessment notice or release note under the customs seal (KMS Sign is rate-limited: a throttle delays a document, never a clearance)',
    // Six times its consumer's 30 s timeout plus its 1 s batching window, rounded up.
    visibilityTimeoutSeconds: 190,
    maxReceiveCount: 5,
    retentionDays: 4,
  },
  printing: {
    description:
      'Sealed documents waiting for their printable copy (a PDF with a QR code to the verification page): rendered apart, so the seal stays small and fast',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 4,
  },
  documentUploads: {
    description:
      'S3 events of objects created under declarations/ in the archive: the documents traders upload (what the platform archives is under <2 hex>/declarations/, outside the prefix)',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 4,
  },
  notifications: {
    description:
      "History events of declarations and permits' applications and decisions, queued before each is stored: published on the event bus and fanned out to webhook subscriptions",
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 4,
  },
  webhookDeliveries: {
    description: 'Webhook delivery attempts; a retry is the next attempt, delayed with exponential back-off',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 4,
  },
} as const satisfies Record<string, QueueDefinition>;

/** DynamoDB tables, by logical name. Key attribute names are fixed here and used by the key builders. */
export const tables = {
  main: {
    description: 'Single table: declarations, history events, LRN guards, reference data',
    partitionKey: 'PK',
    sortKey: 'SK',
    globalSecondaryIndexes: {
      // Declaration indexes hold keys only: a state change then never rewrites an index copy (an
      // ALL copy is rewritten at every stage), and listings read the state items they name
      // (BatchGetItem: half a read unit per item, a write unit costs five times a read unit).
      /** Declarations of one declarant, newest first (sharded: `PARTY#<declarant>#<shard>`). */
      GSI1: { partitionKey: 'GSI1PK', sortKey: 'GSI1SK', include: [] },
      /** Officer review queue by lane and office, oldest first (used from the risk stage on). */
      GSI2: { partitionKey: 'GSI2PK', sortKey: 'GSI2SK', include: [] },
      /** All declarations of one day, in submission order (sharded: `DAY#<date>#<shard>`; risk profile dry-runs, valuation rebuild). */
      GSI3: { partitionKey: 'GSI3PK', sortKey: 'GSI3SK', include: [] },
      /** Declarations in the pipeline, by when they entered it (sparse; sharded by id; written once, removed when they leave). */
      GSI4: { partitionKey: 'GSI4PK', sortKey: 'GSI4SK', include: [] },
      /** Every version of every risk profile (immutable items, written once: the whole item). */
      GSI5: { partitionKey: 'GSI5PK', sortKey: 'GSI5SK' },
    },
    // Webhook delivery records only (`purgeAt`, Unix seconds; docs/notifications.md): nothing else on the table carries it.
    timeToLiveAttribute: 'purgeAt',
  },
  idempotency: {
    description: 'Powertools idempotency records for Idempotency-Key on POST /v1/declarations',
    partitionKey: 'id',
    sortKey: undefined,
    globalSecondaryIndexes: {},
    timeToLiveAttribute: 'expiration',
  },
} as const satisfies Record<string, TableDefinition>;

/** S3 buckets, by logical name. */
export const buckets = {
  archive: {
    description: 'Signed document archive: submitted bytes, documents traders upload, assessments, release notes (Object Lock)',
    objectLock: true,
    // Documents traders upload with a presigned URL arrive here: the worker that checks them learns of each one this way.
    notifications: [{ events: 'objectCreated', prefix: 'declarations/', queue: 'documentUploads' }],
  },
  reference: {
    description:
      'Versioned reference documents an administrator loads: tariff packs, exchange rates, alcohol duty rate tables, valuation references, risk settings',
    objectLock: false,
  },
} as const satisfies Record<string, BucketDefinition>;

/** Secrets (AWS Secrets Manager), generated at deploy time, by logical name. */
export const secrets = {
  riskSelection: {
    description: 'Per-region key of the random selection draw (HMAC-SHA256 over the declaration id)',
  },
  paymentProviders: {
    description: "Per-region key each payment provider's callback secret is derived from (HKDF-SHA256 with the provider's name)",
  },
  webhookSigning: {
    description: "Per-region master secret of the webhook subscriptions' signing secrets (HKDF-SHA256 per subscription id)",
  },
} as const satisfies Record<string, SecretDefinition>;

/** Event buses (EventBridge in AWS, in-process in the local cloud), by logical name. */
export const eventBuses = {
  clearance: {
    description: "The region's notifications (source customs.clearance): declaration status changes, for the region's own consumers",
  },
} as const satisfies Record<string, EventBusDefinition>;

/**
 * Signing keys (AWS KMS asymmetric keys in AWS; the local cloud's KMS keeps them in `--data`), by
 * logical name. Only the functions whose access names a key may sign with it.
 */
export const signingKeys = {
  seal: {
    description:
      'The customs seal: ECDSA P-256 (KMS ECC_NIST_P256, SIGN_VERIFY) over the statements of the documents customs issues (assessment notices, release notes); its public keys are published at /.well-known/jwks.json',
  },
} as const satisfies Record<string, SigningKeyDefinition>;

export type QueueName = keyof typeof queues;
export type SecretName = keyof typeof secrets;
export type SigningKeyName = keyof typeof signingKeys;
export type EventBusName = keyof typeof eventBuses;
export type TableName = keyof typeof tables;
export type BucketName = keyof typeof buckets;

export interface QueueDefinition {
  description: string;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  retentionDays: number;
}

export interface TableDefinition {
  description: string;
  partitionKey: string;
  sortKey: string | undefined;
  /** `include`: project only these attributes (plus keys; `[]`: keys only); without it, the whole item. */
  globalSecondaryIndexes: Record<string, { partitionKey: string; sortKey: string; include?: readonly string[] }>;
  timeToLiveAttribute: string | undefined;
}

export interface SecretDefinition {
  description: string;
}

export interface SigningKeyDefinition {
  description: string;
}

export interface EventBusDefinition {
  description: string;
}

export interface BucketDefinition {
  description: string;
  objectLock: boolean;
  /** S3 event notifications the bucket sends to queues (the local cloud sends the same events). */
  notifications?: readonly BucketNotification[];
}

export interface BucketNotification {
  /** Which events: every ObjectCreated (Put, Post, Copy, CompleteMultipartUpload). */
  events: 'objectCreated';
  /** Only objects whose key starts with this. */
  prefix: string;
  /** The queue the S3 event goes to. */
  queue: QueueName;
}

/** Environment variable that carries a queue's URL to a function, e.g. VALIDATION_QUEUE_URL. */
export const queueUrlEnv = (queue: QueueName): string => `${toEnvName(queue)}_QUEUE_URL`;
/** Environment variable that carries a table's name, e.g. MAIN_TABLE_NAME. */
export const tableNameEnv = (table: TableName): string => `${toEnvName(table)}_TABLE_NAME`;
/** Environment variable that carries a secret's name or ARN, e.g. RISK_SELECTION_SECRET_ID. */
export const secretIdEnv = (secret: SecretName): string => `${toEnvName(secret)}_SECRET_ID`;
/** Environment variable that carries a signing key's id or ARN, e.g. SEAL_KEY_ID. */
export const signingKeyIdEnv = (key: SigningKeyName): string => `${toEnvName(key)}_KEY_ID`;
/** Environment variable that carries the console's public address (`access.publicSite`). */
export const PUBLIC_SITE_URL_ENV = 'PUBLIC_SITE_URL';
/** Environment variable that carries an event bus's name, e.g. CLEARANCE_EVENT_BUS_NAME. */
export const eventBusNameEnv = (bus: EventBusName): string => `${toEnvName(bus)}_EVENT_BUS_NAME`;
/** Environment variable that carries a bucket's name, e.g. ARCHIVE_BUCKET_NAME. */
export const bucketNameEnv = (bucket: BucketName): string => `${toEnvName(bucket)}_BUCKET_NAME`;

const toEnvName = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
