/**
 * Measurement units the duty expressions use (TARIC measurement unit codes plus qualifiers) and
 * how a declared quantity is converted into them. Conversion only happens between units of the
 * same dimension and the same qualifier: a qualified quantity (e.g. drained net weight, qualifier
 * E) is never derived from the net mass.
 */

export type Dimension = 'mass' | 'volume' | 'count' | 'pairs' | 'alcohol' | 'pure-alcohol' | 'retail-price' | 'area' | 'length' | 'energy';

export interface UnitInfo {
  /** What it measures; quantities convert only within one dimension. */
  readonly dimension: Dimension;
  /** How many base units (kg, l, item, pair) one of this unit is, as a decimal string. */
  readonly factor: string;
  /** As the tariff text writes it, e.g. "100 kg". */
  readonly label: string;
}

export const units: Readonly<Record<string, UnitInfo>> = {
  KGM: { dimension: 'mass', factor: '1', label: 'kg' },
  GRM: { dimension: 'mass', factor: '0.001', label: 'g' },
  DTN: { dimension: 'mass', factor: '100', label: '100 kg' },
  TNE: { dimension: 'mass', factor: '1000', label: '1000 kg' },
  DAP: { dimension: 'mass', factor: '10000', label: '10000 kg' },
  LTR: { dimension: 'volume', factor: '1', label: 'l' },
  HLT: { dimension: 'volume', factor: '100', label: 'hl' },
  KLT: { dimension: 'volume', factor: '1000', label: '1000 l' },
  MTQ: { dimension: 'volume', factor: '1000', label: 'm³' },
  NAR: { dimension: 'count', factor: '1', label: 'item' },
  CEN: { dimension: 'count', factor: '100', label: '100 items' },
  MIL: { dimension: 'count', factor: '1000', label: '1000 items' },
  NPR: { dimension: 'pairs', factor: '1', label: 'pair' },
  MPR: { dimension: 'pairs', factor: '1000', label: '1000 pairs' },
  ASV: { dimension: 'alcohol', factor: '1', label: '% vol' },
  LPA: { dimension: 'pure-alcohol', factor: '1', label: 'l alc. 100%' },
  RET: { dimension: 'retail-price', factor: '1', label: 'retail price' },
  MTK: { dimension: 'area', factor: '1', label: 'm²' },
  MTR: { dimension: 'length', factor: '1', label: 'm' },
  MWH: { dimension: 'energy', factor: '1', label: '1000 kWh' },
};

/** TARIC measurement unit qualifiers seen in the UK tariff, as the tariff text writes them. */
export const qualifierLabels: Readonly<Record<string, string>> = {
  A: 'tot/alc',
  E: 'net eda',
  I: 'biodiesel',
  M: 'net mas',
  P: 'lactic matter',
  R: 'std qual',
  X: 'hl',
  Z: 'net/%sacchar.',
};

/** What a qualifier means, for messages. */
export const qualifierMeanings: Readonly<Record<string, string>> = {
  A: 'total alcohol',
  E: 'drained net weight',
  I: 'biodiesel content',
  M: 'net weight of dry matter',
  P: 'weight of lactic matter',
  R: 'weight of the standard quality',
  X: 'per hectolitre',
  Z: 'per 1% by weight of sucrose',
};

/** "100 kg", "1000 kg/biodiesel", "% vol / hl", "kg/lactic matter", "100 kg std qual". */
export function unitLabel(unit: string, qualifier?: string): string {
  const base = units[unit]?.label ?? unit;
  if (!qualifier) return base;
  if (unit === 'ASV' && qualifier === 'X') return '% vol / hl';
  const q = qualifierLabels[qualifier] ?? qualifier;
  return q.startsWith('net') || q === 'biodiesel' || q === 'lactic matter' || q === 'tot/alc' ? `${base}/${q}` : `${base} ${q}`;
}

/** Key of a unit with its qualifier, as the Trade Tariff writes it: "DTN", "TNEI", "ASVX". */
export const unitKey = (unit: string, qualifier?: string): string => unit + (qualifier ?? '');

/** Units the engine can evaluate (ASV only with qualifier X: per % vol per hl). */
export function isSupportedUnit(unit: string, qualifier?: string): boolean {
  if (!(unit in units)) return false;
  if (unit === 'ASV') return qualifier === 'X';
  return true;
}
