/**
 * The duty assessment: what a declaration owes and why, line by line. Amounts are decimal
 * strings (never JS numbers); zod schemas are the source of the types and of the OpenAPI doc.
 */
import * as z from 'zod';

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string');

/** CDS tax type codes: A00 customs duty, A20 additional duty, A30/A35 anti-dumping, A40/A45 countervailing, B00 VAT, 3-digit excise codes. */
export const taxTypeCode = z.string().regex(/^([A-Z]\d{2}|\d{3})$/, 'must be a CDS tax type code such as A00 or B00');

export const taxLineSchema = z
  .object({
    taxType: taxTypeCode,
    /** The amount the rate applies to: a money amount in the national currency, or a quantity with its unit. */
    base: z.object({ amount: decimalString, unit: z.string() }),
    /** The duty expression as the tariff writes it, e.g. "13.80% MIN 13.00 GBP / 100 kg". */
    expression: z.string(),
    /** The effective rate applied, e.g. "2.70%" or "144.10 GBP / 1000 kg". */
    rate: z.string(),
    /** Rounded half-up to 2 decimals (the line's amount owed). */
    amount: decimalString,
    /** Unrounded amount, carried into totals. */
    exactAmount: decimalString,
    measureId: z.string(),
    /** As a person reads it, e.g. "2.70% * £1,260.89". */
    calculation: z.string(),
  })
  .meta({ id: 'TaxLine' });
export type TaxLine = z.infer<typeof taxLineSchema>;

export const itemAssessmentSchema = z
  .object({
    itemIndex: z.number().int().nonnegative(),
    commodityCode: z.string(),
    /** Added: the tariff pack's code the declared code resolved to (its 8-digit line when the 10-digit code has none). */
    resolvedCommodityCode: z.string().optional(),
    /** Customs value in the national currency, 2 decimals. */
    customsValue: decimalString,
    lines: z.array(taxLineSchema),
    /** Added: what a reader should know about this item's assessment (preference not granted, conditions not evaluated, ...). */
    notes: z.array(z.string()).optional(),
  })
  .meta({ id: 'ItemAssessment' });
export type ItemAssessment = z.infer<typeof itemAssessmentSchema>;

export const assessmentSchema = z
  .object({
    currency: z.string(),
    tariffPackVersion: z.string(),
    exchangeRate: z.object({ from: z.string(), to: z.string(), rate: decimalString, period: z.string() }).nullable(),
    acceptanceDate: z.string(),
    items: z.array(itemAssessmentSchema),
    /** Per tax type, then overall; each the rounded sum of the unrounded lines. */
    totals: z.object({
      byTaxType: z.record(z.string(), decimalString),
      total: decimalString,
      /** Added: customs duties (A-codes), excise (3-digit codes) and VAT (B00), each the rounded sum of its unrounded lines. */
      byCategory: z.object({ duty: decimalString, excise: decimalString, vat: decimalString }).optional(),
    }),
    reliefs: z.array(z.string()),
    /** Added: other rates used, e.g. EUR -> GBP for specific duties expressed in euro. */
    otherExchangeRates: z.array(z.object({ from: z.string(), to: z.string(), rate: decimalString, period: z.string() })).optional(),
  })
  .meta({ id: 'Assessment' });
export type Assessment = z.infer<typeof assessmentSchema>;

/** What an assessment makes due, as the declaration's state keeps it: the total and per tax type. */
export const amountDueOf = (assessment: Assessment) => ({
  amount: assessment.totals.total,
  currency: assessment.currency,
  byTaxType: assessment.totals.byTaxType,
});
