/**
 * Duty expressions as text <-> the expression model. Parses the UK Global Tariff's duty text
 * ("10.00% + 77.00 GBP/100kg", "1.40 GBP / % vol / hl", seasonal "14.00% (01 JUL - 31 JAN), ...")
 * and the Trade Tariff's plain `base` text into `DutyComponent`s, and renders the model back as
 * canonical text ("13.80% MIN 13.00 GBP / 100 kg"). No guessing: text that does not match the
 * grammar below is reported as unparsed.
 *
 *   expression := term (op term)*          op := "+" | "-" | "MIN" | "MAX"
 *   term       := N "%" | N "%" "/" "Retail Price" | N CUR "/" unit
 *   seasonal   := expression "(" DD MON "-" DD MON ")" ("," expression "(" DD MON "-" DD MON ")")*
 */
import type { DutyComponent, DutyExpression } from './model.ts';
import { unitLabel } from './units.ts';

/** Unit texts (normalised: single spaces, no space inside "100kg", slashes without spaces) -> TARIC unit and qualifier. */
const unitTexts: Readonly<Record<string, readonly [string, string?]>> = {
  kg: ['KGM'],
  '100kg': ['DTN'],
  '1000kg': ['TNE'],
  tonne: ['TNE'],
  hl: ['HLT'],
  l: ['LTR'],
  item: ['NAR'],
  items: ['NAR'],
  'p/st': ['NAR'],
  '100 items': ['CEN'],
  '100 p/st': ['CEN'],
  '1000 items': ['MIL'],
  '1000 p/st': ['MIL'],
  pa: ['NPR'],
  '1000 pa': ['MPR'],
  'l alc. 100%': ['LPA'],
  '%vol/hl': ['ASV', 'X'],
  'kg/lactic matter': ['KGM', 'P'],
  'kg/tot/alc': ['KGM', 'A'],
  '100kg/net/%sacchar.': ['DTN', 'Z'],
  '100kg eda': ['DTN', 'E'],
  '100kg/net eda': ['DTN', 'E'],
  '100kg mas': ['DTN', 'M'],
  '100kg/net mas': ['DTN', 'M'],
  '100kg std qual': ['DTN', 'R'],
  '1000kg/biodiesel': ['TNE', 'I'],
};

const months: Readonly<Record<string, string>> = {
  JAN: '01',
  FEB: '02',
  MAR: '03',
  APR: '04',
  MAY: '05',
  JUN: '06',
  JUL: '07',
  AUG: '08',
  SEP: '09',
  OCT: '10',
  NOV: '11',
  DEC: '12',
};

const number = String.raw`\d+(?:\.\d+)?`;
const percentTerm = new RegExp(`^(${number})\\s*%$`);
const retailPriceTerm = new RegExp(`^(${number})\\s*%/retail price$`, 'i');
const specificTerm = new RegExp(`^(${number}) ([A-Z]{3})/(.+)$`);
const seasonPart = /^(.+?)\s*\((\d{2}) ([A-Z]{3}) - (\d{2}) ([A-Z]{3})\)$/;

export type ParsedDuty =
  | { ok: true; parts: Array<{ duty: DutyExpression; season?: { from: string; to: string } }> }
  | { ok: false; reason: string };

/** Normalises spacing so that the variants of one unit text compare equal. */
function normaliseTerm(term: string): string {
  return term
    .trim()
    .replace(/(\d),(\d{3})/g, '$1$2')
    .replace(/\s*\/\s*/g, '/')
    .replace(/%\s*vol/g, '%vol')
    .replace(/(\d)\s+kg/g, '$1kg')
    .replace(/\s+/g, ' ');
}

/** Strips insignificant leading zeros ("07.5" -> "7.5"); keeps the decimals as written. */
const canonicalAmount = (amount: string): string => amount.replace(/^0+(?=\d)/, '');

function parseTerm(raw: string): { ok: true; component: Omit<DutyComponent, 'op'> } | { ok: false; reason: string } {
  const term = normaliseTerm(raw);
  let m = percentTerm.exec(term);
  if (m) return { ok: true, component: { amount: canonicalAmount(m[1]!) } };
  m = retailPriceTerm.exec(term);
  if (m) return { ok: true, component: { amount: canonicalAmount(m[1]!), unit: 'RET' } };
  m = specificTerm.exec(term);
  if (m) {
    const unit = unitTexts[m[3]!.toLowerCase()];
    if (!unit) return { ok: false, reason: `unknown unit "${m[3]}"` };
    const [code, qualifier] = unit;
    return {
      ok: true,
      component: { amount: canonicalAmount(m[1]!), currency: m[2]!, unit: code, ...(qualifier ? { qualifier } : {}) },
    };
  }
  return { ok: false, reason: `unrecognised term "${raw.trim()}"` };
}

/** Parses one (non-seasonal) expression. */
export function parseExpression(text: string): { ok: true; duty: DutyExpression } | { ok: false; reason: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'empty duty text' };
  const pieces = trimmed.split(/\s+(\+|-|MIN|MAX)\s+/);
  const components: DutyComponent[] = [];
  for (let i = 0; i < pieces.length; i += 2) {
    const op = i === 0 ? '+' : (pieces[i - 1] as DutyComponent['op']);
    const parsed = parseTerm(pieces[i]!);
    if (!parsed.ok) return parsed;
    components.push({ op, ...parsed.component });
  }
  return { ok: true, duty: { text: renderExpression(components), components } };
}

/** Parses a duty text, seasonal or not. Seasonal windows become MM-DD ranges (inclusive). */
export function parseDutyText(text: string): ParsedDuty {
  const trimmed = text.trim();
  if (/\(\d{2} [A-Z]{3} - \d{2} [A-Z]{3}\)/.test(trimmed)) {
    const parts: Array<{ duty: DutyExpression; season: { from: string; to: string } }> = [];
    for (const piece of trimmed.split(/\)\s*,\s*/)) {
      const m = seasonPart.exec(piece.endsWith(')') ? piece : `${piece})`);
      if (!m) return { ok: false, reason: `unrecognised seasonal part "${piece}"` };
      const fromMonth = months[m[3]!];
      const toMonth = months[m[5]!];
      if (!fromMonth || !toMonth) return { ok: false, reason: `unknown month in "${piece}"` };
      const parsed = parseExpression(m[1]!);
      if (!parsed.ok) return parsed;
      parts.push({ duty: parsed.duty, season: { from: `${fromMonth}-${m[2]}`, to: `${toMonth}-${m[4]}` } });
    }
    return { ok: true, parts };
  }
  const parsed = parseExpression(trimmed);
  return parsed.ok ? { ok: true, parts: [{ duty: parsed.duty }] } : parsed;
}

/** The shape of a duty text: numbers as N, month names as MON ("N% (N MON - N MON), ..."). */
export const dutyShape = (text: string): string =>
  text
    .trim()
    .replace(/\d+(?:\.\d+)?/g, 'N')
    .replace(/\b(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\b/g, 'MON');

/** At least two decimals, as the tariff prints rates: "2.7" -> "2.70", "144.1" -> "144.10", "0.125" stays. */
export function atLeastTwoDecimals(amount: string): string {
  const [whole, fraction = ''] = amount.split('.');
  return `${whole}.${fraction.length >= 2 ? fraction : fraction.padEnd(2, '0')}`;
}

/** "2.70%", "16.50% / retail price", "144.10 GBP / 1000 kg/biodiesel". */
export function renderComponent(c: Omit<DutyComponent, 'op'>): string {
  if (!c.currency) return c.unit === 'RET' ? `${atLeastTwoDecimals(c.amount)}% / retail price` : `${atLeastTwoDecimals(c.amount)}%`;
  return `${atLeastTwoDecimals(c.amount)} ${c.currency} / ${c.unit ? unitLabel(c.unit, c.qualifier) : '?'}`;
}

export function renderExpression(components: readonly DutyComponent[]): string {
  return components.map((c, i) => (i === 0 ? renderComponent(c) : `${c.op} ${renderComponent(c)}`)).join(' ');
}
