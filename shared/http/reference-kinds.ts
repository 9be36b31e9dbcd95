import type { z } from 'zod';
import { DomainError, problem } from '../domain/problems.ts';
import { valuationReferenceTableSchema } from '../risk/valuation.ts';
import { exchangeRatesSchema, tariffPackSchema } from '../tariff/model.ts';
import type { ReferenceDocumentKind } from '../usecases/reference-documents.ts';
import { riskSettingsSchema } from '../usecases/score-risk.ts';

/** Path names of the reference documents an administrator loads, with their schemas. */
export const referenceDocumentPaths: Record<string, { kind: ReferenceDocumentKind; schema: z.ZodType }> = {
  'tariff-pack': { kind: 'tariffPack', schema: tariffPackSchema },
  'exchange-rates': { kind: 'exchangeRates', schema: exchangeRatesSchema },
  'valuation-references': { kind: 'valuationReferences', schema: valuationReferenceTableSchema },
  'risk-settings': { kind: 'riskSettings', schema: riskSettingsSchema },
};

export function referenceDocumentPath(name: string) {
  const found = referenceDocumentPaths[name];
  if (!found) {
    throw new DomainError('NOT_FOUND', 'Not found', [
      problem('/kind', 'UNKNOWN_REFERENCE_DOCUMENT', `no reference document '${name}'; expected one of ${Object.keys(referenceDocumentPaths).join(', ')}`),
    ]);
  }
  return found;
}
