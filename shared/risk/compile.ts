/**
 * Compiles risk profiles (data) into matchers (closures over Sets and Decimals), once per
 * profile set, so scoring a declaration is a few hundred Set lookups. Nothing from the profile
 * is ever evaluated as code. Also prepares the per-declaration facts the matchers read.
 */
import { Decimal } from 'decimal.js';
import type { Declaration, DeclarationItem } from '../domain/declaration.ts';
import type { Lane } from './outcome.ts';
import { type Criterion, type LeafCriterion, type RiskProfile, validFromMs, validToMs } from './profile.ts';
import { type TraderProfile, traderParty } from './trader.ts';
import {
  compareWithReference,
  defaultValuationRule,
  describeValuation,
  formatAmount,
  type ItemValuation,
  nationalValue,
  noValuation,
  referenceFor,
  type ValuationContext,
  valuePerKg,
} from './valuation.ts';

export const laneRank: Record<Lane, number> = { GREEN: 0, BLUE: 1, YELLOW: 2, RED: 3 };
export const strongerLane = (a: Lane, b: Lane): Lane => (laneRank[b] > laneRank[a] ? b : a);

// ---- per-declaration facts ---------------------------------------------------------------------

export interface PreparedItem {
  readonly index: number;
  readonly item: DeclarationItem;
  /** prefixes[n] = the first n digits of the commodity code (undefined past its length). */
  readonly prefixes: readonly (string | undefined)[];
  readonly preferenceClaimed: boolean;
}

/** What the matchers read about one declaration; valuation is computed lazily, once per item. */
export class DeclarationFacts {
  readonly items: readonly PreparedItem[];
  readonly loadingCountry: string;
  readonly trader: TraderProfile | undefined;
  readonly traderRole: 'importer' | 'exporter' | 'declarant';
  readonly traderId: string;
  readonly nationalCurrency: string | undefined;
  private readonly valuations: Array<ItemValuation | undefined>;
  private readonly nationals: Array<Decimal | null | undefined>;
  private readonly perKgs: Array<Decimal | null | undefined>;
  private readonly minCount: number;

  constructor(
    readonly declaration: Declaration,
    trader: TraderProfile | undefined,
    readonly valuation: ValuationContext | undefined,
  ) {
    this.items = declaration.items.map((item, index) => {
      const code = item.commodityCode;
      const prefixes: Array<string | undefined> = [];
      for (let n = 2; n <= code.length; n += 1) prefixes[n] = code.slice(0, n);
      const first = item.preference.charCodeAt(0);
      // DE 4/17: 1xx erga omnes (no preference), 2xx GSP, 3xx preferential agreements, 4xx customs union.
      return { index, item, prefixes, preferenceClaimed: first === 50 || first === 51 || first === 52 };
    });
    this.loadingCountry = declaration.consignment.loadingLocation.slice(0, 2);
    this.trader = trader;
    const party = traderParty(declaration);
    this.traderRole = party.role;
    this.traderId = party.id;
    this.nationalCurrency = valuation?.references.currency;
    const count = declaration.items.length;
    this.valuations = new Array<ItemValuation | undefined>(count);
    this.nationals = new Array<Decimal | null | undefined>(count);
    this.perKgs = new Array<Decimal | null | undefined>(count);
    this.minCount = (valuation?.rule ?? defaultValuationRule).minCount;
  }

  /** The item's invoice amount in the national currency (computed once). */
  nationalOf(index: number): Decimal | undefined {
    let national = this.nationals[index];
    if (national === undefined) {
      national =
        this.valuation === undefined
          ? null
          : (nationalValue(this.items[index]!.item, this.declaration.valuation.currency, this.valuation) ?? null);
      this.nationals[index] = national;
    }
    return national ?? undefined;
  }

  /** The item's declared value per kg in the national currency (computed once). */
  perKgOf(index: number): Decimal | undefined {
    let perKg = this.perKgs[index];
    if (perKg === undefined) {
      const national = this.nationalOf(index);
      perKg = national === undefined ? null : (valuePerKg(national, this.items[index]!.item) ?? null);
      this.perKgs[index] = perKg;
    }
    return perKg ?? undefined;
  }

  /** The item against its value reference (computed once; no figures without a reference). */
  valuationOf(index: number): ItemValuation {
    const cached = this.valuations[index];
    if (cached !== undefined) return cached;
    const item = this.items[index]!.item;
    const reference = this.valuation === undefined ? undefined : referenceFor(item, this.valuation, this.minCount);
    const computed = reference === undefined ? noValuation : compareWithReference(item, this.nationalOf(index), reference);
    this.valuations[index] = computed;
    return computed;
  }
}

// ---- criteria ----------------------------------------------------------------------------------

interface CompiledNode {
  /** Depends on the item (else the same for every item). */
  readonly item: boolean;
  test(facts: DeclarationFacts, item: number): boolean;
  /** Plain-language facts that make the node hold (`holds`) or fail (`!holds`) for this item. */
  explain(facts: DeclarationFacts, item: number, holds: boolean, out: string[]): void;
}

const short = (values: readonly string[], max = 6): string =>
  values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')} and ${values.length - max} more`;

/** "origin is CN" / "origin is CN, one of CN, RU" / "origin is DE, not CN" / "origin is DE, none of CN, RU". */
const listed = (label: string, value: string | undefined, values: readonly string[], holds: boolean): string => {
  if (value === undefined) return `${label} is not given`;
  if (values.length === 1) return holds ? `${label} is ${value}` : `${label} is ${value}, not ${values[0]}`;
  return `${label} is ${value}, ${holds ? 'one' : 'none'} of ${short(values)}`;
};

const itemLabel = (index: number): string => `item ${index + 1}`;

const transportModes: Record<string, string> = {
  '1': 'sea',
  '2': 'rail',
  '3': 'road',
  '4': 'air',
  '5': 'post',
  '7': 'fixed installation',
  '8': 'inland waterway',
  '9': 'own propulsion',
};

/** A leaf on a declaration-level string field checked against a set. */
function setLeaf(label: string, values: readonly string[], get: (facts: DeclarationFacts) => string | undefined): CompiledNode {
  const set = new Set(values);
  return {
    item: false,
    test: (facts) => {
      const value = get(facts);
      return value !== undefined && set.has(value);
    },
    explain: (facts, _item, holds, out) => out.push(listed(label, get(facts), values, holds)),
  };
}

/** A leaf on an item-level string field checked against a set. */
function itemSetLeaf(label: string, values: readonly string[], get: (item: DeclarationItem) => string): CompiledNode {
  const set = new Set(values);
  return {
    item: true,
    test: (facts, index) => set.has(get(facts.items[index]!.item)),
    explain: (facts, index, holds, out) => out.push(listed(`${itemLabel(index)} ${label}`, get(facts.items[index]!.item), values, holds)),
  };
}

function traderName(facts: DeclarationFacts): string {
  return `${facts.traderRole} ${facts.traderId}`;
}

function compileLeaf(leaf: LeafCriterion): CompiledNode {
  switch (leaf.kind) {
    case 'commodityCode': {
      const set = new Set(leaf.prefixes);
      const lengths = [...new Set(leaf.prefixes.map((p) => p.length))].sort((a, b) => a - b);
      const matching = (facts: DeclarationFacts, index: number): string | undefined => {
        const prefixes = facts.items[index]!.prefixes;
        for (const length of lengths) {
          const prefix = prefixes[length];
          if (prefix !== undefined && set.has(prefix)) return prefix;
        }
        return undefined;
      };
      return {
        item: true,
        test: (facts, index) => matching(facts, index) !== undefined,
        explain: (facts, index, holds, out) => {
          const code = facts.items[index]!.item.commodityCode;
          out.push(
            holds
              ? `${itemLabel(index)} commodity code ${code} starts with ${matching(facts, index)}`
              : `${itemLabel(index)} commodity code ${code} does not start with ${leaf.prefixes.length === 1 ? leaf.prefixes[0] : `any of ${short(leaf.prefixes)}`}`,
          );
        },
      };
    }
    case 'origin':
      return itemSetLeaf('origin', leaf.countries, (item) => item.origin);
    case 'exporterCountry':
      return setLeaf("exporter's country", leaf.countries, (facts) => facts.declaration.exporter.country);
    case 'loadingCountry':
      return setLeaf('country of loading', leaf.countries, (facts) => facts.loadingCountry);
    case 'declarant':
      return setLeaf('declarant', leaf.ids, (facts) => facts.declaration.declarant.id);
    case 'importer':
      return setLeaf('importer', leaf.ids, (facts) => facts.declaration.importer.id);
    case 'office':
      return setLeaf('office', leaf.offices, (facts) => facts.declaration.office);
    case 'declarationType':
      return setLeaf('declaration type', leaf.types, (facts) => facts.declaration.type);
    case 'procedureCode': {
      const full = new Set(leaf.codes.filter((c) => c.length === 4));
      const requested = new Set(leaf.codes.filter((c) => c.length === 2));
      const test = (facts: DeclarationFacts): boolean => {
        const code = facts.declaration.procedureCode;
        return full.has(code) || (requested.size > 0 && requested.has(code.slice(0, 2)));
      };
      return {
        item: false,
        test,
        explain: (facts, _i, holds, out) => out.push(listed('procedure code', facts.declaration.procedureCode, leaf.codes, holds)),
      };
    }
    case 'transportMode': {
      const set = new Set<string>(leaf.modes);
      const name = (mode: string): string => `${mode} (${transportModes[mode] ?? 'unknown'})`;
      return {
        item: false,
        test: (facts) => set.has(facts.declaration.consignment.transportMode),
        explain: (facts, _i, holds, out) =>
          out.push(listed('transport mode', name(facts.declaration.consignment.transportMode), leaf.modes.map(name), holds)),
      };
    }
    case 'preferenceClaimed':
      return {
        item: true,
        test: (facts, index) => facts.items[index]!.preferenceClaimed,
        explain: (facts, index, holds, out) => {
          const code = facts.items[index]!.item.preference;
          out.push(
            holds
              ? `${itemLabel(index)} claims a tariff preference (${code})`
              : `${itemLabel(index)} claims no tariff preference (${code})`,
          );
        },
      };
    case 'additionalCode': {
      const set = new Set(leaf.codes);
      const found = (item: DeclarationItem): string | undefined => item.additionalCodes.find((c) => set.has(c));
      return {
        item: true,
        test: (facts, index) => {
          const codes = facts.items[index]!.item.additionalCodes;
          for (const code of codes) if (set.has(code)) return true;
          return false;
        },
        explain: (facts, index, holds, out) => {
          const item = facts.items[index]!.item;
          out.push(
            holds
              ? `${itemLabel(index)} declares additional code ${found(item)}`
              : `${itemLabel(index)} declares none of the additional codes ${short(leaf.codes)}`,
          );
        },
      };
    }
    case 'valuePerKg': {
      const below = leaf.below === undefined ? undefined : new Decimal(leaf.below);
      const above = leaf.above === undefined ? undefined : new Decimal(leaf.above);
      const bounds = (currency: string): string =>
        [
          below === undefined ? '' : `below ${formatAmount(below)} ${currency}/kg`,
          above === undefined ? '' : `above ${formatAmount(above)} ${currency}/kg`,
        ]
          .filter((s) => s !== '')
          .join(' and ');
      return {
        item: true,
        test: (facts, index) => {
          const perKg = facts.perKgOf(index);
          return perKg !== undefined && (below === undefined || perKg.lt(below)) && (above === undefined || perKg.gt(above));
        },
        explain: (facts, index, holds, out) => {
          const perKg = facts.perKgOf(index);
          const currency = facts.nationalCurrency ?? '';
          out.push(
            perKg === undefined
              ? `${itemLabel(index)} has no value per kg (no net mass or exchange rate)`
              : `${itemLabel(index)} declared ${formatAmount(perKg)} ${currency}/kg is ${holds ? '' : 'not '}${bounds(currency)}`,
          );
        },
      };
    }
    case 'valueToReference': {
      const limit = new Decimal(leaf.belowPercent).div(100);
      return {
        item: true,
        test: (facts, index) => {
          const ratio = facts.valuationOf(index).ratio;
          return ratio?.lt(limit) === true;
        },
        explain: (facts, index, holds, out) => {
          const valuation = facts.valuationOf(index);
          const item = facts.items[index]!.item;
          out.push(
            valuation.ratio === undefined
              ? `${itemLabel(index)} has no value reference for ${item.commodityCode} from ${item.origin}`
              : `${itemLabel(index)} ${describeValuation(item, valuation, facts.nationalCurrency ?? '')}, ${holds ? 'below' : 'not below'} ${leaf.belowPercent}%`,
          );
        },
      };
    }
    case 'traderDeclarations':
      return {
        item: false,
        test: (facts) => (facts.trader?.declarationsCount ?? 0) < leaf.fewerThan,
        explain: (facts, _i, holds, out) => {
          const count = facts.trader?.declarationsCount ?? 0;
          const known = facts.trader === undefined ? ' (unknown to the platform)' : '';
          out.push(
            `${traderName(facts)} has ${count} previous declaration${count === 1 ? '' : 's'}${known}, ${holds ? 'fewer than' : 'not fewer than'} ${leaf.fewerThan}`,
          );
        },
      };
    case 'trustedTrader':
      return {
        item: false,
        test: (facts) => facts.trader !== undefined && (facts.trader.aeo !== null || facts.trader.trusted),
        explain: (facts, _i, holds, out) => {
          const trader = facts.trader;
          if (holds && trader !== undefined) {
            out.push(`${traderName(facts)} is ${trader.aeo ?? 'a trusted trader'}`);
          } else {
            out.push(
              `${traderName(facts)} is neither an AEO nor a trusted trader${trader === undefined ? ' (unknown to the platform)' : ''}`,
            );
          }
        },
      };
  }
}

function compileNode(criterion: Criterion): CompiledNode {
  switch (criterion.kind) {
    case 'and': {
      const nodes = criterion.of.map(compileNode);
      return {
        item: nodes.some((n) => n.item),
        test: (facts, index) => {
          for (const node of nodes) if (!node.test(facts, index)) return false;
          return true;
        },
        explain: (facts, index, holds, out) => {
          if (holds) for (const node of nodes) node.explain(facts, index, true, out);
          else nodes.find((n) => !n.test(facts, index))?.explain(facts, index, false, out);
        },
      };
    }
    case 'or': {
      const nodes = criterion.of.map(compileNode);
      return {
        item: nodes.some((n) => n.item),
        test: (facts, index) => {
          for (const node of nodes) if (node.test(facts, index)) return true;
          return false;
        },
        explain: (facts, index, holds, out) => {
          if (holds) nodes.find((n) => n.test(facts, index))?.explain(facts, index, true, out);
          else for (const node of nodes) node.explain(facts, index, false, out);
        },
      };
    }
    case 'not': {
      const node = compileNode(criterion.of);
      return {
        item: node.item,
        test: (facts, index) => !node.test(facts, index),
        explain: (facts, index, holds, out) => node.explain(facts, index, !holds, out),
      };
    }
    default:
      return compileLeaf(criterion);
  }
}

// ---- profiles ----------------------------------------------------------------------------------

export interface CompiledProfile {
  readonly profile: RiskProfile;
  readonly id: string;
  readonly version: number;
  /** Validity window, epoch ms, [from, to). */
  readonly from: number;
  readonly to: number;
  readonly lane: 'RED' | 'YELLOW' | 'BLUE' | undefined;
  readonly scoreDelta: number;
  readonly root: CompiledNode;
}

export function compileProfile(profile: RiskProfile): CompiledProfile {
  return {
    profile,
    id: profile.id,
    version: profile.version,
    from: validFromMs(profile.validFrom),
    to: validToMs(profile.validTo),
    lane: 'lane' in profile.outcome ? profile.outcome.lane : undefined,
    scoreDelta: 'score' in profile.outcome ? profile.outcome.score : 0,
    root: compileNode(profile.criteria),
  };
}

/** Index of the first item that satisfies the profile, or -1. */
export function matchProfile(compiled: CompiledProfile, facts: DeclarationFacts): number {
  const root = compiled.root;
  if (!root.item) return root.test(facts, 0) ? 0 : -1;
  const count = facts.items.length;
  for (let index = 0; index < count; index += 1) if (root.test(facts, index)) return index;
  return -1;
}

const MAX_OTHER_ITEMS = 10;

/** "Profile P v2 "name" selects RED: <what matched>. Why: <reason>" */
export function explainMatch(compiled: CompiledProfile, facts: DeclarationFacts, index: number): string {
  const parts: string[] = [];
  compiled.root.explain(facts, index, true, parts);
  let others = '';
  if (compiled.root.item) {
    const more: number[] = [];
    for (let i = index + 1; i < facts.items.length; i += 1) if (compiled.root.test(facts, i)) more.push(i + 1);
    if (more.length > 0) {
      others = ` (also item${more.length === 1 ? '' : 's'} ${more.slice(0, MAX_OTHER_ITEMS).join(', ')}${more.length > MAX_OTHER_ITEMS ? ` and ${more.length - MAX_OTHER_ITEMS} more` : ''})`;
    }
  }
  const p = compiled.profile;
  const effect =
    compiled.lane !== undefined
      ? `selects ${compiled.lane}`
      : `adds ${compiled.scoreDelta > 0 ? '+' : ''}${compiled.scoreDelta} to the score`;
  return `Profile ${p.id} v${p.version} "${p.name}" ${effect}: ${parts.join('; ')}${others}. Why: ${p.reason}`;
}

export interface ActiveProfiles {
  readonly profiles: readonly CompiledProfile[];
  /** id -> version of every profile in force (frozen, shared between outcomes of the same window). */
  readonly profileVersions: Readonly<Record<string, number>>;
  /** The profiles that can match this declaration (a superset of those that do), in evaluation order. */
  candidates(facts: DeclarationFacts): readonly CompiledProfile[];
}

/**
 * A necessary condition of a criteria tree, used to index profiles: the tree can only hold if
 * some item's commodity code starts with one of `commodity`, or the importer is one of
 * `importer`, or the declarant is one of `declarant`. Undefined: no such condition (always a candidate).
 */
interface Anchor {
  commodity: string[];
  importer: string[];
  declarant: string[];
}

function anchorOf(criterion: Criterion): Anchor | undefined {
  switch (criterion.kind) {
    case 'commodityCode':
      return { commodity: criterion.prefixes, importer: [], declarant: [] };
    case 'importer':
      return { commodity: [], importer: criterion.ids, declarant: [] };
    case 'declarant':
      return { commodity: [], importer: [], declarant: criterion.ids };
    case 'and': {
      // Every child must hold: any anchored child is a necessary condition; prefer commodity-only ones.
      const anchors = criterion.of.map(anchorOf).filter((a): a is Anchor => a !== undefined);
      return anchors.find((a) => a.importer.length === 0 && a.declarant.length === 0) ?? anchors[0];
    }
    case 'or': {
      // One child must hold: anchored only if every child is, by the union.
      const anchors = criterion.of.map(anchorOf);
      if (anchors.some((a) => a === undefined)) return undefined;
      return {
        commodity: anchors.flatMap((a) => a!.commodity),
        importer: anchors.flatMap((a) => a!.importer),
        declarant: anchors.flatMap((a) => a!.declarant),
      };
    }
    default:
      return undefined;
  }
}

function indexProfiles(list: readonly CompiledProfile[]): (facts: DeclarationFacts) => readonly CompiledProfile[] {
  const byPrefix = new Map<string, number[]>();
  const byImporter = new Map<string, number[]>();
  const byDeclarant = new Map<string, number[]>();
  const always = new Uint8Array(list.length);
  const add = (map: Map<string, number[]>, key: string, position: number) => {
    const positions = map.get(key);
    if (positions === undefined) map.set(key, [position]);
    else if (positions[positions.length - 1] !== position) positions.push(position);
  };
  list.forEach((compiled, position) => {
    const anchor = anchorOf(compiled.profile.criteria);
    if (anchor === undefined) {
      always[position] = 1;
      return;
    }
    for (const prefix of anchor.commodity) add(byPrefix, prefix, position);
    for (const id of anchor.importer) add(byImporter, id, position);
    for (const id of anchor.declarant) add(byDeclarant, id, position);
  });
  const lengths = [...new Set([...byPrefix.keys()].map((prefix) => prefix.length))].sort((a, b) => a - b);
  const marks = new Uint8Array(list.length);
  const mark = (positions: readonly number[] | undefined) => {
    if (positions !== undefined) for (const position of positions) marks[position] = 1;
  };
  return (facts) => {
    // Scoring is synchronous, so one scratch buffer per compiled set is safe.
    marks.set(always);
    for (const item of facts.items) {
      const prefixes = item.prefixes;
      for (const length of lengths) {
        const prefix = prefixes[length];
        if (prefix !== undefined) mark(byPrefix.get(prefix));
      }
    }
    const importer = facts.declaration.importer.id;
    if (importer !== undefined && byImporter.size > 0) mark(byImporter.get(importer));
    if (byDeclarant.size > 0) mark(byDeclarant.get(facts.declaration.declarant.id));
    const result: CompiledProfile[] = [];
    for (let position = 0; position < marks.length; position += 1) if (marks[position] === 1) result.push(list[position]!);
    return result;
  };
}

/** A compiled profile set: build once per set of profile versions, reuse for every declaration. */
export interface CompiledProfiles {
  readonly kind: 'CompiledProfiles';
  readonly all: readonly CompiledProfile[];
  /** The profiles in force at an instant (epoch ms); cached per validity window. */
  activeAt(ms: number): ActiveProfiles;
}

export interface CompileOptions {
  /** Treat every profile as valid whatever its dates (dry runs). */
  ignoreValidity?: boolean;
  /** Keep disabled profiles (dry runs of a profile before enabling it). */
  includeDisabled?: boolean;
}

/**
 * Compiles a set of profile versions. Disabled profiles are dropped; when several versions of
 * one profile are given, only the highest is kept. Profiles are evaluated (and their reasons
 * listed) lanes first, strongest first, then score contributions, largest first, then by id.
 */
export function compileProfiles(profiles: readonly RiskProfile[], options: CompileOptions = {}): CompiledProfiles {
  const latest = new Map<string, RiskProfile>();
  for (const profile of profiles) {
    if (!profile.enabled && !options.includeDisabled) continue;
    const seen = latest.get(profile.id);
    if (seen === undefined || profile.version > seen.version) latest.set(profile.id, profile);
  }
  const all = [...latest.values()].map(compileProfile).sort((a, b) => {
    const rank = (c: CompiledProfile) => (c.lane === undefined ? 0 : laneRank[c.lane]);
    return rank(b) - rank(a) || b.scoreDelta - a.scoreDelta || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });

  const makeActive = (list: readonly CompiledProfile[]): ActiveProfiles => {
    const versions: Record<string, number> = {};
    for (const c of list) versions[c.id] = c.version;
    return { profiles: list, profileVersions: Object.freeze(versions), candidates: indexProfiles(list) };
  };
  if (options.ignoreValidity) {
    const everything = makeActive(all);
    return { kind: 'CompiledProfiles', all, activeAt: () => everything };
  }

  // The set in force only changes at validity bounds: cache one active set per window.
  const bounds = [...new Set(all.flatMap((c) => [c.from, c.to]).filter((ms) => Number.isFinite(ms)))].sort((a, b) => a - b);
  const windows = new Map<number, ActiveProfiles>();
  return {
    kind: 'CompiledProfiles',
    all,
    activeAt(ms) {
      if (Number.isNaN(ms)) throw new Error('activeAt: not a valid instant');
      let low = 0;
      let high = bounds.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (bounds[mid]! <= ms) low = mid + 1;
        else high = mid;
      }
      let active = windows.get(low);
      if (active === undefined) {
        active = makeActive(all.filter((c) => c.from <= ms && ms < c.to));
        windows.set(low, active);
      }
      return active;
    },
  };
}

export const isCompiled = (value: readonly RiskProfile[] | CompiledProfiles): value is CompiledProfiles =>
  !Array.isArray(value) && (value as CompiledProfiles).kind === 'CompiledProfiles';
