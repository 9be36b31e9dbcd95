/**
 * One item while it is assessed (`ItemRun`) and the declaration-wide environment it reads
 * (`Env`): the customs value, the declared quantity in the unit a duty asks for (converted within
 * its dimension, parsed once), proof-of-origin documents, exchange rates for amounts in other
 * currencies, and the notes and problems the assessment collects.
 */
import type { DeclarationItem } from '#shared/domain/declaration.ts';
import { type Problem, problem } from '#shared/domain/problems.ts';
import type { CompiledPack } from './compile.ts';
import { type RateEntry, type RateIndex, rateFor } from './exchange.ts';
import { Dec, fixed2FromPlain, formatMoneyText, plain } from './money.ts';
import { qualifierMeanings, unitLabel, units } from './units.ts';

const EMPTY: ReadonlySet<string> = new Set();
const unitFactors = new Map<string, Dec>(Object.entries(units).map(([code, info]) => [code, new Dec(info.factor)]));

/** What every item of one assessment reads, and where it collects problems and the other rates it used. */
export interface Env {
  readonly compiled: CompiledPack;
  readonly rates: RateIndex;
  readonly date: string;
  readonly period: string;
  readonly national: string;
  readonly isProof: (code: string) => boolean;
  readonly relieved: ReadonlySet<string>;
  readonly problems: Problem[];
  readonly otherRates: Map<string, RateEntry>;
}

/** One item while it is assessed. */
export class ItemRun {
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
    const entry = rateFor(this.env.rates, currency, this.env.period);
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
