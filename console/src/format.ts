/**
 * How the console writes money, dates and codes. Money stays a decimal string from the API to the
 * screen: Intl.NumberFormat formats the string itself (exact decimals, no float on the way), and
 * sums are never done here (the API sends totals; decimal.js would do any arithmetic).
 */
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import type { DecisionAction } from '#shared/domain/review.ts';

const LOCALE = 'en-GB';
const moneyFormats = new Map<string, Intl.NumberFormat>();
const decimalPattern = /^[-+]?\d+(\.\d+)?$/;

function moneyFormat(currency: string, signed: boolean, decimals: number): Intl.NumberFormat | undefined {
  const key = `${currency}:${signed}:${decimals}`;
  let format = moneyFormats.get(key);
  if (!format) {
    try {
      const base = { style: 'currency', currency, currencyDisplay: 'symbol', signDisplay: signed ? 'exceptZero' : 'auto' } as const;
      // The currency's own minor units (2 for GBP, 0 for JPY), more when the amount has them: never rounded away.
      const minor = new Intl.NumberFormat(LOCALE, base).resolvedOptions().maximumFractionDigits ?? 2;
      format = new Intl.NumberFormat(LOCALE, { ...base, minimumFractionDigits: minor, maximumFractionDigits: Math.max(minor, decimals) });
    } catch {
      return undefined;
    }
    moneyFormats.set(key, format);
  }
  return format;
}

/** `1391.79` in GBP as "£1,391.79"; `signed` adds "+" to increases. Always with its currency. */
export function money(amount: string, currency: string, options: { signed?: boolean } = {}): string {
  const decimals = amount.split('.')[1]?.length ?? 0;
  const format = decimalPattern.test(amount) ? moneyFormat(currency, options.signed ?? false, decimals) : undefined;
  // Exact: the string is formatted as written (Intl.NumberFormat v3), never turned into a float.
  return format ? format.format(amount as Intl.StringNumericLiteral) : `${amount} ${currency}`;
}

const quantityFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 6 });

/** A decimal string with grouping, exact. */
export function decimal(value: string): string {
  return decimalPattern.test(value) ? quantityFormat.format(value as Intl.StringNumericLiteral) : value;
}

const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' });
const dateFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium' });

export function dateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

export function date(iso: string): string {
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

export const statusLabels: Record<DeclarationStatus, string> = {
  SUBMITTED: 'Submitted',
  VALIDATED: 'Validated',
  REJECTED: 'Rejected',
  SCORED: 'Risk scored',
  ASSESSED: 'Assessed',
  UNDER_REVIEW: 'Under review',
  ARRIVAL_PENDING: 'Waiting for arrival',
  AWAITING_PAYMENT: 'Awaiting payment',
  RELEASED: 'Released',
  HELD: 'Held',
  DOCUMENTS_REQUESTED: 'Documents requested',
  PROCESSING_FAILED: 'Processing failed',
  CANCELLED: 'Cancelled',
};

export const laneLabels: Record<string, string> = {
  GREEN: 'Green (released)',
  BLUE: 'Blue (audit after release)',
  YELLOW: 'Yellow (documentary check)',
  RED: 'Red (physical inspection)',
  FAILED: 'Failed processing',
};

/** CDS tax types (DE 4/3). */
export function taxTypeName(code: string): string {
  if (code === 'A00') return 'Customs duty';
  if (code === 'A20') return 'Additional duty';
  if (code === 'A30' || code === 'A35') return 'Anti-dumping duty';
  if (code === 'A40' || code === 'A45') return 'Countervailing duty';
  if (code === 'B00') return 'VAT';
  if (/^\d{3}$/.test(code)) return 'Excise';
  return 'Tax';
}

export const decisionLabels: Record<DecisionAction, string> = {
  RELEASE: 'Release',
  HOLD: 'Hold',
  REQUEST_DOCUMENTS: 'Request documents',
  REJECT: 'Reject',
};

export const transportModes: Record<string, string> = {
  '1': 'Sea',
  '2': 'Rail',
  '3': 'Road',
  '4': 'Air',
  '5': 'Post',
  '7': 'Fixed installation',
  '8': 'Inland waterway',
  '9': 'Own propulsion',
};
