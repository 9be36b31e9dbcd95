/**
 * Duty assessment: what a declaration owes, line by line, with decimal arithmetic throughout.
 * Pure: the result depends only on the declaration and the context (pack, rates, date, config).
 * The rules and their legal basis are written down in docs/tariff.md.
 *
 * Per item:
 *  1. customs value = invoice amount + its share (by invoice value) of the freight and insurance
 *     the incoterm leaves out of the price, converted to the national currency at the rate for the
 *     month of acceptance, rounded half-up to 2 decimals (customs-value.ts);
 *  2. customs duty: the tariff preference when claimed (DE 4/17 2xx/3xx), the origin is in the
 *     preference's area and a proof of origin is declared; otherwise the third-country duty;
 *  3. additional duties, anti-dumping and countervailing duties (selected by additional code),
 *     excise (selected by X-code); Alcohol Duty on goods of headings 2203-2208 from HMRC's rate
 *     table for the acceptance date (alcohol-duty.ts, docs/alcohol-duty.md);
 *  4. VAT on the customs value + all duties + excise (unrounded).
 * Each line is rounded half-up to 2 decimals; totals are the rounded sums of the unrounded lines.
 * Steps 2 to 4 are assess-item.ts; de minimis relief is de-minimis.ts.
 */
import type { Declaration } from '#shared/domain/declaration.ts';
import { type Problem, problem } from '#shared/domain/problems.ts';
import { proofOfOrigin } from '#shared/reference/proof-of-origin.ts';
import { type AlcoholFacts, isAlcoholItem, priceAlcohol, readDeclaredAlcohol } from './alcohol-duty.ts';
import type { AlcoholDutyRates } from './alcohol-duty-rates.ts';
import { assessItem } from './assess-item.ts';
import type { Assessment, ItemAssessment } from './assessment.ts';
import { applicableMeasures, compilePack, resolveCommodity } from './compile.ts';
import { customsValueBasis, itemCustomsValue } from './customs-value.ts';
import { deMinimisRelief } from './de-minimis.ts';
import { type RateEntry, rateFor, rateIndex, toNational } from './exchange.ts';
import { type Env, ItemRun } from './item-run.ts';
import type { DeMinimis, ExchangeRates, TariffPack } from './model.ts';
import { type Dec, fixed2FromPlain, plain, ZERO } from './money.ts';

export interface AssessmentContext {
  readonly pack: TariffPack;
  readonly rates: ExchangeRates;
  /** Date the declaration is accepted, YYYY-MM-DD: selects measures and the month's exchange rate. */
  readonly acceptanceDate: string;
  /** The region's currency, e.g. "GBP"; must be the pack's and the rate table's. */
  readonly nationalCurrency: string;
  readonly deMinimis?: DeMinimis;
  /** HMRC's Alcohol Duty rate table; needed when an item is alcohol (headings 2203-2208 or an X3xx code). */
  readonly alcoholDutyRates?: AlcoholDutyRates | undefined;
  /** Defaults to the platform reference data's list of proof-of-origin document codes. */
  readonly isProofOfOriginDocument?: (documentCode: string) => boolean;
}

export type AssessmentResult = { ok: true; assessment: Assessment } | { ok: false; problems: Problem[] };

/** The item's Alcohol Duty facts priced on the acceptance date (problems go to the run; undefined when none is owed). */
function alcoholFactsOf(run: ItemRun, ctx: AssessmentContext): AlcoholFacts | undefined {
  const read = readDeclaredAlcohol(run.item, run.index);
  if (!read.ok) {
    for (const found of read.problems) run.fail(found.code, found.message, found.pointer.slice(run.pointer.length));
    return undefined;
  }
  if (read.note) run.notes.push(read.note);
  if (!read.declared) return undefined;
  if (!ctx.alcoholDutyRates) {
    run.fail(
      'ALCOHOL_DUTY_RATES_NOT_LOADED',
      'the alcohol duty rate table is not loaded for this region; an administrator loads it with PUT /v1/admin/reference-documents/alcohol-duty-rates',
      '/additionalCodes',
    );
    return undefined;
  }
  const priced = priceAlcohol(run.item, run.index, read.declared, ctx.alcoholDutyRates, ctx.acceptanceDate);
  if (!priced.ok) {
    for (const found of priced.problems) run.fail(found.code, found.message, found.pointer.slice(run.pointer.length));
    return undefined;
  }
  return priced.facts;
}

/** Assesses a (schema-valid) declaration against a tariff pack. */
export function assessDeclaration(declaration: Declaration, ctx: AssessmentContext): AssessmentResult {
  const problems: Problem[] = [];
  const national = ctx.nationalCurrency;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ctx.acceptanceDate))
    problems.push(problem('', 'INVALID_ACCEPTANCE_DATE', `acceptance date "${ctx.acceptanceDate}" is not YYYY-MM-DD`));
  if (ctx.pack.currency !== national)
    problems.push(problem('', 'PACK_CURRENCY_MISMATCH', `the tariff pack is in ${ctx.pack.currency}, not ${national}`));
  if (ctx.rates.nationalCurrency !== national)
    problems.push(problem('', 'RATES_CURRENCY_MISMATCH', `the exchange rates convert into ${ctx.rates.nationalCurrency}, not ${national}`));
  if (declaration.type !== 'IM') problems.push(problem('/type', 'NOT_AN_IMPORT', 'duty assessment applies to import declarations (IM)'));
  if (problems.length > 0) return { ok: false, problems };

  const period = ctx.acceptanceDate.slice(0, 7);
  const rates = rateIndex(ctx.rates);
  const valuation = declaration.valuation;

  // Exchange rate of the declaration currency for the month of acceptance.
  let declarationRate: RateEntry | undefined;
  if (valuation.currency !== national) {
    declarationRate = rateFor(rates, valuation.currency, period);
    if (!declarationRate) {
      return {
        ok: false,
        problems: [
          problem('/valuation/currency', 'EXCHANGE_RATE_NOT_FOUND', `no ${valuation.currency} to ${national} exchange rate for ${period}`),
        ],
      };
    }
  }

  // What the items' customs values are apportioned from: invoice amounts, freight and insurance.
  const basis = customsValueBasis(declaration, declarationRate);

  // De minimis: intrinsic value (the goods' price, without transport and insurance).
  const reliefs: string[] = [];
  let relieved: ReadonlySet<string> = new Set();
  if (ctx.deMinimis) {
    const outcome = deMinimisRelief(ctx.deMinimis, toNational(basis.invoiceSum, declarationRate), rates, period, national);
    if (!outcome.ok) return outcome;
    if (outcome.relief) {
      relieved = outcome.relief.relieved;
      reliefs.push(outcome.relief.note);
    }
  }

  const compiled = compilePack(ctx.pack);
  const env: Env = {
    compiled,
    rates,
    date: ctx.acceptanceDate,
    period,
    national,
    isProof: ctx.isProofOfOriginDocument ?? proofOfOrigin.isProofOfOriginDocument,
    relieved,
    problems,
    otherRates: new Map(),
  };

  const items: ItemAssessment[] = [];
  const exactByType = new Map<string, Dec>();
  declaration.items.forEach((item, index) => {
    const commodity = resolveCommodity(compiled, item.commodityCode);
    if (!commodity) {
      problems.push(
        problem(
          `/items/${index}/commodityCode`,
          'UNKNOWN_TARIFF_CODE',
          item.commodityCode.length === 6
            ? `${item.commodityCode} is an HS subheading: declare the 8- or 10-digit commodity code`
            : `${item.commodityCode} is not in tariff pack ${ctx.pack.version}`,
        ),
      );
      return;
    }
    const run = new ItemRun(index, item, itemCustomsValue(basis, index), env);
    const measures = applicableMeasures(compiled, commodity, ctx.acceptanceDate, item.origin);
    const alcohol = isAlcoholItem(item) ? alcoholFactsOf(run, ctx) : undefined;
    const owed = assessItem(run, measures, env, alcohol);
    for (const { line, exact } of owed) exactByType.set(line.taxType, (exactByType.get(line.taxType) ?? ZERO).plus(exact));
    const assessed: ItemAssessment = {
      itemIndex: index,
      commodityCode: item.commodityCode,
      ...(commodity.code !== item.commodityCode ? { resolvedCommodityCode: commodity.code } : {}),
      customsValue: run.customsValueText,
      lines: owed.map((o) => o.line),
    };
    if (run.notes.length > 0) assessed.notes = run.notes;
    items.push(assessed);
  });
  if (problems.length > 0) return { ok: false, problems };

  // Totals: rounded sums of the unrounded lines, per tax type, per category and overall.
  const byTaxType: Record<string, string> = {};
  let total = ZERO;
  let duty = ZERO;
  let excise = ZERO;
  let vat = ZERO;
  for (const type of [...exactByType.keys()].sort()) {
    const exact = exactByType.get(type)!;
    byTaxType[type] = fixed2FromPlain(plain(exact));
    total = total.plus(exact);
    if (type.startsWith('B')) vat = vat.plus(exact);
    else if (/^\d{3}$/.test(type)) excise = excise.plus(exact);
    else duty = duty.plus(exact);
  }

  const assessment: Assessment = {
    currency: national,
    tariffPackVersion: ctx.pack.version,
    exchangeRate: declarationRate ? { from: valuation.currency, to: national, rate: declarationRate.text, period } : null,
    acceptanceDate: ctx.acceptanceDate,
    items,
    totals: {
      byTaxType,
      total: fixed2FromPlain(plain(total)),
      byCategory: { duty: fixed2FromPlain(plain(duty)), excise: fixed2FromPlain(plain(excise)), vat: fixed2FromPlain(plain(vat)) },
    },
    reliefs,
  };
  if (env.otherRates.size > 0) {
    assessment.otherExchangeRates = [...env.otherRates.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, r]) => ({ from: currency, to: national, rate: r.text, period }));
  }
  return { ok: true, assessment };
}
