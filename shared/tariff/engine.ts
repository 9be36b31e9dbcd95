/**
 * Duty assessment: what a declaration owes, line by line, with decimal arithmetic throughout.
 * Pure: the result depends only on the declaration and the context (pack, rates, date, config).
 * The rules and their legal basis are written down in docs/tariff.md.
 *
 * Per item:
 *  1. customs value = invoice amount + its share (by invoice value) of the freight and insurance
 *     the incoterm leaves out of the price, converted to the national currency at the rate for the
 *     month of acceptance, rounded half-up to 2 decimals;
 *  2. customs duty: the tariff preference when claimed (DE 4/17 2xx/3xx), the origin is in the
 *     preference's area and a proof of origin is declared; otherwise the third-country duty;
 *  3. additional duties, anti-dumping and countervailing duties (selected by additional code),
 *     excise (selected by X-code);
 *  4. VAT on the customs value + all duties + excise (unrounded).
 * Each line is rounded half-up to 2 decimals; totals are the rounded sums of the unrounded lines.
 */
import type { Declaration, DeclarationItem } from '../domain/declaration.ts';
import { type Problem, problem } from '../domain/problems.ts';
import { referenceData } from '../reference/index.ts';
import type { Assessment, ItemAssessment, TaxLine } from './assessment.ts';
import {
  applicableMeasures,
  type CompiledComponent,
  type CompiledDuty,
  type CompiledMeasure,
  type CompiledPack,
  compilePack,
  resolveCommodity,
} from './compile.ts';
import { claimsPreference, isResidualAdditionalCode, type MeasureRole } from './measure-types.ts';
import type { DeMinimis, ExchangeRates, TariffPack } from './model.ts';
import { Dec, fixed2FromPlain, formatMoney, formatMoneyText, formatQuantity, plain, round2, ZERO } from './money.ts';
import { qualifierMeanings, unitLabel, units } from './units.ts';

export interface AssessmentContext {
  readonly pack: TariffPack;
  readonly rates: ExchangeRates;
  /** Date the declaration is accepted, YYYY-MM-DD: selects measures and the month's exchange rate. */
  readonly acceptanceDate: string;
  /** The region's currency, e.g. "GBP"; must be the pack's and the rate table's. */
  readonly nationalCurrency: string;
  readonly deMinimis?: DeMinimis;
  /** Defaults to the platform reference data's list of proof-of-origin document codes. */
  readonly isProofOfOriginDocument?: (documentCode: string) => boolean;
}

export type AssessmentResult = { ok: true; assessment: Assessment } | { ok: false; problems: Problem[] };

/** Incoterms whose price stops before the main carriage: freight and insurance to the border are added. */
const FREIGHT_NOT_INCLUDED = new Set(['EXW', 'FCA', 'FAS', 'FOB']);
/** Incoterms whose price excludes insurance: EXW, FCA, FAS, FOB and CFR, CPT (carriage paid, insurance the buyer's). */
const INSURANCE_NOT_INCLUDED = new Set(['EXW', 'FCA', 'FAS', 'FOB', 'CFR', 'CPT']);

interface RateEntry {
  readonly rate: Dec;
  readonly text: string;
}

const rateIndexes = new WeakMap<ExchangeRates, ReadonlyMap<string, RateEntry>>();
function rateIndex(rates: ExchangeRates): ReadonlyMap<string, RateEntry> {
  let index = rateIndexes.get(rates);
  if (!index) {
    const map = new Map<string, RateEntry>();
    for (const r of rates.rates) map.set(`${r.currency}|${r.period}`, { rate: new Dec(r.rate), text: r.rate });
    index = map;
    rateIndexes.set(rates, index);
  }
  return index;
}

const EMPTY: ReadonlySet<string> = new Set();
const unitFactors = new Map<string, Dec>(Object.entries(units).map(([code, info]) => [code, new Dec(info.factor)]));

interface Env {
  readonly compiled: CompiledPack;
  readonly rates: ReadonlyMap<string, RateEntry>;
  readonly date: string;
  readonly period: string;
  readonly national: string;
  readonly isProof: (code: string) => boolean;
  readonly relieved: ReadonlySet<string>;
  readonly problems: Problem[];
  readonly otherRates: Map<string, RateEntry>;
}

/** One item while it is assessed. */
class ItemRun {
  readonly pointer: string;
  readonly notes: string[] = [];
  readonly additionalCodes: ReadonlySet<string>;
  /** The customs value as 2 decimals and as money text, computed once. */
  readonly customsValueText: string;
  readonly customsValueMoney: string;
  private parsed: Array<Dec | undefined> | undefined;
  private netMass: Dec | undefined;
  private missing: Set<string> | undefined;

  constructor(
    readonly index: number,
    readonly item: DeclarationItem,
    readonly customsValue: Dec,
    private readonly env: Env,
  ) {
    this.pointer = `/items/${index}`;
    this.additionalCodes = item.additionalCodes.length === 0 ? EMPTY : new Set(item.additionalCodes);
    this.customsValueText = fixed2FromPlain(plain(customsValue));
    this.customsValueMoney = formatMoneyText(this.customsValueText, env.national);
  }

  hasDocument(code: string): boolean {
    return this.item.documents.some((d) => d.type === code);
  }

  hasProofOfOrigin(): boolean {
    return this.item.documents.some((d) => this.env.isProof(d.type));
  }

  /** Declared quantity `i` as a decimal, parsed on first use. */
  private declaredValue(i: number): Dec {
    this.parsed ??= [];
    let value = this.parsed[i];
    if (!value) {
      value = new Dec(this.item.quantities[i]!.value);
      this.parsed[i] = value;
    }
    return value;
  }

  /** The declared quantity in `unit` (+ qualifier), converted within its dimension; net mass for plain mass units. */
  quantity(unit: string, qualifier: string | undefined, forWhat: string): Dec | undefined {
    const declared = this.item.quantities;
    for (let i = 0; i < declared.length; i++) {
      const d = declared[i]!;
      if (d.unit === unit && d.qualifier === qualifier) return this.declaredValue(i);
    }
    const info = units[unit];
    const factor = unitFactors.get(unit);
    if (info && factor) {
      for (let i = 0; i < declared.length; i++) {
        const d = declared[i]!;
        if (d.qualifier !== qualifier || units[d.unit]?.dimension !== info.dimension) continue;
        const declaredFactor = unitFactors.get(d.unit)!;
        return this.declaredValue(i).times(declaredFactor).div(factor);
      }
      if (info.dimension === 'mass' && qualifier === undefined) {
        this.netMass ??= new Dec(this.item.netMassKg);
        return factor.eq(1) ? this.netMass : this.netMass.div(factor);
      }
    }
    const key = unit + (qualifier ?? '');
    this.missing ??= new Set();
    if (!this.missing.has(key)) {
      this.missing.add(key);
      const meaning = qualifier ? `, qualifier ${qualifier}: ${qualifierMeanings[qualifier] ?? 'qualified quantity'}` : '';
      this.env.problems.push(
        problem(
          `${this.pointer}/quantities`,
          'MISSING_QUANTITY',
          `needs a quantity in ${unitLabel(unit, qualifier)} (unit ${unit}${meaning}) for ${forWhat}`,
        ),
      );
    }
    return undefined;
  }

  rate(currency: string, forWhat: string): RateEntry | undefined {
    const entry = this.env.rates.get(`${currency}|${this.env.period}`);
    if (!entry) {
      this.env.problems.push(
        problem(
          `${this.pointer}/commodityCode`,
          'EXCHANGE_RATE_NOT_FOUND',
          `no ${currency} to ${this.env.national} exchange rate for ${this.env.period}, needed for ${forWhat}`,
        ),
      );
      return undefined;
    }
    this.env.otherRates.set(currency, entry);
    return entry;
  }

  fail(code: string, message: string, at = '/commodityCode'): void {
    this.env.problems.push(problem(`${this.pointer}${at}`, code, message));
  }
}

interface Evaluated {
  readonly exact: Dec;
  readonly calculation: string;
  readonly base: { amount: string; unit: string };
  readonly rate: string;
  readonly expression: string;
}

const money = (value: Dec, env: Env): string => formatMoney(value, env.national);

function evalComponent(
  c: CompiledComponent,
  run: ItemRun,
  env: Env,
  forWhat: string,
): { value: Dec; text: string; base: { amount: string; unit: string } } | undefined {
  if (c.currency === undefined) {
    if (c.unit === 'RET') {
      const retail = run.quantity('RET', undefined, forWhat);
      if (!retail) return undefined;
      return {
        value: retail.times(c.fraction!),
        text: `${c.amountText}% * ${money(retail, env)} (retail price)`,
        base: { amount: plain(retail), unit: 'RET' },
      };
    }
    return {
      value: run.customsValue.times(c.fraction!),
      text: `${c.amountText}% * ${run.customsValueMoney}`,
      base: { amount: run.customsValueText, unit: env.national },
    };
  }
  let quantity: Dec | undefined;
  let quantityText: string;
  if (c.unit === 'ASV' && c.qualifier === 'X') {
    const strength = run.quantity('ASV', undefined, forWhat);
    const volume = run.quantity('HLT', undefined, forWhat);
    if (!strength || !volume) return undefined;
    quantity = strength.times(volume);
    quantityText = `${formatQuantity(strength)} % vol * ${formatQuantity(volume)} hl`;
  } else {
    quantity = run.quantity(c.unit!, c.qualifier, forWhat);
    if (!quantity) return undefined;
    quantityText = formatQuantity(quantity);
  }
  let value = c.amount.times(quantity);
  let text = `${c.text} * ${quantityText}`;
  if (c.currency !== env.national) {
    const rate = run.rate(c.currency, forWhat);
    if (!rate) return undefined;
    value = value.times(rate.rate);
    text += ` * ${rate.text} ${env.national}/${c.currency}`;
  }
  return { value, text, base: { amount: plain(quantity), unit: c.key } };
}

/** Evaluates a duty expression: terms summed, MIN raises to at least, MAX caps at most (left to right). */
function evalDuty(duty: CompiledDuty, m: CompiledMeasure, run: ItemRun, env: Env): Evaluated | undefined {
  const forWhat = `${duty.text} (measure ${m.id}, type ${m.type})`;
  if (duty.unsupported) {
    run.fail('UNSUPPORTED_MEASURE', `cannot evaluate ${forWhat}: ${duty.unsupported}`);
    return undefined;
  }
  if (duty.components.length === 1) {
    const c = duty.components[0]!;
    const r = evalComponent(c, run, env, forWhat);
    if (!r) return undefined;
    return { exact: r.value, calculation: r.text, base: r.base, rate: c.text, expression: duty.text };
  }
  let accumulated: Dec | undefined;
  let pending: 'MIN' | 'MAX' | undefined;
  let segment = ZERO;
  let failed = false;
  const texts: string[] = [];
  let firstBase: { amount: string; unit: string } | undefined;
  for (const c of duty.components) {
    const r = evalComponent(c, run, env, forWhat);
    if (!r) {
      failed = true;
      continue;
    }
    firstBase ??= r.base;
    if (c.op === 'MIN' || c.op === 'MAX') {
      accumulated = accumulated === undefined ? segment : pending === 'MIN' ? Dec.max(accumulated, segment) : Dec.min(accumulated, segment);
      pending = c.op;
      segment = r.value;
    } else {
      segment = c.op === '-' ? segment.minus(r.value) : segment.plus(r.value);
    }
    texts.push(texts.length === 0 ? r.text : `${c.op} ${r.text}`);
  }
  if (failed || !firstBase) return undefined;
  let exact = accumulated === undefined ? segment : pending === 'MIN' ? Dec.max(accumulated, segment) : Dec.min(accumulated, segment);
  if (exact.isNegative()) {
    run.notes.push(`${forWhat} came to ${plain(exact)}; a duty is never negative, so 0 is owed`);
    exact = ZERO;
  }
  const single = duty.components.length === 1;
  const percentOfValue = duty.components.some((c) => c.key === '');
  return {
    exact,
    calculation: texts.join(' '),
    base: single || !percentOfValue ? firstBase : { amount: run.customsValueText, unit: env.national },
    rate: single ? duty.components[0]!.text : duty.text,
    expression: duty.text,
  };
}

/** Picks the duty of a measure (its own, or the one its conditions select) and evaluates it. */
function evalMeasure(m: CompiledMeasure, run: ItemRun, env: Env): Evaluated | undefined {
  if (m.unsupported) {
    run.fail('UNSUPPORTED_MEASURE', `cannot evaluate measure ${m.id} (type ${m.type}): ${m.unsupported}`);
    return undefined;
  }
  let duty = m.duty;
  if (m.documentDuties) {
    const chosen =
      m.documentDuties.find((d) => d.document !== undefined && run.hasDocument(d.document)) ??
      m.documentDuties.find((d) => d.document === undefined);
    if (!chosen) {
      const documents = m.documentDuties.map((d) => d.document).join(', ');
      run.fail('DOCUMENT_REQUIRED', `measure ${m.id} (type ${m.type}) applies only with one of the documents ${documents}`, '/documents');
      return undefined;
    }
    if (chosen.document) run.notes.push(`measure ${m.id}: document ${chosen.document} declared, ${chosen.duty.text} applies`);
    duty = chosen.duty;
  } else if (m.entryPrices) {
    const first = m.entryPrices[0]!;
    const forWhat = `the entry price of measure ${m.id}`;
    const perUnit = run.quantity(first.unit, first.qualifier, forWhat);
    if (!perUnit) return undefined;
    if (perUnit.isZero()) {
      run.fail(
        'MISSING_QUANTITY',
        `the entry price of measure ${m.id} needs a non-zero quantity in ${unitLabel(first.unit, first.qualifier)}`,
        '/quantities',
      );
      return undefined;
    }
    const unitPrice = run.customsValue.div(perUnit);
    let chosen = m.entryPrices[m.entryPrices.length - 1]!;
    for (const step of m.entryPrices) {
      let threshold = step.threshold;
      if (step.currency && step.currency !== env.national) {
        const rate = run.rate(step.currency, forWhat);
        if (!rate) return undefined;
        threshold = threshold.times(rate.rate);
      }
      if (unitPrice.gte(threshold)) {
        chosen = step;
        break;
      }
    }
    run.notes.push(
      `measure ${m.id}: entry price ${money(unitPrice, env)} / ${unitLabel(first.unit, first.qualifier)} reaches the step "${plain(chosen.threshold)} ${chosen.currency ?? env.national}"; ${chosen.duty.text} applies`,
    );
    duty = chosen.duty;
  }
  if (!duty) {
    run.fail('UNSUPPORTED_MEASURE', `measure ${m.id} (type ${m.type}) has no duty expression`);
    return undefined;
  }
  return evalDuty(duty, m, run, env);
}

/**
 * Among the candidates of one measure type: those without an additional code always apply; of
 * those with one, the declared code's, else the residual code's (xx999), else the only code's.
 */
function selectByAdditionalCode(candidates: readonly CompiledMeasure[], run: ItemRun): CompiledMeasure[] | undefined {
  const plainMeasures = candidates.filter((m) => m.additionalCode === undefined);
  const coded = candidates.filter((m) => m.additionalCode !== undefined);
  if (coded.length === 0) return plainMeasures;
  const declared = coded.filter((m) => run.additionalCodes.has(m.additionalCode!));
  if (declared.length > 0) return [...plainMeasures, ...declared];
  const residual = coded.filter((m) => isResidualAdditionalCode(m.additionalCode!));
  if (residual.length > 0) {
    run.notes.push(`no declared additional code among ${codesOf(coded)}: residual code ${residual[0]!.additionalCode} applies`);
    return [...plainMeasures, ...residual];
  }
  const codes = new Set(coded.map((m) => m.additionalCode));
  if (codes.size === 1) return [...plainMeasures, ...coded];
  run.fail(
    'ADDITIONAL_CODE_REQUIRED',
    `measure type ${coded[0]!.type} depends on an additional code: declare one of ${codesOf(coded)}`,
    '/additionalCodes',
  );
  return undefined;
}

const codesOf = (measures: readonly CompiledMeasure[]): string => [...new Set(measures.map((m) => m.additionalCode))].sort().join(', ');

/** A tax line with its unrounded amount as a decimal (totals and the VAT base use it, not the string). */
interface Owed {
  readonly line: TaxLine;
  readonly exact: Dec;
}

function toLine(m: CompiledMeasure, e: Evaluated, env: Env, taxType = m.taxType!): Owed {
  if (env.relieved.has(taxType)) {
    return {
      exact: ZERO,
      line: {
        taxType,
        base: e.base,
        expression: e.expression,
        rate: e.rate,
        amount: '0.00',
        exactAmount: '0',
        measureId: m.id,
        calculation: `${e.calculation} = ${formatMoney(round2(e.exact), env.national)}, relieved (de minimis)`,
      },
    };
  }
  const exactText = plain(e.exact);
  return {
    exact: e.exact,
    line: {
      taxType,
      base: e.base,
      expression: e.expression,
      rate: e.rate,
      amount: fixed2FromPlain(exactText),
      exactAmount: exactText,
      measureId: m.id,
      calculation: e.calculation,
    },
  };
}

function selectVat(measures: readonly CompiledMeasure[], run: ItemRun, env: Env): CompiledMeasure | undefined {
  const fromPack = measures.length === 0;
  const options = fromPack ? env.compiled.defaultVat : measures;
  const declaredCodes = [...run.additionalCodes].filter((c) => c.startsWith('VAT'));
  if (declaredCodes.length > 0) {
    for (const code of declaredCodes) {
      const match = options.find((m) => m.vatCode === code);
      if (match) return match;
    }
    const offered = [...new Set(options.map((m) => m.vatCode))].sort().join(', ');
    run.fail(
      'VAT_CODE_NOT_APPLICABLE',
      `VAT code ${declaredCodes.join(', ')} is not available for this commodity (available: ${offered})`,
      '/additionalCodes',
    );
    return undefined;
  }
  const standard = options.find((m) => m.vatCode === 'VAT');
  if (standard) return standard;
  const codes = new Set(options.map((m) => m.vatCode));
  if (codes.size === 1) return options[0];
  run.fail('VAT_CODE_REQUIRED', `declare one of the VAT codes ${[...codes].sort().join(', ')}`, '/additionalCodes');
  return undefined;
}

function assessItem(run: ItemRun, measures: readonly CompiledMeasure[], env: Env): Owed[] {
  const lines: Owed[] = [];
  const byRole: Partial<Record<MeasureRole, CompiledMeasure[]>> = {};
  for (const m of measures) {
    if (m.role === 'listed') continue;
    const list = byRole[m.role];
    if (list) list.push(m);
    else byRole[m.role] = [m];
  }
  const item = run.item;

  // Customs duty: preference or third-country duty.
  let dutyLine: Owed | undefined;
  let preferenceApplied = false;
  if (claimsPreference(item.preference)) {
    const preferences = (byRole.preference ?? []).filter((m) => !m.unsupported);
    if (preferences.length === 0) {
      run.notes.push(
        `preference ${item.preference} claimed, but no tariff preference covers origin ${item.origin} on ${env.date}: third-country duty applies`,
      );
    } else if (!run.hasProofOfOrigin()) {
      run.notes.push(`preference ${item.preference} claimed without a proof of origin document: third-country duty applies`);
    } else {
      let best: { m: CompiledMeasure; e: Evaluated } | undefined;
      for (const m of preferences) {
        const e = evalMeasure(m, run, env);
        if (e && (!best || e.exact.lt(best.e.exact))) best = { m, e };
      }
      if (best) {
        dutyLine = toLine(best.m, best.e, env);
        preferenceApplied = true;
        run.notes.push(`tariff preference ${best.m.id} (area ${best.m.area}) applies for origin ${item.origin}`);
      }
    }
  } else if (item.preference !== '100') {
    run.notes.push(`preference ${item.preference} (quota, suspension or end-use relief) is not evaluated: third-country duty applies`);
  }
  if (!preferenceApplied) {
    const thirdCountry = byRole['third-country'] ?? [];
    const selected = thirdCountry.length > 0 ? selectByAdditionalCode(thirdCountry, run) : [];
    const m = selected?.[0];
    if (!m) {
      if (selected) run.fail('NO_THIRD_COUNTRY_DUTY', `no third-country duty is in force on ${env.date} for origin ${item.origin}`);
    } else {
      const e = evalMeasure(m, run, env);
      if (e) dutyLine = toLine(m, e, env);
    }
  }
  if (dutyLine) lines.push(dutyLine);

  // Additional duties, anti-dumping and countervailing duties: per measure type, by additional code.
  for (const role of ['additional', 'anti-dumping', 'countervailing'] as const) {
    const candidates = byRole[role];
    if (!candidates) continue;
    const types = candidates.length === 1 ? [candidates[0]!.type] : [...new Set(candidates.map((m) => m.type))].sort();
    for (const type of types) {
      const selected = selectByAdditionalCode(types.length === 1 ? candidates : candidates.filter((m) => m.type === type), run);
      for (const m of selected ?? []) {
        const e = evalMeasure(m, run, env);
        if (e) lines.push(toLine(m, e, env));
      }
    }
  }

  // Excise, by X additional code.
  const excise = byRole.excise;
  if (excise) {
    for (const m of selectByAdditionalCode(excise, run) ?? []) {
      const e = evalMeasure(m, run, env);
      if (e) lines.push(toLine(m, e, env));
    }
  }

  // VAT on the customs value + all duties and excise (unrounded).
  const vatMeasure = selectVat(byRole.vat ?? [], run, env);
  if (vatMeasure) {
    let base = run.customsValue;
    for (const owed of lines) base = base.plus(owed.exact);
    const c = vatMeasure.duty?.components[0];
    if (!c || c.fraction === undefined || vatMeasure.duty!.components.length !== 1) {
      run.fail('UNSUPPORTED_MEASURE', `VAT measure ${vatMeasure.id} is not a percentage`);
    } else {
      const exact = base.times(c.fraction);
      const baseText = plain(base);
      lines.push(
        toLine(
          vatMeasure,
          {
            exact,
            calculation: `${c.amountText}% * ${formatMoneyText(fixed2FromPlain(baseText), env.national)}`,
            base: { amount: baseText, unit: env.national },
            rate: c.text,
            expression: vatMeasure.duty!.text,
          },
          env,
          'B00',
        ),
      );
    }
  }
  return lines;
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
    declarationRate = rates.get(`${valuation.currency}|${period}`);
    if (!declarationRate) {
      return {
        ok: false,
        problems: [
          problem('/valuation/currency', 'EXCHANGE_RATE_NOT_FOUND', `no ${valuation.currency} to ${national} exchange rate for ${period}`),
        ],
      };
    }
  }
  const toNational = (amount: Dec): Dec => (declarationRate ? amount.times(declarationRate.rate) : amount);

  // Freight and insurance the price does not include, apportioned by invoice value.
  const freight = FREIGHT_NOT_INCLUDED.has(valuation.incoterm) && valuation.freight ? new Dec(valuation.freight) : ZERO;
  const insurance = INSURANCE_NOT_INCLUDED.has(valuation.incoterm) && valuation.insurance ? new Dec(valuation.insurance) : ZERO;
  const additions = freight.plus(insurance);
  const invoiceAmounts = declaration.items.map((item) => new Dec(item.invoiceAmount));
  const invoiceSum = invoiceAmounts.reduce((a, b) => a.plus(b), ZERO);
  const grossedUp = toNational(invoiceSum.plus(additions));

  // De minimis: intrinsic value (the goods' price, without transport and insurance).
  const reliefs: string[] = [];
  let relieved: ReadonlySet<string> = new Set();
  if (ctx.deMinimis) {
    const dm = ctx.deMinimis;
    let threshold: Dec | undefined = new Dec(dm.thresholdValue);
    if (dm.currency !== national) {
      const r = rates.get(`${dm.currency}|${period}`);
      threshold = r ? threshold.times(r.rate) : undefined;
    }
    if (!threshold) {
      return {
        ok: false,
        problems: [
          problem(
            '',
            'EXCHANGE_RATE_NOT_FOUND',
            `no ${dm.currency} to ${national} exchange rate for ${period}, needed for the de minimis threshold`,
          ),
        ],
      };
    }
    const intrinsic = toNational(invoiceSum);
    if (intrinsic.lte(threshold)) {
      relieved = new Set(dm.appliesTo);
      reliefs.push(
        `de minimis: intrinsic value ${formatMoney(intrinsic, national)} does not exceed ${formatMoney(threshold, national)}; relieved: ${[...dm.appliesTo].sort().join(', ')}`,
      );
    }
  }

  const compiled = compilePack(ctx.pack);
  const env: Env = {
    compiled,
    rates,
    date: ctx.acceptanceDate,
    period,
    national,
    isProof: ctx.isProofOfOriginDocument ?? referenceData.isProofOfOriginDocument,
    relieved,
    problems,
    otherRates: new Map(),
  };

  const items: ItemAssessment[] = [];
  const exactByType = new Map<string, Dec>();
  const count = declaration.items.length;
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
    // (invoice + additions x invoice / sum) x rate, computed as invoice x ((sum + additions) x rate) / sum:
    // one division, one rounding at 40 significant digits, then half-up to 2 decimals.
    const invoice = invoiceAmounts[index]!;
    const customsValue = round2(
      additions.isZero()
        ? toNational(invoice)
        : invoiceSum.isZero()
          ? toNational(invoice.plus(additions.div(count)))
          : invoice.times(grossedUp).div(invoiceSum),
    );
    const run = new ItemRun(index, item, customsValue, env);
    const measures = applicableMeasures(compiled, commodity, ctx.acceptanceDate, item.origin);
    const owed = assessItem(run, measures, env);
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
