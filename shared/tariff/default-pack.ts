/**
 * The committed GB pack and exchange rates (built by tools/build-tariff-pack.ts), read from
 * generated/tariff/ next to this module. Read once per process and cached; not validated
 * (the build and tests/unit/tariff guarantee the shapes). Packs loaded through the admin API go
 * through `loadTariffPack` / `loadExchangeRates` instead.
 *
 * Note for bundling: this reads the files at run time (relative to this module), so a bundle
 * must ship them alongside, or import the JSON statically (a 4 MB JSON import adds ~5 s to tsc).
 */
import { readFileSync } from 'node:fs';
import type { ExchangeRates, TariffPack } from './model.ts';

let pack: TariffPack | undefined;
let rates: ExchangeRates | undefined;

export const defaultTariffPackUrl = new URL('../../generated/tariff/gb-tariff-pack.json', import.meta.url);
export const defaultExchangeRatesUrl = new URL('../../generated/tariff/exchange-rates.json', import.meta.url);

export function defaultTariffPack(): TariffPack {
  pack ??= Object.freeze(JSON.parse(readFileSync(defaultTariffPackUrl, 'utf8')) as TariffPack);
  return pack;
}

export function defaultExchangeRates(): ExchangeRates {
  rates ??= Object.freeze(JSON.parse(readFileSync(defaultExchangeRatesUrl, 'utf8')) as ExchangeRates);
  return rates;
}
