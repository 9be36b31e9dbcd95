/**
 * Seeds a running local cloud with the demo region's reference data, through the same adapters
 * and use cases the admin API uses: the GB tariff pack built from the project's copies of the UK
 * tariff data, exchange rates, HMRC's alcohol duty rate table, valuation references, risk settings, the partner agencies' permit rules, the demo risk profiles,
 * trader profiles and the demo traders' accounts. Idempotent: documents are content-addressed, profiles and traders are only
 * written when missing, so a restart with --data keeps what an administrator changed.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { demoAccounts } from '#demo/accounts-seed.ts';
import { defaultAlcoholDutyRatesUrl } from '#demo/gb-tariff-pack.ts';
import { demoPermitRules } from '#demo/permit-rules-seed.ts';
import { demoProfiles, demoSelection, demoThresholds, demoTraders, demoValuationTable } from '#demo/risk-seed.ts';
import { DynamoDbRiskStore } from '#shared/adapters/dynamodb-risk-store.ts';
import { accountLedger, referenceDocuments, sharedDynamoDb } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import type { Principal } from '#shared/domain/auth.ts';
import { permitRulesSchema } from '#shared/domain/permits.ts';
import type { ReferenceDocumentKind } from '#shared/ports/reference-documents.ts';
import { riskSettingsSchema } from '#shared/risk/settings.ts';
import { valuationReferenceTableSchema } from '#shared/risk/valuation.ts';
import { alcoholDutyRatesSchema } from '#shared/tariff/alcohol-duty-rates.ts';
import { type ExchangeRates, exchangeRatesSchema, tariffPackSchema } from '#shared/tariff/model.ts';
import { openTraderAccount } from '#shared/usecases/manage-accounts.ts';
import { loadReferenceDocument } from '#shared/usecases/reference-documents.ts';

const seeder: Principal = { subject: 'local-seed', roles: ['admin'], partyId: undefined };

const generated = (file: string): unknown => JSON.parse(readFileSync(new URL(`../generated/tariff/${file}`, import.meta.url), 'utf8'));

/**
 * The project's rates stop in 2021 (see docs/tariff.md); the engine needs a rate for the month of
 * acceptance. For the local demo only, each currency's latest known rate is carried forward to the
 * current and the previous month, saying so in its source. A real region loads HMRC's monthly rates.
 */
export function carryRatesForward(rates: ExchangeRates, now: Date): ExchangeRates {
  const months = [now, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))].map((d) => d.toISOString().slice(0, 7));
  const latest = new Map<string, ExchangeRates['rates'][number]>();
  for (const rate of rates.rates) {
    const seen = latest.get(rate.currency);
    if (!seen || seen.period < rate.period) latest.set(rate.currency, rate);
  }
  const carried = [...latest.values()].flatMap((rate) =>
    months
      .filter((month) => !rates.rates.some((r) => r.currency === rate.currency && r.period === month))
      .map((period) => ({
        currency: rate.currency,
        period,
        rate: rate.rate,
        source: `local demo: the ${rate.period} rate carried forward to ${period}; not an official rate`,
      })),
  );
  return {
    ...rates,
    version: `${rates.version}+demo-${months[0]}`,
    rates: [...rates.rates, ...carried],
    notes: [...rates.notes, `Local demo: latest known rates carried forward to ${months.join(' and ')}.`],
  };
}

export interface SeedReport {
  documents: { kind: ReferenceDocumentKind; version: string }[];
  profilesAdded: number;
  tradersAdded: number;
  accountsOpened: number;
}

/** Seeds the cloud whose environment is applied to this process (startLocalCloud does that). */
export async function seedDemoData(options: { now?: Date; onProgress?: (line: string) => void } = {}): Promise<SeedReport> {
  const now = options.now ?? new Date();
  const progress = options.onProgress ?? (() => {});
  // Through the same adapters as the admin API's load function, with its configuration.
  const config = loadConfig('loadReferenceDocument');
  const store = referenceDocuments(config);
  const at = now.toISOString();
  const documents: SeedReport['documents'] = [];
  const load = async (kind: ReferenceDocumentKind, schema: z.ZodType, document: unknown): Promise<void> => {
    const loaded = await loadReferenceDocument({ principal: seeder, kind, schema, document, at }, { store });
    documents.push({ kind, version: loaded.version });
    progress(`${kind} ${loaded.version} loaded (${Math.round(loaded.bytes / 1024)} KiB)`);
  };

  await load('tariffPack', tariffPackSchema, generated('gb-tariff-pack.json'));
  await load('exchangeRates', exchangeRatesSchema, carryRatesForward(exchangeRatesSchema.parse(generated('exchange-rates.json')), now));
  // HMRC's Alcohol Duty rate table, as published (data/SOURCES.md section 9).
  await load('alcoholDutyRates', alcoholDutyRatesSchema, JSON.parse(readFileSync(defaultAlcoholDutyRatesUrl, 'utf8')));
  await load('valuationReferences', valuationReferenceTableSchema, demoValuationTable);
  await load('riskSettings', riskSettingsSchema, { selection: demoSelection, thresholds: demoThresholds });
  // The partner agencies and which goods need their permits (docs/single-window.md).
  await load('permitRules', permitRulesSchema, demoPermitRules);

  const risk = new DynamoDbRiskStore(sharedDynamoDb(), config.tableName('main'));
  let profilesAdded = 0;
  for (const profile of demoProfiles) if (await risk.saveVersion(profile)) profilesAdded += 1;
  let tradersAdded = 0;
  for (const trader of demoTraders) {
    if (await risk.get(trader.partyId)) continue;
    await risk.put(trader);
    tradersAdded += 1;
  }
  progress(`${profilesAdded} demo risk profile(s) and ${tradersAdded} trader profile(s) added`);
  // Opened once: a restart with --data finds them open with the same terms (and their ledgers kept).
  const accounts = { accounts: accountLedger(loadConfig('openAccount')), clock: systemClock };
  let accountsOpened = 0;
  for (const input of demoAccounts) if ((await openTraderAccount({ principal: seeder, input }, accounts)).created) accountsOpened += 1;
  progress(`${accountsOpened} demo account(s) opened`);
  return { documents, profilesAdded, tradersAdded, accountsOpened };
}
