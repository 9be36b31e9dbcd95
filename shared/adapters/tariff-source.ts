import type { ReferenceDocumentStore } from '#shared/ports/reference-documents.ts';
import { TariffNotLoadedError, type TariffSource } from '#shared/ports/tariff-source.ts';
import { alcoholDutyRatesSchema } from '#shared/tariff/alcohol-duty-rates.ts';
import { exchangeRatesSchema, tariffPackSchema } from '#shared/tariff/model.ts';

/** The region's current tariff pack, exchange rates and alcohol duty rates, from the reference documents. */
export function tariffFromReferenceDocuments(store: ReferenceDocumentStore): TariffSource {
  return {
    async asOf(at: string) {
      const [pack, rates] = await Promise.all([
        store.asOf('tariffPack', at, (raw) => tariffPackSchema.parse(raw)),
        store.asOf('exchangeRates', at, (raw) => exchangeRatesSchema.parse(raw)),
      ]);
      if (!pack) throw new TariffNotLoadedError('the tariff pack is');
      if (!rates) throw new TariffNotLoadedError('the exchange rates are');
      return { pack: pack.document, rates: rates.document };
    },
    async alcoholDutyRatesAsOf(at: string) {
      return (await store.asOf('alcoholDutyRates', at, (raw) => alcoholDutyRatesSchema.parse(raw)))?.document;
    },
  };
}
