/**
 * Importer for UK Trade Tariff API commodity documents (data/uk-tariff/uk/commodities/*.json, as
 * the duty calculator stored them: measures denormalised with their components, conditions,
 * areas and additional codes). Every import measure is kept; the measure components become the
 * expression model, conditions are kept as published (document and entry-price conditions carry
 * their own duty), quota order numbers and supplementary units are recorded.
 */
import * as z from 'zod';
import { renderExpression } from '#shared/tariff/expression.ts';
import { measureTypeInfo } from '#shared/tariff/measure-types.ts';
import type { DutyComponent, DutyExpression, Measure, MeasureCondition } from '#shared/tariff/model.ts';
import { isSupportedUnit } from '#shared/tariff/units.ts';

const nullableString = z.string().nullish();

const componentSchema = z.object({
  duty_expression_id: z.string(),
  duty_amount: z.number().nullish(),
  monetary_unit_code: nullableString,
  measurement_unit_code: nullableString,
  measurement_unit_qualifier_code: nullableString,
  duty_expression_abbreviation: nullableString,
});
type ApiComponent = z.infer<typeof componentSchema>;

const conditionSchema = z.object({
  condition_code: nullableString,
  document_code: nullableString,
  action_code: nullableString,
  condition_duty_amount: z.number().nullish(),
  condition_monetary_unit_code: nullableString,
  condition_measurement_unit_code: nullableString,
  condition_measurement_unit_qualifier_code: nullableString,
  requirement: nullableString,
  certificate_description: nullableString,
  measure_condition_components: z.array(componentSchema).nullish(),
});

const areaSchema = z.object({ geographical_area_id: z.string(), description: nullableString });

const measureSchema = z.object({
  id: z.number(),
  effective_start_date: z.string(),
  effective_end_date: nullableString,
  import: z.boolean().nullish(),
  vat: z.boolean().nullish(),
  excise: z.boolean().nullish(),
  measure_type: z.object({ id: z.string(), description: z.string() }),
  geographical_area: areaSchema,
  excluded_countries: z.array(areaSchema).nullish(),
  additional_code: z.object({ code: z.string() }).nullish(),
  order_number: z.object({ number: z.string() }).nullish(),
  duty_expression: z.object({ base: nullableString }).nullish(),
  measure_components: z.array(componentSchema).nullish(),
  measure_conditions: z.array(conditionSchema).nullish(),
});

export const tradeTariffDocumentSchema = z.object({
  goods_nomenclature_item_id: z.string(),
  description_plain: nullableString,
  description: nullableString,
  import_measures: z.array(measureSchema),
});
export type TradeTariffDocument = z.infer<typeof tradeTariffDocumentSchema>;

export interface ImportedDocument {
  code: string;
  description: string;
  measures: Measure[];
  measureTypes: Map<string, string>;
  /** Areas referenced with the members the document embeds (used when the area list lacks one). */
  warnings: string[];
  unsupported: number;
}

/** TARIC duty expression ids -> operator (for components that carry no abbreviation). */
const operatorsById: Readonly<Record<string, DutyComponent['op']>> = {
  '01': '+',
  '02': '-',
  '04': '+',
  '15': 'MIN',
  '17': 'MAX',
  '19': '+',
  '20': '+',
  '35': 'MAX',
  '36': '-',
};
const agriculturalIds = new Set(['12', '14', '21', '25', '27', '29']);

/** A JSON number as an exact decimal string (the API writes amounts such as 144.1 or 0.3). */
function amountText(value: number): string {
  const text = String(value);
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`duty amount ${text} is not a plain decimal`);
  return text;
}

type ComponentResult = { ok: true; components: DutyComponent[] } | { ok: false; reason: string; supplementaryUnit?: string };

function toComponents(apiComponents: readonly ApiComponent[]): ComponentResult {
  const components: DutyComponent[] = [];
  for (const c of apiComponents) {
    if (c.duty_expression_id === '99') {
      return {
        ok: false,
        reason: 'supplementary unit',
        supplementaryUnit: `${c.measurement_unit_code ?? ''}${c.measurement_unit_qualifier_code ?? ''}`,
      };
    }
    if (agriculturalIds.has(c.duty_expression_id))
      return { ok: false, reason: `agricultural component (duty expression ${c.duty_expression_id}) not supported` };
    const byAbbreviation: Readonly<Record<string, DutyComponent['op']>> = { '%': '+', '+': '+', '-': '-', MIN: 'MIN', MAX: 'MAX' };
    const op =
      components.length === 0
        ? '+'
        : ((c.duty_expression_abbreviation ? byAbbreviation[c.duty_expression_abbreviation] : undefined) ??
          operatorsById[c.duty_expression_id]);
    if (!op) return { ok: false, reason: `duty expression ${c.duty_expression_id} not supported` };
    if (c.duty_amount === null || c.duty_amount === undefined)
      return { ok: false, reason: `component ${c.duty_expression_id} has no amount` };
    const unit = c.measurement_unit_code || undefined;
    const qualifier = c.measurement_unit_qualifier_code || undefined;
    const currency = c.monetary_unit_code || undefined;
    components.push({
      op,
      amount: amountText(c.duty_amount),
      ...(currency ? { currency } : {}),
      ...(unit ? { unit } : {}),
      ...(qualifier ? { qualifier } : {}),
    });
  }
  if (components.length === 0) return { ok: false, reason: 'no components' };
  return { ok: true, components };
}

const expression = (components: DutyComponent[]): DutyExpression => ({ text: renderExpression(components), components });

const dateOf = (iso: string): string => iso.slice(0, 10);

/** Imports one document. `code` is the code to file it under (see the caller for mismatches). */
export function importTradeTariffDocument(document: TradeTariffDocument, code: string): ImportedDocument {
  const warnings: string[] = [];
  const measures: Measure[] = [];
  const measureTypes = new Map<string, string>();
  const seen = new Set<string>();
  let unsupportedCount = 0;
  for (const m of document.import_measures) {
    const id = String(m.id);
    if (seen.has(id)) {
      warnings.push(`measure ${id} appears more than once in the document for ${code}; kept once`);
      continue;
    }
    seen.add(id);
    measureTypes.set(m.measure_type.id, m.measure_type.description);
    const reasons: string[] = [];
    let duty: DutyExpression | undefined;
    let supplementaryUnit: string | undefined;
    const apiComponents = m.measure_components ?? [];
    if (apiComponents.length > 0) {
      const result = toComponents(apiComponents);
      if (result.ok) duty = expression(result.components);
      else if (result.supplementaryUnit !== undefined) supplementaryUnit = result.supplementaryUnit;
      else reasons.push(result.reason);
    }
    const conditions: MeasureCondition[] = [];
    for (const c of m.measure_conditions ?? []) {
      const condition: MeasureCondition = { code: c.condition_code ?? '' };
      if (c.document_code) condition.document = c.document_code;
      if (c.action_code) condition.action = c.action_code;
      if (c.condition_duty_amount !== null && c.condition_duty_amount !== undefined) {
        condition.threshold = {
          amount: amountText(c.condition_duty_amount),
          ...(c.condition_monetary_unit_code ? { currency: c.condition_monetary_unit_code } : {}),
          ...(c.condition_measurement_unit_code ? { unit: c.condition_measurement_unit_code } : {}),
          ...(c.condition_measurement_unit_qualifier_code ? { qualifier: c.condition_measurement_unit_qualifier_code } : {}),
        };
      }
      const conditionComponents = c.measure_condition_components ?? [];
      if (conditionComponents.length > 0) {
        const result = toComponents(conditionComponents);
        if (result.ok) condition.duty = expression(result.components);
        else reasons.push(`condition ${condition.code}${condition.document ? `/${condition.document}` : ''}: ${result.reason}`);
      }
      const requirement = c.requirement ?? c.certificate_description;
      if (requirement) condition.requirement = requirement.replace(/<[^>]+>/g, '').trim();
      conditions.push(condition);
    }
    for (const component of [...(duty?.components ?? []), ...conditions.flatMap((c) => c.duty?.components ?? [])]) {
      if (component.unit && !isSupportedUnit(component.unit, component.qualifier)) {
        reasons.push(`unit ${component.unit}${component.qualifier ?? ''} not supported`);
      }
    }
    const excluded = (m.excluded_countries ?? []).map((a) => a.geographical_area_id).sort();
    const measure: Measure = {
      id,
      type: m.measure_type.id,
      area: m.geographical_area.geographical_area_id,
      ...(excluded.length > 0 ? { excluded } : {}),
      ...(m.additional_code?.code ? { additionalCode: m.additional_code.code } : {}),
      from: dateOf(m.effective_start_date),
      ...(m.effective_end_date ? { to: dateOf(m.effective_end_date) } : {}),
      ...(duty ? { duty } : {}),
      ...(conditions.length > 0 ? { conditions } : {}),
      ...(m.order_number?.number ? { quota: m.order_number.number } : {}),
      ...(supplementaryUnit ? { supplementaryUnit } : {}),
      ...(reasons.length > 0 ? { unsupported: [...new Set(reasons)].join('; ') } : {}),
      source: 'uk-api',
    };
    if (measure.unsupported) unsupportedCount += 1;
    if (measureTypeInfo(measure.type).role !== 'listed' && !duty && !conditions.some((c) => c.duty) && !measure.unsupported) {
      warnings.push(`measure ${id} has type ${measure.type} (${m.measure_type.description}) but no amount: listed, not evaluated`);
    }
    measures.push(measure);
  }
  measures.sort((a, b) => (a.type === b.type ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.type < b.type ? -1 : 1));
  return {
    code,
    description: (document.description_plain ?? document.description ?? '').replace(/\s+/g, ' ').trim(),
    measures,
    measureTypes,
    warnings,
    unsupported: unsupportedCount,
  };
}
