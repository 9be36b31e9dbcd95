import { exchangeRatesSchema, tariffPackSchema } from '../tariff/model.ts';
import { TariffNotLoadedError, type TariffSource } from '../usecases/assess-duty.ts';
import type { ReferenceDocumentStore } from '../usecases/reference-documents.ts';

/** The region's current tariff pack and exchange rates, from the reference documents. */
export function tariffFromReferenceDocuments(store: ReferenceDocumentStore): TariffSource {
  return {
    async current() {
      const [pack, rates] = await Promise.all([
        store.current('tariffPack', (raw) => tariffPackSchema.parse(raw)),
        store.current('exchangeRates', (raw) => exchangeRatesSchema.parse(raw)),
      ]);
      if (!pack) throw new TariffNotLoadedError('the tariff pack is');
      if (!rates) throw new TariffNotLoadedError('the exchange rates are');
      return { pack: pack.document, rates: rates.document };
    },
  };
}
