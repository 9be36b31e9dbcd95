/**
 * Tariff: packs (a region's tariff as data), exchange rates, duty assessment and commodity
 * lookup. See docs/tariff.md.
 */

export { type AssessmentContext, type AssessmentResult, assessDeclaration } from './assess-declaration.ts';
export { type Assessment, assessmentSchema, type ItemAssessment, type TaxLine } from './assessment.ts';
export { type CommodityLookup, lookupCommodity, type MeasureView } from './lookup.ts';
export {
  type DeMinimis,
  type DutyComponent,
  type DutyExpression,
  deMinimisSchema,
  type ExchangeRate,
  type ExchangeRates,
  exchangeRatesSchema,
  type Measure,
  type TariffPack,
  tariffPackSchema,
} from './model.ts';
export { canonicalJson, type Loaded, loadExchangeRates, loadTariffPack, packVersion, ratesVersion } from './pack.ts';
