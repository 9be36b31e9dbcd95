/**
 * The platform on the in-memory fakes (shared/ports/fakes/), wired as the workers wire the
 * adapters (functions/), with the demo region's real data: the GB tariff pack and exchange rates
 * (shared/tariff/generated/, rates carried forward as `npm start` does), the reference data of
 * the validation rules, the demo risk profiles, traders and valuation references. The contract
 * suites (tests/contract) hold the fakes to the adapters' behaviour.
 *
 * Messages wait in the fake queues until a test delivers them (`deliver`), as SQS holds them
 * until the stage's worker polls.
 */
import { readFileSync } from 'node:fs';
import { defaultAlcoholDutyRates, defaultExchangeRatesUrl, defaultTariffPackUrl } from '#demo/gb-tariff-pack.ts';
import { demoProfiles, demoTraders, demoValuationTable } from '#demo/risk-seed.ts';
import { regions } from '#infra/config/regions.ts';
import { carryRatesForward } from '#local/seed.ts';
import { riskReferenceData } from '#shared/adapters/risk-reference-data.ts';
import { tariffFromReferenceDocuments } from '#shared/adapters/tariff-source.ts';
import { openAccount } from '#shared/domain/accounts.ts';
import type { Principal } from '#shared/domain/auth.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import type { DeclarationRecord } from '#shared/domain/declaration-record.ts';
import { permitRulesSchema } from '#shared/domain/permits.ts';
import { validateDeclarationRules } from '#shared/domain/validation-rules.ts';
import { InMemoryAccountLedger } from '#shared/ports/fakes/accounts.ts';
import { InMemoryCargoReports } from '#shared/ports/fakes/cargo-reports.ts';
import { InMemoryClearanceCounters } from '#shared/ports/fakes/clearance-counters.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemoryDeclarationRepository } from '#shared/ports/fakes/declaration-repository.ts';
import { InMemoryDocumentArchive } from '#shared/ports/fakes/document-archive.ts';
import { FixedPaymentProviderSecrets, InMemoryPaymentRequests } from '#shared/ports/fakes/payments.ts';
import { InMemoryPermitStore } from '#shared/ports/fakes/permits.ts';
import { InMemoryPipelineQueue } from '#shared/ports/fakes/pipeline-queue.ts';
import { InMemoryReferenceDocumentStore } from '#shared/ports/fakes/reference-document-store.ts';
import { InMemoryPayouts, InMemoryRepaymentClaims, RecordingPayoutProvider } from '#shared/ports/fakes/repayments.ts';
import {
  FixedSecretSource,
  InMemoryRiskProfileStore,
  InMemorySelectionStatsStore,
  InMemoryTraderProfileStore,
} from '#shared/ports/fakes/risk-stores.ts';
import { InMemorySigningKeyStore } from '#shared/ports/fakes/signing-keys.ts';
import type { ReferenceDocumentKind } from '#shared/ports/reference-documents.ts';
import { referenceData } from '#shared/reference/index.ts';
import type { RiskSettings } from '#shared/risk/settings.ts';
import { needsAlcoholDutyRates } from '#shared/tariff/alcohol-duty.ts';
import { exchangeRatesSchema } from '#shared/tariff/model.ts';
import { assessDuty } from '#shared/usecases/assess-duty.ts';
import { decideRelease } from '#shared/usecases/decide-release.ts';
import { permitChecks } from '#shared/usecases/permit-drawings.ts';
import type { StageResult } from '#shared/usecases/pipeline-stage.ts';
import { contentVersion } from '#shared/usecases/reference-documents.ts';
import { scoreRisk } from '#shared/usecases/score-risk.ts';
import { submitDeclaration } from '#shared/usecases/submit-declaration.ts';
import { validateDeclaration } from '#shared/usecases/validate-declaration.ts';
import { declarationFor, defermentAccountOf } from '#tests/integration/support.ts';
import { noRandomSelection } from './scenarios.ts';

export const region = regions['eu-west-2'];

/** The demo traders: an AEOF trusted trader with a clean record, and an ordinary importer. */
export const trustedTrader = 'GB987654321000';
export const ordinaryImporter = 'GB123456789000';

/** When the demo documents were loaded: before any declaration of the tests (the clock starts at 2026-11-27T10:00Z). */
export const LOADED_AT = '2026-11-01T00:00:00.000Z';

/** Puts a document as the admin API stores it: canonical JSON bytes named by their hash. */
export async function loadDocument(
  store: InMemoryReferenceDocumentStore,
  kind: ReferenceDocumentKind,
  document: unknown,
  at = LOADED_AT,
): Promise<string> {
  const content = Buffer.from(JSON.stringify(document));
  return (await store.put(kind, contentVersion(content), content, { at, by: 'test-admin' })).version;
}

/**
 * The demo region's reference documents: the GB tariff pack, exchange rates, HMRC's alcohol duty
 * rate table, valuation references and risk settings (without random selection unless `settings` says otherwise; `null`: none),
 * each left out on request. One store holding the 4 MB pack is shared by the tests of a file that
 * do not change it (`fakePlatform()`): it is parsed once, then cached.
 */
export async function demoReferenceDocuments(
  options: { pack?: boolean; rates?: boolean; alcoholDutyRates?: boolean; settings?: RiskSettings | null } = {},
): Promise<InMemoryReferenceDocumentStore> {
  const store = new InMemoryReferenceDocumentStore();
  if (options.pack !== false) {
    const pack = readFileSync(defaultTariffPackUrl);
    await store.put('tariffPack', contentVersion(pack), pack, { at: LOADED_AT, by: 'test-admin' });
  }
  if (options.rates !== false) {
    const rates = exchangeRatesSchema.parse(JSON.parse(readFileSync(defaultExchangeRatesUrl, 'utf8')));
    await loadDocument(store, 'exchangeRates', carryRatesForward(rates, new ManualClock().now()));
  }
  if (options.alcoholDutyRates !== false) await loadDocument(store, 'alcoholDutyRates', defaultAlcoholDutyRates());
  await loadDocument(store, 'valuationReferences', demoValuationTable);
  if (options.settings !== null) await loadDocument(store, 'riskSettings', options.settings ?? noRandomSelection);
  return store;
}

let sharedDocuments: Promise<InMemoryReferenceDocumentStore> | undefined;

/** Every stage of the pipeline on the fakes. */
export async function fakePlatform(options: { documents?: InMemoryReferenceDocumentStore } = {}) {
  const clock = new ManualClock();
  const repository = new InMemoryDeclarationRepository();
  const archive = new InMemoryDocumentArchive();
  const queues = {
    validation: new InMemoryPipelineQueue(),
    risk: new InMemoryPipelineQueue(),
    duty: new InMemoryPipelineQueue(),
    release: new InMemoryPipelineQueue(),
    /** Sealed documents asked for, by the duty and release stages (the documents worker is not part of the pipeline's stages). */
    documents: new InMemoryPipelineQueue(),
  };
  const documents = options.documents ?? (await (sharedDocuments ??= demoReferenceDocuments()));
  const profiles = new InMemoryRiskProfileStore();
  for (const profile of demoProfiles) await profiles.saveVersion(profile);
  const traders = new InMemoryTraderProfileStore();
  for (const trader of demoTraders) await traders.put(trader);
  const selectionStats = new InMemorySelectionStatsStore();
  const counters = new InMemoryClearanceCounters();
  const permits = new InMemoryPermitStore();
  const signingKeys = new InMemorySigningKeyStore();
  // The ledger counts each entry that moves revenue into the statistics, as the DynamoDB ledger does.
  const accounts = new InMemoryAccountLedger(counters);
  const payments = new InMemoryPaymentRequests();
  const cargo = new InMemoryCargoReports();
  const cargoSettings = { ...region.cargoReports };
  const paymentSecrets = new FixedPaymentProviderSecrets();
  const repaymentClaims = new InMemoryRepaymentClaims();
  const payouts = new InMemoryPayouts();
  const payoutProvider = new RecordingPayoutProvider();

  const tariff = tariffFromReferenceDocuments(documents);
  const deps = {
    intake: { repository, archive, validationQueue: queues.validation, clock, signatures: { keys: signingKeys, required: false } },
    amend: { repository, archive, validationQueue: queues.validation, clock, signatures: { keys: signingKeys, required: false } },
    validation: {
      repository,
      riskQueue: queues.risk,
      clock,
      rules: async (declaration: Parameters<typeof validateDeclarationRules>[0], today: string, acceptedAt: string) =>
        validateDeclarationRules(declaration, referenceData(), {
          today,
          customsOffices: region.customsOffices,
          nationalCountry: region.country,
          preLodgementAllowed: region.cargoReports.preLodgement,
          alcoholDutyRates: needsAlcoholDutyRates(declaration) ? await tariff.alcoholDutyRatesAsOf(acceptedAt) : undefined,
        }),
      permits: async (declaration: Parameters<typeof validateDeclarationRules>[0], today: string, acceptedAt: string) =>
        permitChecks(declaration, today, {
          permits,
          rules: (await documents.asOf('permitRules', acceptedAt, (raw) => permitRulesSchema.parse(raw)))?.document,
        }),
    },
    risk: {
      repository,
      dutyQueue: queues.duty,
      clock,
      profiles,
      traders,
      selectionStats,
      counters,
      secrets: new FixedSecretSource(),
      ...riskReferenceData(() => documents),
    },
    duty: {
      repository,
      releaseQueue: queues.release,
      documentsQueue: queues.documents,
      clock,
      tariff,
      region: { nationalCurrency: region.nationalCurrency, deMinimis: { ...region.deMinimis, appliesTo: [...region.deMinimis.appliesTo] } },
    },
    release: { repository, counters, documentsQueue: queues.documents, clock, accounts, payments, cargo, cargoSettings, permits },
    /** The officers' review (claims, decisions): a claim lasts 30 minutes, as in eu-west-2. */
    review: {
      repository,
      counters,
      documentsQueue: queues.documents,
      clock,
      claimMinutes: 30,
      accounts,
      payments,
      permits,
      payouts,
      payoutProvider,
    },
    /** A trader's cancellation: duties drawn before it are given back. */
    cancel: { repository, clock, accounts, payments, payouts, payoutProvider, permits },
    /** Repayment claims: the declarant claims, officers decide, approved amounts paid. */
    repayments: { repository, claims: repaymentClaims, accounts, payouts, payoutProvider, clock },
    /** Payment provider callbacks. */
    payments: { payments, payouts, secrets: paymentSecrets, repository, counters, documentsQueue: queues.documents, clock },
  };

  const stages = {
    validation: (message: { declarationId: string; version: number }) => validateDeclaration(message, deps.validation),
    risk: (message: { declarationId: string; version: number }) => scoreRisk(message, deps.risk),
    duty: (message: { declarationId: string; version: number }) => assessDuty(message, deps.duty),
    release: (message: { declarationId: string; version: number }) => decideRelease(message, deps.release),
  };
  type Stage = keyof typeof stages;

  /** Runs the stage for every message its queue holds now (each taken off the queue). */
  async function deliver(stage: Stage): Promise<StageResult[]> {
    const results: StageResult[] = [];
    for (const message of queues[stage].sent.splice(0)) results.push(await stages[stage](message));
    return results;
  }

  /** A declaration of the party (the valid import fixture), arriving on the clock's day. */
  const declaration = (party: string, change: (d: DeclarationInput) => void = () => {}): DeclarationInput =>
    declarationFor(party, (d) => {
      d.consignment.arrivalDate = clock.now().toISOString().slice(0, 10);
      change(d);
    });

  /**
   * Submits as the declarant's trader; the message waits in the validation queue. The declarant's
   * test deferment account (`defermentAccountOf`) is opened first, as an administrator would, with
   * a limit no test reaches unless it opens the account itself.
   */
  async function submit(input: DeclarationInput): Promise<string> {
    if (input.payment?.account === defermentAccountOf(input.declarant.id) && !(await accounts.get(input.payment.account))) {
      const opened = openAccount(
        {
          kind: 'DEFERMENT',
          number: input.payment.account,
          ownerId: input.declarant.id,
          currency: 'GBP',
          deferment: { monthlyLimit: '10000000.00', guarantee: { amount: '10000000.00', guarantor: 'Test Bank plc' } },
        },
        clock.now().toISOString(),
        'test-admin',
      );
      await accounts.open(opened.account, opened.entry);
    }
    const principal: Principal = { subject: `trader-${input.declarant.id}`, roles: ['trader'], partyId: input.declarant.id };
    return (await submitDeclaration({ principal, body: Buffer.from(JSON.stringify(input)) }, deps.intake)).id;
  }

  /** Delivers the stages in pipeline order, up to and including `last`. */
  async function runThrough(last: Stage): Promise<void> {
    for (const stage of Object.keys(stages) as Stage[]) {
      await deliver(stage);
      if (stage === last) return;
    }
  }

  /** The stored record (it exists: the tests made it). */
  async function record(id: string): Promise<DeclarationRecord> {
    const found = await repository.get(id);
    if (!found) throw new Error(`no declaration ${id}`);
    return found;
  }

  return {
    clock,
    repository,
    archive,
    queues,
    documents,
    profiles,
    traders,
    selectionStats,
    counters,
    accounts,
    payments,
    repaymentClaims,
    payouts,
    payoutProvider,
    cargo,
    permits,
    deps,
    deliver,
    declaration,
    submit,
    runThrough,
    record,
  };
}

export type FakePlatform = Awaited<ReturnType<typeof fakePlatform>>;
