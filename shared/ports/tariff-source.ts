/** The region's tariff packs and exchange rates, by the moment they were in force. */
import type { ExchangeRates, TariffPack } from '#shared/tariff/model.ts';

export interface TariffSource {
  /** The tariff pack and exchange rates of the region that were current at `at` (ISO date-time). */
  asOf(at: string): Promise<{ pack: TariffPack; rates: ExchangeRates }>;
}
