/** The region's tariff packs and exchange rates, by the moment they were in force. */
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { ExchangeRates, TariffPack } from '#shared/tariff/model.ts';

export interface TariffSource {
  /** The tariff pack and exchange rates of the region that were current at `at` (ISO date-time). */
  asOf(at: string): Promise<{ pack: TariffPack; rates: ExchangeRates }>;
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
