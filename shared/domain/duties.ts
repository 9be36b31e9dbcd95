/**
 * Duties secured before release (docs/revenue.md): what an assessment makes due is drawn on the
 * account the declaration's method of payment (DE 4/8) names, or asked for with a payment request
 * whose reference the trader pays; a declaration with duties neither paid nor secured is never
 * released (UCC Art. 194: goods are released once the customs debt is paid or secured).
 */
import * as z from 'zod';
import type { Assessment } from '#shared/tariff/assessment.ts';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import { paymentMethods } from './declaration.ts';

/** CDS tax type of import VAT: the lines postponed VAT accounting leaves to the VAT return. */
export const VAT_TAX_TYPE = 'B00';

/** One amount drawn or asked for: the assessment's, or an inspection's difference. */
export const dutyChargeSchema = z.object({
  /** What booked it, once: `DECL#<declaration>#<version>` of the change that made it due. */
  source: z.string(),
  amount: z.string(),
  byTaxType: z.record(z.string(), z.string()),
  at: z.string(),
  /** SECURED: drawn on the account (or paid); PENDING: waiting for the payment request's payment. */
  status: z.enum(['SECURED', 'PENDING']),
  /** Drawn on an account: which, and its ledger entry. */
  account: z
    .object({
      number: z.string(),
      /** A sharded account's charge: the shard whose ledger holds it (`sequence` is the shard's). */
      shard: z.number().int().optional(),
      sequence: z.number().int(),
      kind: z.enum(['CHARGE', 'SECURITY', 'CREDIT', 'SECURITY_RELEASED']),
    })
    .optional(),
  /** Asked for: the payment request's reference, and why the account could not be drawn on. */
  reference: z.string().optional(),
  reason: z.string().optional(),
});
export type DutyCharge = z.infer<typeof dutyChargeSchema>;

export const dutiesSchema = z
  .object({
    method: z.enum(Object.keys(paymentMethods) as [keyof typeof paymentMethods, ...(keyof typeof paymentMethods)[]]),
    account: z.string().optional(),
    currency: z.string(),
    /** SECURED (or nothing due) lets the declaration be released; AWAITING_PAYMENT keeps it. */
    status: z.enum(['SECURED', 'AWAITING_PAYMENT']),
    /** Accounted for on the importer's VAT return (postponed VAT accounting): recorded, not paid here. */
    postponedVat: z.string(),
    charges: z.array(dutyChargeSchema),
  })
  .meta({ id: 'Duties', description: 'How the duties due are paid or secured, charge by charge' });
export type Duties = z.infer<typeof dutiesSchema>;

/** What the trader pays when a declaration waits for payment: the outstanding requests. */
export const paymentDueSchema = z
  .object({
    reference: z.string(),
    amount: z.string(),
    currency: z.string(),
    instructions: z.string(),
  })
  .meta({ id: 'PaymentDue' });

/**
 * What must be paid or secured: the total the assessment states (the rounded sum of its unrounded
 * lines, which may differ by a penny from the sum of the rounded tax types), less the VAT under
 * postponed VAT accounting. Amounts are already rounded: only subtracted, never rounded again.
 */
export function amountToSecure(
  totals: { total: string; byTaxType: Readonly<Record<string, string>> },
  postponedVat: boolean,
): { amount: string; byTaxType: Record<string, string>; postponedVat: string } {
  const postponed = postponedVat ? new Dec(totals.byTaxType[VAT_TAX_TYPE] ?? '0') : ZERO;
  const byTaxType = Object.fromEntries(
    Object.entries(totals.byTaxType)
      .filter(([taxType]) => !(postponedVat && taxType === VAT_TAX_TYPE))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return { amount: fixed2(new Dec(totals.total).minus(postponed)), byTaxType, postponedVat: fixed2(postponed) };
}

/** The assessment's totals to secure. */
export const dueOf = (assessment: Assessment, postponedVat: boolean) => amountToSecure(assessment.totals, postponedVat);

export const isPositive = (amount: string): boolean => new Dec(amount).greaterThan(ZERO);

/** Duties whose every charge is secured. */
export const allSecured = (charges: readonly DutyCharge[]): boolean => charges.every((charge) => charge.status === 'SECURED');

/** The payment reference of a declaration's charge: the declaration id and the version that made it due. */
export const paymentReferenceOf = (declarationId: string, version: number): string => `${declarationId}-${version}`;
/** The declaration a payment reference belongs to. */
export const declarationOfReference = (reference: string): string | undefined => /^([0-9A-HJKMNP-TV-Z]{26})-\d+$/.exec(reference)?.[1];

/** What the trader reads about paying a request. */
export const paymentInstructions = (reference: string, amount: string, currency: string): string =>
  `Pay ${amount} ${currency} by bank transfer quoting reference ${reference}; the declaration continues when the payment is confirmed.`;

/** A payment request as the provider port keeps it. */
export const paymentRequestSchema = z.object({
  reference: z.string(),
  declarationId: z.string(),
  amount: z.string(),
  currency: z.string(),
  status: z.enum(['PENDING', 'PAID']),
  createdAt: z.string(),
  paidAt: z.string().optional(),
  /** The provider's event that confirmed it. */
  confirmedBy: z.object({ provider: z.string(), eventId: z.string() }).optional(),
});
export type PaymentRequest = z.infer<typeof paymentRequestSchema>;

/** The body of a payment provider's confirmation (signed: see payment-callbacks.ts). */
export const paymentConfirmationSchema = z
  .strictObject({
    /** The provider's id of this notification: each is accepted once. */
    eventId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, "_" or "-"'),
    type: z.literal('payment.succeeded'),
    reference: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}-\d{1,6}$/, 'must be a payment reference this platform issued'),
    amount: z.string().regex(/^\d{1,15}\.\d{2}$/, 'must be an amount with 2 decimals'),
    currency: z.string().regex(/^[A-Z]{3}$/),
  })
  .meta({ id: 'PaymentConfirmation' });
export type PaymentConfirmation = z.infer<typeof paymentConfirmationSchema>;
