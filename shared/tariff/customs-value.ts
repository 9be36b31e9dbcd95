/**
 * Customs value of each item: the invoice amount plus its share (by invoice value) of the freight
 * and insurance the incoterm leaves out of the price, converted to the national currency at the
 * rate for the month of acceptance, rounded half-up to 2 decimals. The declaration-wide sums are
 * computed once (`customsValueBasis`), then each item's value from them (`itemCustomsValue`).
 */
import type { Declaration } from '#shared/domain/declaration.ts';
import { type RateEntry, toNational } from './exchange.ts';
import { Dec, round2, ZERO } from './money.ts';

/** Incoterms whose price stops before the main carriage: freight and insurance to the border are added. */
const FREIGHT_NOT_INCLUDED = new Set(['EXW', 'FCA', 'FAS', 'FOB']);
/** Incoterms whose price excludes insurance: EXW, FCA, FAS, FOB and CFR, CPT (carriage paid, insurance the buyer's). */
const INSURANCE_NOT_INCLUDED = new Set(['EXW', 'FCA', 'FAS', 'FOB', 'CFR', 'CPT']);

/** What the items' customs values are apportioned from, once per declaration. */
export interface CustomsValueBasis {
  /** Each item's invoice amount, in the declaration currency. */
  readonly invoiceAmounts: readonly Dec[];
  readonly invoiceSum: Dec;
  /** Freight and insurance the price does not include, in the declaration currency. */
  readonly additions: Dec;
  /** (invoice sum + additions) in the national currency. */
  readonly grossedUp: Dec;
  /** The declaration currency's rate; undefined when it is the national currency. */
  readonly rate: RateEntry | undefined;
}

export function customsValueBasis(declaration: Declaration, rate: RateEntry | undefined): CustomsValueBasis {
  const valuation = declaration.valuation;
  // Freight and insurance the price does not include, apportioned by invoice value.
  const freight = FREIGHT_NOT_INCLUDED.has(valuation.incoterm) && valuation.freight ? new Dec(valuation.freight) : ZERO;
  const insurance = INSURANCE_NOT_INCLUDED.has(valuation.incoterm) && valuation.insurance ? new Dec(valuation.insurance) : ZERO;
  const additions = freight.plus(insurance);
  const invoiceAmounts = declaration.items.map((item) => new Dec(item.invoiceAmount));
  const invoiceSum = invoiceAmounts.reduce((a, b) => a.plus(b), ZERO);
  const grossedUp = toNational(invoiceSum.plus(additions), rate);
  return { invoiceAmounts, invoiceSum, additions, grossedUp, rate };
}

/** The customs value of item `index` in the national currency, rounded half-up to 2 decimals. */
export function itemCustomsValue(basis: CustomsValueBasis, index: number): Dec {
  const { invoiceAmounts, invoiceSum, additions, grossedUp, rate } = basis;
  // (invoice + additions x invoice / sum) x rate, computed as invoice x ((sum + additions) x rate) / sum:
  // one division, one rounding at 40 significant digits, then half-up to 2 decimals.
  const invoice = invoiceAmounts[index]!;
  return round2(
    additions.isZero()
      ? toNational(invoice, rate)
      : invoiceSum.isZero()
        ? toNational(invoice.plus(additions.div(invoiceAmounts.length)), rate)
        : invoice.times(grossedUp).div(invoiceSum),
  );
}
