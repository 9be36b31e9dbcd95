/**
 * What the risk stage reads from the reference documents: the risk settings, the valuation
 * references and the exchange rates in force at a moment. Built on the ReferenceDocumentStore
 * port, so the use-case tests wire the in-memory store exactly as the workers wire the S3 one.
 */
import { Decimal } from 'decimal.js';
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { ReferenceDocumentStore } from '#shared/ports/reference-documents.ts';
import { type RiskSettings, riskSettingsSchema } from '#shared/risk/settings.ts';
import {
  buildValuationReferences,
  type ToNational,
  type ValuationReferences,
  valuationReferenceTableSchema,
} from '#shared/risk/valuation.ts';
import { type ExchangeRates, exchangeRatesSchema } from '#shared/tariff/model.ts';

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
export function riskReferenceData(documents: () => ReferenceDocumentStore) {
  const references = new Map<string, ValuationReferences>();

  const settings = async (at: string): Promise<RiskSettings> => {
    const current = await documents().asOf('riskSettings', at, (raw) => riskSettingsSchema.parse(raw));
    if (!current)
      throw new NotConfiguredError('risk settings', 'an administrator loads them with PUT /v1/admin/reference-documents/risk-settings');
    return current.document;
  };

  const valuation = async (at: string): Promise<{ references: ValuationReferences; toNational: ToNational }> => {
    const [table, rates] = await Promise.all([
      documents().asOf('valuationReferences', at, (raw) => valuationReferenceTableSchema.parse(raw)),
      documents().asOf('exchangeRates', at, (raw) => exchangeRatesSchema.parse(raw)),
    ]);
    const version = table?.version ?? 'none';
    if (!references.has(version)) {
      if (references.size >= 2) references.delete(references.keys().next().value as string);
      references.set(version, buildValuationReferences(table?.document ?? { currency: 'XXX', entries: [] }));
    }
    const toNational: ToNational = rates ? nationalConverter(rates.document, at) : () => undefined;
    return { references: references.get(version)!, toNational };
  };

  return { settings, valuation };
}
