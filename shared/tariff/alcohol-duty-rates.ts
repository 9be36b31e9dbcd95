/**
 * HMRC's Alcohol Duty rate table, as HMRC's own `alcohol-duty-calculator` serves it
 * (data/uk-tariff/alcohol-duty-rates/, Apache-2.0): rate periods of rate bands, each band a tax
 * type (311 ... 380) for alcohol regimes and ABV ranges with a rate in GBP per litre of pure
 * alcohol. The region loads the file unchanged as the `alcohol-duty-rates` reference document, so
 * next year's uplift is HMRC's next file. See docs/alcohol-duty.md.
 */
import * as z from 'zod';
import { Dec } from './money.ts';

/**
 * The reform that introduced these tax types took effect on 1 August 2023 (Finance (No. 2) Act
 * 2023, Part 2; HMRC "Work out how much Alcohol Duty you need to pay": rates from 1 August 2023).
 * HMRC's file labels its first period 2023-01, so the table alone would answer for earlier dates
 * with rates that were never law: those dates get a problem instead.
 */
export const ALCOHOL_DUTY_REFORM_DATE = '2023-08-01';

export const alcoholRegimes = ['Beer', 'Cider', 'Wine', 'Spirits', 'OtherFermentedProduct'] as const;
export type AlcoholRegime = (typeof alcoholRegimes)[number];
export const alcoholTypes = ['Beer', 'Cider', 'SparklingCider', 'Wine', 'Spirits', 'OtherFermentedProduct'] as const;
export type AlcoholType = (typeof alcoholTypes)[number];
export const rateTypes = ['Core', 'DraughtRelief', 'SmallProducerRelief', 'DraughtAndSmallProducerRelief'] as const;
export type RateType = (typeof rateTypes)[number];

const yearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month in the form YYYY-MM');

/**
 * HMRC writes a rate as a JSON number (30.62). It is read as the decimal of its shortest
 * representation (what JavaScript's number-to-string gives, "30.62"), so at most 4 decimals are
 * accepted: anything longer is not a rate HMRC publishes and would not survive that round trip.
 */
const rateNumber = z
  .number()
  .nonnegative()
  .refine((value) => /^\d+(\.\d{1,4})?$/.test(String(value)), { message: 'must be a rate with at most 4 decimals, such as 30.62' });

export const abvRangeSchema = z.object({
  alcoholType: z.enum(alcoholTypes),
  minABV: z.number().nonnegative().max(100),
  maxABV: z.number().nonnegative().max(100),
});

export const rateBandSchema = z.object({
  /** The tax type (CDS DE 4/3), declared as additional code X + this code. */
  taxTypeCode: z.string().regex(/^3\d{2}$/, 'must be an alcohol duty tax type such as "333"'),
  description: z.string().max(500),
  rateType: z.enum(rateTypes),
  /** GBP per litre of pure alcohol; absent for small producer relief bands (the producer's own rate). */
  rate: rateNumber.optional(),
  rangeDetails: z
    .array(z.object({ alcoholRegime: z.enum(alcoholRegimes), abvRanges: z.array(abvRangeSchema).min(1).max(20) }))
    .min(1)
    .max(20),
});
export type RateBand = z.infer<typeof rateBandSchema>;

export const ratePeriodSchema = z.object({
  name: z.string().max(100),
  /** First month in force (inclusive). */
  validityStartDate: yearMonth,
  /** First month no longer in force (exclusive); absent for the newest period. */
  validityEndDate: yearMonth.optional(),
  rateBands: z.array(rateBandSchema).min(1).max(500),
});
export type RatePeriod = z.infer<typeof ratePeriodSchema>;

/** The whole table: HMRC's array of rate periods, as published. Periods must not overlap. */
export const alcoholDutyRatesSchema = z
  .array(ratePeriodSchema)
  .min(1)
  .max(200)
  .superRefine((periods, context) => {
    const end = (p: RatePeriod) => p.validityEndDate ?? '9999-12';
    periods.forEach((period, index) => {
      if (end(period) <= period.validityStartDate) {
        context.addIssue({ code: 'custom', path: [index, 'validityEndDate'], message: 'must be after validityStartDate' });
      }
      const overlapping = periods.findIndex(
        (other, j) => j !== index && other.validityStartDate < end(period) && period.validityStartDate < end(other),
      );
      if (overlapping !== -1 && overlapping < index) {
        context.addIssue({
          code: 'custom',
          path: [index, 'validityStartDate'],
          message: `overlaps rate period ${periods[overlapping]!.name}: a date must fall in one period only`,
        });
      }
      const seen = new Set<string>();
      period.rateBands.forEach((band, b) => {
        if (seen.has(band.taxTypeCode)) {
          context.addIssue({
            code: 'custom',
            path: [index, 'rateBands', b, 'taxTypeCode'],
            message: `tax type ${band.taxTypeCode} repeated`,
          });
        }
        seen.add(band.taxTypeCode);
        if (band.rate === undefined && band.rateType !== 'SmallProducerRelief' && band.rateType !== 'DraughtAndSmallProducerRelief') {
          context.addIssue({ code: 'custom', path: [index, 'rateBands', b, 'rate'], message: `a ${band.rateType} band needs a rate` });
        }
      });
    });
  })
  .meta({ id: 'AlcoholDutyRates', description: "HMRC's Alcohol Duty rate table: rate periods of tax types by regime and ABV band" });
export type AlcoholDutyRates = z.infer<typeof alcoholDutyRatesSchema>;

/** The period in force on `date` (YYYY-MM-DD), or why there is none. */
export function ratePeriodOn(
  table: AlcoholDutyRates,
  date: string,
): { ok: true; period: RatePeriod } | { ok: false; reason: 'before-reform' | 'no-period' } {
  if (date < ALCOHOL_DUTY_REFORM_DATE) return { ok: false, reason: 'before-reform' };
  const month = date.slice(0, 7);
  const period = table.find((p) => p.validityStartDate <= month && (p.validityEndDate === undefined || month < p.validityEndDate));
  return period ? { ok: true, period } : { ok: false, reason: 'no-period' };
}

/** A band's rate as a decimal (see `rateNumber`: the decimal HMRC wrote). */
export const bandRate = (band: RateBand): Dec | undefined => (band.rate === undefined ? undefined : new Dec(String(band.rate)));

/** Whether the band is a draught relief band (the product must be in containers of at least 20 litres). */
export const isDraughtBand = (band: RateBand): boolean =>
  band.rateType === 'DraughtRelief' || band.rateType === 'DraughtAndSmallProducerRelief';

/** Whether the band is a small producer relief band (the declarant states the rate). */
export const isSmallProducerBand = (band: RateBand): boolean =>
  band.rateType === 'SmallProducerRelief' || band.rateType === 'DraughtAndSmallProducerRelief';
