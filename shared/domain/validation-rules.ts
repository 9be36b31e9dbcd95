/**
 * Business validation of a declaration against reference data: the checks that need more than the
 * zod schema (which only checks shapes). Pure: no I/O, no clock — `today` comes from the caller.
 *
 * Every rule reports all violations it finds, each as a problem with an RFC 6901 pointer into the
 * declaration body, a stable code and a message that says what was found and what is expected.
 * Problems come back in body order. Rules, thresholds and their legal basis: docs/reference-data.md.
 *
 * Money and masses are decimal strings and are only ever added and compared as decimal.js values.
 */
import { Decimal } from 'decimal.js';
import type { ReferenceData } from '#shared/reference/index.ts';
import { alcoholDutyProblems } from '#shared/tariff/alcohol-duty.ts';
import type { AlcoholDutyRates } from '#shared/tariff/alcohol-duty-rates.ts';
import type { Declaration, DeclarationItem } from './declaration.ts';
import { type Problem, problem, toPointer } from './problems.ts';

/**
 * Decimal arithmetic with room to spare: 999 items × 15 integer digits + 6 fraction digits need
 * 24 significant digits, more than decimal.js's default precision of 20.
 */
const Dec = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_HALF_EVEN });

/** Days an arrival date may lie before `today`: goods may stay in temporary storage at most 90 days (UCC Art. 149). */
export const ARRIVAL_MAX_DAYS_PAST = 90;
/** Days an arrival date may lie after `today`: a declaration may be lodged up to 30 days before the goods are presented (UCC Art. 171). */
export const ARRIVAL_MAX_DAYS_AHEAD = 30;
/** Minor units assumed for the invoice tolerance when the currency is unknown (its own problem is reported). */
const DEFAULT_MINOR_UNITS = 2;

export const validationRuleCodes = [
  'UNKNOWN_PROCEDURE_CODE',
  'PROCEDURE_CODE_TYPE_MISMATCH',
  'UNKNOWN_OFFICE',
  'UNKNOWN_COUNTRY',
  'UNKNOWN_LOCATION',
  'ARRIVAL_DATE_IMPLAUSIBLE',
  'NET_MASS_ABOVE_GROSS',
  'UNKNOWN_CURRENCY',
  'INVOICE_TOTAL_MISMATCH',
  'UNKNOWN_COMMODITY_CODE',
  'UNKNOWN_PREFERENCE',
  'PREFERENCE_WITHOUT_PROOF',
  'PAYMENT_METHOD_MISSING',
  'PAYMENT_ACCOUNT_MISSING',
  'PAYMENT_ACCOUNT_UNEXPECTED',
  'POSTPONED_VAT_WITHOUT_IMPORTER_ID',
  'PRE_LODGEMENT_NOT_ALLOWED',
] as const;
export type ValidationRuleCode = (typeof validationRuleCodes)[number];

export interface ValidationContext {
  /** The validation date, YYYY-MM-DD (UTC calendar date). */
  today: string;
  /** Customs offices of the region (region configuration); a declaration must name one of them. */
  customsOffices: readonly string[];
  /** ISO 3166-1 alpha-2 code of the region's customs territory, e.g. "GB". */
  nationalCountry: string;
  /** Whether the region takes declarations lodged before the goods arrive (DE 1/2 `D`; region config `cargoReports.preLodgement`). */
  preLodgementAllowed: boolean;
  /**
   * HMRC's Alcohol Duty rate table in force when the declaration was accepted (on `today`). Without
   * it only what an alcohol item lacks is checked (tax type, strength, volume), not its band.
   */
  alcoholDutyRates?: AlcoholDutyRates | undefined;
}

type Path = ReadonlyArray<string | number>;

/** Runs every rule and returns all problems found, in body order (empty when the declaration passes). */
export function validateDeclarationRules(declaration: Declaration, ref: ReferenceData, context: ValidationContext): Problem[] {
  const problems: Problem[] = [];
  const report = (path: Path, code: ValidationRuleCode, message: string): void => {
    problems.push(problem(toPointer(path), code, message));
  };

  checkProcedureCode(declaration, ref, report);
  checkOffice(declaration, context, report);
  checkPreLodgement(declaration, context, report);
  checkCountry(declaration.importer.country, ['importer', 'country'], 'importer country', ref, report);
  checkCountry(declaration.exporter.country, ['exporter', 'country'], 'exporter country', ref, report);
  checkLoadingLocation(declaration, ref, context, report);
  checkArrivalDate(declaration, context, report);
  checkMasses(declaration, report);
  checkCurrency(declaration, ref, report);
  checkInvoiceTotal(declaration, ref, report);
  for (const [index, item] of declaration.items.entries()) checkItem(item, index, declaration.consignment.grossMassKg, ref, report);
  // Alcohol Duty facts (tax type, strength, volume, band, reliefs): the duty engine's own checks.
  problems.push(...alcoholDutyProblems(declaration, context.alcoholDutyRates, context.today));
  checkPayment(declaration, report);

  return inBodyOrder(declaration, problems);
}

type Report = (path: Path, code: ValidationRuleCode, message: string) => void;

// ---------------------------------------------------------------------------------------------
// Header rules.
// ---------------------------------------------------------------------------------------------

function checkProcedureCode(declaration: Declaration, ref: ReferenceData, report: Report): void {
  const { procedureCode, type } = declaration;
  const known = ref.procedureCodes.get(procedureCode);
  const wanted = type === 'IM' ? 'import' : 'export';
  if (!known) {
    report(
      ['procedureCode'],
      'UNKNOWN_PROCEDURE_CODE',
      `procedure code '${procedureCode}' is not a known CDS ${wanted} procedure code (requested + previous procedure, DE 1/10); expected a code such as ${wanted === 'import' ? "'4000'" : "'1040'"}`,
    );
    return;
  }
  if (known.direction !== wanted) {
    report(
      ['procedureCode'],
      'PROCEDURE_CODE_TYPE_MISMATCH',
      `procedure code '${procedureCode}' (${known.description}) is an ${known.direction} procedure code, but the declaration type is '${type}'; expected an ${wanted} procedure code such as ${wanted === 'import' ? "'4000'" : "'1040'"}`,
    );
  }
}

function checkOffice(declaration: Declaration, context: ValidationContext, report: Report): void {
  if (context.customsOffices.includes(declaration.office)) return;
  report(
    ['office'],
    'UNKNOWN_OFFICE',
    `office '${declaration.office}' is not a customs office of this region; expected one of ${context.customsOffices.join(', ') || '(none configured)'}`,
  );
}

/** UCC Art. 171: a declaration may be lodged before the goods are presented where the region allows it. */
function checkPreLodgement(declaration: Declaration, context: ValidationContext, report: Report): void {
  if (declaration.additionalType !== 'D' || context.preLodgementAllowed) return;
  report(
    ['additionalType'],
    'PRE_LODGEMENT_NOT_ALLOWED',
    'this region does not take declarations lodged before arrival (D): declare once the carrier has reported the goods arrived',
  );
}

function checkCountry(code: string, path: Path, what: string, ref: ReferenceData, report: Report): void {
  if (ref.countries.has(code)) return;
  report(
    path,
    'UNKNOWN_COUNTRY',
    `${what} '${code}' is not a known country code; expected an ISO 3166-1 alpha-2 code such as 'CN' or 'GB'`,
  );
}

const UN_LOCODE = /^([A-Z]{2})([A-Z2-9]{3})$/;

function checkLoadingLocation(declaration: Declaration, ref: ReferenceData, context: ValidationContext, report: Report): void {
  const location = declaration.consignment.loadingLocation;
  const path = ['consignment', 'loadingLocation'];
  const match = UN_LOCODE.exec(location);
  if (!match) {
    report(
      path,
      'UNKNOWN_LOCATION',
      `loading location '${location}' is not a UN/LOCODE; expected 2 country letters and 3 letters or digits 2-9, such as 'CNSZX'`,
    );
    return;
  }
  const country = match[1] ?? '';
  if (!ref.unLocodeCountries.has(country)) {
    report(
      path,
      'UNKNOWN_LOCATION',
      `loading location '${location}' starts with '${country}', which is not a UN/LOCODE country; expected an ISO 3166-1 alpha-2 country code`,
    );
    return;
  }
  // We hold the full location list only for the national territory (HMRC goods-location codes);
  // elsewhere only the shape and the country part can be checked.
  if (country === context.nationalCountry && ref.knownLocationCountries.has(country) && !ref.knownLocations.has(location)) {
    report(
      path,
      'UNKNOWN_LOCATION',
      `loading location '${location}' is not a known ${country} location; expected a UN/LOCODE from the HMRC goods-location lists, such as '${country}LHR'`,
    );
  }
}

/** Decimal places written in a decimal string ("5000.00" -> 2), to show sums the way the trader wrote amounts. */
const decimalPlaces = (value: string): number => (value.includes('.') ? value.length - value.indexOf('.') - 1 : 0);
const maxDecimalPlaces = (values: readonly string[]): number => values.reduce((max, v) => Math.max(max, decimalPlaces(v)), 0);

const DAY_MS = 86_400_000;

function dayNumber(isoDate: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const days = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS : Number.NaN;
  if (!Number.isInteger(days) || new Date(days * DAY_MS).toISOString().slice(0, 10) !== isoDate) {
    throw new RangeError(`'${isoDate}' is not a calendar date in the form YYYY-MM-DD`);
  }
  return days;
}
const isoDateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

function checkArrivalDate(declaration: Declaration, context: ValidationContext, report: Report): void {
  const today = dayNumber(context.today);
  const arrival = declaration.consignment.arrivalDate;
  let offset: number;
  try {
    offset = dayNumber(arrival) - today;
  } catch {
    report(
      ['consignment', 'arrivalDate'],
      'ARRIVAL_DATE_IMPLAUSIBLE',
      `arrival date '${arrival}' is not a calendar date; expected YYYY-MM-DD`,
    );
    return;
  }
  if (offset >= -ARRIVAL_MAX_DAYS_PAST && offset <= ARRIVAL_MAX_DAYS_AHEAD) return;
  const distance = offset < 0 ? `${-offset} days before` : `${offset} days after`;
  report(
    ['consignment', 'arrivalDate'],
    'ARRIVAL_DATE_IMPLAUSIBLE',
    `arrival date ${arrival} is ${distance} today (${context.today}); expected a date from ${isoDateOf(today - ARRIVAL_MAX_DAYS_PAST)} to ${isoDateOf(today + ARRIVAL_MAX_DAYS_AHEAD)} (at most ${ARRIVAL_MAX_DAYS_PAST} days past, ${ARRIVAL_MAX_DAYS_AHEAD} days ahead)`,
  );
}

function checkMasses(declaration: Declaration, report: Report): void {
  const gross = new Dec(declaration.consignment.grossMassKg);
  // Each item's own net mass is checked in checkItem. Here: the total, when there is more than
  // one item (with a single item the total is that item, already reported on the item).
  if (declaration.items.length < 2) return;
  const nets = declaration.items.map((item) => item.netMassKg);
  const total = nets.reduce((sum, net) => sum.plus(net), new Dec(0));
  if (total.lte(gross)) return;
  const shown = total.toFixed(maxDecimalPlaces(nets));
  report(
    ['consignment', 'grossMassKg'],
    'NET_MASS_ABOVE_GROSS',
    `the net masses of the ${declaration.items.length} items add up to ${shown} kg, more than the consignment gross mass of ${declaration.consignment.grossMassKg} kg; expected a gross mass of at least ${shown} kg`,
  );
}

function checkCurrency(declaration: Declaration, ref: ReferenceData, report: Report): void {
  const code = declaration.valuation.currency;
  const currency = ref.currencies.get(code);
  if (!currency) {
    report(
      ['valuation', 'currency'],
      'UNKNOWN_CURRENCY',
      `currency '${code}' is not a current ISO 4217 currency code; expected a code such as 'USD', 'EUR' or 'GBP'`,
    );
  } else if (currency.minorUnits === null) {
    report(
      ['valuation', 'currency'],
      'UNKNOWN_CURRENCY',
      `currency '${code}' (${currency.name}) is an ISO 4217 code without minor units (a fund, metal or non-currency code), not a currency an invoice is paid in; expected a code such as 'USD', 'EUR' or 'GBP'`,
    );
  }
}

/**
 * The item amounts must add up to the invoice total within one minor unit of the currency per
 * item (0.01 USD, 1 JPY, 0.001 KWD): each item amount is an invoice line rounded or truncated to
 * the currency's minor unit, so each can be off by less than one minor unit, and n of them by less
 * than n minor units. Anything beyond that is a real discrepancy, not rounding.
 */
export function invoiceTolerance(itemCount: number, minorUnits: number | null | undefined): Decimal {
  return new Dec(10).pow(-(minorUnits ?? DEFAULT_MINOR_UNITS)).times(itemCount);
}

function checkInvoiceTotal(declaration: Declaration, ref: ReferenceData, report: Report): void {
  const { currency, invoiceTotal } = declaration.valuation;
  const amounts = declaration.items.map((item) => item.invoiceAmount);
  const sum = amounts.reduce((total, amount) => total.plus(amount), new Dec(0));
  const difference = sum.minus(invoiceTotal).abs();
  const minorUnits = ref.currencies.get(currency)?.minorUnits ?? DEFAULT_MINOR_UNITS;
  const tolerance = invoiceTolerance(declaration.items.length, minorUnits);
  if (difference.lte(tolerance)) return;
  const places = maxDecimalPlaces([...amounts, invoiceTotal]);
  report(
    ['valuation', 'invoiceTotal'],
    'INVOICE_TOTAL_MISMATCH',
    `the item invoice amounts add up to ${sum.toFixed(places)} ${currency}, but the invoice total is ${invoiceTotal} ${currency} (difference ${difference.toFixed(places)}); expected them to agree within ${tolerance.toFixed(minorUnits)} ${currency} (one minor unit per item)`,
  );
}

// ---------------------------------------------------------------------------------------------
// Item rules.
// ---------------------------------------------------------------------------------------------

/** DE 4/17 first digit: 2 = GSP, 3 = preferential agreements. Both need proof of preferential origin. */
const PREFERENCES_NEEDING_PROOF = /^[23]/;

function checkItem(item: DeclarationItem, index: number, grossMassKg: string, ref: ReferenceData, report: Report): void {
  const at = (...rest: string[]): Path => ['items', index, ...rest];

  if (!ref.hasHsSubheading(item.commodityCode)) {
    const code6 = item.commodityCode.slice(0, 6);
    const heading = ref.hs.headings.get(code6.slice(0, 4));
    const context = heading
      ? `heading ${code6.slice(0, 4)} (${heading}) exists, but has no subheading ${code6}`
      : ref.hs.chapters.has(code6.slice(0, 2))
        ? `chapter ${code6.slice(0, 2)} has no heading ${code6.slice(0, 4)}`
        : `there is no chapter ${code6.slice(0, 2)}`;
    report(
      at('commodityCode'),
      'UNKNOWN_COMMODITY_CODE',
      `commodity code '${item.commodityCode}' does not start with an ${ref.hs.edition} subheading: ${context}; expected a code whose first 6 digits are an HS subheading, such as '851090'`,
    );
  }

  checkCountry(item.origin, at('origin'), 'country of origin', ref, report);

  const preference = ref.preferenceCodes.get(item.preference);
  if (preference === undefined) {
    report(
      at('preference'),
      'UNKNOWN_PREFERENCE',
      `preference '${item.preference}' is not a CDS preference code (DE 4/17); expected a code such as '100' (third-country duty) or '300' (trade agreement preference)`,
    );
  } else if (PREFERENCES_NEEDING_PROOF.test(item.preference) && !item.documents.some((d) => ref.isProofOfOriginDocument(d.type))) {
    const found = item.documents.length ? `found only ${item.documents.map((d) => d.type).join(', ')}` : 'found no documents';
    report(
      at('preference'),
      'PREFERENCE_WITHOUT_PROOF',
      `preference '${item.preference}' (${preference}) claims preferential origin, but the item has no proof-of-origin document (${found}); expected a document such as N954 (EUR.1) or a U-code proof of origin such as U112`,
    );
  }

  if (new Dec(item.netMassKg).gt(grossMassKg)) {
    report(
      at('netMassKg'),
      'NET_MASS_ABOVE_GROSS',
      `net mass ${item.netMassKg} kg is more than the consignment gross mass of ${grossMassKg} kg; expected at most ${grossMassKg} kg`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Method of payment (DE 4/8; docs/revenue.md).
// ---------------------------------------------------------------------------------------------

function checkPayment(declaration: Declaration, report: Report): void {
  const payment = declaration.payment;
  // Exports owe no import duties (export duties are not modelled): a method of payment is not needed.
  if (declaration.type === 'EX') return;
  if (!payment) {
    report(
      ['payment'],
      'PAYMENT_METHOD_MISSING',
      'an import names its method of payment (DE 4/8): H immediate payment, P cash account, E duty deferment account or M guarantee',
    );
    return;
  }
  if (payment.method === 'H' && payment.account !== undefined)
    report(['payment', 'account'], 'PAYMENT_ACCOUNT_UNEXPECTED', 'immediate payment (H) draws on no account: leave out the account');
  if (payment.method !== 'H' && payment.account === undefined)
    report(
      ['payment', 'account'],
      'PAYMENT_ACCOUNT_MISSING',
      `method ${payment.method} draws on an account: give the number of your ${payment.method === 'P' ? 'cash' : 'duty deferment'} account`,
    );
  // Postponed VAT accounting is for VAT-registered importers: the importer must be identified (its EORI carries the VAT number in GB).
  if (payment.postponedVat && declaration.importer.id === undefined)
    report(
      ['payment', 'postponedVat'],
      'POSTPONED_VAT_WITHOUT_IMPORTER_ID',
      'postponed VAT accounting needs the VAT-registered importer identified: give importer.id',
    );
}

// ---------------------------------------------------------------------------------------------
// Ordering.
// ---------------------------------------------------------------------------------------------

/** Orders problems as their pointers appear in the declaration (depth-first, key order); stable. */
function inBodyOrder(declaration: Declaration, problems: Problem[]): Problem[] {
  if (problems.length < 2) return problems;
  const order = new Map<string, number>();
  const walk = (value: unknown, pointer: string): void => {
    order.set(pointer, order.size);
    if (Array.isArray(value)) {
      for (const [index, element] of value.entries()) walk(element, `${pointer}/${index}`);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) walk(child, pointer + toPointer([key]));
    }
  };
  walk(declaration, '');
  const position = (p: Problem): number => order.get(p.pointer) ?? Number.MAX_SAFE_INTEGER;
  return problems
    .map((p, index) => ({ p, index }))
    .sort((a, b) => position(a.p) - position(b.p) || a.index - b.index)
    .map(({ p }) => p);
}
