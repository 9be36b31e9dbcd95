/**
 * The committed GB pack and exchange rates (built by tools/build-tariff-pack.ts into
 * generated/tariff/) and HMRC's Alcohol Duty rate table (data/), for the local cloud's seed, the
 * benchmarks and the tests; never bundled
 * into a Lambda function (a region's pack reaches the platform through the admin API, which runs
 * it through `loadTariffPack` / `loadExchangeRates`). Read once per process and cached; not
 * validated here (the build and tests/unit/tariff guarantee the shapes).
 */
import { readFileSync } from 'node:fs';
import { type AlcoholDutyRates, alcoholDutyRatesSchema } from '#shared/tariff/alcohol-duty-rates.ts';
import type { ExchangeRates, TariffPack } from '#shared/tariff/model.ts';

let pack: TariffPack | undefined;
let rates: ExchangeRates | undefined;

export const defaultTariffPackUrl = new URL('../generated/tariff/gb-tariff-pack.json', import.meta.url);
export const defaultExchangeRatesUrl = new URL('../generated/tariff/exchange-rates.json', import.meta.url);
/** HMRC's Alcohol Duty rate table as published (data/SOURCES.md section 9): loaded unchanged. */
export const defaultAlcoholDutyRatesUrl = new URL('../data/uk-tariff/alcohol-duty-rates/alcohol-duty-rates.json', import.meta.url);

let alcoholDutyRates: AlcoholDutyRates | undefined;

export function defaultTariffPack(): TariffPack {
  pack ??= Object.freeze(JSON.parse(readFileSync(defaultTariffPackUrl, 'utf8')) as TariffPack);
  return pack;
}

export function defaultExchangeRates(): ExchangeRates {
  rates ??= Object.freeze(JSON.parse(readFileSync(defaultExchangeRatesUrl, 'utf8')) as ExchangeRates);
  return rates;
}

/** HMRC's rate table, validated (it is small, and the schema is what the admin API applies). */
export function defaultAlcoholDutyRates(): AlcoholDutyRates {
  alcoholDutyRates ??= alcoholDutyRatesSchema.parse(JSON.parse(readFileSync(defaultAlcoholDutyRatesUrl, 'utf8')));
  return alcoholDutyRates;
}
