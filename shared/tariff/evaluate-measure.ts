/**
 * Evaluation of a measure for one item: picks the measure's duty (its own, or the one its
 * document conditions or entry-price steps select), then evaluates the duty expression component
 * by component (percentages of the customs value or retail price, specific amounts per unit of
 * quantity, converted from their currency), combining terms, MIN and MAX; the result keeps the
 * exact amount and the calculation as text.
 */
import type { CompiledComponent, CompiledDuty, CompiledMeasure } from './compile.ts';
import type { Env, ItemRun } from './item-run.ts';
import { Dec, formatMoney, formatQuantity, plain, ZERO } from './money.ts';
import { unitLabel } from './units.ts';

export interface Evaluated {
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
export function evalMeasure(m: CompiledMeasure, run: ItemRun, env: Env): Evaluated | undefined {
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
