/**
 * Exchange rates for an assessment: the rate table indexed by currency and month (built once per
 * table object and cached), the rate for a currency in a month, and conversion of an amount into
 * the national currency.
 */
import type { ExchangeRates } from './model.ts';
import { Dec } from './money.ts';

/** A rate into the national currency, as a decimal and as published (the text goes into the assessment). */
export interface RateEntry {
  readonly rate: Dec;
  readonly text: string;
}

/** The rates of a table by "currency|YYYY-MM". */
export type RateIndex = ReadonlyMap<string, RateEntry>;

const rateIndexes = new WeakMap<ExchangeRates, RateIndex>();
export function rateIndex(rates: ExchangeRates): RateIndex {
  let index = rateIndexes.get(rates);
  if (!index) {
    const map = new Map<string, RateEntry>();
    for (const r of rates.rates) map.set(`${r.currency}|${r.period}`, { rate: new Dec(r.rate), text: r.rate });
    index = map;
    rateIndexes.set(rates, index);
  }
  return index;
}

/** The rate from `currency` into the national currency for the month `period` (YYYY-MM), if the table has one. */
export const rateFor = (rates: RateIndex, currency: string, period: string): RateEntry | undefined => rates.get(`${currency}|${period}`);

/** `amount` in the national currency: times `rate`, or as it is when there is no rate (already national). */
export const toNational = (amount: Dec, rate: RateEntry | undefined): Dec => (rate ? amount.times(rate.rate) : amount);
