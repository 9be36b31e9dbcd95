/**
 * The read side of a pack: a commodity and the measures that apply to it for an origin and date,
 * as the UK Online Trade Tariff shows them (duties, preferences, trade remedies, excise, VAT and
 * the measures the engine only lists: controls, quotas, suspensions), and for alcohol the tax types
 * of HMRC's rate table in force on the date.
 */

import { alcoholDutyView } from './alcohol-duty.ts';
import type { AlcoholDutyRates } from './alcohol-duty-rates.ts';
import type { CommodityLookup, MeasureView } from './commodity-lookup.ts';
import { applicableMeasures, type CompiledMeasure, type CompiledPack, compilePack, resolveCommodity } from './compile.ts';
import type { TariffPack } from './model.ts';

export type { CommodityLookup, MeasureView } from './commodity-lookup.ts';

const roleOrder: Readonly<Record<CompiledMeasure['role'], number>> = {
  'third-country': 0,
  preference: 1,
  additional: 2,
  'anti-dumping': 3,
  countervailing: 4,
  excise: 5,
  vat: 6,
  listed: 7,
};

function areaDescription(pack: TariffPack, id: string): string {
  return pack.geographicalAreas[id]?.description ?? pack.countries[id] ?? id;
}

function view(compiled: CompiledPack, m: CompiledMeasure, source: MeasureView['source']): MeasureView {
  const pack = compiled.pack;
  const raw = m.measure;
  const evaluable = m.role !== 'listed' && !m.unsupported;
  const note =
    m.role === 'listed'
      ? 'listed only: the engine does not evaluate this measure type'
      : m.unsupported
        ? `not evaluated: ${m.unsupported}`
        : undefined;
  return {
    id: m.id,
    type: m.type,
    typeDescription: pack.measureTypes[m.type]?.description ?? (m.role === 'vat' ? 'Value added tax' : m.type),
    role: m.role,
    ...(m.taxType ? { taxType: m.taxType } : {}),
    area: { id: raw.area, description: areaDescription(pack, raw.area) },
    ...(raw.excluded ? { excluded: raw.excluded } : {}),
    ...(raw.additionalCode ? { additionalCode: raw.additionalCode } : {}),
    validFrom: raw.from,
    ...(raw.to ? { validTo: raw.to } : {}),
    ...(raw.season ? { season: raw.season } : {}),
    ...(raw.duty ? { duty: raw.duty.text } : {}),
    ...(raw.conditions ? { conditions: raw.conditions } : {}),
    ...(raw.quota ? { quota: raw.quota } : {}),
    ...(raw.supplementaryUnit ? { supplementaryUnit: raw.supplementaryUnit } : {}),
    evaluable,
    ...(note ? { note } : {}),
    source,
  };
}

/**
 * The commodity `code` (8 or 10 digits) and the measures in force on `date` for `origin` (every
 * origin when omitted). Returns undefined for a code the pack does not know.
 */
export function lookupCommodity(
  pack: TariffPack,
  code: string,
  options: { origin?: string; date: string; alcoholDutyRates?: AlcoholDutyRates | undefined },
): CommodityLookup | undefined {
  const compiled = compilePack(pack);
  const commodity = resolveCommodity(compiled, code);
  if (!commodity) return undefined;
  const measures = applicableMeasures(compiled, commodity, options.date, options.origin);
  const views = measures.map((m) => view(compiled, m, m.measure.source));
  if (!commodity.hasVat) views.push(...compiled.defaultVat.map((m) => view(compiled, m, 'pack-default')));
  views.sort((a, b) => roleOrder[a.role] - roleOrder[b.role] || a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
  const alcoholDuty = alcoholDutyView(code, options.alcoholDutyRates, options.date);
  return {
    code,
    resolvedCode: commodity.code,
    description: commodity.description,
    flags: [...commodity.flags],
    tariffPackVersion: pack.version,
    date: options.date,
    ...(options.origin ? { origin: options.origin } : {}),
    measures: views,
    ...(alcoholDuty ? { alcoholDuty } : {}),
  };
}
