/**
 * Tariff: packs (a region's tariff as data), exchange rates, duty assessment and commodity
 * lookup. See docs/tariff.md.
 */
export { assessDeclaration, type AssessmentContext, type AssessmentResult } from './engine.ts';
export { lookupCommodity, type CommodityLookup, type MeasureView } from './lookup.ts';
export { loadExchangeRates, loadTariffPack, packVersion, ratesVersion, canonicalJson, type Loaded } from './pack.ts';
export { defaultExchangeRates, defaultTariffPack } from './default-pack.ts';
export {
  deMinimisSchema,
  exchangeRatesSchema,
  tariffPackSchema,
  type DeMinimis,
  type DutyComponent,
  type DutyExpression,
  type ExchangeRate,
  type ExchangeRates,
  type Measure,
  type TariffPack,
} from './model.ts';
export { assessmentSchema, type Assessment, type ItemAssessment, type TaxLine } from './assessment.ts';
