/**
 * Valuation anomaly: an item's declared value per kg (or per supplementary unit) compared with
 * reference statistics for its commodity and origin. A value far below the reference raises the
 * score, with a reason that shows both figures.
 *
 * - Declared value = the item's invoice amount converted to the national currency by the
 *   caller's `toNational` (the same measure the references are built from; freight and
 *   insurance are left out on both sides, so incoterms do not skew the comparison).
 * - Per kg = / net mass (DE 6/1); per supplementary unit = / the item quantity in the
 *   reference's unit (e.g. NAR). An item without that quantity, a zero mass or no exchange rate
 *   is not compared.
 * - Reference lookup: the longest commodity prefix with the item's origin, else the longest
 *   prefix for any origin ("*"). References with fewer than `minCount` observations are ignored.
 * - Rule: the lowest tier whose `belowPercent` the ratio is under applies; the declaration's
 *   contribution is the worst item's (items do not add up, so 999 cheap items are not 999 risks).
 */
import { Decimal } from 'decimal.js';
import * as z from 'zod';
import { countryCode, currencyCode, type Declaration, type DeclarationItem } from '#shared/domain/declaration.ts';

const positiveDecimal = z
  .string()
  .regex(/^(0|[1-9]\d{0,14})(\.\d{1,8})?$/, 'must be a decimal string such as "3.10"')
  // Guarded: the refinement also runs when the format check above has failed.
  .refine((s) => /^\d+(\.\d+)?$/.test(s) && new Decimal(s).gt(0), 'must be more than 0');

export const valuationReferenceSchema = z
  .object({
    /** Commodity code prefix, usually the 6-digit HS subheading. */
    commodity: z.string().regex(/^\d{2,10}$/, 'must be 2 to 10 digits of a commodity code'),
    /** Country of origin, or "*" for any origin. */
    origin: z.union([countryCode, z.literal('*')]),
    /** Unit the median is per: KGM (net mass) or a supplementary unit code such as NAR. */
    unit: z
      .string()
      .regex(/^[A-Z0-9]{3}$/)
      .default('KGM'),
    /** Median declared value per unit, in the table's currency. */
    median: positiveDecimal,
    /** Observations behind the median. */
    count: z.number().int().min(1),
  })
  .meta({ id: 'ValuationReference' });
export type ValuationReference = z.infer<typeof valuationReferenceSchema>;

export const valuationReferenceTableSchema = z
  .object({
    /** The national currency the medians are in. */
    currency: currencyCode,
    /** What the statistics cover, e.g. "declarations 2025-11 to 2026-10". */
    period: z.string().max(200).optional(),
    entries: z.array(valuationReferenceSchema).max(200_000),
  })
  .meta({ id: 'ValuationReferenceTable' });
export type ValuationReferenceTable = z.infer<typeof valuationReferenceTableSchema>;

export const valuationRuleSchema = z
  .object({
    /** An item whose ratio to the reference is under `belowPercent` % adds `scoreDelta`; the lowest tier reached applies. */
    tiers: z
      .array(z.object({ belowPercent: z.number().gt(0).max(100), scoreDelta: z.number().int().min(0).max(100) }))
      .min(1)
      .max(10),
    /** References with fewer observations are not used. */
    minCount: z.number().int().min(1),
  })
  .meta({ id: 'ValuationRule' });
export type ValuationRule = z.infer<typeof valuationRuleSchema>;

export const defaultValuationRule: ValuationRule = {
  tiers: [
    { belowPercent: 25, scoreDelta: 50 },
    { belowPercent: 50, scoreDelta: 30 },
  ],
  minCount: 5,
};

/** A reference ready for comparison. */
export interface IndexedReference {
  readonly commodity: string;
  readonly origin: string;
  readonly unit: string;
  readonly median: Decimal;
  readonly count: number;
}

/** Reference statistics indexed for lookup by (commodity code, origin). */
export interface ValuationReferences {
  readonly currency: string;
  readonly period: string | undefined;
  /** The reference for a full commodity code and origin, or undefined. */
  lookup(commodityCode: string, origin: string): IndexedReference | undefined;
}

const MEMO_LIMIT = 50_000;

/** Indexes a reference table (parse it with `valuationReferenceTableSchema` first if untrusted). */
export function buildValuationReferences(table: ValuationReferenceTable): ValuationReferences {
  const byKey = new Map<string, IndexedReference>();
  const lengths = new Set<number>();
  for (const entry of table.entries) {
    byKey.set(`${entry.commodity}|${entry.origin}`, {
      commodity: entry.commodity,
      origin: entry.origin,
      unit: entry.unit,
      median: new Decimal(entry.median),
      count: entry.count,
    });
    lengths.add(entry.commodity.length);
  }
  const descending = [...lengths].sort((a, b) => b - a);
  const find = (code: string, origin: string): IndexedReference | undefined => {
    for (const length of descending) {
      if (length > code.length) continue;
      const hit = byKey.get(`${code.slice(0, length)}|${origin}`);
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
  // Memo: code -> origin -> reference (null: none), so repeated lookups build no strings.
  const memo = new Map<string, Map<string, IndexedReference | null>>();
  let memoSize = 0;
  return {
    currency: table.currency,
    period: table.period,
    lookup(code, origin) {
      let byOrigin = memo.get(code);
      const cached = byOrigin?.get(origin);
      if (cached !== undefined) return cached ?? undefined;
      const found = find(code, origin) ?? find(code, '*');
      if (memoSize >= MEMO_LIMIT) {
        memo.clear();
        memoSize = 0;
        byOrigin = undefined;
      }
      if (byOrigin === undefined) {
        byOrigin = new Map();
        memo.set(code, byOrigin);
      }
      byOrigin.set(origin, found ?? null);
      memoSize += 1;
      return found;
    },
  };
}

/** Converts an amount in a currency to the national currency; undefined when no rate is known. */
export type ToNational = (amount: string, currency: string) => Decimal | undefined;

/** What scoring needs for valuation checks. */
export interface ValuationContext {
  references: ValuationReferences;
  toNational: ToNational;
  /** Default `defaultValuationRule`. */
  rule?: ValuationRule;
}

/** An item's declared value against its reference. */
export interface ItemValuation {
  /** The reference used, if any with enough observations. */
  readonly reference: IndexedReference | undefined;
  /** Declared value in the national currency. */
  readonly national: Decimal | undefined;
  /** Quantity in the reference's unit (net mass for KGM). */
  readonly quantity: Decimal | undefined;
  /** national / (quantity * median): the declared value per unit as a share of the reference. */
  readonly ratio: Decimal | undefined;
}

export const noValuation: ItemValuation = Object.freeze({
  reference: undefined,
  national: undefined,
  quantity: undefined,
  ratio: undefined,
});

/** Declared value per reference unit (national / quantity), if computable. */
export const perUnitOf = (valuation: ItemValuation): Decimal | undefined =>
  valuation.national === undefined || valuation.quantity === undefined ? undefined : valuation.national.div(valuation.quantity);

/** The item's invoice amount in the national currency (undefined without an exchange rate). */
export const nationalValue = (item: DeclarationItem, currency: string, context: ValuationContext): Decimal | undefined =>
  context.toNational(item.invoiceAmount, currency);

/** Value per kg of net mass; undefined for a zero mass. */
export function valuePerKg(national: Decimal, item: DeclarationItem): Decimal | undefined {
  const mass = new Decimal(item.netMassKg);
  return mass.gt(0) ? national.div(mass) : undefined;
}

/** The reference an item is compared with, if one has at least `minCount` observations. */
export function referenceFor(item: DeclarationItem, context: ValuationContext, minCount: number): IndexedReference | undefined {
  const found = context.references.lookup(item.commodityCode, item.origin);
  return found !== undefined && found.count >= minCount ? found : undefined;
}

/**
 * Compares an item with its reference. The ratio is one division of short operands,
 * national / (quantity * median), rather than a division of an already divided value.
 */
export function compareWithReference(item: DeclarationItem, national: Decimal | undefined, reference: IndexedReference): ItemValuation {
  let quantity: Decimal | undefined;
  if (reference.unit === 'KGM') {
    quantity = new Decimal(item.netMassKg);
  } else {
    const declared = item.quantities.find((q) => q.unit === reference.unit);
    quantity = declared === undefined ? undefined : new Decimal(declared.value);
  }
  if (quantity !== undefined && !quantity.gt(0)) quantity = undefined;
  const ratio = national === undefined || quantity === undefined ? undefined : national.div(quantity.times(reference.median));
  return { reference, national, quantity, ratio };
}

/** Values one item against its reference (all figures at once; scoring computes them lazily). */
export function valueItem(
  item: DeclarationItem,
  currency: string,
  context: ValuationContext,
  minCount = (context.rule ?? defaultValuationRule).minCount,
): ItemValuation & { perKg: Decimal | undefined; perUnit: Decimal | undefined } {
  const national = nationalValue(item, currency, context);
  const perKg = national === undefined ? undefined : valuePerKg(national, item);
  const reference = referenceFor(item, context, minCount);
  const valuation = reference === undefined ? { ...noValuation, national } : compareWithReference(item, national, reference);
  return { ...valuation, perKg, perUnit: reference === undefined ? undefined : perUnitOf(valuation) };
}

/** The rule's tiers as Decimal ratios, lowest first (cached per rule object). */
const tierCache = new WeakMap<ValuationRule, ReadonlyArray<{ limit: Decimal; belowPercent: number; scoreDelta: number }>>();
export function ruleTiers(rule: ValuationRule): ReadonlyArray<{ limit: Decimal; belowPercent: number; scoreDelta: number }> {
  let tiers = tierCache.get(rule);
  if (tiers === undefined) {
    tiers = [...rule.tiers]
      .sort((a, b) => a.belowPercent - b.belowPercent)
      .map((t) => ({ limit: new Decimal(t.belowPercent).div(100), belowPercent: t.belowPercent, scoreDelta: t.scoreDelta }));
    tierCache.set(rule, tiers);
  }
  return tiers;
}

// ---- figures as people read them --------------------------------------------------------------

const unitNames: Record<string, string> = { KGM: 'kg', NAR: 'item', NPR: 'pair', LTR: 'l', HLT: 'hl', MTK: 'm2', MTQ: 'm3', MTR: 'm' };
export const unitName = (unit: string): string => unitNames[unit] ?? unit;

/** 2 decimals (half-up) from 0.01 up; 2 significant digits below, so 0.0042 does not read 0.00. */
export function formatAmount(value: Decimal): string {
  if (value.isZero() || value.abs().gte(0.01)) return value.toFixed(2, Decimal.ROUND_HALF_UP);
  return value.toSignificantDigits(2, Decimal.ROUND_HALF_UP).toFixed();
}

/** A ratio as a percentage: whole percent from 10 %, one decimal below. */
export function formatPercent(ratio: Decimal): string {
  const percent = ratio.times(100);
  return `${percent.gte(10) ? percent.toFixed(0, Decimal.ROUND_HALF_UP) : percent.toFixed(1, Decimal.ROUND_HALF_UP)}%`;
}

/**
 * "declared 0.42 GBP/kg for 8510900000 from CN, reference median 3.10 GBP/kg (n=125): 14% of
 * reference". Needs a valuation with a reference and a ratio.
 */
export function describeValuation(item: DeclarationItem, valuation: ItemValuation, currency: string): string {
  const { reference, ratio } = valuation;
  const perUnit = perUnitOf(valuation);
  if (reference === undefined || perUnit === undefined || ratio === undefined) {
    return `no value reference for ${item.commodityCode} from ${item.origin}`;
  }
  const unit = `${currency}/${unitName(reference.unit)}`;
  // The usual reference (the item's HS subheading and origin) goes unnamed; any other is named.
  const usual = reference.origin === item.origin && reference.commodity === item.commodityCode.slice(0, 6);
  const scope = usual ? '' : ` for ${reference.commodity}${reference.origin === '*' ? ', any origin' : ` from ${reference.origin}`}`;
  return (
    `declared ${formatAmount(perUnit)} ${unit} for ${item.commodityCode} from ${item.origin}, ` +
    `reference median ${formatAmount(reference.median)} ${unit}${scope} (n=${reference.count}): ${formatPercent(ratio)} of reference`
  );
}

// ---- building references from past declarations ------------------------------------------------

export interface BuildReferencesOptions {
  /** National currency of the table. */
  currency: string;
  toNational: ToNational;
  /** Commodity prefix length to group by; default 6 (HS subheading). */
  digits?: number;
  /** Groups with fewer observations are left out; default 5. */
  minCount?: number;
  /** Also add an any-origin ("*") entry per commodity prefix; default true. */
  anyOrigin?: boolean;
  period?: string;
}

const median = (values: Decimal[]): Decimal => {
  const sorted = [...values].sort((a, b) => a.comparedTo(b));
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : sorted[middle - 1]!.plus(sorted[middle]!).div(2);
};

/**
 * Reference statistics (median value per kg, per commodity prefix and origin) from past
 * declarations, e.g. those released over the last year. Run offline or on a schedule; the
 * scoring worker only reads the resulting table.
 */
export function buildReferenceTable(declarations: Iterable<Declaration>, options: BuildReferencesOptions): ValuationReferenceTable {
  const digits = options.digits ?? 6;
  const minCount = options.minCount ?? 5;
  const groups = new Map<string, Decimal[]>();
  const add = (key: string, value: Decimal) => {
    const values = groups.get(key);
    if (values === undefined) groups.set(key, [value]);
    else values.push(value);
  };
  for (const declaration of declarations) {
    for (const item of declaration.items) {
      const mass = new Decimal(item.netMassKg);
      const national = options.toNational(item.invoiceAmount, declaration.valuation.currency);
      if (national === undefined || !mass.gt(0) || item.commodityCode.length < digits) continue;
      const perKg = national.div(mass);
      const commodity = item.commodityCode.slice(0, digits);
      add(`${commodity}|${item.origin}`, perKg);
      if (options.anyOrigin ?? true) add(`${commodity}|*`, perKg);
    }
  }
  const entries: ValuationReference[] = [];
  for (const [key, values] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (values.length < minCount) continue;
    const [commodity = '', origin = '*'] = key.split('|');
    const value = median(values).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
    if (!value.gt(0)) continue;
    entries.push({ commodity, origin, unit: 'KGM', median: value.toFixed(), count: values.length });
  }
  return { currency: options.currency, ...(options.period === undefined ? {} : { period: options.period }), entries };
}
