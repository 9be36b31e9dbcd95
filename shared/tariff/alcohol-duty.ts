/**
 * Alcohol Duty on an imported item, from HMRC's rate table (alcohol-duty-rates.ts): what the
 * declarant must give (tax type as additional code X311 ... X380, strength ASV, litres of pure
 * alcohol LPA or litres LTR), whether the tax type's band fits the product and its strength, and
 * the excise line. Pure; the validation stage and the duty engine run the same checks, so a
 * declaration the validation stage lets through is one the engine can price. See docs/alcohol-duty.md.
 */
import type { Declaration, DeclarationItem } from '#shared/domain/declaration.ts';
import { type Problem, problem } from '#shared/domain/problems.ts';
import {
  ALCOHOL_DUTY_REFORM_DATE,
  type AlcoholDutyRates,
  type AlcoholType,
  bandRate,
  isDraughtBand,
  isSmallProducerBand,
  type RateBand,
  type RatePeriod,
  type RateType,
  ratePeriodOn,
} from './alcohol-duty-rates.ts';
import type { AlcoholDutyView } from './commodity-lookup.ts';
import { Dec, formatQuantity, HUNDRED, plain } from './money.ts';
import { units } from './units.ts';

/**
 * The products of HS headings 2203-2208 and the alcohol types of HMRC's table they can be.
 * 2206 holds cider and perry (still or sparkling), mead, saké and other fermented beverages, and
 * mixtures such as shandy (beer with lemonade, taxed as beer). 2207 20 (denatured alcohol) is left
 * out: denatured alcohol is outside Alcohol Duty when used under HMRC's denatured alcohol rules.
 */
const products: ReadonlyArray<{ prefix: string; label: string; types: readonly AlcoholType[] }> = [
  { prefix: '2203', label: 'beer (heading 2203)', types: ['Beer'] },
  { prefix: '2204', label: 'wine (heading 2204)', types: ['Wine'] },
  { prefix: '2205', label: 'vermouth or flavoured wine (heading 2205)', types: ['Wine'] },
  {
    prefix: '2206',
    label: 'a fermented beverage (heading 2206)',
    types: ['Cider', 'SparklingCider', 'OtherFermentedProduct', 'Beer'],
  },
  { prefix: '220710', label: 'undenatured ethyl alcohol (2207 10)', types: ['Spirits'] },
  { prefix: '2208', label: 'spirits (heading 2208)', types: ['Spirits'] },
];

export type AlcoholProduct = (typeof products)[number];

/** The alcohol product a commodity code is, if it is one. */
export const alcoholProductOf = (commodityCode: string): AlcoholProduct | undefined =>
  products.find((p) => commodityCode.startsWith(p.prefix));

const TAX_TYPE_CODE = /^X3\d{2}$/;

/** Whether an item owes or may owe Alcohol Duty: an alcohol heading, or a tax type declared. */
export const isAlcoholItem = (item: DeclarationItem): boolean =>
  alcoholProductOf(item.commodityCode) !== undefined || item.additionalCodes.some((code) => TAX_TYPE_CODE.test(code));

/** Whether an import declaration needs the rate table (exports owe no import duties). */
export const needsAlcoholDutyRates = (declaration: Declaration): boolean =>
  declaration.type === 'IM' && declaration.items.some(isAlcoholItem);

/** What the declarant gave, read and checked without the rate table. */
export interface DeclaredAlcohol {
  readonly taxType: string;
  /** Pointer of the X-code. */
  readonly taxTypePointer: string;
  readonly strength: Dec;
  readonly strengthPointer: string;
  /** Litres of pure alcohol: declared (LPA) or litres x ABV / 100. */
  readonly pureAlcohol: Dec;
  /** How the LPA was found, for the calculation text. */
  readonly pureAlcoholFrom: string;
}

/**
 * Not liable: "You need to pay Alcohol Duty on products with an alcohol by volume (ABV) of 1.3% or
 * more" (HMRC, "Work out how much Alcohol Duty you need to pay"); the table's bands start at 1.3.
 */
const NOT_LIABLE_UP_TO = new Dec('1.2');

/** The declared facts of an alcohol item, or the problems naming what is missing or malformed. */
export function readDeclaredAlcohol(
  item: DeclarationItem,
  index: number,
): { ok: true; declared: DeclaredAlcohol | undefined; note?: string } | { ok: false; problems: Problem[] } {
  const at = `/items/${index}`;
  const product = alcoholProductOf(item.commodityCode);
  const what = product?.label ?? `commodity ${item.commodityCode}`;
  const problems: Problem[] = [];

  const codes = item.additionalCodes.flatMap((code, k) => (TAX_TYPE_CODE.test(code) ? [{ code, k }] : []));
  if (codes.length > 1) {
    problems.push(
      problem(
        `${at}/additionalCodes/${codes[1]!.k}`,
        'ALCOHOL_TAX_TYPE_AMBIGUOUS',
        `declare one alcohol duty tax type per item; found ${codes.map((c) => c.code).join(', ')}`,
      ),
    );
  }

  const strengthIndex = item.quantities.findIndex((q) => q.unit === 'ASV' && q.qualifier === undefined);
  let strength: Dec | undefined;
  if (strengthIndex === -1) {
    problems.push(
      problem(
        `${at}/quantities`,
        'ALCOHOL_STRENGTH_REQUIRED',
        `${what} needs its alcoholic strength: a quantity in unit ASV (% vol), e.g. { "value": "13", "unit": "ASV" }`,
      ),
    );
  } else {
    const text = item.quantities[strengthIndex]!.value;
    strength = new Dec(text);
    // The bands step by 0.1% vol (3.4 / 3.5, 8.4 / 8.5): a strength with more decimals falls between them.
    if (!/^\d+(\.\d)?$/.test(text) || strength.gt(HUNDRED)) {
      problems.push(
        problem(
          `${at}/quantities/${strengthIndex}/value`,
          'ALCOHOL_STRENGTH_INVALID',
          `strength ${text}% vol: declare it as on the label, 0 to 100 with at most one decimal (the bands step by 0.1% vol)`,
        ),
      );
      strength = undefined;
    }
  }

  if (strength && codes.length === 0 && strength.lte(NOT_LIABLE_UP_TO)) {
    return problems.length > 0
      ? { ok: false, problems }
      : {
          ok: true,
          declared: undefined,
          note: `${strength.toFixed()}% vol is not an alcoholic product (1.2% vol or less): no Alcohol Duty`,
        };
  }
  if (codes.length === 0) {
    problems.push(
      problem(
        `${at}/additionalCodes`,
        'ALCOHOL_TAX_TYPE_REQUIRED',
        `${what} needs its Alcohol Duty tax type as an additional code X311 ... X380 (e.g. X333: wine of 8.5% to 22%)`,
      ),
    );
  }

  const lpaIndex = item.quantities.findIndex((q) => q.unit === 'LPA' && q.qualifier === undefined);
  const volumeIndex = item.quantities.findIndex((q) => q.qualifier === undefined && units[q.unit]?.dimension === 'volume');
  let pureAlcohol: Dec | undefined;
  let pureAlcoholFrom = '';
  if (lpaIndex !== -1) {
    pureAlcohol = new Dec(item.quantities[lpaIndex]!.value);
    pureAlcoholFrom = 'declared';
  } else if (volumeIndex === -1) {
    problems.push(
      problem(
        `${at}/quantities`,
        'ALCOHOL_VOLUME_REQUIRED',
        `${what} needs its litres of pure alcohol (unit LPA) or its volume (unit LTR), from which LPA = litres x ABV / 100`,
      ),
    );
  } else if (strength) {
    const declared = item.quantities[volumeIndex]!;
    const litres = new Dec(declared.value).times(units[declared.unit]!.factor);
    // HMRC's own calculator (hmrc/alcohol-duty-calculator, DutyService.calculateDuty) takes the
    // pure alcohol as ABV x volume x 0.01 without rounding it; only the duty is rounded (down).
    pureAlcohol = litres.times(strength).div(HUNDRED);
    pureAlcoholFrom = `${formatQuantity(litres)} l * ${strength.toFixed()}% vol / 100`;
  }

  // A relief lowers a rate, never to nothing; the upper bound needs the rate table (priceAlcohol).
  const stated = item.alcohol?.smallProducerReliefRate;
  if (stated !== undefined && new Dec(stated).isZero()) {
    problems.push(
      problem(
        `${at}/alcohol/smallProducerReliefRate`,
        'SMALL_PRODUCER_RATE_OUT_OF_RANGE',
        `the stated small producer rate must be more than 0 GBP per LPA: small producer relief reduces the rate, it does not remove the duty`,
      ),
    );
  }

  if (problems.length > 0 || !strength || !pureAlcohol || codes.length === 0) return { ok: false, problems };
  const first = codes[0]!;
  return {
    ok: true,
    declared: {
      taxType: first.code.slice(1),
      taxTypePointer: `${at}/additionalCodes/${first.k}`,
      strength,
      strengthPointer: `${at}/quantities/${strengthIndex}/value`,
      pureAlcohol,
      pureAlcoholFrom,
    },
  };
}

/** A declared alcohol item priced against the rate period in force. */
export interface AlcoholFacts extends DeclaredAlcohol {
  readonly period: RatePeriod;
  readonly band: RateBand;
  /** GBP per litre of pure alcohol. */
  readonly rate: Dec;
  /** True when the declarant stated it (small producer relief). */
  readonly rateStated: boolean;
}

/** Draught relief needs containers of at least 20 litres (Finance (No. 2) Act 2023, ss. 50-53). */
export const DRAUGHT_MIN_CONTAINER_LITRES = new Dec(20);

/** Whether the band covers one of the product's alcohol types at this strength. */
function fits(band: RateBand, types: readonly AlcoholType[] | undefined, strength: Dec): boolean {
  return band.rangeDetails.some((detail) =>
    detail.abvRanges.some(
      (range) =>
        (types === undefined || types.includes(range.alcoholType)) &&
        strength.gte(String(range.minABV)) &&
        strength.lte(String(range.maxABV)),
    ),
  );
}

/**
 * The rate type whose rate a small producer relief band reduces: small producer relief lowers the
 * rate the product would otherwise pay (HMRC, "Calculate Alcohol Duty with Small Producer Relief";
 * Finance (No. 2) Act 2023, Part 2), the core rate, or for a draught product the draught relief
 * rate. HMRC's table pairs them by product and strength: 366 "Beer from 3.5 to 8.4 percent,
 * eligible for small producer relief" with core 321, 376 (also draught) with draught relief 356.
 */
const standardRateTypeOf = (band: RateBand): RateType => (isDraughtBand(band) ? 'DraughtRelief' : 'Core');

/**
 * The full (non-relief) rate of the standard band for the same product and strength as a small
 * producer relief band, in the same period: the most a stated small producer rate can be. Should
 * two standard bands fit (none do in HMRC's table), the higher rate bounds, so no honest rate is refused.
 */
function standardRateFor(
  band: RateBand,
  period: RatePeriod,
  types: readonly AlcoholType[] | undefined,
  strength: Dec,
): { band: RateBand; rate: Dec } | undefined {
  // The alcohol types the relief band covers for this product at this strength (e.g. cider, not sparkling cider).
  const covered = band.rangeDetails
    .flatMap((detail) => detail.abvRanges)
    .filter(
      (range) =>
        (types === undefined || types.includes(range.alcoholType)) &&
        strength.gte(String(range.minABV)) &&
        strength.lte(String(range.maxABV)),
    )
    .map((range) => range.alcoholType);
  const rateType = standardRateTypeOf(band);
  return period.rateBands
    .filter((candidate) => candidate.rateType === rateType && fits(candidate, covered, strength))
    .flatMap((candidate) => {
      const rate = bandRate(candidate);
      return rate ? [{ band: candidate, rate }] : [];
    })
    .reduce<{ band: RateBand; rate: Dec } | undefined>((highest, next) => (highest?.rate.gte(next.rate) ? highest : next), undefined);
}

/** Checks the declared tax type against the period in force on `date` and the product, and finds the rate. */
export function priceAlcohol(
  item: DeclarationItem,
  index: number,
  declared: DeclaredAlcohol,
  table: AlcoholDutyRates,
  date: string,
): { ok: true; facts: AlcoholFacts } | { ok: false; problems: Problem[] } {
  const at = `/items/${index}`;
  const fail = (pointer: string, code: string, message: string) => ({ ok: false as const, problems: [problem(pointer, code, message)] });
  const inForce = ratePeriodOn(table, date);
  if (!inForce.ok) {
    return inForce.reason === 'before-reform'
      ? fail(
          declared.taxTypePointer,
          'ALCOHOL_DUTY_BEFORE_REFORM',
          `accepted on ${date}, before tax types 311-380 took effect on ${ALCOHOL_DUTY_REFORM_DATE}: the rate table has no rate for that date`,
        )
      : fail(declared.taxTypePointer, 'ALCOHOL_DUTY_RATE_PERIOD_NOT_FOUND', `the alcohol duty rate table has no rate period for ${date}`);
  }
  const period = inForce.period;
  const band = period.rateBands.find((b) => b.taxTypeCode === declared.taxType);
  if (!band) {
    return fail(
      declared.taxTypePointer,
      'ALCOHOL_TAX_TYPE_UNKNOWN',
      `X${declared.taxType} is not a tax type of alcohol duty rate period ${period.name} (X311 ... X380)`,
    );
  }
  const product = alcoholProductOf(item.commodityCode);
  const strength = declared.strength.toFixed();
  if (!fits(band, product?.types, declared.strength)) {
    const suggested = period.rateBands.filter((b) => b.rateType === band.rateType && fits(b, product?.types, declared.strength));
    const instead = suggested.length > 0 ? `; use ${suggested.map((b) => `X${b.taxTypeCode}`).join(' or ')}` : '';
    return fail(
      declared.taxTypePointer,
      'ALCOHOL_BAND_MISMATCH',
      `tax type ${band.taxTypeCode} is for ${band.description}, not ${product?.label ?? 'this product'} at ${strength}% vol${instead}`,
    );
  }
  if (isDraughtBand(band)) {
    const container = item.alcohol?.containerLitres;
    if (container === undefined) {
      return fail(
        `${at}/alcohol`,
        'DRAUGHT_CONTAINER_REQUIRED',
        `draught relief (tax type ${band.taxTypeCode}) needs the container capacity: alcohol.containerLitres, at least 20`,
      );
    }
    if (new Dec(container).lt(DRAUGHT_MIN_CONTAINER_LITRES)) {
      return fail(
        `${at}/alcohol/containerLitres`,
        'DRAUGHT_CONTAINER_TOO_SMALL',
        `draught relief (tax type ${band.taxTypeCode}) is for containers of at least 20 litres, not ${container}`,
      );
    }
  }
  const stated = item.alcohol?.smallProducerReliefRate;
  if (isSmallProducerBand(band)) {
    if (stated === undefined) {
      return fail(
        `${at}/alcohol`,
        'SMALL_PRODUCER_RATE_REQUIRED',
        `tax type ${band.taxTypeCode} has no fixed rate: state alcohol.smallProducerReliefRate, GBP per LPA from your small producer relief calculation`,
      );
    }
    const full = standardRateFor(band, period, product?.types, declared.strength);
    const rate = new Dec(stated);
    if (!full || rate.isZero() || rate.gt(full.rate)) {
      const allowed = full
        ? `more than 0 and at most ${full.rate.toFixed(2)}, the full rate of tax type ${full.band.taxTypeCode} (${full.band.description}) in rate period ${period.name}`
        : `more than 0, but rate period ${period.name} has no ${standardRateTypeOf(band)} band for this product at ${strength}% vol to bound it`;
      return fail(
        `${at}/alcohol/smallProducerReliefRate`,
        'SMALL_PRODUCER_RATE_OUT_OF_RANGE',
        `small producer relief reduces the rate of tax type ${band.taxTypeCode}: the stated rate ${stated} GBP per LPA must be ${allowed}`,
      );
    }
    return { ok: true, facts: { ...declared, period, band, rate, rateStated: true } };
  }
  if (stated !== undefined) {
    return fail(
      `${at}/alcohol/smallProducerReliefRate`,
      'SMALL_PRODUCER_RATE_NOT_APPLICABLE',
      `tax type ${band.taxTypeCode} has a fixed rate; a stated rate is only for small producer relief (361-380)`,
    );
  }
  return { ok: true, facts: { ...declared, period, band, rate: bandRate(band)!, rateStated: false } };
}

/**
 * Every Alcohol Duty problem of a declaration: what is missing always; with the rate table, the
 * band, period and relief checks too. What the validation stage reports.
 */
export function alcoholDutyProblems(declaration: Declaration, table: AlcoholDutyRates | undefined, date: string): Problem[] {
  if (declaration.type !== 'IM') return [];
  const problems: Problem[] = [];
  declaration.items.forEach((item, index) => {
    if (!isAlcoholItem(item)) return;
    const read = readDeclaredAlcohol(item, index);
    if (!read.ok) problems.push(...read.problems);
    else if (read.declared && table) {
      const priced = priceAlcohol(item, index, read.declared, table, date);
      if (!priced.ok) problems.push(...priced.problems);
    }
  });
  return problems;
}

/** The bands a commodity may be declared under on `date`, as the commodity look-up shows them. */
export function alcoholDutyView(commodityCode: string, table: AlcoholDutyRates | undefined, date: string): AlcoholDutyView | undefined {
  const product = alcoholProductOf(commodityCode);
  if (!product) return undefined;
  const base = { product: product.label, alcoholTypes: [...product.types] };
  if (!table) return { ...base, bands: [], note: 'the alcohol duty rate table is not loaded for this region' };
  const inForce = ratePeriodOn(table, date);
  if (!inForce.ok) {
    const note =
      inForce.reason === 'before-reform'
        ? `tax types 311-380 took effect on ${ALCOHOL_DUTY_REFORM_DATE}: the rate table has no rate for ${date}`
        : `the alcohol duty rate table has no rate period for ${date}`;
    return { ...base, bands: [], note };
  }
  const { period } = inForce;
  const bands = period.rateBands.flatMap((band) => {
    const abvRanges = band.rangeDetails
      .flatMap((detail) => detail.abvRanges)
      .filter((range) => product.types.includes(range.alcoholType))
      .map((range) => ({ alcoholType: range.alcoholType, minABV: String(range.minABV), maxABV: String(range.maxABV) }));
    if (abvRanges.length === 0) return [];
    const rate = bandRate(band);
    return [
      {
        taxType: band.taxTypeCode,
        description: band.description,
        rateType: band.rateType,
        ...(rate ? { rate: rate.toFixed(2) } : {}),
        abvRanges,
      },
    ];
  });
  return {
    ...base,
    ratePeriod: { name: period.name, from: period.validityStartDate, ...(period.validityEndDate ? { to: period.validityEndDate } : {}) },
    bands,
  };
}

/** Rounded down to the penny: "Work out how much Alcohol Duty you have to pay ... by rounding down to the nearest penny" (HMRC). */
export const roundDownToPenny = (value: Dec): Dec => value.toDecimalPlaces(2, Dec.ROUND_DOWN);

/** The duty owed (rounded down to the penny) and how the line shows it. */
export function alcoholDutyOwed(facts: AlcoholFacts): {
  exact: Dec;
  rate: string;
  expression: string;
  calculation: string;
  base: { amount: string; unit: string };
  measureId: string;
} {
  const rate = `${facts.rate.decimalPlaces() < 2 ? facts.rate.toFixed(2) : plain(facts.rate)} GBP / l alc. 100%`;
  const stated = facts.rateStated ? ' (rate stated by the declarant from its small producer relief calculation)' : '';
  const lpa = formatQuantity(facts.pureAlcohol);
  const from = facts.pureAlcoholFrom === 'declared' ? 'declared' : `${facts.pureAlcoholFrom} = ${lpa} LPA`;
  return {
    exact: roundDownToPenny(facts.rate.times(facts.pureAlcohol)),
    rate,
    expression: `Alcohol Duty ${facts.band.taxTypeCode} (${facts.band.description}), rate period ${facts.period.name}: ${facts.rateStated ? 'small producer rate' : rate}`,
    calculation: `${rate}${stated} * ${lpa} LPA (${from}), rounded down to the penny`,
    base: { amount: plain(facts.pureAlcohol), unit: 'LPA' },
    measureId: `alcohol-duty/${facts.period.name}/${facts.band.taxTypeCode}`,
  };
}
