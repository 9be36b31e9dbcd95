/**
 * Permissions that the tests' recorded calls never use, each declared for a code path that is real
 * but rare (or that the local cloud cannot take), with the reason. Entries are IAM-like patterns
 * (`*`: any run) of the names `unusedPermissions` (tests/access/audit.ts) gives; an entry no
 * longer needed fails the check, so this list cannot go stale (but for the few marked
 * `timingDependent`, whose path a slow run may take).
 */
export const rarelyCalled: readonly {
  permission: string;
  reason: string;
  /** The path depends on timing (a lease expiring under a slow machine): some runs use it, some do not, so an unneeded entry is not an error. */
  timingDependent?: true;
}[] = [
  {
    permission: 'recordInspection reference key alcoholDutyRates/*',
    reason:
      "An inspection's re-assessment reads the alcohol duty rate table only when the corrected declaration has chapter 22 goods; the inspection tests correct other goods (the rate table's own reads are tested through validation and duty).",
  },
  {
    permission: '* s3:GetObjectVersion on archive [*]',
    reason:
      'The archive is versioned in AWS (Object Lock): a put answers a VersionId that the record stores and every read names. The local S3 (fauxqs) keeps no versions, so locally the same reads are GetObject.',
  },
  {
    permission: 'submitDeclaration dynamodb:UpdateItem on main [LRN#*]',
    reason:
      "Pattern 3: an LRN claim whose declaration was never stored is moved to a new attempt's declaration after its lease. tests/integration/declarations.test.ts takes this path when a concurrent attempt outlives the lease on a slow machine (seen in a clean-clone CI run), not otherwise.",
    timingDependent: true,
  },
  {
    permission: 'submitDeclaration dynamodb:DeleteItem on idempotency [submitDeclaration#*]',
    reason:
      'Powertools idempotency deletes the in-progress record when the operation throws an error it does not answer itself (a failure of AWS).',
  },
  {
    permission: 'submitDeclaration s3:GetObject on archive [*]',
    reason:
      'HeadObject when a retried write-once put finds its key taken (docs/data-model.md, Archive keys): a retry after a lost answer, or the concurrent attempts of tests/integration/declarations.test.ts on a slow machine (seen in a clean-clone CI run, with the LRN lease above).',
    timingDependent: true,
  },
  {
    permission: 'amendDeclaration s3:GetObject on archive [*]',
    reason: 'HeadObject when a retried amendment finds its archive key taken.',
  },
  {
    permission: 'issueDocuments s3:GetObject on archive [*sealed-batches*]',
    reason:
      "HeadObject when a retried sealing batch finds its archive key taken (the same batch's bytes again: a retry after a lost answer).",
  },
  {
    permission: 'printDocuments archive key *declarations/*/issued/*/*.json',
    reason:
      'Documents issued before sealing batches were archived as one object each: their records (no `range`) name their own object. No longer written; printing one on request reads it (tests/unit/usecases/sealed-documents.test.ts reads such a record, the fixture issued-record-one-object.json, on the fakes).',
  },
  {
    permission: 'getDocument archive key *declarations/*/issued/*/*.json',
    reason:
      "As above: a download of a document issued before sealing batches were one object presigns a link to its own object (a record without `range`); the tests' declarations issue their documents in batch objects.",
  },
  {
    permission: 'getReleaseNote archive key *declarations/*/issued/release-note/*.json',
    reason: 'As above: the release note of a declaration released before sealing batches were one object, read whole.',
  },
  {
    permission: 'verifyDocument archive key *declarations/*/issued/assessment-notice/*.json',
    reason:
      'As above: an assessment notice issued before sealing batches were one object, verified by reference (tests/integration/batch-sealing.test.ts verifies the format-1 release note of that shape).',
  },
  {
    permission: 'redriveStalled dynamodb:Query on main/index/GSI4 [INFLIGHT#*]',
    reason:
      'The redrive runs on its one-minute schedule only while a local cloud stays up that long: tests/fuzz/hostile-bodies.test.ts usually does and records its in-flight query, a faster run does not (seen in a clean-clone CI run).',
    timingDependent: true,
  },
  {
    permission: 'redriveStalled main/index/GSI4 key INFLIGHT#*',
    reason: "As above: the redrive's only read is that query of the in-flight index, made when its schedule fires during a test.",
    timingDependent: true,
  },
  {
    permission: 'redriveStalled dynamodb:* on main [DECL#*]',
    reason:
      'The redrive reads and moves only declarations stalled for stalledAfterMinutes: tests/chaos exercises it (a platform in a child process, not recorded).',
  },
  {
    permission: 'redriveStalled main key DECL#*',
    reason: 'As above: only stalled declarations are read.',
  },
  {
    permission: 'redriveStalled sqs:SendMessage on *',
    reason: 'As above: a stalled declaration is handed to the queue of its stage.',
  },
  {
    permission: 'retryDeclaration sqs:SendMessage on *',
    reason: 'A failed declaration goes back to the stage it failed at (failure.stage): the tests retry failures of one stage.',
  },
  {
    permission: 'loadReferenceDocument reference key *',
    reason:
      'One PutObject per kind of reference document, the same code path for the four kinds: the tests load some kinds through the API, the seed loads the others.',
  },
  {
    permission: 'fanOutNotifications dynamodb:GetItem on main [WEBHOOK#*]',
    reason:
      'A redelivered notification (SQS at least once) finds its delivery created and reads it, to queue it again only if no attempt was made: tests/unit/usecases/notifications.test.ts covers it on the fakes, tests/chaos delivers every batch twice.',
  },
  {
    permission: '* archive key *amendments*',
    reason: 'Reading the body of an amended declaration: the same read as the submitted body, under the key the record stores.',
  },
  {
    permission: 'decideRelease dynamodb:PutItem on main [TRADER#*]',
    reason:
      "Pattern 50 rolled forward: a booking that finds an account's opening stopped before its cache lists the account under its owner (TRADER#). The accounts' reads are tested finishing such an opening (tests/integration/revenue.test.ts); a booking meets one only if it comes before any read.",
  },
  {
    permission: 'decideRelease main key TRADER#*',
    reason: "As above: the release stage's only TRADER# write is that listing of a half-opened account.",
  },
  {
    permission: 'recordInspection dynamodb:PutItem on main [TRADER#*]',
    reason: "As above: an inspection's difference booked on an account whose opening stopped before its cache.",
  },
  {
    permission: 'cancelDeclaration dynamodb:PutItem on main [TRADER#*]',
    reason:
      "Pattern 50 rolled forward, as above: a cancellation's credit back to an account whose opening stopped before its cache (and before any read of it) lists the account under its owner.",
  },
  {
    permission: 'cancelDeclaration main key TRADER#*',
    reason: "As above: a cancellation's only TRADER# write is that listing of a half-opened account.",
  },
  {
    permission: 'decideOnDeclaration dynamodb:PutItem on main [TRADER#*]',
    reason:
      "Pattern 50 rolled forward, as above: a rejection's credit back to an account whose opening stopped before its cache lists the account under its owner.",
  },
  {
    permission: 'decideOnDeclaration main key TRADER#*',
    reason: "As above: a rejection's only TRADER# write is that listing of a half-opened account.",
  },
  {
    permission: 'decideOnDeclaration dynamodb:GetItem on main [PAYMENT#*]',
    reason:
      'A rejection after the trader paid its payment request (method H) pays the amount out (pattern 62); the tests reject declarations drawn on deferment accounts, and the same reversal (reverseUnreleasedCharges) pays out a paid request in the cancellation tests.',
  },
  {
    permission: 'decideOnDeclaration main key PAYMENT#*',
    reason: 'As above: a rejection reads a payment request only to pay out what was paid on it.',
  },
  {
    permission: 'decideOnDeclaration dynamodb:*Item on main [PAYOUT#*]',
    reason:
      'As above: the payout of a paid payment request of a rejected declaration, recorded and handed to the provider (covered for cancellations by tests/integration/repayments.test.ts).',
  },
  {
    permission: 'decideOnDeclaration main key PAYOUT#*',
    reason: 'As above: a rejection writes PAYOUT# only for that payout.',
  },
  {
    permission: 'decideOnDeclaration secretsmanager:GetSecretValue on paymentProviders',
    reason:
      "As above: the payment provider's key signs that payout when it is sent (the same HTTPS payout adapter signs the cancellations' and repayments' payouts in tests/integration/repayments.test.ts).",
  },
  {
    permission: 'decideRepaymentClaim dynamodb:PutItem on main [TRADER#*]',
    reason:
      "Pattern 50 rolled forward, as above: a repayment booked on a cash account whose opening stopped before its cache lists the account under its owner (the claim's own reads list the owner's accounts with a Query).",
  },
  {
    permission: 'topUpAccount dynamodb:PutItem on main [TRADER#*]',
    reason: 'As above: a top-up into an account whose opening stopped before its cache lists the account first.',
  },
  {
    permission: 'topUpAccount main key TRADER#*',
    reason: "As above: a top-up's only TRADER# write is that listing of a half-opened account.",
  },
  {
    permission: 'listStatements dynamodb:PutItem on main [*]',
    reason:
      'Reading the account (the holder check) finishes a booking or an opening another writer left half done (pattern 52): tests/integration/revenue.test.ts exercises that roll-forward through GET /v1/accounts, the same adapter code.',
  },
  {
    permission: 'listStatements main key TRADER#*',
    reason: 'As above: rolling forward an opening lists the account under its owner.',
  },
  {
    permission: 'getStatement dynamodb:PutItem on main [*]',
    reason: 'As for listStatements: the holder check reads the account, which finishes a half-done booking or opening.',
  },
  {
    permission: 'getStatement main key TRADER#*',
    reason: 'As above: rolling forward an opening lists the account under its owner.',
  },
  {
    permission: 'close*Statements dynamodb:PutItem on main [TRADER#*]',
    reason:
      'Closing a period reads each deferment account; one whose opening stopped before its cache was written is rolled forward, which lists it under its owner (tested through GET /v1/accounts).',
  },
  {
    permission: 'close*Statements main key TRADER#*',
    reason: 'As above: only an opening left half done is listed under its owner by the statements job.',
  },
  {
    permission: 'openAccount dynamodb:UpdateItem on main [COUNTERS#*]',
    reason:
      'Opening a number already taken reads that account (pattern 52), which rolls forward an entry another writer left half done and so counts its revenue (pattern 80): only after a writer stopped between its steps.',
  },
  {
    permission: 'openAccount main key COUNTERS#*',
    reason: 'As above: its only COUNTERS# write is the revenue count of an entry it finishes for another writer.',
  },
  {
    permission: 'topUpAccount dynamodb:UpdateItem on main [COUNTERS#*]',
    reason:
      'A top-up moves no revenue; it counts one (pattern 80) only when the account read before it rolls forward a charge, credit or repayment another writer left half done.',
  },
  {
    permission: 'topUpAccount main key COUNTERS#*',
    reason: 'As above: its only COUNTERS# write is the revenue count of an entry it finishes for another writer.',
  },
  {
    permission: 'listAccounts dynamodb:UpdateItem on main [COUNTERS#*]',
    reason:
      'Reading accounts finishes an entry a writer left half done (pattern 52), counting its revenue (pattern 80); the count itself is exercised by every booking (tests/integration/ledger-revenue.test.ts).',
  },
  {
    permission: 'listAccounts main key COUNTERS#*',
    reason: 'As above: its only COUNTERS# write is the revenue count of an entry it finishes for another writer.',
  },
  {
    permission: 'getAccount dynamodb:UpdateItem on main [COUNTERS#*]',
    reason: 'As for listAccounts: only an entry left half done by a stopped writer is counted by a read of its account.',
  },
  {
    permission: 'getAccount main key COUNTERS#*',
    reason: 'As above: its only COUNTERS# write is the revenue count of an entry it finishes for another writer.',
  },
  {
    permission: 'listStatements dynamodb:UpdateItem on main [COUNTERS#*]',
    reason:
      'As for listAccounts: the holder check reads the account, which finishes (and counts) an entry a stopped writer left half done.',
  },
  {
    permission: 'listStatements main key COUNTERS#*',
    reason: 'As above: its only COUNTERS# write is the revenue count of an entry it finishes for another writer.',
  },
  {
    permission: 'getStatement dynamodb:UpdateItem on main [COUNTERS#*]',
    reason:
      'As for listAccounts: the holder check reads the account, which finishes (and counts) an entry a stopped writer left half done.',
  },
  {
    permission: 'getStatement main key COUNTERS#*',
    reason: 'As above: its only COUNTERS# write is the revenue count of an entry it finishes for another writer.',
  },
  {
    permission: 'close*Statements dynamodb:UpdateItem on main [COUNTERS#*]',
    reason:
      'The direct debit moves no revenue; the statements job counts one (pattern 80) only when reading an account rolls forward an entry a stopped writer left half done.',
  },
  {
    permission: 'close*Statements main key COUNTERS#*',
    reason: 'As above: its only COUNTERS# write is the revenue count of an entry it finishes for another writer.',
  },
  {
    permission: '* dynamodb:GetItem on main [COUNTERS#*]',
    reason:
      "Pattern 106: a count that finishes an entry another writer left reads the day's older LEDGER item, where that writer may have counted it before each ledger had its own item. Only functions whose tests roll such an entry forward use it (tests/contract/adapters.test.ts reads it through the adapter directly).",
  },
  {
    permission: 'scoreRisk dynamodb:GetItem on main [DECL#*]',
    reason:
      "A stage reads its declaration and the previous change's event in one Query (pattern 110); it reads the state item alone (pattern 5b) and looks an event up (pattern 8b) only when it marks the declaration PROCESSING_FAILED after its last delivery failed (processing-failures.ts). The local-cloud tests fail only the validation stage that way (tests/integration/attack-fixes.test.ts); tests/unit/usecases/processing-failures.test.ts covers the others on the fakes.",
  },
  {
    permission: 'assessDuty dynamodb:GetItem on main [DECL#*]',
    reason: 'As above (scoreRisk): the duty stage reads the state item alone only when it marks a declaration PROCESSING_FAILED.',
  },
];
