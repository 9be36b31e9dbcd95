/**
 * A physical or documentary inspection an officer records on a declaration under review: the
 * result, what was found (internal), and corrections to items. Corrections re-assess the
 * declaration with the same duty engine and the reference documents in force at acceptance; the
 * difference per tax type is the additional amount due (positive) or the amount to repay
 * (negative). Post-clearance corrections of the customs debt follow UCC Art. 48 (control) and
 * Art. 105 (entry of a further amount in the accounts).
 */
import * as z from 'zod';
import type { Assessment } from '#shared/tariff/assessment.ts';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import { type Declaration, itemSchema } from './declaration.ts';
import { problemSchema } from './problems.ts';
import { plainText } from './text.ts';

export const inspectionResults = ['NO_DISCREPANCY', 'DISCREPANCY'] as const;

/** What the officer found different on one item; only the fields given change. */
export const itemCorrectionSchema = z
  .strictObject({
    itemIndex: z.number().int().min(0).max(998),
    commodityCode: itemSchema.shape.commodityCode.optional(),
    origin: itemSchema.shape.origin.optional(),
    quantities: itemSchema.shape.quantities.unwrap().min(1).optional(),
    netMassKg: itemSchema.shape.netMassKg.optional(),
    invoiceAmount: itemSchema.shape.invoiceAmount.optional(),
  })
  .refine((correction) => Object.keys(correction).length > 1, { message: 'name at least one field to correct' })
  .meta({ id: 'ItemCorrection' });
export type ItemCorrection = z.infer<typeof itemCorrectionSchema>;

export const inspectionRequestSchema = z
  .strictObject({
    result: z.enum(inspectionResults),
    /** Internal: what the officer found (customs only). */
    findings: plainText(2000),
    corrections: z.array(itemCorrectionSchema).max(99).default([]),
  })
  .superRefine((request, context) => {
    if (request.result === 'NO_DISCREPANCY' && request.corrections.length > 0)
      context.addIssue({ code: 'custom', path: ['corrections'], message: 'an inspection without discrepancy corrects nothing' });
    const seen = new Set<number>();
    request.corrections.forEach((correction, index) => {
      if (seen.has(correction.itemIndex))
        context.addIssue({ code: 'custom', path: ['corrections', index, 'itemIndex'], message: 'correct each item once' });
      seen.add(correction.itemIndex);
    });
  })
  .meta({ id: 'InspectionRequest' });
export type InspectionRequest = z.infer<typeof inspectionRequestSchema>;

const signedMoney = z.string().regex(/^-?\d+\.\d{2}$/);

export const assessmentDifferenceSchema = z
  .object({
    /** Revised minus original, per tax type: positive is owed in addition, negative is to be repaid. */
    byTaxType: z.record(z.string(), signedMoney),
    total: signedMoney,
    outcome: z.enum(['ADDITIONAL_AMOUNT_DUE', 'AMOUNT_TO_REPAY', 'NO_CHANGE']),
  })
  .meta({ id: 'AssessmentDifference' });
export type AssessmentDifference = z.infer<typeof assessmentDifferenceSchema>;

/** The inspection as stored on the declaration (the revised assessment is stored beside the original). */
export const inspectionSchema = z
  .object({
    result: z.enum(inspectionResults),
    findings: z.string(),
    officerId: z.string(),
    at: z.string(),
    corrections: z.array(itemCorrectionSchema),
    /** Set when corrections re-assessed the declaration. */
    difference: assessmentDifferenceSchema.optional(),
    /** Problems that stopped the re-assessment (e.g. a corrected code without a quantity the duty needs). */
    reassessmentProblems: z.array(problemSchema).optional(),
  })
  .meta({ id: 'Inspection' });
export type Inspection = z.infer<typeof inspectionSchema>;

/** The declaration with the officer's corrections applied; undefined fields stay as declared. */
export function applyCorrections(declaration: Declaration, corrections: readonly ItemCorrection[]): Declaration {
  const items = declaration.items.map((item) => ({ ...item }));
  for (const { itemIndex, ...fields } of corrections) {
    const item = items[itemIndex];
    if (!item) continue; // checked by the caller (ITEM_NOT_FOUND)
    Object.assign(item, Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)));
  }
  return { ...declaration, items };
}

/** Revised minus original per tax type and in total, to the penny (amounts are decimal strings). */
export function assessmentDifference(original: Assessment | undefined, revised: Assessment): AssessmentDifference {
  const before = original?.totals.byTaxType ?? {};
  const after = revised.totals.byTaxType;
  const byTaxType: Record<string, string> = {};
  for (const taxType of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    byTaxType[taxType] = fixed2(new Dec(after[taxType] ?? '0').minus(before[taxType] ?? '0'));
  }
  const total = new Dec(revised.totals.total).minus(original?.totals.total ?? '0');
  return {
    byTaxType,
    total: fixed2(total),
    outcome: total.greaterThan(ZERO) ? 'ADDITIONAL_AMOUNT_DUE' : total.lessThan(ZERO) ? 'AMOUNT_TO_REPAY' : 'NO_CHANGE',
  };
}
