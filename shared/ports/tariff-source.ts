/** The region's tariff packs, exchange rates and alcohol duty rate tables, by the moment they were in force. */
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { AlcoholDutyRates } from '#shared/tariff/alcohol-duty-rates.ts';
import type { ExchangeRates, TariffPack } from '#shared/tariff/model.ts';

export interface TariffSource {
  /** The tariff pack and exchange rates of the region that were current at `at` (ISO date-time). */
  asOf(at: string): Promise<{ pack: TariffPack; rates: ExchangeRates }>;
  /**
   * HMRC's Alcohol Duty rate table as loaded at `at` (ISO date-time), undefined when the region has
   * none. Read only for declarations with alcohol: the table picks its rate period by date itself.
   */
  alcoholDutyRatesAsOf(at: string): Promise<AlcoholDutyRates | undefined>;
}

/** What a tariff source throws when the region has no tariff pack or exchange rates loaded yet. */
export class TariffNotLoadedError extends DomainError {
  constructor(what: string) {
    super('UNPROCESSABLE', 'Tariff not loaded', [
      problem(
        '',
        'TARIFF_NOT_LOADED',
        `${what} not loaded for this region; an administrator loads it with PUT /v1/admin/reference-documents/...`,
      ),
    ]);
  }
}
