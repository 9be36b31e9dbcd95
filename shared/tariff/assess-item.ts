/**
 * Assessment of one item: groups its applicable measures by role, then customs duty (the tariff
 * preference when claimed, covered and proven, else the third-country duty), additional and
 * trade-remedy duties and excise (selected by additional code), and VAT on the customs value plus
 * all of them; each becomes a tax line (zero when relieved under de minimis) with its exact amount.
 */
import { type AlcoholFacts, alcoholDutyOwed } from './alcohol-duty.ts';
import type { TaxLine } from './assessment.ts';
import type { CompiledMeasure } from './compile.ts';
import { type Evaluated, evalMeasure } from './evaluate-measure.ts';
import type { Env, ItemRun } from './item-run.ts';
import { claimsPreference, type MeasureRole } from './measure-types.ts';
import { type Dec, fixed2FromPlain, formatMoney, formatMoneyText, plain, round2, ZERO } from './money.ts';
import { selectByAdditionalCode, selectVat } from './select-measures.ts';

/** A tax line with its unrounded amount as a decimal (totals and the VAT base use it, not the string). */
export interface Owed {
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

/** The Alcohol Duty line: the rate table's rate (or the stated small producer rate) on the litres of pure alcohol. */
function alcoholLine(facts: AlcoholFacts, env: Env): Owed {
  const owed = alcoholDutyOwed(facts);
  const taxType = facts.band.taxTypeCode;
  const relieved = env.relieved.has(taxType);
  const exact = relieved ? ZERO : owed.exact;
  const exactText = plain(exact);
  return {
    exact,
    line: {
      taxType,
      base: owed.base,
      expression: owed.expression,
      rate: owed.rate,
      amount: fixed2FromPlain(exactText),
      exactAmount: exactText,
      measureId: owed.measureId,
      calculation: relieved ? `${owed.calculation} = ${formatMoney(owed.exact, env.national)}, relieved (de minimis)` : owed.calculation,
    },
  };
}

/** Alcohol Duty tax types as additional codes: X311 ... X380. */
const ALCOHOL_TAX_TYPE = /^X3\d{2}$/;

/**
 * The tax lines one item owes under its applicable measures and, for alcohol, the rate table
 * (problems go to the environment).
 */
export function assessItem(run: ItemRun, measures: readonly CompiledMeasure[], env: Env, alcohol?: AlcoholFacts): Owed[] {
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

  // Excise, by X additional code. Alcohol Duty comes from the rate table: a tariff measure for the
  // same tax type would charge it twice.
  if (alcohol) lines.push(alcoholLine(alcohol, env));
  const excise = alcohol ? byRole.excise?.filter((m) => !ALCOHOL_TAX_TYPE.test(m.additionalCode ?? '')) : byRole.excise;
  if (excise && excise.length > 0) {
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
