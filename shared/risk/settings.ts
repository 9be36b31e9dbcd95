/** Region-wide risk settings an administrator loads as a reference document. */
import * as z from 'zod';
import { riskThresholdsSchema } from './score.ts';
import { selectionConfigSchema } from './selection.ts';
import { valuationRuleSchema } from './valuation.ts';

/** Region-wide risk settings an administrator loads (a reference document). */
export const riskSettingsSchema = z
  .strictObject({
    selection: selectionConfigSchema,
    thresholds: riskThresholdsSchema,
    valuationRule: valuationRuleSchema.optional(),
  })
  .meta({ id: 'RiskSettings' });
export type RiskSettings = z.infer<typeof riskSettingsSchema>;
