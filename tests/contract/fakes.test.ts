/** The contracts on the in-memory fakes (shared/ports/fakes/). */
import { InMemoryAccountLedger } from '#shared/ports/fakes/accounts.ts';
import { InMemoryCargoReports } from '#shared/ports/fakes/cargo-reports.ts';
import { InMemoryClearanceCounters } from '#shared/ports/fakes/clearance-counters.ts';
import { InMemoryDeclarationRepository } from '#shared/ports/fakes/declaration-repository.ts';
import { InMemoryDocumentArchive } from '#shared/ports/fakes/document-archive.ts';
import { InMemoryDocumentSealer, InMemoryIssuedDocuments, InMemorySealKeyRegistry } from '#shared/ports/fakes/document-seal.ts';
import { InMemoryDocumentUploads } from '#shared/ports/fakes/document-uploads.ts';
import { InMemoryNotificationQueue } from '#shared/ports/fakes/notification-queue.ts';
import { InMemoryPaymentRequests } from '#shared/ports/fakes/payments.ts';
import { InMemoryPermitStore } from '#shared/ports/fakes/permits.ts';
import { InMemoryPipelineQueue } from '#shared/ports/fakes/pipeline-queue.ts';
import { InMemoryReferenceDocumentStore } from '#shared/ports/fakes/reference-document-store.ts';
import { InMemoryPayouts, InMemoryRepaymentClaims } from '#shared/ports/fakes/repayments.ts';
import {
  FixedSecretSource,
  InMemoryRiskProfileStore,
  InMemorySelectionStatsStore,
  InMemoryTraderProfileStore,
} from '#shared/ports/fakes/risk-stores.ts';
import { InMemorySigningKeyStore } from '#shared/ports/fakes/signing-keys.ts';
import { InMemoryStatementIndex } from '#shared/ports/fakes/statements.ts';
import { InMemoryDeliveryLog, InMemorySubscriptionStore } from '#shared/ports/fakes/webhooks.ts';
import { shardedLedgerContract } from './account-shards.contract.ts';
import { cargoReportsContract } from './cargo-reports.contract.ts';
import { clearanceCountersContract } from './clearance-counters.contract.ts';
import { declarationRepositoryContract } from './declaration-repository.contract.ts';
import { documentArchiveContract } from './document-archive.contract.ts';
import { documentSealContract } from './document-seal.contract.ts';
import { documentUploadsContract } from './document-uploads.contract.ts';
import { notificationQueueContract } from './notification-queue.contract.ts';
import { permitStoreContract } from './permits.contract.ts';
import { pipelineQueueContract } from './pipeline-queue.contract.ts';
import { referenceDocumentStoreContract } from './reference-document-store.contract.ts';
import { repaymentClaimsContract } from './repayments.contract.ts';
import { accountLedgerContract, paymentRequestsContract } from './revenue.contract.ts';
import { riskStoresContract } from './risk-stores.contract.ts';
import { signingKeyStoreContract } from './signing-keys.contract.ts';
import { statementsContract } from './statements.contract.ts';
import { webhookStoreContract } from './webhooks.contract.ts';

// One instance of each, as the adapters share one table, bucket and queue.
const repository = new InMemoryDeclarationRepository();
const archive = new InMemoryDocumentArchive();
const queue = new InMemoryPipelineQueue();
const referenceDocuments = new InMemoryReferenceDocumentStore();
const profiles = new InMemoryRiskProfileStore();
const traders = new InMemoryTraderProfileStore();
const selectionStats = new InMemorySelectionStatsStore();
const secrets = new FixedSecretSource();
const uploads = new InMemoryDocumentUploads();
const permits = new InMemoryPermitStore();

declarationRepositoryContract('in-memory fakes', { repository: () => repository, archive: () => archive });

documentArchiveContract('in-memory fake', { archive: () => archive });

pipelineQueueContract('in-memory fake', {
  queue: () => queue,
  // What the fake holds is what was sent; taking it empties the fake, as a receive and delete would.
  received: async () => queue.sent.splice(0),
});

const notifications = new InMemoryNotificationQueue();
notificationQueueContract('in-memory fake', { queue: () => notifications, received: async () => notifications.sent.splice(0) });

referenceDocumentStoreContract('in-memory fake', { store: () => referenceDocuments });

riskStoresContract('in-memory fakes', {
  profiles: () => profiles,
  traders: () => traders,
  selectionStats: () => selectionStats,
  secrets: () => secrets,
});

documentUploadsContract('in-memory fake', {
  uploads: () => uploads,
  put: (url, request) => uploads.put(url, request),
  place: async (key, body, contentType) => uploads.store(key, body, contentType),
});

clearanceCountersContract('in-memory fake', { counters: () => new InMemoryClearanceCounters() });

const sealer = new InMemoryDocumentSealer();
const sealKeys = new InMemorySealKeyRegistry();
const issuedDocuments = new InMemoryIssuedDocuments();
documentSealContract('in-memory fakes', { sealer: () => sealer, keys: () => sealKeys, issued: () => issuedDocuments });
signingKeyStoreContract('in-memory fake', { keys: () => new InMemorySigningKeyStore() });

const accounts = new InMemoryAccountLedger();
const payments = new InMemoryPaymentRequests();
accountLedgerContract('in-memory fake', { ledger: () => accounts });
shardedLedgerContract('in-memory fake', { opener: () => accounts, ledger: () => accounts, reader: () => accounts });
permitStoreContract('in-memory fake', { permits: () => permits });
paymentRequestsContract('in-memory fake', { payments: () => payments });
statementsContract('in-memory fakes', { ledger: () => accounts, reader: () => accounts, statements: () => new InMemoryStatementIndex() });
webhookStoreContract('in-memory fakes', {
  subscriptions: () => new InMemorySubscriptionStore(),
  deliveries: () => new InMemoryDeliveryLog(),
});

const repaymentClaims = new InMemoryRepaymentClaims();
const payouts = new InMemoryPayouts();
repaymentClaimsContract('in-memory fakes', { claims: () => repaymentClaims, payouts: () => payouts });
cargoReportsContract('in-memory fake', { cargo: () => new InMemoryCargoReports() });
