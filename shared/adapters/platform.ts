/**
 * The composition root: the real adapters a handler wires into its use cases, built from its
 * configuration (`shared/config.ts`). SDK clients are shared per execution environment. A
 * resource outside the function's `access` is refused by the configuration when first used, so a
 * handler that reaches for it fails in the local cloud and in tests as it would in AWS.
 */
import type { FunctionConfig } from '#shared/config.ts';
import type { PipelineMessage } from '#shared/domain/declaration-record.ts';
import type { DeclarationRepository } from '#shared/ports/declarations.ts';
import type { ArchiveReader } from '#shared/ports/document-archive.ts';
import type { PayoutProvider } from '#shared/ports/repayments.ts';
import type { QueueName } from '#shared/resources.ts';
import { dynamoDbClient, eventBridgeClient, kmsClient, s3Client, sqsClient } from './aws-clients.ts';
import { CachedRiskProfiles } from './cached-risk-profiles.ts';
import { dnsHostResolver } from './dns-host-resolver.ts';
import { DynamoDbAccountLedger } from './dynamodb-accounts.ts';
import { DynamoDbCargoReports } from './dynamodb-cargo-reports.ts';
import { DynamoDbClearanceCounters } from './dynamodb-clearance-counters.ts';
import { DynamoDbDeclarationRepository } from './dynamodb-declaration-repository.ts';
import { DynamoDbDocumentSeal } from './dynamodb-document-seal.ts';
import { DynamoDbPaymentRequests } from './dynamodb-payment-requests.ts';
import { DynamoDbPermitStore } from './dynamodb-permits.ts';
import { DynamoDbRepaymentClaims } from './dynamodb-repayment-claims.ts';
import { DynamoDbRiskStore } from './dynamodb-risk-store.ts';
import { DynamoDbSigningKeyStore } from './dynamodb-signing-keys.ts';
import { DynamoDbStatementIndex } from './dynamodb-statements.ts';
import { DynamoDbWebhookStore } from './dynamodb-webhooks.ts';
import { EventBridgeEventBus } from './eventbridge-event-bus.ts';
import { HttpsWebhookSender } from './https-webhook-sender.ts';
import { KmsDocumentSealer } from './kms-document-sealer.ts';
import { withEventNotifications } from './notifying-repository.ts';
import { SecretsManagerPaymentProviderSecrets } from './payment-provider-secrets.ts';
import { HttpsPayoutProvider, NoPayoutProvider } from './payout-providers.ts';
import { dynamoDbReferenceDocumentHistory } from './reference-document-history.ts';
import { S3ReferenceDocumentStore } from './reference-document-store.ts';
import { riskData } from './risk-data.ts';
import { S3DocumentArchive } from './s3-document-archive.ts';
import { S3DocumentUploads } from './s3-document-uploads.ts';
import { SqsNotificationQueue } from './sqs-notification-queue.ts';
import { SqsPipelineQueue } from './sqs-pipeline-queue.ts';
import { SqsWebhookQueue } from './sqs-webhook-queue.ts';
import { systemClock } from './system-clock.ts';
import { tariffFromReferenceDocuments } from './tariff-source.ts';
import { secretsManagerWebhookSecrets } from './webhook-secrets.ts';

let dynamodb: ReturnType<typeof dynamoDbClient> | undefined;
let s3: ReturnType<typeof s3Client> | undefined;
let sqs: ReturnType<typeof sqsClient> | undefined;
let s3MeasuringReads: ReturnType<typeof s3Client> | undefined;

export const sharedDynamoDb = () => (dynamodb ??= dynamoDbClient());
export const sharedS3 = () => (s3 ??= s3Client());
export const sharedSqs = () => (sqs ??= sqsClient());
/**
 * For reads whose bytes the caller hashes itself: the SDK does not also check them against the
 * checksum S3 stored with the object (which in AWS is the one signed and enforced at upload, and in
 * the local cloud whatever checksum header a PUT carried: see docs/local-cloud.md).
 */
const sharedS3MeasuringReads = () => (s3MeasuringReads ??= s3Client({ responseChecksumValidation: 'WHEN_REQUIRED' }));

/** The document archive (write and read). */
export const documentArchive = (config: FunctionConfig) => new S3DocumentArchive(sharedS3(), config.bucketName('archive'));

/**
 * Declaration bodies (the submitted and amended bytes) read back from the archive, for the
 * functions whose access reads them (`readsDeclarationBodies` in shared/resources.ts); the client is
 * built on first read.
 */
export function declarationBodies(config: FunctionConfig): ArchiveReader {
  let reader: S3DocumentArchive | undefined;
  return { read: (document) => (reader ??= documentArchive(config)).read(document) };
}

/** In a function that reads no declaration body, reaching for one is a wiring error, not an absent body. */
const readsNoBodies = (config: FunctionConfig): ArchiveReader => ({
  read: async ({ key }) => {
    throw new Error(
      `${config.name} reads no declaration bodies (asked for ${key}): its access has no archive read (shared/resources.ts), so its repository has no archive reader`,
    );
  },
});

/** Documents traders upload to the archive: upload URLs, and what arrived. */
export const documentUploads = (config: FunctionConfig) => new S3DocumentUploads(sharedS3MeasuringReads(), config.bucketName('archive'));

/**
 * The declarations; every history event it stores is first queued for notification (the queue is
 * built on first send: only functions that change declarations send, and their access names it).
 * `bodies`: `declarationBodies(config)` in a function that reads bodies, or 'no bodies': states,
 * history and parts only, and no S3 client in the function's bundle (about 120 KB).
 */
export const declarationRepository = (config: FunctionConfig, bodies: ArchiveReader | 'no bodies') =>
  withEventNotifications(
    new DynamoDbDeclarationRepository(sharedDynamoDb(), config.tableName('main'), bodies === 'no bodies' ? readsNoBodies(config) : bodies),
    { send: (message) => pipelineQueue(config, 'notifications').send(message) },
  );

/**
 * The declarations, for a function that stores no history event (its access sends no
 * notification): the repository without the notifying decorator, so no SQS client in the bundle
 * of a function that sends nothing (about 25 KB). Storing an event through it is a wiring error.
 */
export const declarationReader = (config: FunctionConfig, bodies: ArchiveReader | 'no bodies') =>
  withoutEvents(
    new DynamoDbDeclarationRepository(sharedDynamoDb(), config.tableName('main'), bodies === 'no bodies' ? readsNoBodies(config) : bodies),
    config,
  );

/** A repository whose `appendEvent` refuses: every stored event must be notified (notifying-repository.ts). */
function withoutEvents<T extends Pick<DeclarationRepository, 'appendEvent'>>(repository: T, config: FunctionConfig): T {
  return new Proxy(repository, {
    get(target, property, receiver) {
      if (property === 'appendEvent') {
        return async () => {
          throw new Error(
            `${config.name} stores no history events: its access sends no notifications (shared/resources.ts), so it has a declarationReader, not a declarationRepository`,
          );
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Traders' public signing keys (registration, and intake's signature check). */
export const signingKeys = (config: FunctionConfig) => new DynamoDbSigningKeyStore(sharedDynamoDb(), config.tableName('main'));

/** The clearance counters the stages add to and the statistics read. */
export const clearanceCounters = (config: FunctionConfig) => new DynamoDbClearanceCounters(sharedDynamoDb(), config.tableName('main'));

export const referenceDocuments = (config: FunctionConfig) =>
  new S3ReferenceDocumentStore(sharedS3(), () => config.bucketName('reference'), sharedDynamoDb(), config.tableName('main'));

/** The load history of the reference documents alone: the table, no S3 client in the bundle (about 120 KB). */
export const referenceDocumentHistoryReader = (config: FunctionConfig) =>
  dynamoDbReferenceDocumentHistory(sharedDynamoDb(), config.tableName('main'));

export const pipelineQueue = (config: FunctionConfig, queue: QueueName) => new SqsPipelineQueue(sharedSqs(), config.queueUrl(queue));

/** The queue of the stage that takes a declaration in each in-flight status. */
export const stageQueues = (config: FunctionConfig) => ({
  SUBMITTED: pipelineQueue(config, 'validation'),
  VALIDATED: pipelineQueue(config, 'risk'),
  SCORED: pipelineQueue(config, 'duty'),
  ASSESSED: pipelineQueue(config, 'release'),
});

/** The tariff pack and exchange rates of the region, as in force at a moment. */
export const tariffSource = (config: FunctionConfig) => tariffFromReferenceDocuments(referenceDocuments(config));

/** Risk data; the reference documents (a bucket not every risk function may read) are built on first use. */
export function riskDataSources(config: FunctionConfig) {
  let documents: ReturnType<typeof referenceDocuments> | undefined;
  return riskData({
    dynamodb: sharedDynamoDb(),
    tableName: config.tableName('main'),
    documents: () => (documents ??= referenceDocuments(config)),
    selectionSecretId: () => config.secretId('riskSelection'),
  });
}

/**
 * What the risk stage scores with: the risk data, its profile versions kept per execution
 * environment until the count of versions saved moves (cached-risk-profiles.ts, pattern 111).
 */
export const riskStageSources = (config: FunctionConfig) => ({
  ...riskDataSources(config),
  profiles: new CachedRiskProfiles(riskStore(config), systemClock),
});

/**
 * Risk profiles, traders' status and selection counts: the table only. For the functions that
 * need no reference document and no secret, whose bundles then carry neither S3 nor Secrets Manager.
 */
export const riskStore = (config: FunctionConfig) => new DynamoDbRiskStore(sharedDynamoDb(), config.tableName('main'));

/** What the officers' claims and decisions need (none of them reads a declaration's body; the inspection does, apart). */
export const reviewDependencies = (config: FunctionConfig) => ({
  repository: declarationRepository(config, 'no bodies'),
  counters: clearanceCounters(config),
  // Built on first send: of the review functions, only the decisions send (release notes).
  documentsQueue: { send: (message: PipelineMessage) => pipelineQueue(config, 'documents').send(message) },
  clock: systemClock,
  claimMinutes: config.region.reviewClaimMinutes,
});

/** The customs seal's published keys and the documents issued (the table). */
export const documentSeal = (config: FunctionConfig) => new DynamoDbDocumentSeal(sharedDynamoDb(), config.tableName('main'));

/** The customs seal itself: only the functions whose access signs with it get a key id. */
export const documentSealer = (config: FunctionConfig) => new KmsDocumentSealer(kmsClient(), config.signingKeyId('seal'));

/** Trader accounts and their ledgers. */
/** The ledger counts each entry that moves revenue into the clearance counters as it books it (pattern 80). */
export const accountLedger = (config: FunctionConfig) =>
  new DynamoDbAccountLedger(sharedDynamoDb(), config.tableName('main'), clearanceCounters(config));

/** The statements recorded under each deferment account. */
export const statementIndex = (config: FunctionConfig) => new DynamoDbStatementIndex(sharedDynamoDb(), config.tableName('main'));

/** Monthly statements of deferment accounts: the closing of a period (ledger, index, archive) and their downloads. */
export const statementDependencies = (config: FunctionConfig) => ({
  accounts: accountLedger(config),
  statements: statementIndex(config),
  archive: documentArchive(config),
  clock: systemClock,
});

/** Payment requests and provider confirmations. */
export const paymentRequests = (config: FunctionConfig) => new DynamoDbPaymentRequests(sharedDynamoDb(), config.tableName('main'));

/** What securing duties draws on: accounts, and payment requests when an account cannot be drawn on. */
export const revenueDependencies = (config: FunctionConfig) => ({ accounts: accountLedger(config), payments: paymentRequests(config) });

/** Repayment claims and the payouts that pay a claim (or a cancelled declaration's payment) to a trader without a cash account. */
export const repaymentClaims = (config: FunctionConfig) => new DynamoDbRepaymentClaims(sharedDynamoDb(), config.tableName('main'));

/**
 * Where payouts go (the region's `payouts`): a provider's HTTPS endpoint, or in the local cloud the
 * simulator's, both signed with the provider's key (the secret is read only when a payout is sent);
 * or none, whose payouts stay REQUESTED.
 */
export function payoutProvider(config: FunctionConfig): PayoutProvider {
  const settings = config.region.payoutProvider;
  if (settings.kind === 'none') return new NoPayoutProvider();
  const provider = settings.kind === 'simulator' ? 'simulator' : settings.provider;
  return new HttpsPayoutProvider({ url: settings.url, provider, secrets: paymentProviderSecrets(config) });
}

/** What repayment claims need: the declarations (states and history, no body), the claims, the accounts paid into, payouts and their provider. */
export const repaymentDependencies = (config: FunctionConfig) => {
  const claims = repaymentClaims(config);
  return {
    repository: declarationRepository(config, 'no bodies'),
    claims,
    payouts: claims,
    payoutProvider: payoutProvider(config),
    accounts: accountLedger(config),
    clock: systemClock,
  };
};

/** The payment providers' callback secrets (each derived from the region's payment provider secret). */
export const paymentProviderSecrets = (config: FunctionConfig) =>
  new SecretsManagerPaymentProviderSecrets(() => config.secretId('paymentProviders'), {
    allowSimulator: config.region.allowPaymentSimulator,
  });

/** Webhook subscriptions and their delivery log (the table). */
export const webhookStore = (config: FunctionConfig) => new DynamoDbWebhookStore(sharedDynamoDb(), config.tableName('main'));

/** Where webhooks may go: loopback receivers in the local cloud only. */
const targetPolicy = (config: FunctionConfig) => ({ allowLoopback: config.region.allowLoopbackWebhookTargets });

/** What the subscription API needs: the store, DNS for the target check, and the secrets. */
export const subscriptionDependencies = (config: FunctionConfig) => ({
  subscriptions: webhookStore(config),
  deliveries: webhookStore(config),
  resolver: dnsHostResolver,
  secrets: secretsManagerWebhookSecrets(() => config.secretId('webhookSigning')),
  clock: systemClock,
  policy: targetPolicy(config),
});

/** The notifications queue, for a permit's application and decision (the declaration repository queues history events itself). */
export const notificationQueue = (config: FunctionConfig) => new SqsNotificationQueue(sharedSqs(), config.queueUrl('notifications'));

/** The webhook deliveries queue (attempts, delayed retries). */
export const webhookQueue = (config: FunctionConfig) => new SqsWebhookQueue(sharedSqs(), config.queueUrl('webhookDeliveries'));

/** The region's event bus. */
export const eventBus = (config: FunctionConfig) => new EventBridgeEventBus(eventBridgeClient(), config.eventBusName('clearance'));

/** The HTTP client of deliveries, checking every address at connect time. */
export const webhookSender = (config: FunctionConfig) => new HttpsWebhookSender(targetPolicy(config));

/** The subscriptions' secrets, derived from the region's master secret. */
export const webhookSecrets = (config: FunctionConfig) => secretsManagerWebhookSecrets(() => config.secretId('webhookSigning'));

/** The carriers' arrival manifests, their lines and the declarations waiting for goods (the table). */
export const cargoReports = (config: FunctionConfig) => new DynamoDbCargoReports(sharedDynamoDb(), config.tableName('main'));
/** Permits partner agencies issue, and the declarations' drawings on them. */
export const permitStore = (config: FunctionConfig) => new DynamoDbPermitStore(sharedDynamoDb(), config.tableName('main'));
