/**
 * A pack compiled for fast lookups: per-commodity measure layers indexed by measure type, duty
 * expressions with their amounts parsed into decimals once, area membership as Sets. Compiled
 * packs are cached per pack object (WeakMap) and never mutated, so an assessment only ever sees
 * the pack it was given; loading another pack compiles another index.
 *
 * Which measures apply (docs/tariff.md, "Measure selection"): a commodity's measures come in
 * layers, most specific first: the Trade Tariff document of the code itself, the UK Global Tariff
 * line of the code, then the same two for its 8-digit parent. For each measure type, the first
 * layer holding a measure of that type valid on the date supplies the candidates (so a document's
 * third-country duty overrides the UKGT line while it is in force, and the UKGT line applies again
 * outside the document's validity). Candidates are then filtered by origin.
 */

import { atLeastTwoDecimals, renderComponent } from './expression.ts';
import { type MeasureRole, measureTypeInfo, vatCodeOf } from './measure-types.ts';
import type { DutyComponent, DutyExpression, Measure, MeasureCondition, TariffPack } from './model.ts';
import { Dec, HUNDRED } from './money.ts';
import { isSupportedUnit, unitKey, unitLabel } from './units.ts';

export interface CompiledComponent {
  readonly op: DutyComponent['op'];
  readonly amount: Dec;
  /** For percentages: amount / 100. */
  readonly fraction: Dec | undefined;
  readonly currency: string | undefined;
  readonly unit: string | undefined;
  readonly qualifier: string | undefined;
  /** "DTN", "TNEI", "ASVX"; "" for a percentage of the customs value. */
  readonly key: string;
  /** As the tariff writes the term: "2.70%", "144.10 GBP / 1000 kg". */
  readonly text: string;
  /** "2.70" (percentages) or "144.10" (amounts). */
  readonly amountText: string;
  readonly unitText: string;
}

export interface CompiledDuty {
  readonly text: string;
  readonly components: readonly CompiledComponent[];
  /** Why it cannot be evaluated (unknown unit, agricultural component), if so. */
  readonly unsupported: string | undefined;
}

export interface CompiledMeasure {
  readonly measure: Measure;
  readonly id: string;
  readonly type: string;
  readonly role: MeasureRole;
  readonly taxType: string | undefined;
  readonly area: string;
  readonly excluded: ReadonlySet<string> | undefined;
  readonly additionalCode: string | undefined;
  /** VAT code (VAT, VATR, VATZ, VATE) for VAT measures. */
  readonly vatCode: string | undefined;
  readonly duty: CompiledDuty | undefined;
  /** Document conditions that apply an amount: the declared document selects the duty. */
  readonly documentDuties: ReadonlyArray<{ readonly document: string | undefined; readonly duty: CompiledDuty }> | undefined;
  /** Entry price conditions (V), in tariff order: the first threshold the unit price reaches. */
  readonly entryPrices:
    | ReadonlyArray<{
        readonly threshold: Dec;
        readonly currency: string | undefined;
        readonly unit: string;
        readonly qualifier: string | undefined;
        readonly duty: CompiledDuty;
      }>
    | undefined;
  /** Why the engine cannot evaluate it, if so. */
  readonly unsupported: string | undefined;
}

export interface CompiledCommodity {
  /** The pack code the declared code resolved to (10 or 8 digits). */
  readonly code: string;
  readonly description: string;
  readonly flags: readonly string[];
  /** Measure type ("listed:<type>" for amount-less ones) -> layers (most specific first) of that type's measures. */
  readonly byType: ReadonlyMap<string, ReadonlyArray<readonly CompiledMeasure[]>>;
  /** True when some layer has VAT measures (else the pack's VAT rates apply). */
  readonly hasVat: boolean;
}

export interface CompiledPack {
  readonly pack: TariffPack;
  readonly version: string;
  /** Group id -> member countries (exclusions already expanded at compile). */
  readonly areaMembers: ReadonlyMap<string, ReadonlySet<string>>;
  /** Default VAT measures (one per VAT code of the pack's rate table). */
  readonly defaultVat: readonly CompiledMeasure[];
  commodity(code: string): CompiledCommodity | undefined;
}

/** ERGA OMNES: every origin. */
export const ERGA_OMNES = '1011';

function compileComponent(c: DutyComponent): CompiledComponent {
  const amount = new Dec(c.amount);
  const percent = !c.currency;
  return {
    op: c.op,
    amount,
    fraction: percent ? amount.div(HUNDRED) : undefined,
    currency: c.currency,
    unit: c.unit,
    qualifier: c.qualifier,
    key: percent && !c.unit ? '' : unitKey(c.unit ?? '', c.qualifier),
    text: renderComponent(c),
    amountText: atLeastTwoDecimals(c.amount),
    unitText: c.unit ? unitLabel(c.unit, c.qualifier) : '',
  };
}

export function compileDuty(duty: DutyExpression): CompiledDuty {
  const components = duty.components.map(compileComponent);
  let unsupported: string | undefined;
  for (const c of components) {
    if (c.currency && !c.unit) unsupported = `amount without a unit in "${duty.text}"`;
    else if (!c.currency && c.unit && c.unit !== 'RET') unsupported = `percentage of ${c.unit} in "${duty.text}"`;
    else if (c.unit && !isSupportedUnit(c.unit, c.qualifier))
      unsupported = `unit ${unitKey(c.unit, c.qualifier)} not supported in "${duty.text}"`;
  }
  if (components[0]?.op !== '+') unsupported = `expression starts with ${components[0]?.op ?? 'nothing'}`;
  return { text: duty.text, components, unsupported };
}

function compileConditions(conditions: readonly MeasureCondition[] | undefined): Pick<CompiledMeasure, 'documentDuties' | 'entryPrices'> {
  if (!conditions || conditions.length === 0) return { documentDuties: undefined, entryPrices: undefined };
  const withDuty = conditions.filter((c) => c.duty);
  if (withDuty.length === 0) return { documentDuties: undefined, entryPrices: undefined };
  if (conditions.every((c) => c.code === 'V' && c.threshold && c.duty)) {
    return {
      documentDuties: undefined,
      entryPrices: conditions.map((c) => ({
        threshold: new Dec(c.threshold!.amount),
        currency: c.threshold!.currency,
        unit: c.threshold!.unit ?? 'DTN',
        qualifier: c.threshold!.qualifier,
        duty: compileDuty(c.duty!),
      })),
    };
  }
  if (conditions.every((c) => c.duty && !c.threshold)) {
    return {
      documentDuties: conditions.map((c) => ({ document: c.document || undefined, duty: compileDuty(c.duty!) })),
      entryPrices: undefined,
    };
  }
  return { documentDuties: undefined, entryPrices: undefined };
}

function compileMeasure(measure: Measure, expand: (ids: readonly string[]) => ReadonlySet<string>): CompiledMeasure {
  const typeInfo = measureTypeInfo(measure.type);
  const duty = measure.duty ? compileDuty(measure.duty) : undefined;
  const { documentDuties, entryPrices } = compileConditions(measure.conditions);
  const hasAmount = duty !== undefined || documentDuties !== undefined || entryPrices !== undefined;
  const conditionUnsupported = [...(documentDuties ?? []), ...(entryPrices ?? [])].find((d) => d.duty.unsupported)?.duty.unsupported;
  let unsupported = measure.unsupported ?? duty?.unsupported ?? conditionUnsupported;
  // A measure that carries no amount at all is a control whatever its type says (some documents
  // file e.g. a phytosanitary certificate requirement under type 103): listed, never evaluated.
  const role = hasAmount || measure.unsupported ? typeInfo.role : 'listed';
  if (!unsupported && !hasAmount && role !== 'listed') unsupported = 'no duty expression and no evaluable condition';
  const taxType =
    role === 'excise' ? (measure.additionalCode?.startsWith('X') ? measure.additionalCode.slice(1) : undefined) : typeInfo.taxType;
  if (role === 'excise' && !taxType && !unsupported) unsupported = 'excise measure without an X additional code (no tax type)';
  return {
    measure,
    id: measure.id,
    type: measure.type,
    role,
    taxType: role === 'listed' ? undefined : taxType,
    area: measure.area,
    excluded: measure.excluded && measure.excluded.length > 0 ? expand(measure.excluded) : undefined,
    additionalCode: role === 'vat' ? undefined : measure.additionalCode,
    vatCode: role === 'vat' ? vatCodeOf(measure.type, measure.additionalCode) : undefined,
    duty,
    documentDuties,
    entryPrices,
    unsupported,
  };
}

const cache = new WeakMap<TariffPack, CompiledPack>();

/** Compiles (once per pack object) the lookup structures for a pack. */
export function compilePack(pack: TariffPack): CompiledPack {
  const cached = cache.get(pack);
  if (cached) return cached;

  const areaMembers = new Map<string, ReadonlySet<string>>();
  for (const [id, area] of Object.entries(pack.geographicalAreas)) areaMembers.set(id, new Set(area.members));
  const expansions = new Map<string, ReadonlySet<string>>();
  const expand = (ids: readonly string[]): ReadonlySet<string> => {
    const key = ids.join(',');
    let set = expansions.get(key);
    if (!set) {
      const s = new Set<string>();
      for (const id of ids) {
        s.add(id);
        for (const member of areaMembers.get(id) ?? []) s.add(member);
      }
      set = s;
      expansions.set(key, set);
    }
    return set;
  };

  const ownLayers = new Map<string, readonly CompiledMeasure[][]>();
  const layersOf = (code: string): readonly CompiledMeasure[][] => {
    let layers = ownLayers.get(code);
    if (!layers) {
      const record = pack.commodities[code];
      const api: CompiledMeasure[] = [];
      const ukgt: CompiledMeasure[] = [];
      for (const m of record?.measures ?? []) (m.source === 'uk-api' ? api : ukgt).push(compileMeasure(m, expand));
      layers = [api, ukgt].filter((l) => l.length > 0);
      ownLayers.set(code, layers);
    }
    return layers;
  };

  const commodities = new Map<string, CompiledCommodity | null>();
  const build = (code: string): CompiledCommodity | undefined => {
    const record = pack.commodities[code];
    if (!record) return undefined;
    const layers = [...layersOf(code)];
    if (code.length === 10 && pack.commodities[code.slice(0, 8)]) layers.push(...layersOf(code.slice(0, 8)));
    const byType = new Map<string, CompiledMeasure[][]>();
    layers.forEach((layer, index) => {
      for (const m of layer) {
        // Amount-less measures (controls) never override a duty of the same type number.
        const key = m.role === 'listed' ? `listed:${m.type}` : m.type;
        let typeLayers = byType.get(key);
        if (!typeLayers) byType.set(key, (typeLayers = []));
        while (typeLayers.length <= index) typeLayers.push([]);
        typeLayers[index]!.push(m);
      }
    });
    for (const typeLayers of byType.values()) {
      for (let i = typeLayers.length - 1; i >= 0; i--) if (typeLayers[i]!.length === 0) typeLayers.splice(i, 1);
    }
    const hasVat = layers.some((l) => l.some((m) => m.role === 'vat'));
    return Object.freeze({ code, description: record.description, flags: record.flags ?? [], byType, hasVat });
  };

  const defaultVat = Object.entries(pack.vat.rates).map(([code, rate]) =>
    compileMeasure(
      {
        id: `vat-default-${code}`,
        type: '305',
        area: ERGA_OMNES,
        from: pack.validFrom,
        ...(code === 'VAT' ? {} : { additionalCode: code }),
        duty: { text: `${atLeastTwoDecimals(rate)}%`, components: [{ op: '+', amount: rate }] },
        source: 'ukgt',
      },
      expand,
    ),
  );

  const compiled: CompiledPack = {
    pack,
    version: pack.version,
    areaMembers,
    defaultVat,
    commodity(code) {
      let entry = commodities.get(code);
      if (entry === undefined) {
        entry = build(code) ?? null;
        commodities.set(code, entry);
      }
      return entry ?? undefined;
    },
  };
  cache.set(pack, Object.freeze(compiled));
  return compiled;
}

/** Declared code -> the pack code it resolves to: itself, else (10 digits) its 8-digit line. */
export function resolveCommodity(compiled: CompiledPack, declaredCode: string): CompiledCommodity | undefined {
  if (declaredCode.length !== 8 && declaredCode.length !== 10) return undefined;
  return compiled.commodity(declaredCode) ?? (declaredCode.length === 10 ? compiled.commodity(declaredCode.slice(0, 8)) : undefined);
}

/** In force on `date` (YYYY-MM-DD), season included (windows may wrap the year end). */
export function inForce(m: Measure, date: string): boolean {
  if (date < m.from || (m.to !== undefined && date > m.to)) return false;
  const season = m.season;
  if (!season) return true;
  const md = date.slice(5);
  return season.from <= season.to ? md >= season.from && md <= season.to : md >= season.from || md <= season.to;
}

/** Origin in the measure's area and not excluded. */
export function coversOrigin(compiled: CompiledPack, m: CompiledMeasure, origin: string): boolean {
  if (m.excluded?.has(origin)) return false;
  if (m.area === ERGA_OMNES || m.area === origin) return true;
  return compiled.areaMembers.get(m.area)?.has(origin) ?? false;
}

/**
 * The measures in force on `date` for `origin` (all origins when undefined), each type taken from
 * its most specific layer that has one in force on the date.
 */
export function applicableMeasures(
  compiled: CompiledPack,
  commodity: CompiledCommodity,
  date: string,
  origin: string | undefined,
): CompiledMeasure[] {
  const inForceOnDate = measuresInForce(commodity, date);
  if (origin === undefined) return [...inForceOnDate];
  const result: CompiledMeasure[] = [];
  for (const m of inForceOnDate) if (coversOrigin(compiled, m, origin)) result.push(m);
  return result;
}

/** The last date asked for per commodity and its measures in force (dates repeat: one a day). */
const inForceCache = new WeakMap<CompiledCommodity, { date: string; measures: readonly CompiledMeasure[] }>();

function measuresInForce(commodity: CompiledCommodity, date: string): readonly CompiledMeasure[] {
  const cached = inForceCache.get(commodity);
  if (cached?.date === date) return cached.measures;
  const measures: CompiledMeasure[] = [];
  for (const layers of commodity.byType.values()) {
    for (const layer of layers) {
      let found = false;
      for (const m of layer) {
        if (!inForce(m.measure, date)) continue;
        found = true;
        measures.push(m);
      }
      if (found) break;
    }
  }
  inForceCache.set(commodity, { date, measures });
  return measures;
}
