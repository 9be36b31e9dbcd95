/**
 * DynamoDB key builders for the single table. Every access pattern is listed in
 * docs/data-model.md next to the keys it uses; add new patterns there too.
 */
import { createHash } from 'node:crypto';

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A declaration's shard of a sharded partition: its id's last character (random in a ULID), folded onto `count` shards. */
export const shardOf = (id: string, count: number): number => Math.max(0, crockford.indexOf((id.at(-1) ?? '0').toUpperCase())) % count;

/** The shard of a name that has no random last character (an account number, a payment reference): its SHA-256, folded onto `count` shards. */
export const hashedShardOf = (name: string, count: number): number => createHash('sha256').update(name).digest().readUInt32BE(0) % count;

/**
 * Shards of the declaration listings' index partitions. Each declaration writes one keys-only entry
 * (1 WRU) to each: at 1,000 declarations/s a day's partition takes 1,000 / 8 = 125 WCU/s per
 * shard, and one declarant sending them all 1,000 / 4 = 250, under the 300 the cost model allows
 * (docs/cost.md). A listing reads every shard and merges them (shared/adapters/sharded-listing.ts).
 */
const DECLARANT_SHARDS = 4;
const DAY_SHARDS = 8;

/**
 * Shards of each review queue (GSI2 `LANE#<lane>#<office>`). A declaration selected for review is
 * put in (1 WRU) and later taken out (1 WRU): one office whose every declaration is RED takes, at
 * 1,000 declarations/s, 2,000 / 8 = 250 WCU/s per shard, under the 300 the cost model allows.
 */
const REVIEW_QUEUE_SHARDS = 8;

/** Shards of each day's clearance counters (see `clearanceCounters`). */
const CLEARANCE_COUNTER_SHARDS = 16;

/** `<queuedAt>#<id>`: oldest first, and a total order (ids break ties), so a position names one place in every shard. */
const reviewQueueSortKey = (queuedAt: string, id: string) => `${queuedAt}#${id}`;

export const keys = {
  declaration: (id: string) => ({ PK: `DECL#${id}`, SK: 'META' }),
  /** GSI1 (keys only): a declarant's declarations, newest first, in DECLARANT_SHARDS shards by id. */
  declarationByDeclarant: (declarantId: string, submittedAt: string, id: string) => ({
    GSI1PK: `PARTY#${declarantId}#${shardOf(id, DECLARANT_SHARDS)}`,
    GSI1SK: `${submittedAt}#${id}`,
  }),
  declarantPartition: (declarantId: string) => `PARTY#${declarantId}`,
  declarantShards: DECLARANT_SHARDS,
  /** GSI3 (keys only): every declaration of one UTC day, in submission order, in DAY_SHARDS shards by id. */
  declarationByDay: (submittedAt: string, id: string) => ({
    GSI3PK: `DAY#${submittedAt.slice(0, 10)}#${shardOf(id, DAY_SHARDS)}`,
    GSI3SK: `${submittedAt}#${id}`,
  }),
  dayPartition: (day: string) => `DAY#${day}`,
  dayShards: DAY_SHARDS,
  /** Shard `shard` of a sharded listing partition (`PARTY#<declarant>`, `DAY#<date>`). */
  listingShard: (partition: string, shard: number) => `${partition}#${shard}`,
  /**
   * A write-once part of a declaration (e.g. its assessment), in chunks under a fresh reference.
   * 'PART#' sorts after 'META', so one query `SK >= 'META'` reads the state and its parts.
   */
  declarationPart: (id: string, name: string, ref: string) => ({ PK: `DECL#${id}`, SKPrefix: `PART#${name}#${ref}#` }),
  /**
   * The state of a declaration as it stood before the trader's amendment made it amendment n + 1
   * (a copy of its state item; its parts stay where they are, write-once). 'AMEND#' sorts before
   * 'EV#' and 'META', so reading the declaration never reads them.
   */
  declarationAmendment: (id: string, n: number) => ({ PK: `DECL#${id}`, SK: `AMEND#${String(n).padStart(4, '0')}` }),
  /**
   * A one-time marker of a declaration (e.g. `riskCountedAt`: its counts were made). An item of its
   * own, so setting it writes ~100 bytes (1 WRU) rather than the whole state item again; 'MARK#'
   * sorts between 'META' and 'PART#', read along with the state and ignored.
   */
  declarationMarker: (id: string, marker: string) => ({ PK: `DECL#${id}`, SK: `MARK#${marker}` }),
  /** History event of a declaration, one per version: zero-padded so they sort. */
  historyEvent: (id: string, version: number) => ({ PK: `DECL#${id}`, SK: `EV#${String(version).padStart(6, '0')}` }),
  historyEventPrefix: 'EV#',
  /**
   * A document upload of a declaration (pending, received or refused). 'DOC#' sorts before 'EV#'
   * and 'META', so reading a declaration with its parts (`SK >= 'META'`) does not read them.
   */
  documentUpload: (id: string, documentId: string) => ({ PK: `DECL#${id}`, SK: `DOC#${documentId}` }),
  documentUploadPrefix: 'DOC#',
  /** GSI2 (keys only): the officer review queue per lane and office, oldest first, in REVIEW_QUEUE_SHARDS shards by id. */
  reviewQueueEntry: (lane: string, office: string, queuedAt: string, id: string) => ({
    GSI2PK: `LANE#${lane}#${office}#${shardOf(id, REVIEW_QUEUE_SHARDS)}`,
    GSI2SK: reviewQueueSortKey(queuedAt, id),
  }),
  /**
   * Every shard of one lane and office's queue, a listing reads them all and merges them; and the
   * partition entries had before the queue had shards (`LANE#<lane>#<office>`), where nothing is
   * written any more and an entry leaves as any other (REMOVE GSI2PK), so that a declaration
   * queued before the change is still listed and counted.
   */
  reviewQueuePartitions: (lane: string, office: string) => [
    ...Array.from({ length: REVIEW_QUEUE_SHARDS }, (_, shard) => `LANE#${lane}#${office}#${shard}`),
    `LANE#${lane}#${office}`,
  ],
  reviewQueueSortKey: (queuedAt: string, id: string) => reviewQueueSortKey(queuedAt, id),
  reviewQueueShardCount: REVIEW_QUEUE_SHARDS,
  /**
   * GSI4 (keys only): a declaration in the pipeline, 32 shards by id. The sort key is the time the
   * redrive should look at it from: when it entered the pipeline, later when a redrive backs off.
   * It is written when the declaration enters and removed when it leaves, not at every stage.
   */
  inFlight: (dueAt: string, id: string) => ({ GSI4PK: `INFLIGHT#${id.slice(-1)}`, GSI4SK: `${dueAt}#${id}` }),
  inFlightShards: [...crockford].map((shard) => `INFLIGHT#${shard}`),
  /** Pointer to the current version of a reference document (tariff pack, exchange rates...). */
  referenceDocumentCurrent: (kind: string) => ({ PK: `REFDOC#${kind}`, SK: 'CURRENT' }),
  /** One load of a reference document, newest last by SK. */
  referenceDocumentLoad: (kind: string, loadedAt: string, version: string) => ({ PK: `REFDOC#${kind}`, SK: `LOAD#${loadedAt}#${version}` }),
  /** One immutable version of a risk profile; GSI5 (whole items) lists every version of every profile. */
  riskProfileVersion: (id: string, version: number) => ({
    PK: `RISK#${id}`,
    SK: `V#${String(version).padStart(6, '0')}`,
    GSI5PK: 'RISKPROFILES',
    GSI5SK: `${id}#${String(version).padStart(6, '0')}`,
  }),
  riskProfilePrefix: (id: string) => ({ PK: `RISK#${id}`, SKPrefix: 'V#' }),
  riskProfilesPartition: 'RISKPROFILES',
  /**
   * The count of profile versions saved (`count`, and the last one's `createdAt` as `lastAt`): added
   * to in the transaction that saves a version, read by the risk stage to know its kept list is current.
   */
  riskProfilesSaved: { PK: 'RISKPROFILES', SK: 'SAVED' },
  /**
   * A profile's effectiveness counts (selections, inspections, hits) as first kept, in one item
   * beside its versions; read and added to the shards' counts, never written any more.
   */
  riskProfileEffectiveness: (id: string) => ({ PK: `RISK#${id}`, SK: 'STATS' }),
  /**
   * A profile's effectiveness counts in 4 shards (any one takes an addition; a read sums them): a
   * profile selecting every declaration at 1,000 declarations/s takes 250 WCU/s a shard.
   */
  riskProfileEffectivenessShard: (id: string, shard: number) => ({ PK: `RISKSTATS#${id}#${shard}`, SK: 'STATS' }),
  riskProfileEffectivenessShards: 4,
  /** Trader profile (AEO / trusted status, compliance history). */
  traderProfile: (partyId: string) => ({ PK: `TRADER#${partyId}`, SK: 'PROFILE' }),
  /**
   * A trader's declaration count (and first / last time counted) in 4 shards, apart from the
   * profile: one trader lodging every declaration at 1,000 declarations/s takes 250 WCU/s a shard.
   */
  traderDeclarationCount: (partyId: string, shard: number) => ({ PK: `TRADERCOUNT#${partyId}#${shard}`, SK: 'COUNT' }),
  traderDeclarationCountShards: 4,
  /**
   * A trader's public signing key, under its party next to its profile ('KEY#' sorts before
   * 'PROFILE'); never deleted, revocation sets `revokedAt`.
   */
  signingKey: (partyId: string, kid: string) => ({ PK: `TRADER#${partyId}`, SK: `KEY#${kid}` }),
  signingKeyPrefix: (partyId: string) => ({ PK: `TRADER#${partyId}`, SKPrefix: 'KEY#' }),
  /**
   * Selection statistics of one office and day (lanes before top-up), in 4 shards: a declaration
   * counts into any one (1 WRU: 250 WCU/s per shard at 1,000 declarations/s of one office), a read
   * sums them all.
   */
  selectionStats: (office: string, day: string, shard: number) => ({ PK: `STATS#${office}#${shard}`, SK: `DAY#${day}` }),
  selectionStatsShards: 4,
  /**
   * Clearance counters of one UTC day, in 16 shards picked by the declaration id's last (random)
   * character: each shard takes a sixteenth of the writes (3 WRU a declaration: about 190 WCU/s
   * per shard at 1,000 declarations/s, under the 300 the cost model allows; see docs/cost.md).
   * Sort keys: 'LANES', 'RELEASES#<lane>', 'LEDGER#<ledger>' and 'PAID' (revenue, below); 'LEDGER'
   * (revenue with its guards inside, before pattern 105) is read, no longer written; 'REVENUE'
   * (what releases made due, before revenue came from the ledger) is no longer written or read.
   */
  clearanceCounters: (day: string, shard: number, counter: string) => ({ PK: `COUNTERS#${day}#${shard}`, SK: counter }),
  /** Every counter item of one day's shard, read in one query (pattern 107). */
  clearanceCountersPartition: (day: string, shard: number) => `COUNTERS#${day}#${shard}`,
  clearanceCounterShards: CLEARANCE_COUNTER_SHARDS,
  /**
   * Revenue the ledger booked on a UTC day (pattern 105), in the clearance counters' shards picked
   * by the ledger's hash (an account number, or `<account>#<shard>`): one item per ledger and day,
   * with the totals (`t#<tax type>`) and the last sequence counted (`sequence`), so its size does
   * not grow with the day (a few tax types).
   */
  ledgerRevenue: (day: string, ledger: string) => ({
    PK: `COUNTERS#${day}#${hashedShardOf(ledger, CLEARANCE_COUNTER_SHARDS)}`,
    SK: `LEDGER#${ledger}`,
  }),
  /**
   * The item every ledger's revenue of the day was counted in before pattern 105 (its guards
   * `a#<ledger>` inside): read by the statistics, and by a count that finishes an entry another
   * writer left, in case that writer counted it there (pattern 106).
   */
  legacyLedgerRevenue: (day: string, ledger: string) => ({
    PK: `COUNTERS#${day}#${hashedShardOf(ledger, CLEARANCE_COUNTER_SHARDS)}`,
    SK: 'LEDGER',
  }),
  /**
   * Confirmed immediate payments of a UTC day (pattern 81), sharded by the reference's hash, and
   * payouts confirmed paid that day, taken off in the same item (pattern 81b): totals only. Before
   * patterns 108 and 109 the item also kept a guard per payment (`p#<reference>`) and payout
   * (`o#<reference>`); those of past days are still honoured.
   */
  paidRevenue: (day: string, reference: string) => ({
    PK: `COUNTERS#${day}#${hashedShardOf(reference, CLEARANCE_COUNTER_SHARDS)}`,
    SK: 'PAID',
  }),
  /**
   * That a confirmed payment (`PAYMENT`) or paid payout (`PAYOUT`) of this reference was counted
   * into its day's revenue (patterns 108, 109): put in the same transaction as the count, its own
   * partition (not the day's counters, which the statistics read whole).
   */
  revenueCounted: (reference: string, kind: 'PAYMENT' | 'PAYOUT') => ({ PK: `REVENUECOUNTED#${reference}`, SK: kind }),
  /** A public key of the customs seal, published once (every key ever used stays, for verification). */
  sealKey: (kid: string) => ({ PK: 'SEALKEYS', SK: `KEY#${kid}` }),
  sealKeysPartition: 'SEALKEYS',
  /**
   * A document customs issued for a declaration (an assessment notice, the release note), one per
   * kind and documented version, written once. 'ISSUED#' sorts before 'META', so reading a
   * declaration with its parts does not read it.
   */
  issuedDocument: (id: string, kind: string, version: number) => ({
    PK: `DECL#${id}`,
    SK: `ISSUED#${kind}#${String(version).padStart(6, '0')}`,
  }),
  issuedDocumentPrefix: 'ISSUED#',
  /** A trader account: the cache of what its ledger adds up to, with the latest entry's sequence as version. */
  account: (number: string) => ({ PK: `ACCOUNT#${number}`, SK: 'META' }),
  /** A ledger entry, written once at its sequence (the conditional put that claims the sequence is what serialises charges). */
  ledgerEntry: (number: string, sequence: number) => ({ PK: `ACCOUNT#${number}`, SK: `ENTRY#${String(sequence).padStart(10, '0')}` }),
  ledgerEntryPrefix: (number: string) => ({ PK: `ACCOUNT#${number}`, SKPrefix: 'ENTRY#' }),
  /** Which entry booked a source (a declaration's charge, a bank transfer's top-up): a repeat finds it here. */
  ledgerSource: (number: string, source: string) => ({ PK: `ACCOUNT#${number}`, SK: `SOURCE#${source}` }),
  /**
   * Allowance shard k of a sharded account (docs/revenue.md, patterns 96, 97): its cache (`META`)
   * and its ledger (`ENTRY#<n>`), a partition of its own so the account's charges spread over N keys.
   */
  accountShard: (number: string, shard: number) => ({ PK: `ACCOUNT#${number}#${shard}`, SK: 'META' }),
  accountShardEntry: (number: string, shard: number, sequence: number) => ({
    PK: `ACCOUNT#${number}#${shard}`,
    SK: `ENTRY#${String(sequence).padStart(10, '0')}`,
  }),
  accountShardEntryPrefix: (number: string, shard: number) => ({ PK: `ACCOUNT#${number}#${shard}`, SKPrefix: 'ENTRY#' }),
  /** Where a sharded account's charge of `source` is booked (pattern 98): one item per charge, its own partition. */
  chargeGuard: (number: string, source: string) => ({ PK: `ACCOUNT#${number}#SOURCE#${source}`, SK: 'GUARD' }),
  /** A party's account, listed under its trader partition ('ACCOUNT#' sorts before 'KEY#' and 'PROFILE'). */
  accountOfOwner: (ownerId: string, number: string) => ({ PK: `TRADER#${ownerId}`, SK: `ACCOUNT#${number}` }),
  accountOfOwnerPrefix: (ownerId: string) => ({ PK: `TRADER#${ownerId}`, SKPrefix: 'ACCOUNT#' }),
  /** A period's statement of a deferment account (its summary and archive keys), written once when the period closes. */
  statement: (number: string, period: string) => ({ PK: `ACCOUNT#${number}`, SK: `STATEMENT#${period}` }),
  statementPrefix: (number: string) => ({ PK: `ACCOUNT#${number}`, SKPrefix: 'STATEMENT#' }),
  /** Every deferment account, listed once when it is opened: the accounts whose periods the statements job closes. */
  defermentAccount: (number: string) => ({ PK: 'DEFERMENTS', SK: `ACCOUNT#${number}` }),
  defermentAccountsPartition: 'DEFERMENTS',
  /** A payment request the platform issued, by its reference. */
  paymentRequest: (reference: string) => ({ PK: `PAYMENT#${reference}`, SK: 'META' }),
  /**
   * A repayment claim of a declaration, numbered from 1 (its id is `<declaration>-R<n>`). 'CLAIM#'
   * sorts before 'EV#' and 'META', so reading a declaration with its parts never reads it.
   */
  repaymentClaim: (declarationId: string, n: number) => ({ PK: `DECL#${declarationId}`, SK: `CLAIM#${String(n).padStart(4, '0')}` }),
  repaymentClaimPrefix: (declarationId: string) => ({ PK: `DECL#${declarationId}`, SKPrefix: 'CLAIM#' }),
  /**
   * GSI2 (keys only): a claim waiting for an officer, oldest first; removed by the decision in the
   * same conditional write. One partition: claims are a few a day per region, not one per declaration.
   */
  pendingRepaymentClaim: (claimedAt: string, claimId: string) => ({ GSI2PK: 'REPAYCLAIMS#PENDING', GSI2SK: `${claimedAt}#${claimId}` }),
  pendingRepaymentClaimsPartition: 'REPAYCLAIMS#PENDING',
  /** A payout the payment provider makes to a trader (a repayment without a cash account), by its reference. */
  payout: (reference: string) => ({ PK: `PAYOUT#${reference}`, SK: 'META' }),
  /**
   * GSI4 (keys only): a payout waiting to be sent (REQUESTED), by when it is due to be sent (again);
   * written with the request or an administrator's resend, removed when it is SENT or settled
   * (pattern 92). One partition: payouts are a few a day per region.
   */
  payoutDue: (dueAt: string, reference: string) => ({ GSI4PK: 'PAYOUTSDUE', GSI4SK: `${dueAt}#${reference}` }),
  payoutsDuePartition: 'PAYOUTSDUE',
  /** A payment provider's event (a payment confirmed, a payout paid or failed), accepted once whatever it is about. */
  paymentEvent: (provider: string, eventId: string) => ({ PK: `PAYEVENT#${provider}#${eventId}`, SK: 'META' }),
  /**
   * A webhook subscription, under its subscriber (a kind and its id: `trader#<party>`; carriers and
   * agencies later), so the fan-out reads a party's subscriptions with one query.
   */
  subscription: (kind: string, subscriberId: string, id: string) => ({ PK: `SUBSCRIBER#${kind}#${subscriberId}`, SK: `SUB#${id}` }),
  subscriptionPrefix: (kind: string, subscriberId: string) => ({ PK: `SUBSCRIBER#${kind}#${subscriberId}`, SKPrefix: 'SUB#' }),
  /** One delivery of one event to one subscription: the event's time first, so the log reads newest first. */
  webhookDelivery: (subscriptionId: string, occurredAt: string, eventId: string) => ({
    PK: `WEBHOOK#${subscriptionId}`,
    SK: `DLV#${occurredAt}#${eventId}`,
  }),
  webhookDeliveryPrefix: (subscriptionId: string) => ({ PK: `WEBHOOK#${subscriptionId}`, SKPrefix: 'DLV#' }),
  /** An arrival manifest a carrier reported (pattern 63): its id is `<carrier>-<voyage>-<arrival day>`, so a repeat finds it. */
  manifest: (id: string) => ({ PK: `MANIFEST#${id}`, SK: 'META' }),
  /**
   * A manifest line under its transport document (patterns 63 to 65): written once (a transport
   * document arrives once), discharged once by one declaration (a conditional update).
   */
  cargoLine: (documentKey: string) => ({ PK: `CARGO#${documentKey}`, SK: 'LINE' }),
  /** A declaration waiting for the goods of this transport document to arrive (pattern 64): 'WAIT#' sorts after 'LINE'. */
  arrivalWait: (documentKey: string, declarationId: string) => ({ PK: `CARGO#${documentKey}`, SK: `WAIT#${declarationId}` }),
  arrivalWaitPrefix: (documentKey: string) => ({ PK: `CARGO#${documentKey}`, SKPrefix: 'WAIT#' }),
  /**
   * A line not yet declared, listed under its office by arrival time (pattern 66): written with the
   * line, deleted when a declaration discharges it. The line is the truth: a listing drops entries
   * whose line is discharged (one a carrier's retry wrote again after the discharge).
   */
  undeclaredGoods: (office: string, arrivedAt: string, manifestId: string, line: number) => ({
    PK: `UNDECLARED#${office}`,
    SK: `${arrivedAt}#${manifestId}#${String(line).padStart(4, '0')}`,
  }),
  undeclaredGoodsPartition: (office: string) => `UNDECLARED#${office}`,
  /**
   * A permit a partner agency issues (docs/single-window.md): the application, the decision, what
   * remains, and the ids of the declarations that drew on it (a string set the drawing's condition reads).
   */
  permit: (id: string) => ({ PK: `PERMIT#${id}`, SK: 'META' }),
  /** One declaration's drawing on a permit, written after the drawing ('DRAW#' sorts before 'META'). */
  permitDraw: (id: string, declarationId: string) => ({ PK: `PERMIT#${id}`, SK: `DRAW#${declarationId}` }),
  permitDrawPrefix: (id: string) => ({ PK: `PERMIT#${id}`, SKPrefix: 'DRAW#' }),
  /** A permit listed under its agency. */
  permitOfAgency: (agencyId: string, id: string) => ({ PK: `AGENCY#${agencyId}`, SK: `PERMIT#${id}` }),
  permitOfAgencyPrefix: (agencyId: string) => ({ PK: `AGENCY#${agencyId}`, SKPrefix: 'PERMIT#' }),
  /** A permit listed under its holder's trader partition ('PERMIT#' sorts between 'KEY#' and 'PROFILE'). */
  permitOfHolder: (holderId: string, id: string) => ({ PK: `TRADER#${holderId}`, SK: `PERMIT#${id}` }),
  permitOfHolderPrefix: (holderId: string) => ({ PK: `TRADER#${holderId}`, SKPrefix: 'PERMIT#' }),
  /**
   * A consignment's index (docs/single-window.md, patterns 77 to 79): one write-once item per
   * declaration and per manifest line that names the UCR, so one bounded query finds them all.
   * `DECL#` sorts before `LINE#`.
   */
  consignmentDeclaration: (ucr: string, declarationId: string) => ({ PK: `UCR#${ucr}`, SK: `DECL#${declarationId}` }),
  consignmentDeclarationPrefix: (ucr: string) => ({ PK: `UCR#${ucr}`, SKPrefix: 'DECL#' }),
  consignmentLine: (ucr: string, documentKey: string) => ({ PK: `UCR#${ucr}`, SK: `LINE#${documentKey}` }),
  consignmentLinePrefix: (ucr: string) => ({ PK: `UCR#${ucr}`, SKPrefix: 'LINE#' }),
  /** Guard that makes an LRN unique per declarant. */
  lrnGuard: (declarantId: string, lrn: string) => ({ PK: `LRN#${declarantId}#${lrn}`, SK: 'META' }),
} as const;

export const entityTypes = {
  declaration: 'Declaration',
  historyEvent: 'HistoryEvent',
  declarationPart: 'DeclarationPart',
  declarationAmendment: 'DeclarationAmendment',
  declarationMarker: 'DeclarationMarker',
  documentUpload: 'DocumentUpload',
  lrnGuard: 'LrnGuard',
  signingKey: 'SigningKey',
  account: 'Account',
  ledgerEntry: 'LedgerEntry',
  ledgerSource: 'LedgerSource',
  accountShard: 'AccountShard',
  chargeGuard: 'ChargeGuard',
  accountOfOwner: 'AccountOfOwner',
  statement: 'Statement',
  defermentAccount: 'DefermentAccount',
  paymentRequest: 'PaymentRequest',
  paymentEvent: 'PaymentEvent',
  repaymentClaim: 'RepaymentClaim',
  payout: 'Payout',
  subscription: 'WebhookSubscription',
  webhookDelivery: 'WebhookDelivery',
  manifest: 'Manifest',
  cargoLine: 'CargoLine',
  arrivalWait: 'ArrivalWait',
  undeclaredGoods: 'UndeclaredGoods',
  permit: 'Permit',
  permitDraw: 'PermitDraw',
  permitListing: 'PermitListing',
  consignmentEntry: 'ConsignmentEntry',
} as const;
