/**
 * What the commodity look-up answers (`GET /v1/tariff/commodities/{code}`): a commodity and the
 * measures that apply for an origin and date. The schema is the answer's type, its OpenAPI
 * description and what the console parses it with; `lookup.ts` builds it from a pack.
 */
import * as z from 'zod';
import { alcoholTypes, rateTypes } from './alcohol-duty-rates.ts';
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

export const alcoholDutyViewSchema = z
  .object({
    /** What the commodity is, and the alcohol types of HMRC's table it may be declared as. */
    product: z.string(),
    alcoholTypes: z.array(z.enum(alcoholTypes)),
    /** The rate period in force on the date (absent when none is: `note` says why). */
    ratePeriod: z.object({ name: z.string(), from: z.string(), to: z.string().optional() }).optional(),
    bands: z.array(
      z.object({
        /** Declared as additional code X + this tax type. */
        taxType: z.string(),
        description: z.string(),
        rateType: z.enum(rateTypes),
        /** GBP per litre of pure alcohol; absent for small producer relief (the declarant states its rate). */
        rate: z.string().optional(),
        abvRanges: z.array(z.object({ alcoholType: z.enum(alcoholTypes), minABV: z.string(), maxABV: z.string() })),
      }),
    ),
    note: z.string().optional(),
  })
  .meta({ id: 'AlcoholDutyView', description: "The Alcohol Duty tax types of a chapter 22 commodity on a date, from HMRC's rate table" });
export type AlcoholDutyView = z.infer<typeof alcoholDutyViewSchema>;

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
    /** Added for goods that owe Alcohol Duty (headings 2203-2208): the tax types to declare and their rates. */
    alcoholDuty: alcoholDutyViewSchema.optional(),
  })
  .meta({ id: 'CommodityLookup', description: 'A commodity and the measures in force for an origin and date' });
export type CommodityLookup = z.infer<typeof commodityLookupSchema>;
