/**
 * Decimal arithmetic for money and quantities: decimal.js with 40 significant digits, rounding
 * half-up. Amounts come in and go out as decimal strings; a JS number never carries money.
 */
import { Decimal } from 'decimal.js';

export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -60, toExpPos: 60 });
export type Dec = InstanceType<typeof Dec>;

export const ZERO = new Dec(0);
export const HUNDRED = new Dec(100);

/** Half-up to 2 decimals (the amount owed on a line, a total). */
export const round2 = (value: Dec): Dec => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/** Plain decimal notation, no exponent, no trailing zeros beyond what the value has. */
export const plain = (value: Dec): string => value.toFixed();

/** Two decimals, half-up. */
export const fixed2 = (value: Dec): string => value.toFixed(2, Decimal.ROUND_HALF_UP);

/**
 * Half-up to two decimals on the digits of a plain decimal string (as `plain` writes it): the
 * same result as `fixed2` on the value, without another decimal.js round trip. Exact digit
 * arithmetic; property-tested against `fixed2`.
 */
export function fixed2FromPlain(text: string): string {
  const negative = text.charCodeAt(0) === 45; // '-'
  const unsigned = negative ? text.slice(1) : text;
  const dot = unsigned.indexOf('.');
  const whole = dot === -1 ? unsigned : unsigned.slice(0, dot);
  const fraction = dot === -1 ? '' : unsigned.slice(dot + 1);
  let digits = whole + `${fraction}00`.slice(0, 2);
  if (fraction.length > 2 && fraction.charCodeAt(2) >= 53) {
    // add one to the last digit, carrying
    let i = digits.length - 1;
    let out = '';
    while (i >= 0 && digits.charCodeAt(i) === 57) {
      out = `0${out}`;
      i -= 1;
    }
    digits = (i < 0 ? '1' : digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1)) + out;
  }
  const result = `${digits.slice(0, -2) || '0'}.${digits.slice(-2)}`;
  return negative ? `-${result}` : result; // as decimal.js writes it: -0.001 -> "-0.00"
}

const symbols: Readonly<Record<string, string>> = { GBP: '£', EUR: '€', USD: '$' };

/** Thousands separators on a plain decimal string: "1260.89" -> "1,260.89". */
export function groupThousands(text: string): string {
  const negative = text.startsWith('-');
  const unsigned = negative ? text.slice(1) : text;
  const dot = unsigned.indexOf('.');
  const whole = dot === -1 ? unsigned : unsigned.slice(0, dot);
  const rest = dot === -1 ? '' : unsigned.slice(dot);
  let grouped = '';
  for (let i = whole.length; i > 0; i -= 3) grouped = whole.slice(Math.max(0, i - 3), i) + (grouped ? `,${grouped}` : '');
  return (negative ? '-' : '') + grouped + rest;
}

/** "£1,260.89" (2 decimals, half-up); other currencies as "CHF 1,260.89". */
export function formatMoney(value: Dec, currency: string): string {
  return formatMoneyText(fixed2(value), currency);
}

/** The same from a decimal string that already has its 2 decimals. */
export function formatMoneyText(twoDecimals: string, currency: string): string {
  const symbol = symbols[currency];
  const text = groupThousands(twoDecimals);
  return symbol ? `${symbol}${text}` : `${currency} ${text}`;
}

/** A quantity as declared, grouped: "2", "1,500.5". */
export const formatQuantity = (value: Dec): string => groupThousands(plain(value));
