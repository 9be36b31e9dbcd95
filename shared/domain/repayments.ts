/**
 * Repayment claims (docs/revenue.md, "Repayments"): the declarant of a released import asks for
 * duties back (UCC Art. 116: amounts overcharged, Art. 117; goods rejected as defective or not
 * complying with the contract, Art. 118; a preference whose proof came after release, Art. 117
 * read with UCA Art. 64), tax type by tax type, never more than the declaration was charged for
 * that tax type less what is repaid or claimed already. An officer approves it (in part or in
 * full) or refuses it, once; what is approved is paid into the declarant's cash account (a
 * `REPAYMENT` ledger entry) or, without one, by a payout the payment provider makes.
 */
import * as z from 'zod';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import { documentSchema } from './declaration.ts';
import type { Duties } from './duties.ts';
import { plainText } from './text.ts';

export const repaymentReasons = ['OVERPAID', 'GOODS_REJECTED', 'PREFERENCE_PROVEN'] as const;

/** CDS tax type codes (A00 customs duty, B00 import VAT...). */
const taxType = z.string().regex(/^[A-Z0-9]{3}$/, 'must be a tax type such as "A00"');
/** Positive, at most 2 decimals: what is repaid is paid to the penny. */
const positiveAmount = z
  .string()
  .regex(/^(0|[1-9]\d{0,14})(\.\d{1,2})?$/, 'must be an amount with at most 2 decimals, such as "12.50"')
  .refine((value) => new Dec(value).greaterThan(ZERO), { message: 'must be more than 0' });
const amountsByTaxType = z
  .record(taxType, positiveAmount)
  .refine((amounts) => Object.keys(amounts).length > 0, { message: 'name at least one tax type' })
  .refine((amounts) => Object.keys(amounts).length <= 20, { message: 'at most 20 tax types' });

/** What a trader claims with. */
export const repaymentClaimInputSchema = z
  .strictObject({
    reason: z.enum(repaymentReasons),
    /** Per tax type, what the trader asks back. */
    amounts: amountsByTaxType,
    explanation: plainText(2000),
    /** Supporting documents by their reference (DE 2/3 code and the document's number), as a declaration names them. */
    documents: z.array(documentSchema).max(20).default([]),
  })
  .meta({ id: 'RepaymentClaimInput' });
export type RepaymentClaimInput = z.infer<typeof repaymentClaimInputSchema>;

/** An officer's decision: approve some or all of what was claimed, or refuse with a reason the trader reads. */
export const repaymentDecisionInputSchema = z
  .discriminatedUnion('outcome', [
    z.strictObject({ outcome: z.literal('APPROVE'), amounts: amountsByTaxType, note: plainText(2000).optional() }),
    z.strictObject({ outcome: z.literal('REFUSE'), reason: plainText(1000), note: plainText(2000).optional() }),
  ])
  .meta({ id: 'RepaymentDecisionInput' });
export type RepaymentDecisionInput = z.infer<typeof repaymentDecisionInputSchema>;

export const repaymentClaimIdPattern = /^([0-9A-HJKMNP-TV-Z]{26})-R(\d{1,4})$/;
/** A claim's id: its declaration and its number there (`<declaration id>-R<n>`). */
export const repaymentClaimId = (declarationId: string, n: number): string => `${declarationId}-R${n}`;
export const declarationOfClaim = (claimId: string): { declarationId: string; n: number } | undefined => {
  const match = repaymentClaimIdPattern.exec(claimId);
  return match?.[1] && match[2] ? { declarationId: match[1], n: Number(match[2]) } : undefined;
};

/** A payout's way: REQUESTED, SENT to the provider, then PAID or FAILED (docs/revenue.md, "Payouts"). */
export const payoutStatuses = ['REQUESTED', 'SENT', 'PAID', 'FAILED'] as const;

export const repaymentSchema = z.object({
  /** Paid into a cash account (an entry of its ledger), or by a payout the provider makes (a reference). */
  method: z.enum(['CASH_ACCOUNT', 'PAYOUT']),
  account: z.object({ number: z.string(), sequence: z.number().int() }).optional(),
  payoutReference: z.string().optional(),
  amount: z.string(),
  byTaxType: z.record(z.string(), z.string()),
  at: z.string(),
});
export type Repayment = z.infer<typeof repaymentSchema>;

export const repaymentClaimSchema = z
  .object({
    id: z.string(),
    declarationId: z.string(),
    claimantId: z.string(),
    reason: z.enum(repaymentReasons),
    amounts: z.record(z.string(), z.string()),
    currency: z.string(),
    explanation: z.string(),
    documents: z.array(z.object({ type: z.string(), ref: z.string() })),
    /** PENDING until an officer decides; a decision is final. */
    status: z.enum(['PENDING', 'APPROVED', 'REFUSED']),
    claimedAt: z.string(),
    decision: z
      .object({
        outcome: z.enum(['APPROVE', 'REFUSE']),
        amounts: z.record(z.string(), z.string()).optional(),
        reason: z.string().optional(),
        officerId: z.string(),
        at: z.string(),
      })
      .optional(),
    /** How the approved amount was paid (once). */
    repayment: repaymentSchema.optional(),
  })
  .meta({ id: 'RepaymentClaim' });
export type RepaymentClaim = z.infer<typeof repaymentClaimSchema>;

/** What the trader sees of a claim's payout: where the provider is with it. */
export const payoutProgressSchema = z
  .object({
    reference: z.string(),
    status: z.enum(payoutStatuses),
    /** Present once an administrator resent it after it FAILED (2, 3...). */
    attempt: z.number().int().min(2).optional(),
    sentAt: z.string().optional(),
    settledAt: z.string().optional(),
    failureReason: z.string().optional(),
  })
  .meta({ id: 'PayoutProgress' });
export type PayoutProgress = z.infer<typeof payoutProgressSchema>;
export const progressOf = (payout: Payout): PayoutProgress => ({
  reference: payout.reference,
  status: payout.status,
  ...(payout.attempt ? { attempt: payout.attempt } : {}),
  ...(payout.sentAt ? { sentAt: payout.sentAt } : {}),
  ...(payout.settledAt ? { settledAt: payout.settledAt } : {}),
  ...(payout.failureReason ? { failureReason: payout.failureReason } : {}),
});

/** A claim as listed: with its payout's progress when it is paid by payout. */
export const repaymentClaimViewSchema = repaymentClaimSchema
  .extend({ payout: payoutProgressSchema.optional() })
  .meta({ id: 'RepaymentClaimView' });
export type RepaymentClaimView = z.infer<typeof repaymentClaimViewSchema>;
export const repaymentClaimListSchema = z.object({ items: z.array(repaymentClaimViewSchema) }).meta({ id: 'RepaymentClaimList' });

/**
 * A payout the payment provider makes to a trader without a cash account (a reference, an amount):
 * REQUESTED when recorded, SENT once handed to the provider, then PAID or FAILED (with the
 * provider's reason) by the provider's signed callback, once (docs/revenue.md, "Payouts").
 */
export const payoutSchema = z.object({
  reference: z.string(),
  declarationId: z.string(),
  payeeId: z.string(),
  amount: z.string(),
  byTaxType: z.record(z.string(), z.string()),
  currency: z.string(),
  status: z.enum(payoutStatuses),
  createdAt: z.string(),
  sentAt: z.string().optional(),
  /** When the provider confirmed it paid, or that it failed. */
  settledAt: z.string().optional(),
  failureReason: z.string().optional(),
  /** The provider event that settled it (each event is accepted once). */
  settledBy: z.object({ provider: z.string(), eventId: z.string() }).optional(),
  /** Which sending this is: 1 (absent) until an administrator resends it after it FAILED. */
  attempt: z.number().int().min(1).optional(),
  /** The failures of earlier attempts, kept when it is resent. */
  failures: z.array(z.object({ attempt: z.number().int().min(1), reason: z.string(), settledAt: z.string() })).optional(),
});
export type Payout = z.infer<typeof payoutSchema>;

export const attemptOf = (payout: Pick<Payout, 'attempt'>): number => payout.attempt ?? 1;

/**
 * The key the provider pays once: the reference for the first sending, `<reference>.<attempt>` for
 * an administrator's resending of a FAILED payout (which the provider must pay anew).
 */
export const idempotencyKeyOf = (payout: Pick<Payout, 'reference' | 'attempt'>): string =>
  attemptOf(payout) === 1 ? payout.reference : `${payout.reference}.${attemptOf(payout)}`;

/**
 * What the declaration was charged per tax type: its secured charges drawn on a cash or deferment
 * account or paid on a payment request, less what an inspection credited back to the account.
 * Security held under a guarantee (method M) was never paid: nothing of it is repayable.
 */
export function chargedByTaxType(duties: Duties | undefined): Record<string, Dec> {
  const charged: Record<string, Dec> = {};
  for (const charge of duties?.charges ?? []) {
    if (charge.status !== 'SECURED' || charge.account?.kind === 'SECURITY') continue;
    const positive = new Dec(charge.amount).greaterThan(ZERO);
    // A lower re-assessment counts only once it was credited back; what it left owed is still repayable here.
    if (!positive && charge.account?.kind !== 'CREDIT') continue;
    for (const [type, amount] of Object.entries(charge.byTaxType)) charged[type] = (charged[type] ?? ZERO).plus(amount);
  }
  return charged;
}

/**
 * What may still be claimed per tax type: charged, less what earlier claims approved, and less what
 * pending claims ask for (so claims decided in any order never repay more than was charged).
 */
export function claimableByTaxType(duties: Duties | undefined, claims: readonly RepaymentClaim[]): Record<string, Dec> {
  const claimable = chargedByTaxType(duties);
  for (const claim of claims) {
    const taken = claim.status === 'PENDING' ? claim.amounts : claim.status === 'APPROVED' ? (claim.decision?.amounts ?? {}) : {};
    for (const [type, amount] of Object.entries(taken)) claimable[type] = (claimable[type] ?? ZERO).minus(amount);
  }
  return claimable;
}

/** The sum of amounts per tax type, to the penny. */
export const totalOf = (amounts: Readonly<Record<string, string>>): string =>
  fixed2(Object.values(amounts).reduce((sum, amount) => sum.plus(amount), ZERO));

/** Amounts as stored: 2 decimals, tax types in order. */
export const normalised = (amounts: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(amounts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, amount]) => [type, fixed2(new Dec(amount))]),
  );

/** A payout reference this platform issued: a claim's (`<declaration id>-R<n>`) or a payment request's (`<declaration id>-<version>`). */
export const payoutReferencePattern = /^[0-9A-HJKMNP-TV-Z]{26}-R?\d{1,6}$/;

/** An administrator's resend of a FAILED payout: why (e.g. the trader's bank details corrected), recorded in the history. */
export const payoutResendInputSchema = z.strictObject({ reason: plainText(500) }).meta({ id: 'PayoutResend' });

/**
 * The provider's word on a payout it was sent: paid to the trader, or failed (its reason, e.g. the
 * bank account closed). Signed and accepted once, like a payment confirmation (docs/revenue.md).
 */
const payoutEventFields = {
  /** The provider's id of this notification: each is accepted once. */
  eventId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, "_" or "-"'),
  reference: z.string().regex(payoutReferencePattern, 'must be a payout reference this platform issued'),
  amount: z.string().regex(/^\d{1,15}\.\d{2}$/, 'must be an amount with 2 decimals'),
  currency: z.string().regex(/^[A-Z]{3}$/),
};
export const payoutSettlementSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('payout.succeeded'), ...payoutEventFields }),
    z.strictObject({ type: z.literal('payout.failed'), ...payoutEventFields, reason: plainText(500) }),
  ])
  .meta({ id: 'PayoutSettlement' });
export type PayoutSettlement = z.infer<typeof payoutSettlementSchema>;
