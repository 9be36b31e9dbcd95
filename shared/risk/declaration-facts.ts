/**
 * The per-declaration facts the compiled criteria read: each item's commodity-code prefixes and
 * whether it claims a preference (prepared once per declaration), the country of loading and the
 * trader, and each item's value in the national currency, per kg and against its value
 * reference (computed lazily, at most once per item).
 */
import type { Decimal } from 'decimal.js';
import type { Declaration, DeclarationItem } from '#shared/domain/declaration.ts';
import { type TraderProfile, traderParty } from './trader.ts';
import {
  compareWithReference,
  defaultValuationRule,
  type ItemValuation,
  nationalValue,
  noValuation,
  referenceFor,
  type ValuationContext,
  valuePerKg,
} from './valuation.ts';

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
