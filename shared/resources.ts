/**
 * The one definition of the platform's resources: functions, queues, tables and buckets.
 *
 * Both the CDK app (`infra/`) and the local cloud (`local/`) read this module, so the deployed
 * stack and `npm start` cannot drift apart. Adding a function here is enough to have it deployed
 * with least-privilege grants and served locally. HTTP routes come from the route table
 * (`shared/http/operations/`), where each operation is declared once. The stateful resources are
 * in `shared/stateful-resources.ts` (re-exported here), which handlers import: a function's bundle
 * does not carry this manifest (its configuration's facts are fixed at bundling, shared/config.ts).
 */
import type { HttpMethod, OperationSpec } from './http/operation-spec.ts';
import {
  getTraderProfileOperation,
  listTraderSigningKeysOperation,
  loadReferenceDocumentOperation,
  rebuildValuationReferencesOperation,
  referenceDocumentHistoryOperation,
  retryDeclarationOperation,
  setTraderStatusOperation,
} from './http/operations/admin.ts';
import { getManifestOperation, listUndeclaredGoodsOperation, submitManifestOperation } from './http/operations/cargo-reports.ts';
import { getConsignmentOperation } from './http/operations/consignments.ts';
import {
  amendDeclarationOperation,
  cancelDeclarationOperation,
  getDeclarationAmendmentOperation,
  getDeclarationOperation,
  listDeclarationEventsOperation,
  listDeclarationsOperation,
  requestDocumentUploadOperation,
  submitDeclarationOperation,
} from './http/operations/declarations.ts';
import { openApiOperation } from './http/operations/meta.ts';
import { applyForPermitOperation, decidePermitOperation, getPermitOperation, listPermitsOperation } from './http/operations/permits.ts';
import {
  claimRepaymentOperation,
  decideRepaymentClaimOperation,
  listDeclarationRepaymentClaimsOperation,
  listPendingRepaymentClaimsOperation,
  resendPayoutOperation,
} from './http/operations/repayments.ts';
import {
  getAccountOperation,
  listAccountsOperation,
  openAccountOperation,
  paymentCallbackOperation,
  topUpAccountOperation,
} from './http/operations/revenue.ts';
import {
  claimDeclarationOperation,
  decideOnDeclarationOperation,
  recordInspectionOperation,
  releaseClaimOperation,
  reviewQueueOperation,
} from './http/operations/review.ts';
import {
  createRiskProfileOperation,
  disableRiskProfileOperation,
  dryRunRiskProfileOperation,
  editRiskProfileOperation,
  getRiskProfileOperation,
  listRiskProfilesOperation,
} from './http/operations/risk-profiles.ts';
import {
  getDocumentOperation,
  getReleaseNoteOperation,
  listDeclarationDocumentsOperation,
  sealKeySetOperation,
  verifyDocumentOperation,
} from './http/operations/sealed-documents.ts';
import {
  closeStatementsOperation,
  getStatementOperation,
  listStatementsOperation,
  revenueReconciliationOperation,
} from './http/operations/statements.ts';
import { clearanceStatisticsOperation, profileSelectionsOperation } from './http/operations/stats.ts';
import {
  createSubscriptionOperation,
  deleteSubscriptionOperation,
  enableSubscriptionOperation,
  listSubscriptionDeliveriesOperation,
  listSubscriptionsOperation,
  rotateSubscriptionSecretOperation,
} from './http/operations/subscriptions.ts';
import { estimateDutyOperation, lookUpCommodityOperation } from './http/operations/tariff.ts';
import { listSigningKeysOperation, registerSigningKeyOperation, revokeSigningKeyOperation } from './http/operations/traders.ts';
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

// Queues, tables, buckets, secrets, event buses, signing keys and their variables: part of this
// manifest, in a module of their own that handlers import without the functions.
export * from './stateful-resources.ts';

export type { HttpMethod };

export type Trigger =
  | { kind: 'http'; method: HttpMethod; path: string; auth: 'jwt' | 'none'; operationId?: string }
  // How many consumers a queue may have at once is a region setting (`queueConcurrency` in infra/config/regions.ts).
  // batchSize up to 10,000; above 10 the mapping needs a batching window (AWS refuses it without
  // one): it waits up to maxBatchingWindowSeconds to fill the batch.
  // waitsOnOthers: its records wait on systems outside the platform (webhook receivers): the local
  // cloud polls it with several loops, so one slow receiver does not hold the queue (docs/local-cloud.md).
  | { kind: 'queue'; queue: QueueName; batchSize: number; maxBatchingWindowSeconds?: number; waitsOnOthers?: true }
  | { kind: 'schedule'; everyMinutes: number };

export interface FunctionDefinition {
  /** Path of the handler module, relative to the repository root. */
  entry: string;
  /** Exported handler name. */
  handler: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  triggers: readonly Trigger[];
  /**
   * Whether the function bundles the Powertools Tracer: its handler segment (cold start annotated)
   * and a subsegment per AWS call, for the price of the X-Ray SDK, about 120 KB parsed at every
   * cold start (docs/benchmarks.md). Only intake and the four clearance stages, the path whose
   * latency is the trader's time to release and where a slow call must be found; every function
   * still has Lambda's active tracing (the service's own segments: initialisation, invocation),
   * and the SDK passes the trace header on through SQS, so a declaration's trace stays whole.
   */
  traced?: true;
  /**
   * Data files shipped beside the bundle rather than compiled into it, read at first use:
   * `referenceData` is `generated/reference/` (HS nomenclature and code lists, 650 KB,
   * shared/reference/files.ts). infra/function-bundling.ts copies them into the function's asset.
   */
  dataFiles?: readonly DataFiles[];
  /**
   * What the function may do, and nothing more: the CDK app turns each entry into one IAM
   * statement (infra/function-factory.ts), and the local cloud refuses any other call of the
   * handler as AWS would (local/access-control.ts). See docs/infrastructure.md, "Least privilege".
   */
  access: FunctionAccess;
}

/** The sets of data files a function can ship beside its bundle (`dataFiles`). */
export type DataFiles = 'referenceData';

/** What a function may do on each resource; every table and bucket entry is a list of grants. */
export interface FunctionAccess {
  tables?: Partial<Record<TableName, readonly TableGrant[]>>;
  buckets?: Partial<Record<BucketName, readonly BucketGrant[]>>;
  /** Queues the function sends to (sqs:SendMessage, which also covers SendMessageBatch). */
  sendTo?: readonly QueueName[];
  /** Secrets the function reads (secretsmanager:GetSecretValue only). */
  secrets?: readonly SecretName[];
  /** Keys the function signs with (kms:Sign and kms:GetPublicKey on that key only). */
  signWith?: readonly SigningKeyName[];
  /**
   * Whether the function needs the public address of the console and its verification page (the
   * links it prints): no permission, an environment variable (`PUBLIC_SITE_URL`).
   */
  publicSite?: boolean;
  /** Event buses the function puts events on (events:PutEvents on that bus only). */
  publishTo?: readonly EventBusName[];
}

/** DynamoDB calls a grant may allow: the IAM actions of the same names (`dynamodb:GetItem`...). */
export type TableAction = 'GetItem' | 'Query' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

/**
 * Some DynamoDB calls on the items of a few partitions: one IAM statement with a
 * `ForAllValues:StringLike` condition on `dynamodb:LeadingKeys`.
 */
export interface TableGrant {
  actions: readonly TableAction[];
  /**
   * The partition key values these calls may name, as IAM `StringLike` patterns (`DECL#*`,
   * `SEALKEYS`): of the table, or of the index's partition key for a grant on an `index`. The
   * prefixes are those of the key builders (shared/adapters/keys.ts, docs/data-model.md).
   */
  keys: readonly string[];
  /** A global secondary index (Query only): the statement names the index, not the table. */
  index?: string;
}

/**
 * S3 calls a grant may allow, by IAM action: `GetObject` also covers HeadObject, `GetObjectVersion`
 * is a read that names a version (the archive's reads of what the platform stored), `PutObject`
 * also covers the presigned upload URLs a function signs.
 */
export type ObjectAction = 'GetObject' | 'GetObjectVersion' | 'PutObject';

/** Some S3 calls on the objects whose keys match `keys` (IAM resource patterns of this bucket's objects, `*` matches `/`). */
export interface BucketGrant {
  actions: readonly ObjectAction[];
  keys: readonly string[];
}

/** An HTTP trigger for an operation of the route table (`shared/http/operations/`). */
const api = (operation: OperationSpec): Trigger => ({
  kind: 'http',
  method: operation.method,
  path: operation.path,
  auth: operation.roles === 'public' ? 'none' : 'jwt',
  operationId: operation.operationId,
});

/**
 * Partition keys of the main table a grant may name (`dynamodb:LeadingKeys`), as built by
 * shared/adapters/keys.ts (docs/data-model.md). `DECL#*` covers every item of a declaration (state,
 * history, parts, markers, uploads, amendments, issued documents); the last five are partition keys
 * of the indexes a Query names (`RISKPROFILES` is also the table partition of the count of profile
 * versions saved, pattern 111).
 */
export const key = {
  declaration: 'DECL#*',
  lrnGuard: 'LRN#*',
  trader: 'TRADER#*',
  /** A trader's declaration count, in shards (`TRADERCOUNT#<party>#<shard>`). */
  traderCount: 'TRADERCOUNT#*',
  riskProfile: 'RISK#*',
  /** A risk profile's effectiveness counts, in shards (`RISKSTATS#<profile>#<shard>`). */
  riskEffectiveness: 'RISKSTATS#*',
  referenceDocument: 'REFDOC#*',
  selectionStats: 'STATS#*',
  clearanceCounters: 'COUNTERS#*',
  revenueCounted: 'REVENUECOUNTED#*',
  sealKeys: 'SEALKEYS',
  /** A trader account: its cache, ledger entries and source guards (patterns 50-52); its listing under the owner is `TRADER#*`. */
  account: 'ACCOUNT#*',
  /** Every deferment account, listed when it is opened (pattern 74): the accounts the statements job closes. */
  defermentAccounts: 'DEFERMENTS',
  /** A payment request the platform issued (patterns 54, 55). */
  paymentRequest: 'PAYMENT#*',
  /** A payment provider's confirmation event, accepted once (pattern 55). */
  paymentEvent: 'PAYEVENT#*',
  /** A payout the payment provider makes to a trader (patterns 60, 61, 90 to 94); repayment claims themselves are `DECL#*` items. */
  payout: 'PAYOUT#*',
  /** A subscriber's webhook subscriptions (`SUBSCRIBER#<kind>#<id>`, patterns 42 to 45). */
  subscriber: 'SUBSCRIBER#*',
  /** A webhook subscription's delivery log (`WEBHOOK#<subscription>`, patterns 46 to 49). */
  webhookDeliveries: 'WEBHOOK#*',
  /** An arrival manifest a carrier reported (pattern 63). */
  manifest: 'MANIFEST#*',
  /** A manifest line under its transport document, and the declarations waiting for it (`CARGO#<type>#<ref>`, patterns 63 to 65). */
  cargo: 'CARGO#*',
  /** An office's lines not yet declared, by arrival time (`UNDECLARED#<office>`, pattern 66). */
  undeclaredGoods: 'UNDECLARED#*',
  /** A permit and its drawings (patterns 67 to 71); its listing under the holder is `TRADER#*`. */
  permit: 'PERMIT#*',
  /** The permits of a partner agency (`AGENCY#<agency>`, pattern 69). */
  agency: 'AGENCY#*',
  /** A consignment's index: its declarations and manifest lines by UCR (`UCR#<ucr>`, patterns 77 to 79). */
  consignment: 'UCR#*',
  /** GSI1 */
  declarant: 'PARTY#*',
  /** GSI2 */
  reviewQueue: 'LANE#*',
  /** GSI3 */
  day: 'DAY#*',
  /** GSI4 */
  inFlight: 'INFLIGHT#*',
  /** GSI5, and the table item counting the versions saved (pattern 111) */
  riskProfiles: 'RISKPROFILES',
  /** GSI2: repayment claims waiting for an officer (pattern 58). */
  pendingRepaymentClaims: 'REPAYCLAIMS#*',
  /** GSI4: payouts waiting to be sent, REQUESTED (pattern 92). */
  payoutsDue: 'PAYOUTSDUE',
} as const;

/**
 * Object keys of the archive a grant may name (shared/domain/archive-keys.ts). The leading `*`
 * stands for the two hex characters that spread the keys; it also matches nothing, so objects of
 * the earlier layout (`declarations/<id>/submitted.json`) stay readable.
 */
export const archived = {
  submissions: '*declarations/*/submitted*',
  amendments: '*declarations/*/amendments/*',
  signatures: '*declarations/*/signatures/*',
  /**
   * Every sealed document one documents-worker invocation issued, as one NDJSON object (spread by
   * its own SHA-256); a reader reads its document's byte range (a ranged GET: GetObject).
   */
  sealedBatches: '*sealed-batches/*.ndjson',
  /** Sealed documents customs issued one object each (`{ document, seal }` JSON), by kind: no longer written, still read. */
  assessmentNotices: '*declarations/*/issued/assessment-notice/*.json',
  releaseNotes: '*declarations/*/issued/release-note/*.json',
  /** Their printable copies (PDF), beside them. */
  printedDocuments: '*declarations/*/issued/*/*.pdf',
  /** Monthly statements of deferment accounts (JSON and CSV), spread by the account number. */
  statements: '*statements/*',
  /** Documents traders upload with a presigned URL (no hex prefix: the bucket notification's prefix). */
  uploads: 'declarations/*/documents/*',
} as const;

/** Object keys of the reference bucket, by kind (`<kind>/<version>.json.gz`, shared/adapters/reference-document-store.ts). */
export const referenceKeys = {
  tariffPack: 'tariffPack/*',
  exchangeRates: 'exchangeRates/*',
  alcoholDutyRates: 'alcoholDutyRates/*',
  valuationReferences: 'valuationReferences/*',
  riskSettings: 'riskSettings/*',
  permitRules: 'permitRules/*',
} as const;

/**
 * Reading a declaration's body: the submitted or amended bytes, by the key (and, in AWS, the
 * version: the archive is versioned under Object Lock) its record stores.
 */
const readsDeclarationBodies: BucketGrant = {
  actions: ['GetObject', 'GetObjectVersion'],
  keys: [archived.submissions, archived.amendments],
};

/**
 * Counting what a ledger entry moves into its booking day's revenue (pattern 105): whoever books an
 * entry, or finishes one another writer left (any read of an account rolls it forward), counts it;
 * a finisher first reads the day's older `LEDGER` item, where the entry may have been counted
 * before each ledger had its own item (pattern 106).
 */
const countsLedgerRevenue: TableGrant = { actions: ['GetItem', 'UpdateItem'], keys: [key.clearanceCounters] };

/**
 * Booking on a trader account (patterns 51, 52): the cache and entry at the next sequence are read,
 * the entry, its source guard and the cache put, its revenue counted (pattern 80). A booking that
 * finds an account's opening not finished rolls it forward, which lists the account under its
 * owner (pattern 50).
 */
const booksOnAccounts: readonly TableGrant[] = [
  { actions: ['GetItem', 'PutItem'], keys: [key.account] },
  { actions: ['PutItem'], keys: [key.trader] },
  countsLedgerRevenue,
];

/** Securing duties (docs/revenue.md): drawn on the declared account, or a payment request issued (pattern 54). */
const securesDuties: readonly TableGrant[] = [...booksOnAccounts, { actions: ['GetItem', 'PutItem'], keys: [key.paymentRequest] }];

/**
 * Closing a deferment period (patterns 74, 75): the deferment accounts listed, the direct debit
 * booked on each (patterns 51, 52), its statement archived (write-once: a repeat reads the stored
 * object's head) and recorded.
 */
const closesStatements: FunctionAccess = {
  tables: {
    main: [
      { actions: ['Query'], keys: [key.defermentAccounts] },
      { actions: ['GetItem', 'PutItem', 'Query'], keys: [key.account] },
      { actions: ['PutItem'], keys: [key.trader] },
      countsLedgerRevenue,
    ],
  },
  buckets: { archive: [{ actions: ['GetObject', 'PutObject'], keys: [archived.statements] }] },
};

/** Lambda functions, by logical name. */
export const functions = {
  submitDeclaration: {
    entry: 'functions/api/submit-declaration.ts',
    handler: 'handler',
    description: 'POST /v1/declarations: intake of a declaration',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [api(submitDeclarationOperation)],
    traced: true,
    access: {
      tables: {
        main: [
          // Pattern 3 (UpdateItem): an orphaned LRN claim moved to the new declaration.
          { actions: ['GetItem', 'PutItem', 'UpdateItem'], keys: [key.lrnGuard] },
          { actions: ['GetItem', 'PutItem'], keys: [key.declaration] },
          // Pattern 77: the declaration indexed under its UCR, before it is stored.
          { actions: ['PutItem'], keys: [key.consignment] },
          // Pattern 37: the declarant's signing key, when a Signature header came.
          { actions: ['GetItem'], keys: [key.trader] },
        ],
        // Powertools idempotency records (`submitDeclaration#<hash>`): it deletes the record of a request that failed.
        idempotency: [{ actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], keys: ['submitDeclaration#*'] }],
      },
      buckets: {
        archive: [
          { actions: ['PutObject'], keys: [archived.submissions, archived.signatures] },
          // HeadObject when a retry finds its key taken (write-once archive: docs/data-model.md, Archive keys).
          { actions: ['GetObject'], keys: [archived.submissions, archived.signatures] },
        ],
      },
      sendTo: ['validation', 'notifications'],
    },
  },
  amendDeclaration: {
    entry: 'functions/api/amend-declaration.ts',
    handler: 'handler',
    description: 'PUT /v1/declarations/{id}: a trader amends its declaration before release',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [api(amendDeclarationOperation)],
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'PutItem', 'UpdateItem'], keys: [key.declaration] },
          // Pattern 37: the declarant's signing key, when a Signature header came.
          { actions: ['GetItem'], keys: [key.trader] },
        ],
      },
      buckets: {
        archive: [
          { actions: ['PutObject'], keys: [archived.amendments, archived.signatures] },
          // HeadObject when a retry finds its key taken.
          { actions: ['GetObject'], keys: [archived.amendments, archived.signatures] },
        ],
      },
      sendTo: ['validation', 'notifications'],
    },
  },
  getDeclarationAmendment: {
    entry: 'functions/api/get-declaration-amendment.ts',
    handler: 'handler',
    description: 'GET /v1/declarations/{id}/amendments/{n}: a declaration as it stood as amendment n',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(getDeclarationAmendmentOperation)],
    access: {
      tables: { main: [{ actions: ['GetItem', 'Query'], keys: [key.declaration] }] },
      buckets: { archive: [readsDeclarationBodies] },
    },
  },
  getDeclaration: {
    entry: 'functions/api/get-declaration.ts',
    handler: 'handler',
    description: 'GET /v1/declarations/{id}',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(getDeclarationOperation)],
    access: {
      tables: { main: [{ actions: ['GetItem', 'Query'], keys: [key.declaration] }] },
      buckets: { archive: [readsDeclarationBodies] },
    },
  },
  listDeclarations: {
    entry: 'functions/api/list-declarations.ts',
    handler: 'handler',
    description: "GET /v1/declarations: the caller's declarations, newest first",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listDeclarationsOperation)],
    access: {
      tables: {
        main: [
          { actions: ['Query'], index: 'GSI1', keys: [key.declarant] },
          { actions: ['BatchGetItem'], keys: [key.declaration] },
        ],
      },
    },
  },
  listDeclarationEvents: {
    entry: 'functions/api/list-declaration-events.ts',
    handler: 'handler',
    description: 'GET /v1/declarations/{id}/events: history of a declaration',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listDeclarationEventsOperation)],
    access: { tables: { main: [{ actions: ['GetItem', 'Query'], keys: [key.declaration] }] } },
  },
  openApi: {
    entry: 'functions/api/openapi.ts',
    handler: 'handler',
    description: 'GET /openapi.json: the API description generated from the zod schemas',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(openApiOperation)],
    access: {},
  },
  validateDeclaration: {
    entry: 'functions/workers/validate-declaration.ts',
    handler: 'handler',
    description:
      'Validation stage: checks a submitted declaration against reference data (alcohol items against the alcohol duty rate table, goods that need a permit against the permits they cite)',
    memoryMb: 512,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'validation', batchSize: 10 }],
    traced: true,
    dataFiles: ['referenceData'],
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], keys: [key.declaration] },
          // The alcohol duty rate table (only for a declaration with alcohol items) and the permit rules in force (their version pointers).
          { actions: ['Query'], keys: [key.referenceDocument] },
          // Pattern 67: the permits the declaration cites.
          { actions: ['GetItem'], keys: [key.permit] },
        ],
      },
      buckets: {
        archive: [readsDeclarationBodies],
        reference: [{ actions: ['GetObject'], keys: [referenceKeys.alcoholDutyRates, referenceKeys.permitRules] }],
      },
      sendTo: ['risk', 'notifications'],
    },
  },
  redriveStalled: {
    entry: 'functions/workers/redrive-stalled.ts',
    handler: 'handler',
    description:
      'Every minute: hands declarations stopped between two stages (STALLED_AFTER_MINUTES) to their stage again; marks PROCESSING_FAILED after repeated redrives',
    memoryMb: 256,
    timeoutSeconds: 60,
    triggers: [{ kind: 'schedule', everyMinutes: 1 }],
    access: {
      tables: {
        main: [
          { actions: ['Query'], index: 'GSI4', keys: [key.inFlight] },
          { actions: ['GetItem', 'PutItem', 'UpdateItem'], keys: [key.declaration] },
        ],
      },
      sendTo: ['validation', 'risk', 'duty', 'release', 'notifications'],
    },
  },
  reviewQueue: {
    entry: 'functions/api/review/queue.ts',
    handler: 'handler',
    description: 'GET /v1/review/queue: declarations waiting for an officer, oldest first, with counts per lane (officers)',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(reviewQueueOperation)],
    access: {
      tables: {
        main: [
          { actions: ['Query'], index: 'GSI2', keys: [key.reviewQueue] },
          { actions: ['BatchGetItem'], keys: [key.declaration] },
        ],
      },
    },
  },
  cancelDeclaration: {
    entry: 'functions/api/cancel-declaration.ts',
    handler: 'handler',
    description: 'POST /v1/declarations/{id}/cancel: a trader withdraws its declaration before release',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(cancelDeclarationOperation)],
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'PutItem', 'UpdateItem'], keys: [key.declaration] },
          // Duties drawn before the cancellation given back (pattern 62): credits and security released, a paid request paid out.
          ...booksOnAccounts,
          { actions: ['GetItem'], keys: [key.paymentRequest] },
          // Patterns 62, 61, 90: the payout requested, then handed to the provider (REQUESTED -> SENT).
          { actions: ['GetItem', 'PutItem', 'UpdateItem'], keys: [key.payout] },
          // Pattern 82: permit quantities the release stage drew given back.
          { actions: ['UpdateItem'], keys: [key.permit] },
        ],
      },
      sendTo: ['notifications'],
      // The payout provider's key signs each payout sent to it (the key its callbacks are signed with).
      secrets: ['paymentProviders'],
    },
  },
  claimDeclaration: {
    entry: 'functions/api/review/claim.ts',
    handler: 'handler',
    description: 'POST /v1/review/declarations/{id}/claim: an officer takes a declaration under review',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(claimDeclarationOperation)],
    access: { tables: { main: [{ actions: ['GetItem', 'UpdateItem'], keys: [key.declaration] }] } },
  },
  releaseDeclarationClaim: {
    entry: 'functions/api/review/release-claim.ts',
    handler: 'handler',
    description: 'DELETE /v1/review/declarations/{id}/claim: an officer lets go of a declaration',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(releaseClaimOperation)],
    access: { tables: { main: [{ actions: ['GetItem', 'UpdateItem'], keys: [key.declaration] }] } },
  },
  decideOnDeclaration: {
    entry: 'functions/api/review/decide.ts',
    handler: 'handler',
    description: 'POST /v1/review/declarations/{id}/decisions: release, hold, request documents or reject',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(decideOnDeclarationOperation)],
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'PutItem', 'UpdateItem'], keys: [key.declaration] },
          // Pattern 34: a release counted.
          { actions: ['UpdateItem'], keys: [key.clearanceCounters] },
          // Pattern 82: a rejection gives back the permit quantities the release stage drew.
          { actions: ['UpdateItem'], keys: [key.permit] },
          // Pattern 62: and the duties secured for it (credits and security released, a paid request paid out);
          // the credits' revenue counted under the counters grant above (pattern 80).
          { actions: ['GetItem', 'PutItem'], keys: [key.account] },
          { actions: ['PutItem'], keys: [key.trader] },
          { actions: ['GetItem'], keys: [key.paymentRequest] },
          { actions: ['GetItem', 'PutItem', 'UpdateItem'], keys: [key.payout] },
        ],
      },
      sendTo: ['documents', 'notifications'],
      // The payout provider's key signs each payout sent to it.
      secrets: ['paymentProviders'],
    },
  },
  recordInspection: {
    entry: 'functions/api/review/inspect.ts',
    handler: 'handler',
    description: 'POST /v1/review/declarations/{id}/inspections: an inspection result, re-assessing corrected items',
    memoryMb: 1024,
    timeoutSeconds: 15,
    triggers: [api(recordInspectionOperation)],
    // The archive: the declaration's body; the reference bucket: the tariff pack in force at acceptance.
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], keys: [key.declaration] },
          { actions: ['Query'], keys: [key.referenceDocument] },
          // Patterns 18b and 18c: the trader's and the profiles' inspection counts.
          { actions: ['UpdateItem'], keys: [key.trader, key.riskEffectiveness] },
          // The re-assessment's difference, booked like the assessment.
          ...securesDuties,
        ],
      },
      buckets: {
        archive: [readsDeclarationBodies],
        reference: [
          { actions: ['GetObject'], keys: [referenceKeys.tariffPack, referenceKeys.exchangeRates, referenceKeys.alcoholDutyRates] },
        ],
      },
      sendTo: ['notifications'],
    },
  },
  decideRelease: {
    entry: 'functions/workers/decide-release.ts',
    handler: 'handler',
    description:
      "Release stage: matches imports to the carrier's manifest line (or waits for it), draws the cited permits, releases GREEN and BLUE declarations, queues YELLOW and RED ones for officers",
    memoryMb: 256,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'release', batchSize: 10 }],
    traced: true,
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], keys: [key.declaration] },
          // Pattern 71: a permit drawn (or given back, its drawing's record marked).
          { actions: ['GetItem', 'UpdateItem', 'PutItem'], keys: [key.permit] },
          // Patterns 51, 54 and 80 (the ledger counts its entries' revenue), and 34 (a release counted): UpdateItem on COUNTERS#.
          ...securesDuties,
          // Pattern 64: the manifest line read (BatchGet, Get) and discharged (Update); the declaration's wait recorded (Put).
          { actions: ['BatchGetItem', 'GetItem', 'UpdateItem', 'PutItem'], keys: [key.cargo] },
          // Pattern 64: once discharged, the wait ends and the line leaves the office's undeclared goods (pattern 66).
          { actions: ['DeleteItem'], keys: [key.cargo, key.undeclaredGoods] },
          // The records of one invocation read their charges' guards, shards and entries and their
          // payment requests together (shared/adapters/dynamodb-read-coalescer.ts).
          { actions: ['BatchGetItem'], keys: [key.account, key.paymentRequest] },
        ],
      },
      buckets: { archive: [readsDeclarationBodies] },
      sendTo: ['documents', 'notifications'],
    },
  },
  scoreRisk: {
    entry: 'functions/workers/score-risk.ts',
    handler: 'handler',
    description: 'Risk stage: lane, score and reasons from risk profiles, trader profile, valuation and random selection',
    memoryMb: 1024,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'risk', batchSize: 10 }],
    traced: true,
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], keys: [key.declaration] },
          // Pattern 17: the trader's profile and the shards of its count.
          { actions: ['BatchGetItem'], keys: [key.trader, key.traderCount] },
          { actions: ['Query'], keys: [key.referenceDocument] },
          { actions: ['Query', 'UpdateItem'], keys: [key.selectionStats] },
          { actions: ['UpdateItem'], keys: [key.traderCount, key.riskEffectiveness, key.clearanceCounters] },
          { actions: ['Query'], index: 'GSI5', keys: [key.riskProfiles] },
          // Pattern 111: the count of profile versions saved, before the list it keeps.
          { actions: ['GetItem'], keys: [key.riskProfiles] },
        ],
      },
      buckets: {
        archive: [readsDeclarationBodies],
        reference: [
          { actions: ['GetObject'], keys: [referenceKeys.riskSettings, referenceKeys.valuationReferences, referenceKeys.exchangeRates] },
        ],
      },
      sendTo: ['duty', 'notifications'],
      secrets: ['riskSelection'],
    },
  },
  assessDuty: {
    entry: 'functions/workers/assess-duty.ts',
    handler: 'handler',
    description: 'Duty stage: customs value, duties, excise and VAT against the current tariff pack',
    memoryMb: 1024,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'duty', batchSize: 10 }],
    traced: true,
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], keys: [key.declaration] },
          { actions: ['Query'], keys: [key.referenceDocument] },
        ],
      },
      buckets: {
        archive: [readsDeclarationBodies],
        reference: [
          { actions: ['GetObject'], keys: [referenceKeys.tariffPack, referenceKeys.exchangeRates, referenceKeys.alcoholDutyRates] },
        ],
      },
      // The release stage, the documents worker for the assessment notice, and the notifications of the ASSESSED event.
      sendTo: ['release', 'documents', 'notifications'],
    },
  },
  estimateDuty: {
    entry: 'functions/api/duty-estimates.ts',
    handler: 'handler',
    description: 'POST /v1/duty-estimates: the duty calculation for a declaration body, storing nothing',
    memoryMb: 1024,
    timeoutSeconds: 10,
    triggers: [api(estimateDutyOperation)],
    access: {
      tables: { main: [{ actions: ['Query'], keys: [key.referenceDocument] }] },
      buckets: {
        reference: [
          { actions: ['GetObject'], keys: [referenceKeys.tariffPack, referenceKeys.exchangeRates, referenceKeys.alcoholDutyRates] },
        ],
      },
    },
  },
  lookUpCommodity: {
    entry: 'functions/api/tariff-commodity.ts',
    handler: 'handler',
    description: 'GET /v1/tariff/commodities/{code}: a commodity and the measures that apply for an origin and date',
    memoryMb: 1024,
    timeoutSeconds: 10,
    triggers: [api(lookUpCommodityOperation)],
    access: {
      tables: { main: [{ actions: ['Query'], keys: [key.referenceDocument] }] },
      buckets: {
        reference: [
          { actions: ['GetObject'], keys: [referenceKeys.tariffPack, referenceKeys.exchangeRates, referenceKeys.alcoholDutyRates] },
        ],
      },
    },
  },
  issueDocuments: {
    entry: 'functions/workers/issue-documents.ts',
    handler: 'handler',
    description:
      'Issues the assessment notice of each assessed declaration and the release note of each released one under the customs seal (KMS Sign), archives them',
    memoryMb: 512,
    timeoutSeconds: 30,
    // 100 documents per invocation, waiting up to a second to fill the batch: the seal (one KMS Sign
    // over the batch's Merkle root) and the archive object (one S3 PUT) are per invocation, so at
    // volume they cost a hundredth per document instead of a tenth (docs/cost.md); a document is
    // issued at most a second later. The mapping still receives 10 messages per ReceiveMessage.
    triggers: [{ kind: 'queue', queue: 'documents', batchSize: 100, maxBatchingWindowSeconds: 1 }],
    access: {
      tables: {
        main: [
          // Pattern 40: the declaration, its history and its issued documents (ISSUED#<kind>#<version>),
          // the batch's issue records read together (BatchGetItem, shared/adapters/dynamodb-read-coalescer.ts).
          { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem'], keys: [key.declaration] },
          // Pattern 40: the seal's public key, published once per execution environment.
          { actions: ['PutItem'], keys: [key.sealKeys] },
        ],
      },
      buckets: {
        archive: [
          readsDeclarationBodies,
          // One object per sealing batch (pattern 40).
          { actions: ['PutObject'], keys: [archived.sealedBatches] },
          // HeadObject when a retry finds its key taken.
          { actions: ['GetObject'], keys: [archived.sealedBatches] },
        ],
      },
      signWith: ['seal'],
      // Printing at issue (region config `documentPrinting`).
      sendTo: ['printing'],
    },
  },
  printDocuments: {
    entry: 'functions/workers/print-documents.ts',
    handler: 'handler',
    description: 'Renders the printable copy (PDF with a QR code to the verification page) of each sealed document, archived beside it',
    memoryMb: 512,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'printing', batchSize: 5 }],
    access: {
      tables: {
        // Pattern 40a: the declaration's issued documents, and the PDF noted on each.
        main: [{ actions: ['Query', 'UpdateItem'], keys: [key.declaration] }],
      },
      buckets: {
        archive: [
          // The sealed JSON a PDF prints: its range of its batch's object, or its own object (issued before).
          { actions: ['GetObject'], keys: [archived.sealedBatches, archived.assessmentNotices, archived.releaseNotes] },
          { actions: ['PutObject'], keys: [archived.printedDocuments] },
          // HeadObject when a retry finds its key taken.
          { actions: ['GetObject'], keys: [archived.printedDocuments] },
        ],
      },
      publicSite: true,
    },
  },
  listDeclarationDocuments: {
    entry: 'functions/api/list-declaration-documents.ts',
    handler: 'handler',
    description: 'GET /v1/declarations/{id}/documents: the documents customs issued and the trader uploaded, with their hashes',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listDeclarationDocumentsOperation)],
    // Patterns 5b and 40b: the state (owner, uploads), then the issued documents.
    access: { tables: { main: [{ actions: ['GetItem', 'Query'], keys: [key.declaration] }] } },
  },
  getDocument: {
    entry: 'functions/api/get-document.ts',
    handler: 'handler',
    description: "GET /v1/documents/{docId}: short-lived links to a document's archived files (declarant, officers, admins)",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(getDocumentOperation)],
    access: {
      // Pattern 40c: the state (owner, uploads) and the issued document; a PDF not printed yet is asked for once (UpdateItem).
      tables: { main: [{ actions: ['GetItem', 'UpdateItem'], keys: [key.declaration] }] },
      buckets: {
        // The presigned links carry this function's permission to get the objects; a document of a
        // sealing batch is read here (its range) and answered inline, never linked.
        archive: [
          {
            actions: ['GetObject'],
            keys: [archived.sealedBatches, archived.assessmentNotices, archived.releaseNotes, archived.printedDocuments, archived.uploads],
          },
        ],
      },
      // Printing on request (region config `documentPrinting`): the first download asks the printing worker.
      sendTo: ['printing'],
    },
  },
  getReleaseNote: {
    entry: 'functions/api/release-note.ts',
    handler: 'handler',
    description: "GET /v1/declarations/{id}/release-note: a released declaration's sealed release note (declarant, officers, admins)",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(getReleaseNoteOperation)],
    access: {
      // Patterns 5b and 40b: the state (owner), then the issued documents.
      tables: { main: [{ actions: ['GetItem', 'Query'], keys: [key.declaration] }] },
      // Issued documents are written once and their record names no version: a plain read.
      buckets: { archive: [{ actions: ['GetObject'], keys: [archived.sealedBatches, archived.releaseNotes] }] },
    },
  },
  getSealKeys: {
    entry: 'functions/api/seal-keys.ts',
    handler: 'handler',
    description: 'GET /.well-known/jwks.json: the public keys of the customs seal (public)',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(sealKeySetOperation)],
    access: { tables: { main: [{ actions: ['Query'], keys: [key.sealKeys] }] } },
  },
  verifyDocument: {
    entry: 'functions/api/verify-document.ts',
    handler: 'handler',
    description: 'POST /v1/verify: whether a sealed document is genuine (public)',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(verifyDocumentOperation)],
    access: {
      tables: {
        main: [
          // Pattern 41: the seal's published keys.
          { actions: ['Query'], keys: [key.sealKeys] },
          // Pattern 40c: a printed copy's reference names its issued document, read back to be checked.
          { actions: ['GetItem'], keys: [key.declaration] },
        ],
      },
      buckets: { archive: [{ actions: ['GetObject'], keys: [archived.sealedBatches, archived.assessmentNotices, archived.releaseNotes] }] },
    },
  },
  clearanceStatistics: {
    entry: 'functions/api/stats/clearance.ts',
    handler: 'handler',
    description:
      'GET /v1/stats/clearance: declarations by lane, release times and revenue per day, from the counters the stages keep (officers, admins)',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [api(clearanceStatisticsOperation)],
    // Pattern 107: every counter item of each day's shards.
    access: { tables: { main: [{ actions: ['Query'], keys: [key.clearanceCounters] }] } },
  },
  profileSelections: {
    entry: 'functions/api/stats/risk-profiles.ts',
    handler: 'handler',
    description: 'GET /v1/stats/risk-profiles: the risk profiles that select most, with their hit rates (officers, admins)',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [api(profileSelectionsOperation)],
    access: {
      tables: {
        main: [
          { actions: ['Query'], index: 'GSI5', keys: [key.riskProfiles] },
          // Pattern 18c: a profile's effectiveness, its first item and its shards.
          { actions: ['BatchGetItem'], keys: [key.riskProfile, key.riskEffectiveness] },
        ],
      },
    },
  },
  loadReferenceDocument: {
    entry: 'functions/api/admin/reference-documents-put.ts',
    handler: 'handler',
    description:
      'PUT /v1/admin/reference-documents/{kind}: load a tariff pack, exchange rates, valuation references, risk settings or permit rules',
    memoryMb: 1024,
    timeoutSeconds: 30,
    triggers: [api(loadReferenceDocumentOperation)],
    access: {
      tables: { main: [{ actions: ['PutItem'], keys: [key.referenceDocument] }] },
      buckets: {
        reference: [
          {
            actions: ['PutObject'],
            keys: [
              referenceKeys.tariffPack,
              referenceKeys.exchangeRates,
              referenceKeys.alcoholDutyRates,
              referenceKeys.valuationReferences,
              referenceKeys.riskSettings,
              referenceKeys.permitRules,
            ],
          },
        ],
      },
    },
  },
  referenceDocumentHistory: {
    entry: 'functions/api/admin/reference-documents-get.ts',
    handler: 'handler',
    description: 'GET /v1/admin/reference-documents/{kind}: versions loaded, newest first',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(referenceDocumentHistoryOperation)],
    access: { tables: { main: [{ actions: ['Query'], keys: [key.referenceDocument] }] } },
  },
  createRiskProfile: {
    entry: 'functions/api/admin/risk-profiles-create.ts',
    handler: 'handler',
    description: 'POST /v1/admin/risk-profiles: create a risk profile',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(createRiskProfileOperation)],
    // Pattern 111: the version and the count of versions saved, in one transaction.
    access: {
      tables: {
        main: [
          { actions: ['PutItem'], keys: [key.riskProfile] },
          { actions: ['UpdateItem'], keys: [key.riskProfiles] },
        ],
      },
    },
  },
  listRiskProfiles: {
    entry: 'functions/api/admin/risk-profiles-list.ts',
    handler: 'handler',
    description: 'GET /v1/admin/risk-profiles: current version of every risk profile',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listRiskProfilesOperation)],
    access: {
      tables: {
        main: [
          { actions: ['Query'], index: 'GSI5', keys: [key.riskProfiles] },
          // Pattern 18c: a profile's effectiveness, its first item and its shards.
          { actions: ['BatchGetItem'], keys: [key.riskProfile, key.riskEffectiveness] },
        ],
      },
    },
  },
  getRiskProfile: {
    entry: 'functions/api/admin/risk-profiles-get.ts',
    handler: 'handler',
    description: 'GET /v1/admin/risk-profiles/{id}: every version of a risk profile',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(getRiskProfileOperation)],
    access: {
      tables: {
        main: [
          { actions: ['Query'], keys: [key.riskProfile] },
          // Pattern 18c: its effectiveness, the first item and the shards.
          { actions: ['BatchGetItem'], keys: [key.riskProfile, key.riskEffectiveness] },
        ],
      },
    },
  },
  editRiskProfile: {
    entry: 'functions/api/admin/risk-profiles-edit.ts',
    handler: 'handler',
    description: 'PUT /v1/admin/risk-profiles/{id}: edit a risk profile (a new version)',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(editRiskProfileOperation)],
    access: {
      tables: {
        main: [
          { actions: ['Query', 'PutItem'], keys: [key.riskProfile] },
          { actions: ['UpdateItem'], keys: [key.riskProfiles] },
        ],
      },
    },
  },
  disableRiskProfile: {
    entry: 'functions/api/admin/risk-profiles-disable.ts',
    handler: 'handler',
    description: 'POST /v1/admin/risk-profiles/{id}/disable: disable a risk profile (a new version)',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(disableRiskProfileOperation)],
    access: {
      tables: {
        main: [
          { actions: ['Query', 'PutItem'], keys: [key.riskProfile] },
          { actions: ['UpdateItem'], keys: [key.riskProfiles] },
        ],
      },
    },
  },
  dryRunRiskProfile: {
    entry: 'functions/api/admin/risk-profiles-dry-run.ts',
    handler: 'handler',
    description: 'POST /v1/admin/risk-profiles/dry-run: how many recent declarations a draft profile would select',
    memoryMb: 1024,
    timeoutSeconds: 29,
    triggers: [api(dryRunRiskProfileOperation)],
    access: {
      tables: {
        main: [
          { actions: ['Query'], index: 'GSI3', keys: [key.day] },
          // BatchGetItem: the day's declarations, and each trader's profile with the shards of its count (pattern 17).
          { actions: ['BatchGetItem'], keys: [key.declaration, key.trader, key.traderCount] },
          { actions: ['Query'], index: 'GSI5', keys: [key.riskProfiles] },
          { actions: ['Query'], keys: [key.referenceDocument] },
        ],
      },
      buckets: {
        archive: [readsDeclarationBodies],
        reference: [
          { actions: ['GetObject'], keys: [referenceKeys.riskSettings, referenceKeys.valuationReferences, referenceKeys.exchangeRates] },
        ],
      },
    },
  },
  rebuildValuationReferences: {
    entry: 'functions/api/admin/valuation-references-rebuild.ts',
    handler: 'handler',
    description: 'POST /v1/admin/valuation-references/rebuild: valuation references from past declarations',
    memoryMb: 1024,
    timeoutSeconds: 29,
    triggers: [api(rebuildValuationReferencesOperation)],
    access: {
      tables: {
        main: [
          { actions: ['Query'], index: 'GSI3', keys: [key.day] },
          { actions: ['BatchGetItem'], keys: [key.declaration] },
          { actions: ['Query', 'PutItem'], keys: [key.referenceDocument] },
        ],
      },
      buckets: {
        archive: [readsDeclarationBodies],
        reference: [
          { actions: ['GetObject'], keys: [referenceKeys.valuationReferences, referenceKeys.exchangeRates] },
          { actions: ['PutObject'], keys: [referenceKeys.valuationReferences] },
        ],
      },
    },
  },
  setTraderStatus: {
    entry: 'functions/api/admin/traders-put.ts',
    handler: 'handler',
    description: "PUT /v1/admin/traders/{partyId}: a trader's AEO / trusted-trader status",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(setTraderStatusOperation)],
    access: {
      tables: {
        main: [
          { actions: ['UpdateItem'], keys: [key.trader] },
          // The profile as it now stands, with the shards of its declaration count (pattern 17).
          { actions: ['BatchGetItem'], keys: [key.trader, key.traderCount] },
        ],
      },
    },
  },
  retryDeclaration: {
    entry: 'functions/api/admin/declarations-retry.ts',
    handler: 'handler',
    description: 'POST /v1/admin/declarations/{id}/retry: a PROCESSING_FAILED declaration back to its stage',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(retryDeclarationOperation)],
    access: {
      tables: { main: [{ actions: ['GetItem', 'PutItem', 'UpdateItem'], keys: [key.declaration] }] },
      sendTo: ['validation', 'risk', 'duty', 'release', 'notifications'],
    },
  },
  requestDocumentUpload: {
    entry: 'functions/api/request-document-upload.ts',
    handler: 'handler',
    description: 'POST /v1/declarations/{id}/documents: an upload URL for a document customs requested (trader)',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [api(requestDocumentUploadOperation)],
    // 'write' on the archive: the upload URL carries this function's permission to put the object.
    access: {
      tables: { main: [{ actions: ['GetItem', 'Query', 'PutItem'], keys: [key.declaration] }] },
      buckets: { archive: [{ actions: ['PutObject'], keys: [archived.uploads] }] },
    },
  },
  receiveDocument: {
    entry: 'functions/workers/receive-document.ts',
    handler: 'handler',
    description: 'Checks each document a trader uploads (size, SHA-256) and adds it to its declaration, back under review once all are in',
    memoryMb: 512,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'documentUploads', batchSize: 10 }],
    access: {
      tables: { main: [{ actions: ['GetItem', 'PutItem', 'UpdateItem'], keys: [key.declaration] }] },
      buckets: { archive: [{ actions: ['GetObject'], keys: [archived.uploads] }] },
      sendTo: ['notifications'],
    },
  },
  getTraderProfile: {
    entry: 'functions/api/admin/traders-get.ts',
    handler: 'handler',
    description: "GET /v1/admin/traders/{partyId}: a trader's status and compliance history",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(getTraderProfileOperation)],
    // Pattern 17: the profile and the shards of its declaration count.
    access: { tables: { main: [{ actions: ['BatchGetItem'], keys: [key.trader, key.traderCount] }] } },
  },
  listTraderSigningKeys: {
    entry: 'functions/api/admin/traders-keys-list.ts',
    handler: 'handler',
    description: "GET /v1/admin/traders/{partyId}/keys: a party's signing keys, active and revoked (officer, admin)",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listTraderSigningKeysOperation)],
    access: { tables: { main: [{ actions: ['Query'], keys: [key.trader] }] } },
  },
  registerSigningKey: {
    entry: 'functions/api/traders/keys-register.ts',
    handler: 'handler',
    description: 'POST /v1/traders/me/keys: a trader registers a public signing key (JWK) for its party',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(registerSigningKeyOperation)],
    access: { tables: { main: [{ actions: ['Query', 'PutItem'], keys: [key.trader] }] } },
  },
  listSigningKeys: {
    entry: 'functions/api/traders/keys-list.ts',
    handler: 'handler',
    description: "GET /v1/traders/me/keys: the trader's signing keys, active and revoked",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listSigningKeysOperation)],
    access: { tables: { main: [{ actions: ['Query'], keys: [key.trader] }] } },
  },
  revokeSigningKey: {
    entry: 'functions/api/traders/keys-revoke.ts',
    handler: 'handler',
    description: 'DELETE /v1/traders/me/keys/{kid}: a trader revokes a signing key (kept, marked revoked with the time)',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(revokeSigningKeyOperation)],
    access: { tables: { main: [{ actions: ['GetItem', 'UpdateItem'], keys: [key.trader] }] } },
  },
  // Revenue (docs/revenue.md): trader accounts and payment provider callbacks.
  openAccount: {
    entry: 'functions/api/admin/accounts-open.ts',
    handler: 'handler',
    description: "POST /v1/admin/accounts: open a trader's cash or duty deferment account (admin)",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(openAccountOperation)],
    // Pattern 50; an account opened before is read back with its opening entry (pattern 52).
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'PutItem', 'Query'], keys: [key.account] },
          countsLedgerRevenue,
          { actions: ['PutItem'], keys: [key.trader] },
          // Pattern 74: a deferment account listed for the statements job.
          { actions: ['PutItem'], keys: [key.defermentAccounts] },
        ],
      },
    },
  },
  topUpAccount: {
    entry: 'functions/api/admin/accounts-top-up.ts',
    handler: 'handler',
    description: 'POST /v1/admin/accounts/{number}/top-ups: a bank transfer into a cash account, once per reference (admin)',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [api(topUpAccountOperation)],
    access: { tables: { main: booksOnAccounts } },
  },
  listAccounts: {
    entry: 'functions/api/accounts-list.ts',
    handler: 'handler',
    description: "GET /v1/accounts: a trader's accounts (officers and admins name the holder)",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listAccountsOperation)],
    // Pattern 53, then 52 for each account. Put: a read finishes a booking another writer left half done (shared/adapters/dynamodb-accounts.ts).
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'PutItem'], keys: [key.account] },
          countsLedgerRevenue,
          { actions: ['Query', 'PutItem'], keys: [key.trader] },
        ],
      },
    },
  },
  getAccount: {
    entry: 'functions/api/accounts-get.ts',
    handler: 'handler',
    description: 'GET /v1/accounts/{number}: an account and its ledger (its holder, officers, admins)',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(getAccountOperation)],
    // Pattern 52. Put: a read finishes a booking another writer left half done.
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'Query', 'PutItem'], keys: [key.account] },
          countsLedgerRevenue,
          { actions: ['PutItem'], keys: [key.trader] },
        ],
      },
    },
  },
  // Single window (docs/single-window.md): permits partner agencies issue.
  applyForPermit: {
    entry: 'functions/api/permits/apply.ts',
    handler: 'handler',
    description: 'POST /v1/permits: a trader applies for a permit to the agency that issues its type',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(applyForPermitOperation)],
    // Pattern 68: the permit and its listing entries; the permit rules now in force; the application queued for the agency's notifications.
    access: {
      tables: {
        main: [
          { actions: ['PutItem'], keys: [key.permit, key.agency, key.trader] },
          { actions: ['GetItem'], keys: [key.referenceDocument] },
        ],
      },
      buckets: { reference: [{ actions: ['GetObject'], keys: [referenceKeys.permitRules] }] },
      sendTo: ['notifications'],
    },
  },
  listPermits: {
    entry: 'functions/api/permits/list.ts',
    handler: 'handler',
    description: "GET /v1/permits: a trader's or an agency's permits (officers and admins name the agency or the holder)",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listPermitsOperation)],
    // Pattern 69, then 67 for each permit.
    access: {
      tables: {
        main: [
          { actions: ['Query'], keys: [key.agency, key.trader] },
          { actions: ['GetItem'], keys: [key.permit] },
        ],
      },
    },
  },
  listStatements: {
    entry: 'functions/api/accounts-statements-list.ts',
    handler: 'handler',
    description: "GET /v1/accounts/{number}/statements: a deferment account's monthly statements (its holder, officers, admins)",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listStatementsOperation)],
    // Pattern 52 (the account, rolled forward), then 75. Put: a read finishes a booking another writer left half done.
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'Query', 'PutItem'], keys: [key.account] },
          countsLedgerRevenue,
          { actions: ['PutItem'], keys: [key.trader] },
        ],
      },
    },
  },
  getPermit: {
    entry: 'functions/api/permits/get.ts',
    handler: 'handler',
    description: 'GET /v1/permits/{id}: a permit and the declarations that drew on it (its holder, its agency, officers, admins)',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(getPermitOperation)],
    // Patterns 67 and 72.
    access: { tables: { main: [{ actions: ['GetItem', 'Query'], keys: [key.permit] }] } },
  },
  decidePermit: {
    entry: 'functions/api/permits/decide.ts',
    handler: 'handler',
    description: 'POST /v1/permits/{id}/decision: the issuing agency approves an application with conditions or refuses it',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(decidePermitOperation)],
    // Patterns 67 and 70 (the decision, conditional on APPLIED); the permit rules now in force (the longest validity); the decision queued for the holder's notifications.
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'PutItem'], keys: [key.permit] },
          { actions: ['GetItem'], keys: [key.referenceDocument] },
        ],
      },
      buckets: { reference: [{ actions: ['GetObject'], keys: [referenceKeys.permitRules] }] },
      sendTo: ['notifications'],
    },
  },
  getStatement: {
    entry: 'functions/api/accounts-statements-get.ts',
    handler: 'handler',
    description:
      'GET /v1/accounts/{number}/statements/{period}: a monthly statement with links to its JSON and CSV (its holder, officers, admins)',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(getStatementOperation)],
    // Pattern 52 (the account), then 75; the links are presigned reads of the archived files.
    access: {
      tables: {
        main: [{ actions: ['GetItem', 'PutItem'], keys: [key.account] }, countsLedgerRevenue, { actions: ['PutItem'], keys: [key.trader] }],
      },
      buckets: { archive: [{ actions: ['GetObject'], keys: [archived.statements] }] },
    },
  },
  sendDuePayouts: {
    entry: 'functions/workers/send-due-payouts.ts',
    handler: 'handler',
    description:
      'Every 5 minutes: sends again the payouts left REQUESTED (the provider was down or did not answer), idempotent per reference; one not taken waits 5 minutes more',
    memoryMb: 256,
    timeoutSeconds: 60,
    triggers: [{ kind: 'schedule', everyMinutes: 5 }],
    access: {
      tables: {
        main: [
          // Pattern 92: the payouts due; 61, 90, 93: each read, sent (REQUESTED -> SENT) or due again later.
          { actions: ['Query'], index: 'GSI4', keys: [key.payoutsDue] },
          { actions: ['GetItem', 'UpdateItem'], keys: [key.payout] },
        ],
      },
      // The payout provider's key signs each payout sent to it.
      secrets: ['paymentProviders'],
    },
  },
  resendPayout: {
    entry: 'functions/api/admin/payouts-resend.ts',
    handler: 'handler',
    description:
      'POST /v1/admin/payouts/{reference}/resend: an administrator resends a FAILED payout (FAILED -> REQUESTED -> SENT) (admin)',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [api(resendPayoutOperation)],
    access: {
      tables: {
        main: [
          // Patterns 61, 94, 90: read, FAILED -> REQUESTED at the next attempt, then sent (REQUESTED -> SENT).
          { actions: ['GetItem', 'UpdateItem'], keys: [key.payout] },
          // PAYOUT_RESENT in the declaration's history (patterns 7, 8, 9).
          { actions: ['GetItem', 'PutItem', 'UpdateItem', 'Query'], keys: [key.declaration] },
        ],
      },
      // History events are queued for notification; the payout provider's key signs the payout.
      sendTo: ['notifications'],
      secrets: ['paymentProviders'],
    },
  },
  closeStatements: {
    entry: 'functions/api/admin/statements-close.ts',
    handler: 'handler',
    description:
      'POST /v1/admin/statements/close?period=: an administrator closes a deferment period now on every deferment account (admin)',
    memoryMb: 512,
    timeoutSeconds: 29,
    triggers: [api(closeStatementsOperation)],
    access: closesStatements,
  },
  closeEndedStatements: {
    entry: 'functions/workers/close-statements.ts',
    handler: 'handler',
    description:
      'Every hour: closes the month that ended on every deferment account (direct debit booked, statement archived as JSON and CSV), once per account and period',
    memoryMb: 512,
    timeoutSeconds: 300,
    triggers: [{ kind: 'schedule', everyMinutes: 60 }],
    access: closesStatements,
  },
  revenueReconciliation: {
    entry: 'functions/api/admin/revenue-reconciliation.ts',
    handler: 'handler',
    description:
      "GET /v1/admin/revenue/reconciliation: released imports' tax lines against the ledger's charges, per tax type (officers, admins)",
    memoryMb: 1024,
    timeoutSeconds: 29,
    triggers: [api(revenueReconciliationOperation)],
    access: {
      tables: {
        main: [
          // Pattern 13: the declarations lodged each day of the period, with their bodies.
          { actions: ['Query'], index: 'GSI3', keys: [key.day] },
          { actions: ['BatchGetItem'], keys: [key.declaration] },
          // Pattern 76: a declaration's ledger entries, by their source guards; pattern 54: its payment requests.
          { actions: ['GetItem', 'Query'], keys: [key.account] },
          { actions: ['GetItem'], keys: [key.paymentRequest] },
        ],
      },
      buckets: { archive: [readsDeclarationBodies] },
    },
  },
  paymentCallback: {
    entry: 'functions/api/payment-callback.ts',
    handler: 'handler',
    description:
      "POST /v1/payments/callbacks/{provider}: a payment provider's signed confirmation of a payment (the declaration continues) or of a payout (PAID or FAILED) (public)",
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [api(paymentCallbackOperation)],
    access: {
      tables: {
        main: [
          // Pattern 55: the request confirmed once, the provider's event recorded once.
          { actions: ['GetItem', 'UpdateItem'], keys: [key.paymentRequest] },
          { actions: ['GetItem', 'PutItem'], keys: [key.paymentEvent] },
          // Pattern 91: a payout PAID or FAILED once.
          { actions: ['GetItem', 'UpdateItem'], keys: [key.payout] },
          // The declaration's charge secured, AWAITING_PAYMENT to RELEASED (pattern 7), a release counted (pattern 34);
          // a payout's settlement in the history, once (patterns 7, 8, 9).
          { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], keys: [key.declaration] },
          { actions: ['UpdateItem'], keys: [key.clearanceCounters] },
          // Patterns 108, 109: a paid payment or payout counted into its day in one transaction with its guard item.
          { actions: ['PutItem'], keys: [key.revenueCounted] },
        ],
      },
      sendTo: ['documents', 'notifications'],
      secrets: ['paymentProviders'],
    },
  },
  // Repayment claims (docs/revenue.md, "Repayments").
  claimRepayment: {
    entry: 'functions/api/repayments/claim.ts',
    handler: 'handler',
    description: 'POST /v1/declarations/{id}/repayment-claims: the declarant claims duties back on a released declaration',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [api(claimRepaymentOperation)],
    // Patterns 56, 57 (the declaration's claims), then the history (patterns 7, 8).
    access: {
      tables: { main: [{ actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], keys: [key.declaration] }] },
      sendTo: ['notifications'],
    },
  },
  listDeclarationRepaymentClaims: {
    entry: 'functions/api/repayments/list-declaration.ts',
    handler: 'handler',
    description:
      "GET /v1/declarations/{id}/repayment-claims: a declaration's repayment claims with their payouts' progress (its declarant, officers, admins)",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listDeclarationRepaymentClaimsOperation)],
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'Query'], keys: [key.declaration] },
          // Pattern 61: each claim paid by payout with its payout's progress.
          { actions: ['GetItem'], keys: [key.payout] },
        ],
      },
    },
  },
  listPendingRepaymentClaims: {
    entry: 'functions/api/repayments/list-pending.ts',
    handler: 'handler',
    description: 'GET /v1/review/repayment-claims: repayment claims waiting for an officer, oldest first',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listPendingRepaymentClaimsOperation)],
    // Pattern 58: the index entries, then the claims they name.
    access: {
      tables: {
        main: [
          { actions: ['Query'], index: 'GSI2', keys: [key.pendingRepaymentClaims] },
          { actions: ['BatchGetItem'], keys: [key.declaration] },
        ],
      },
    },
  },
  submitManifest: {
    entry: 'functions/api/manifests/submit.ts',
    handler: 'handler',
    description: "POST /v1/manifests: a carrier's arrival manifest; the declarations waiting for its goods go back to the release stage",
    memoryMb: 512,
    timeoutSeconds: 30,
    triggers: [api(submitManifestOperation)],
    access: {
      tables: {
        main: [
          // Pattern 63: the manifest written once (Put; Get when it exists), its lines checked (BatchGet) and written once (Put; Get when taken).
          { actions: ['GetItem', 'PutItem'], keys: [key.manifest] },
          // Pattern 64 too: the declarations waiting for each line's goods (Query).
          { actions: ['BatchGetItem', 'GetItem', 'PutItem', 'Query'], keys: [key.cargo] },
          // Pattern 66: each line listed as undeclared until discharged.
          { actions: ['PutItem'], keys: [key.undeclaredGoods] },
          // Pattern 78: a line naming a UCR indexed under it.
          { actions: ['PutItem'], keys: [key.consignment] },
        ],
      },
      sendTo: ['release'],
    },
  },
  getManifest: {
    entry: 'functions/api/manifests/get.ts',
    handler: 'handler',
    description: 'GET /v1/manifests/{id}: a manifest and its lines, discharged or not (its carrier, officers, admins)',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [api(getManifestOperation)],
    // Pattern 65: the manifest, then its lines (BatchGet).
    access: {
      tables: {
        main: [
          { actions: ['GetItem'], keys: [key.manifest] },
          { actions: ['BatchGetItem'], keys: [key.cargo] },
        ],
      },
    },
  },
  getConsignment: {
    entry: 'functions/api/consignments/get.ts',
    handler: 'handler',
    description:
      "GET /v1/consignments/{ucr}: a consignment's manifest lines, declarations and timeline, as the caller may see them (trader, carrier, agency, officer, admin)",
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [api(getConsignmentOperation)],
    // Pattern 79: the UCR's index (Query), the declarations' states (BatchGet) and histories (Query, pattern 9), the
    // lines (BatchGet); a discharged line naming no UCR through its manifest (Get, pattern 65).
    access: {
      tables: {
        main: [
          { actions: ['Query'], keys: [key.consignment] },
          { actions: ['BatchGetItem', 'Query'], keys: [key.declaration] },
          { actions: ['BatchGetItem'], keys: [key.cargo] },
          { actions: ['GetItem'], keys: [key.manifest] },
        ],
      },
    },
  },
  decideRepaymentClaim: {
    entry: 'functions/api/repayments/decide.ts',
    handler: 'handler',
    description:
      "POST /v1/review/repayment-claims/{claimId}/decisions: approve (paid into the declarant's cash account, or by payout) or refuse, once",
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [api(decideRepaymentClaimOperation)],
    // Patterns 59 (the decision), 60 (the repayment: a ledger entry or a payout), then the history (patterns 7, 8).
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], keys: [key.declaration] },
          // The declarant's cash accounts (pattern 53) and the repayment booked on one (pattern 51).
          { actions: ['GetItem', 'PutItem'], keys: [key.account] },
          countsLedgerRevenue,
          { actions: ['Query', 'PutItem'], keys: [key.trader] },
          // Patterns 60, 61, 90: a payout requested, then handed to the provider (REQUESTED -> SENT).
          { actions: ['GetItem', 'PutItem', 'UpdateItem'], keys: [key.payout] },
        ],
      },
      sendTo: ['notifications'],
      // The payout provider's key signs each payout sent to it.
      secrets: ['paymentProviders'],
    },
  },
  listUndeclaredGoods: {
    entry: 'functions/api/review/undeclared-goods.ts',
    handler: 'handler',
    description:
      "GET /v1/review/undeclared-goods: an office's goods arrived longer ago than the region allows and not declared (officers, admins)",
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [api(listUndeclaredGoodsOperation)],
    // Pattern 66: one query of the office's entries, then their lines (BatchGet).
    access: {
      tables: {
        main: [
          { actions: ['Query'], keys: [key.undeclaredGoods] },
          { actions: ['BatchGetItem'], keys: [key.cargo] },
        ],
      },
    },
  },
  fanOutNotifications: {
    entry: 'functions/workers/fan-out-notifications.ts',
    handler: 'handler',
    description:
      'Publishes each declaration history event and permit application or decision on the event bus and queues a webhook delivery per matching subscription of the traders, carriers and agencies it concerns',
    memoryMb: 256,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'notifications', batchSize: 10 }],
    access: {
      tables: {
        main: [
          // The state of the declaration notified and, once the state no longer carries it, the event's
          // item; an invocation's records read them together (shared/adapters/dynamodb-read-coalescer.ts).
          { actions: ['GetItem', 'BatchGetItem'], keys: [key.declaration] },
          // The permit whose application or decision is notified (pattern 67): only what is stored is notified.
          { actions: ['GetItem'], keys: [key.permit] },
          { actions: ['Query'], keys: [key.subscriber] },
          { actions: ['GetItem', 'PutItem'], keys: [key.webhookDeliveries] },
        ],
      },
      sendTo: ['webhookDeliveries'],
      publishTo: ['clearance'],
    },
  },
  deliverWebhooks: {
    entry: 'functions/workers/deliver-webhooks.ts',
    handler: 'handler',
    description:
      'One signed attempt of each webhook delivery (SSRF-checked at connect time), recorded; retried with back-off, subscriptions disabled after repeated failure',
    memoryMb: 256,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'webhookDeliveries', batchSize: 10, waitsOnOthers: true }],
    access: {
      tables: {
        main: [
          { actions: ['GetItem', 'UpdateItem'], keys: [key.webhookDeliveries] },
          // The subscription: its target and status; its count of failed deliveries.
          { actions: ['GetItem', 'UpdateItem'], keys: [key.subscriber] },
        ],
      },
      sendTo: ['webhookDeliveries'],
      secrets: ['webhookSigning'],
    },
  },
  createSubscription: {
    entry: 'functions/api/subscriptions/create.ts',
    handler: 'handler',
    description:
      'POST /v1/subscriptions: a trader, carrier or agency registers a webhook subscription (SSRF-checked target; the signing secret shown once)',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [api(createSubscriptionOperation)],
    access: { tables: { main: [{ actions: ['Query', 'PutItem'], keys: [key.subscriber] }] }, secrets: ['webhookSigning'] },
  },
  listSubscriptions: {
    entry: 'functions/api/subscriptions/list.ts',
    handler: 'handler',
    description: "GET /v1/subscriptions: the caller's webhook subscriptions",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listSubscriptionsOperation)],
    access: { tables: { main: [{ actions: ['Query'], keys: [key.subscriber] }] } },
  },
  deleteSubscription: {
    entry: 'functions/api/subscriptions/delete.ts',
    handler: 'handler',
    description: 'DELETE /v1/subscriptions/{id}: a subscriber deletes one of its webhook subscriptions',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(deleteSubscriptionOperation)],
    // Deleting a subscription deletes its item (deliveries waiting for it are then skipped).
    access: { tables: { main: [{ actions: ['DeleteItem'], keys: [key.subscriber] }] } },
  },
  rotateSubscriptionSecret: {
    entry: 'functions/api/subscriptions/rotate-secret.ts',
    handler: 'handler',
    description:
      "POST /v1/subscriptions/{id}/secret: a new signing secret for one of the caller's subscriptions (the previous one signs beside it for a day)",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(rotateSubscriptionSecretOperation)],
    // Reads the version, moves it on with a conditional update, derives the new secret from the master secret.
    access: { tables: { main: [{ actions: ['GetItem', 'UpdateItem'], keys: [key.subscriber] }] }, secrets: ['webhookSigning'] },
  },
  enableSubscription: {
    entry: 'functions/api/subscriptions/enable.ts',
    handler: 'handler',
    description: "POST /v1/subscriptions/{id}/enable: a disabled subscription of the caller's takes deliveries again",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(enableSubscriptionOperation)],
    access: { tables: { main: [{ actions: ['GetItem', 'UpdateItem'], keys: [key.subscriber] }] } },
  },
  listSubscriptionDeliveries: {
    entry: 'functions/api/subscriptions/deliveries.ts',
    handler: 'handler',
    description: "GET /v1/subscriptions/{id}/deliveries: a subscription's delivery log, newest first (its owner)",
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [api(listSubscriptionDeliveriesOperation)],
    access: {
      tables: {
        main: [
          { actions: ['GetItem'], keys: [key.subscriber] },
          { actions: ['Query'], keys: [key.webhookDeliveries] },
        ],
      },
    },
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof functions;

/**
 * The resource variables a function receives: exactly those of its `access`. The CDK stack
 * resolves them to the deployed names; tests import each handler with only these set.
 */
export function accessEnvironment(
  definition: FunctionDefinition,
  resolve: {
    table(name: TableName): string;
    bucket(name: BucketName): string;
    queue(name: QueueName): string;
    secret(name: SecretName): string;
    signingKey(name: SigningKeyName): string;
    /** The public address of the console (its `/verify` page), e.g. https://d1234.cloudfront.net. */
    publicSite(): string;
    eventBus(name: EventBusName): string;
  },
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const table of Object.keys(definition.access.tables ?? {}) as TableName[]) environment[tableNameEnv(table)] = resolve.table(table);
  for (const bucket of Object.keys(definition.access.buckets ?? {}) as BucketName[])
    environment[bucketNameEnv(bucket)] = resolve.bucket(bucket);
  for (const queue of definition.access.sendTo ?? []) environment[queueUrlEnv(queue)] = resolve.queue(queue);
  for (const secret of definition.access.secrets ?? []) environment[secretIdEnv(secret)] = resolve.secret(secret);
  for (const key of definition.access.signWith ?? []) environment[signingKeyIdEnv(key)] = resolve.signingKey(key);
  if (definition.access.publicSite) environment[PUBLIC_SITE_URL_ENV] = resolve.publicSite();
  for (const bus of definition.access.publishTo ?? []) environment[eventBusNameEnv(bus)] = resolve.eventBus(bus);
  return environment;
}

/** Lambda runtime settings shared by every function. */
export const runtime = {
  nodeVersion: '24',
  architecture: 'arm64',
  logRetentionDays: 30,
} as const;
