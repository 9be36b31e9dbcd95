/** Revenue reconciliation (docs/revenue.md): released imports' tax lines against what the ledger booked, per tax type. */
import * as z from 'zod';

/** The tax type under which a difference in postponed VAT (recorded, not charged) is listed. */
export const POSTPONED_VAT = 'B00 (postponed)';

export const revenueDifferenceSchema = z.object({
  declarationId: z.string(),
  taxType: z.string().meta({ description: `A CDS tax type, or "${POSTPONED_VAT}" for VAT recorded under postponed VAT accounting` }),
  expected: z.string(),
  booked: z.string(),
});
export type RevenueDifference = z.infer<typeof revenueDifferenceSchema>;

export const reconciliationSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    declarations: z.number().int().meta({ description: 'Released imports lodged in the period, reconciled' }),
    unreadable: z.number().int().meta({ description: 'Declarations whose body could not be read (not reconciled)' }),
    totals: z.object({
      expected: z.record(z.string(), z.string()),
      booked: z.record(z.string(), z.string()),
      postponedVat: z.string().meta({ description: 'VAT recorded under postponed VAT accounting, not charged' }),
    }),
    differences: z.array(revenueDifferenceSchema),
  })
  .meta({ id: 'RevenueReconciliation' });
export type Reconciliation = z.infer<typeof reconciliationSchema>;
