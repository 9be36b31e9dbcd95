import type { ReferenceDocumentStore } from '../ports/reference-documents.ts';
import type { TariffSource } from '../ports/tariff-source.ts';
import { exchangeRatesSchema, tariffPackSchema } from '../tariff/model.ts';
import { TariffNotLoadedError } from '../usecases/assess-duty.ts';

/** The region's current tariff pack and exchange rates, from the reference documents. */
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
  };
}
