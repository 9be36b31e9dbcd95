/**
 * A region's tariff as data (a "tariff pack") and the exchange rates the duty calculation uses.
 * The zod schemas are the source of the TypeScript types and what the admin API validates a pack
 * or a rate table against before loading it. Every amount is a decimal string, never a JS number.
 *
 * A pack is versioned by a hash of its content (see `pack.ts`): an assessment records the version
 * it was made with, and loading another pack never changes an assessment already made.
 * The model and its sources are described in docs/tariff.md.
 */
import * as z from 'zod';

export const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "12.50"');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in the form YYYY-MM-DD');
const monthDay = z.string().regex(/^\d{2}-\d{2}$/, 'must be a month and day in the form MM-DD');
const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code');

/**
 * One term of a duty expression, in order. The first term's `op` is always '+'.
 * - no `currency`: a percentage (`amount` %) of the customs value, or of the retail price when
 *   `unit` is RET;
 * - with `currency`: a specific amount per `unit` (a TARIC measurement unit such as DTN = 100 kg,
 *   HLT = hl, NAR = item) with an optional TARIC qualifier (E drained net weight, I biodiesel, ...).
 *   ASV + qualifier X is "per % vol per hl".
 * MIN and MAX split the expression: `A MIN B` is at least B; `A MAX B - C` is at most (B - C).
 */
export const dutyComponentSchema = z.object({
  op: z.enum(['+', '-', 'MIN', 'MAX']),
  amount: decimalString,
  currency: currencyCode.optional(),
  unit: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  qualifier: z
    .string()
    .regex(/^[A-Z]$/)
    .optional(),
});
export type DutyComponent = z.infer<typeof dutyComponentSchema>;

export const dutyExpressionSchema = z.object({
  /** Canonical text, e.g. "13.80% MIN 13.00 GBP / 100 kg". */
  text: z.string(),
  components: z.array(dutyComponentSchema).min(1),
});
export type DutyExpression = z.infer<typeof dutyExpressionSchema>;

/**
 * A measure condition as the tariff publishes it. The engine evaluates two kinds:
 * document conditions whose action applies an amount (the condition whose `document` the item
 * declares wins, else the one without a document) and entry-price conditions (code V, first
 * `threshold` the unit price reaches). Anything else is kept and listed, not evaluated.
 */
export const measureConditionSchema = z.object({
  code: z.string(),
  document: z.string().optional(),
  action: z.string().optional(),
  threshold: z
    .object({
      amount: decimalString,
      currency: currencyCode.optional(),
      unit: z.string().optional(),
      qualifier: z.string().optional(),
    })
    .optional(),
  duty: dutyExpressionSchema.optional(),
  requirement: z.string().optional(),
});
export type MeasureCondition = z.infer<typeof measureConditionSchema>;

export const measureSchema = z.object({
  /** Measure SID from the Trade Tariff, or "ukgt-<code>[-s<n>]" for a UK Global Tariff line. */
  id: z.string(),
  /** TARIC/UK measure type: 103 third country duty, 142 tariff preference, 552 anti-dumping, 305 VAT, 306 excise, ... */
  type: z.string(),
  /** Geographical area: a country code or a group id (e.g. 1011 erga omnes, 1013 European Union). */
  area: z.string(),
  /** Countries (or groups) the area excludes. */
  excluded: z.array(z.string()).optional(),
  additionalCode: z.string().optional(),
  /** Validity, both ends inclusive. */
  from: isoDate,
  to: isoDate.optional(),
  /** Recurring window within each year (inclusive, may wrap the year end): seasonal rates. */
  season: z.object({ from: monthDay, to: monthDay }).optional(),
  duty: dutyExpressionSchema.optional(),
  conditions: z.array(measureConditionSchema).optional(),
  /** Quota order number (quota measures are listed, not applied: no quota balance data). */
  quota: z.string().optional(),
  /** For supplementary-unit measures (109): the unit to declare. */
  supplementaryUnit: z.string().optional(),
  /** Why the engine cannot evaluate this measure (it is still listed). */
  unsupported: z.string().optional(),
  /** Where it came from: "ukgt" (UK Global Tariff CSV) or "uk-api" (Trade Tariff API document). */
  source: z.enum(['ukgt', 'uk-api']),
});
export type Measure = z.infer<typeof measureSchema>;

export const commoditySchema = z.object({
  description: z.string(),
  /** UKGT flags: trade-remedy, suspension, quota (informative). */
  flags: z.array(z.string()).optional(),
  measures: z.array(measureSchema),
});
export type Commodity = z.infer<typeof commoditySchema>;

export const unparsedLineSchema = z.object({
  source: z.string(),
  /** 1-based data row (after the header) and the physical line it starts on. */
  row: z.number().int().positive(),
  line: z.number().int().positive(),
  commodity: z.string(),
  text: z.string(),
  reason: z.string(),
});
export type UnparsedLine = z.infer<typeof unparsedLineSchema>;

export const tariffPackSchema = z
  .object({
    format: z.literal('customs-clearance/tariff-pack@1'),
    /** "<region>-<first 16 hex of the SHA-256 of the canonical content without this field>". */
    version: z.string().regex(/^[A-Z]{2}-[0-9a-f]{16}$/),
    region: z.string().regex(/^[A-Z]{2}$/),
    currency: currencyCode,
    nomenclature: z.string(),
    validFrom: isoDate,
    sources: z.array(z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), records: z.number().int() })),
    measureTypes: z.record(z.string(), z.object({ description: z.string() })),
    countries: z.record(z.string(), z.string()),
    geographicalAreas: z.record(z.string(), z.object({ description: z.string(), members: z.array(z.string()) })),
    /** VAT rate per VAT code ("VAT" standard, "VATR" reduced, "VATZ" zero); used where a commodity lists no VAT measure. */
    vat: z.object({ standard: z.string(), rates: z.record(z.string(), decimalString) }),
    commodities: z.record(z.string().regex(/^(\d{8}|\d{10})$/), commoditySchema),
    /** Source lines the importer could not turn into the expression model (kept out of the measures). */
    unparsed: z.array(unparsedLineSchema),
    /** Lines that parsed but need data a plain declaration lacks (qualified quantities); their measures are kept. */
    unsupported: z.array(unparsedLineSchema),
    report: z.object({
      ukgt: z.object({
        rows: z.number().int(),
        parsed: z.number().int(),
        measures: z.number().int(),
        shapes: z.array(z.object({ shape: z.string(), count: z.number().int(), example: z.string(), outcome: z.string() })),
      }),
      documents: z.array(z.object({ file: z.string(), code: z.string(), measures: z.number().int(), unsupported: z.number().int() })),
      warnings: z.array(z.string()),
    }),
  })
  .meta({ id: 'TariffPack' });
export type TariffPack = z.infer<typeof tariffPackSchema>;

/** One monthly rate: `rate` units of the national currency buy one unit of `currency`. */
export const exchangeRateSchema = z.object({
  currency: currencyCode,
  /** Calendar month the rate applies to, YYYY-MM (rates are set per month of acceptance). */
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  rate: decimalString,
  source: z.string(),
});
export type ExchangeRate = z.infer<typeof exchangeRateSchema>;

export const exchangeRatesSchema = z
  .object({
    format: z.literal('customs-clearance/exchange-rates@1'),
    version: z.string(),
    nationalCurrency: currencyCode,
    // Bounded so a hostile upload is refused on its length, not after validating every entry.
    rates: z.array(exchangeRateSchema).max(20_000),
    notes: z.array(z.string().max(1000)).max(1000),
  })
  .meta({ id: 'ExchangeRates' });
export type ExchangeRates = z.infer<typeof exchangeRatesSchema>;

/** Relief for low-value consignments, configured per region. */
export const deMinimisSchema = z.object({
  /** Consignments whose intrinsic value (sum of the items' invoice amounts) does not exceed this are relieved. */
  thresholdValue: decimalString,
  currency: currencyCode,
  /** Tax types relieved, e.g. ["A00", "A20"]. */
  appliesTo: z.array(z.string()),
});
export type DeMinimis = z.infer<typeof deMinimisSchema>;
