/**
 * What the commodity look-up answers (`GET /v1/tariff/commodities/{code}`): a commodity and the
 * measures that apply for an origin and date. The schema is the answer's type, its OpenAPI
 * description and what the console parses it with; `lookup.ts` builds it from a pack.
 */
import * as z from 'zod';
import type { MeasureRole } from './measure-types.ts';
import { measureConditionSchema, measureSchema } from './model.ts';

export const measureRoles = [
  'third-country',
  'preference',
  'additional',
  'anti-dumping',
  'countervailing',
  'excise',
  'vat',
  'listed',
] as const satisfies readonly MeasureRole[];

export const measureViewSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    typeDescription: z.string(),
    role: z.enum(measureRoles),
    /** CDS tax type the measure's amount is declared under (A00, A30, B00, 611, ...). */
    taxType: z.string().optional(),
    area: z.object({ id: z.string(), description: z.string() }),
    excluded: z.array(z.string()).optional(),
    additionalCode: z.string().optional(),
    validFrom: z.string(),
    validTo: z.string().optional(),
    season: z.object({ from: z.string(), to: z.string() }).optional(),
    /** The duty as text ("10.00% + 77.00 GBP / 100 kg"); conditional duties are under `conditions`. */
    duty: z.string().optional(),
    conditions: z.array(measureConditionSchema).optional(),
    quota: z.string().optional(),
    supplementaryUnit: z.string().optional(),
    /** False when the engine cannot evaluate it; `note` says why. */
    evaluable: z.boolean(),
    note: z.string().optional(),
    source: z.union([measureSchema.shape.source, z.literal('pack-default')]),
  })
  .meta({ id: 'MeasureView', description: 'A measure as the look-up lists it' });
export type MeasureView = z.infer<typeof measureViewSchema>;

export const commodityLookupSchema = z
  .object({
    /** The code asked for. */
    code: z.string(),
    /** The pack code it resolved to (the 8-digit line when a 10-digit code has no line of its own). */
    resolvedCode: z.string(),
    description: z.string(),
    flags: z.array(z.string()),
    tariffPackVersion: z.string(),
    date: z.string(),
    origin: z.string().optional(),
    measures: z.array(measureViewSchema),
  })
  .meta({ id: 'CommodityLookup', description: 'A commodity and the measures in force for an origin and date' });
export type CommodityLookup = z.infer<typeof commodityLookupSchema>;
