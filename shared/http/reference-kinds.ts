import type { z } from 'zod';
import { permitRulesSchema } from '#shared/domain/permits.ts';
import type { ReferenceDocumentKind } from '#shared/ports/reference-documents.ts';
import { riskSettingsSchema } from '#shared/risk/settings.ts';
import { valuationReferenceTableSchema } from '#shared/risk/valuation.ts';
import { alcoholDutyRatesSchema } from '#shared/tariff/alcohol-duty-rates.ts';
import { exchangeRatesSchema, tariffPackSchema } from '#shared/tariff/model.ts';

/** Path names of the reference documents an administrator loads. */
export const referenceDocumentNames = [
  'tariff-pack',
  'exchange-rates',
  'alcohol-duty-rates',
  'valuation-references',
  'risk-settings',
  'permit-rules',
] as const;
export type ReferenceDocumentName = (typeof referenceDocumentNames)[number];

/** Each path name's kind and schema. A Map: a name from the URL never matches a prototype member. */
export const referenceDocumentPaths: ReadonlyMap<ReferenceDocumentName, { kind: ReferenceDocumentKind; schema: z.ZodType }> = new Map([
  ['tariff-pack', { kind: 'tariffPack', schema: tariffPackSchema }],
  ['exchange-rates', { kind: 'exchangeRates', schema: exchangeRatesSchema }],
  ['alcohol-duty-rates', { kind: 'alcoholDutyRates', schema: alcoholDutyRatesSchema }],
  ['valuation-references', { kind: 'valuationReferences', schema: valuationReferenceTableSchema }],
  ['risk-settings', { kind: 'riskSettings', schema: riskSettingsSchema }],
  ['permit-rules', { kind: 'permitRules', schema: permitRulesSchema }],
] as const);

export function referenceDocumentPath(name: ReferenceDocumentName) {
  const found = referenceDocumentPaths.get(name);
  if (!found) throw new Error(`no reference document kind for ${name}`);
  return found;
}
