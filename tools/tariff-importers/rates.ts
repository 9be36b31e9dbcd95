/**
 * Exchange-rate importers: the monthly EUR -> GBP rates of the Trade Tariff (XI) file, and the ECB
 * euro reference rates of one day crossed through the euro into GBP for the other currencies.
 * Output rows say how many pounds one unit of the currency buys, per calendar month.
 */
import { Decimal } from 'decimal.js';
import * as z from 'zod';
import type { ExchangeRate } from '#shared/tariff/model.ts';
import { Dec } from '#shared/tariff/money.ts';

const monetaryRatesSchema = z.array(
  z.object({
    attributes: z.object({
      child_monetary_unit_code: z.string(),
      exchange_rate: z.string().regex(/^\d+(\.\d+)?$/),
      operation_date: z.string(),
      validity_start_date: z.string(),
    }),
  }),
);

/** data/uk-tariff/xi/monetary_exchange_rates.json: 1 EUR = `exchange_rate` GBP for the month starting `validity_start_date`. */
export function importMonetaryExchangeRates(input: unknown, source: string): ExchangeRate[] {
  const rows = monetaryRatesSchema.parse(input);
  const seen = new Set<string>();
  const rates: ExchangeRate[] = [];
  for (const { attributes: a } of rows) {
    if (a.child_monetary_unit_code !== 'GBP') continue;
    const period = a.validity_start_date.slice(0, 7);
    if (seen.has(period)) throw new Error(`${source}: two EUR rates for ${period}`);
    seen.add(period);
    rates.push({ currency: 'EUR', period, rate: a.exchange_rate, source: `${source} (operation date ${a.operation_date})` });
  }
  return rates;
}

const ecbSchema = z.object({
  base: z.literal('EUR'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  rates: z.record(z.string().regex(/^[A-Z]{3}$/), z.string().regex(/^\d+(\.\d+)?$/)),
});

/** Decimal places kept for a crossed rate (the division does not terminate). */
export const CROSS_RATE_DECIMALS = 10;

/**
 * ECB reference rates of one day (units per EUR) -> GBP per unit of each currency, crossed through
 * the euro (GBP per EUR / currency per EUR), half-up to 10 decimals, for the month of that day.
 * EUR itself is left to the monthly file; currencies in `skip` are left out.
 */
export function importEcbCrossRates(input: unknown, source: string, national: string, skip: ReadonlySet<string>): ExchangeRate[] {
  const ecb = ecbSchema.parse(input);
  const nationalPerEur = ecb.rates[national];
  if (!nationalPerEur) throw new Error(`${source}: no ${national} rate`);
  const period = ecb.date.slice(0, 7);
  return Object.entries(ecb.rates)
    .filter(([currency]) => currency !== national && !skip.has(currency))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, perEur]) => ({
      currency,
      period,
      rate: new Dec(nationalPerEur).div(perEur).toFixed(CROSS_RATE_DECIMALS, Decimal.ROUND_HALF_UP),
      source: `${source}: ECB reference rates of ${ecb.date} crossed through EUR (${national} ${nationalPerEur} / ${currency} ${perEur} per EUR); not an HMRC monthly rate`,
    }));
}
