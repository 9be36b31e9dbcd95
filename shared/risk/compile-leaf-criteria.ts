/**
 * Compilers of the leaf criteria, one per criterion kind, in a record keyed by kind (a kind
 * without a compiler is a type error). Each turns the leaf's data into a node over Sets and
 * Decimals built once, whose test reads the declaration's facts and whose explanation names the
 * declared value against the listed ones.
 */
import { Decimal } from 'decimal.js';
import type { DeclarationItem } from '#shared/domain/declaration.ts';
import type { CompiledNode } from './compiled-node.ts';
import type { DeclarationFacts } from './declaration-facts.ts';
import type { LeafCriterion, LeafKind } from './profile.ts';
import { describeValuation, formatAmount } from './valuation.ts';

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

/** The leaf criterion of one kind. */
type LeafOf<K extends LeafKind> = Extract<LeafCriterion, { kind: K }>;

/** One compiler per leaf kind. */
const leafCompilers: { readonly [K in LeafKind]: (leaf: LeafOf<K>) => CompiledNode } = {
  commodityCode: (leaf) => {
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
  },
  origin: (leaf) => itemSetLeaf('origin', leaf.countries, (item) => item.origin),
  exporterCountry: (leaf) => setLeaf("exporter's country", leaf.countries, (facts) => facts.declaration.exporter.country),
  loadingCountry: (leaf) => setLeaf('country of loading', leaf.countries, (facts) => facts.loadingCountry),
  declarant: (leaf) => setLeaf('declarant', leaf.ids, (facts) => facts.declaration.declarant.id),
  importer: (leaf) => setLeaf('importer', leaf.ids, (facts) => facts.declaration.importer.id),
  office: (leaf) => setLeaf('office', leaf.offices, (facts) => facts.declaration.office),
  declarationType: (leaf) => setLeaf('declaration type', leaf.types, (facts) => facts.declaration.type),
  procedureCode: (leaf) => {
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
  },
  transportMode: (leaf) => {
    const set = new Set<string>(leaf.modes);
    const name = (mode: string): string => `${mode} (${transportModes[mode] ?? 'unknown'})`;
    return {
      item: false,
      test: (facts) => set.has(facts.declaration.consignment.transportMode),
      explain: (facts, _i, holds, out) =>
        out.push(listed('transport mode', name(facts.declaration.consignment.transportMode), leaf.modes.map(name), holds)),
    };
  },
  preferenceClaimed: () => ({
    item: true,
    test: (facts, index) => facts.items[index]!.preferenceClaimed,
    explain: (facts, index, holds, out) => {
      const code = facts.items[index]!.item.preference;
      out.push(
        holds ? `${itemLabel(index)} claims a tariff preference (${code})` : `${itemLabel(index)} claims no tariff preference (${code})`,
      );
    },
  }),
  additionalCode: (leaf) => {
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
  },
  valuePerKg: (leaf) => {
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
  },
  valueToReference: (leaf) => {
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
  },
  traderDeclarations: (leaf) => ({
    item: false,
    test: (facts) => (facts.trader?.declarationsCount ?? 0) < leaf.fewerThan,
    explain: (facts, _i, holds, out) => {
      const count = facts.trader?.declarationsCount ?? 0;
      const known = facts.trader === undefined ? ' (unknown to the platform)' : '';
      out.push(
        `${traderName(facts)} has ${count} previous declaration${count === 1 ? '' : 's'}${known}, ${holds ? 'fewer than' : 'not fewer than'} ${leaf.fewerThan}`,
      );
    },
  }),
  trustedTrader: () => ({
    item: false,
    test: (facts) => facts.trader !== undefined && (facts.trader.aeo !== null || facts.trader.trusted),
    explain: (facts, _i, holds, out) => {
      const trader = facts.trader;
      if (holds && trader !== undefined) {
        out.push(`${traderName(facts)} is ${trader.aeo ?? 'a trusted trader'}`);
      } else {
        out.push(`${traderName(facts)} is neither an AEO nor a trusted trader${trader === undefined ? ' (unknown to the platform)' : ''}`);
      }
    },
  }),
};

/** Compiles a leaf criterion with its kind's compiler. */
export function compileLeaf<K extends LeafKind>(leaf: LeafOf<K>): CompiledNode {
  return leafCompilers[leaf.kind](leaf);
}
