/**
 * What the risk stage and the risk administration read, wired to AWS: profiles and traders in
 * the main table, settings, valuation references and exchange rates as reference documents, the
 * selection secret from Secrets Manager (cached by Powertools Parameters).
 */

import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Decimal } from 'decimal.js';
import { DomainError, problem } from '../domain/problems.ts';
import type { ReferenceDocumentStore } from '../ports/reference-documents.ts';
import type { SecretSource } from '../ports/risk-stores.ts';
import { type RiskSettings, riskSettingsSchema } from '../risk/settings.ts';
import { buildValuationReferences, type ToNational, type ValuationReferences, valuationReferenceTableSchema } from '../risk/valuation.ts';
import { type ExchangeRates, exchangeRatesSchema } from '../tariff/model.ts';
import { DynamoDbRiskStore } from './dynamodb-risk-store.ts';

export class NotConfiguredError extends DomainError {
  constructor(what: string, how: string) {
    super('UNPROCESSABLE', 'Not configured', [problem('', 'NOT_CONFIGURED', `${what} not loaded for this region: ${how}`)]);
    this.name = 'NotConfiguredError';
  }
}

/** Converts with the month's rate (`rate` national units per unit), or the latest earlier month's. */
export function nationalConverter(rates: ExchangeRates, at: string): ToNational {
  const month = at.slice(0, 7);
  const best = new Map<string, { period: string; rate: Decimal }>();
  for (const rate of rates.rates) {
    if (rate.period > month) continue;
    const seen = best.get(rate.currency);
    if (!seen || seen.period < rate.period) best.set(rate.currency, { period: rate.period, rate: new Decimal(rate.rate) });
  }
  return (amount, currency) => {
    if (currency === rates.nationalCurrency) return new Decimal(amount);
    const rate = best.get(currency)?.rate;
    return rate ? new Decimal(amount).mul(rate) : undefined;
  };
}

/** `documents` is called on first use only: functions without the reference bucket never build it. */
export function riskData(options: {
  dynamodb: DynamoDBClient;
  tableName: string;
  documents: () => ReferenceDocumentStore;
  selectionSecretId: () => string;
}) {
  const store = new DynamoDbRiskStore(options.dynamodb, options.tableName);
  const references = new Map<string, ValuationReferences>();

  const secrets: SecretSource = {
    async selectionSecret() {
      const value = await getSecret(options.selectionSecretId(), { maxAge: 300 });
      if (typeof value !== 'string' || value.length < 32) throw new Error('the risk selection secret is missing or too short');
      return value;
    },
  };

  const settings = async (at: string): Promise<RiskSettings> => {
    const current = await options.documents().asOf('riskSettings', at, (raw) => riskSettingsSchema.parse(raw));
    if (!current)
      throw new NotConfiguredError('risk settings', 'an administrator loads them with PUT /v1/admin/reference-documents/risk-settings');
    return current.document;
  };

  const valuation = async (at: string): Promise<{ references: ValuationReferences; toNational: ToNational }> => {
    const [table, rates] = await Promise.all([
      options.documents().asOf('valuationReferences', at, (raw) => valuationReferenceTableSchema.parse(raw)),
      options.documents().asOf('exchangeRates', at, (raw) => exchangeRatesSchema.parse(raw)),
    ]);
    const version = table?.version ?? 'none';
    if (!references.has(version)) {
      if (references.size >= 2) references.delete(references.keys().next().value as string);
      references.set(version, buildValuationReferences(table?.document ?? { currency: 'XXX', entries: [] }));
    }
    const toNational: ToNational = rates ? nationalConverter(rates.document, at) : () => undefined;
    return { references: references.get(version)!, toNational };
  };

  return { profiles: store, traders: store, selectionStats: store, secrets, settings, valuation };
}
