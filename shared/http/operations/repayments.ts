/** Repayment claims (docs/revenue.md, "Repayments"): the declarant claims, officers decide. */
import * as z from 'zod';
import {
  payoutProgressSchema,
  payoutReferencePattern,
  payoutResendInputSchema,
  repaymentClaimIdPattern,
  repaymentClaimInputSchema,
  repaymentClaimListSchema,
  repaymentClaimSchema,
  repaymentDecisionInputSchema,
} from '#shared/domain/repayments.ts';
import { defineOperation, queryInteger } from '#shared/http/operation-spec.ts';
import { declarationPath } from './parameters.ts';

const claimPath = z.strictObject({
  claimId: z.string().regex(repaymentClaimIdPattern, 'must be a repayment claim id such as "01KB3Z9Q0000000000000000AB-R1"'),
});

export const claimRepaymentOperation = defineOperation({
  operationId: 'claimRepayment',
  method: 'POST',
  path: '/v1/declarations/{id}/repayment-claims',
  summary:
    'Claim duties back on your released declaration, per tax type (at most what was charged less what is repaid or claimed already), with the reason, an explanation and supporting documents (trader, owner)',
  roles: ['trader'],
  pathParameters: declarationPath,
  body: { kind: 'json', schema: repaymentClaimInputSchema, maxBytes: 16 * 1024 },
  responses: {
    201: { description: 'Claimed: the claim, PENDING', schema: repaymentClaimSchema },
    200: { description: 'The same claim is pending already', schema: repaymentClaimSchema },
  },
  problems: {
    404: 'No such declaration that you may see',
    409: 'Not released (NOT_RELEASED), or too many claims (TOO_MANY_CLAIMS)',
    413: 'Body too large',
    415: 'Body is not JSON',
    422: 'A tax type claimed above what is left of its charge (CLAIM_EXCEEDS_CHARGED) or not charged (TAX_TYPE_NOT_CHARGED), pointed at',
  },
});

export const listDeclarationRepaymentClaimsOperation = defineOperation({
  operationId: 'listDeclarationRepaymentClaims',
  method: 'GET',
  path: '/v1/declarations/{id}/repayment-claims',
  summary:
    "A declaration's repayment claims, with their decisions, repayments and payouts' progress (REQUESTED, SENT, PAID, FAILED) (its declarant, officer, admin)",
  roles: ['trader', 'officer', 'admin'],
  pathParameters: declarationPath,
  responses: { 200: { description: 'The claims, by number', schema: repaymentClaimListSchema } },
  problems: { 404: 'No such declaration that you may see' },
});

export const listPendingRepaymentClaimsOperation = defineOperation({
  operationId: 'listPendingRepaymentClaims',
  method: 'GET',
  path: '/v1/review/repayment-claims',
  summary: 'Repayment claims waiting for a decision, oldest first (officer, admin)',
  roles: ['officer', 'admin'],
  query: z.strictObject({ limit: queryInteger(1, 100).default(25) }),
  responses: { 200: { description: 'The pending claims', schema: repaymentClaimListSchema } },
});

export const decideRepaymentClaimOperation = defineOperation({
  operationId: 'decideRepaymentClaim',
  method: 'POST',
  path: '/v1/review/repayment-claims/{claimId}/decisions',
  summary:
    "Approve a repayment claim (in part or in full, per tax type: paid into the declarant's cash account, or by payout) or refuse it with a reason; once (officer)",
  roles: ['officer'],
  pathParameters: claimPath,
  body: { kind: 'json', schema: repaymentDecisionInputSchema, maxBytes: 8 * 1024 },
  responses: { 200: { description: 'Decided (or the same decision repeated): the claim as it now stands', schema: repaymentClaimSchema } },
  problems: {
    404: 'No such claim',
    409: 'Decided already otherwise (CLAIM_ALREADY_DECIDED)',
    413: 'Body too large',
    415: 'Body is not JSON',
    422: 'A tax type approved above what was claimed for it (APPROVAL_EXCEEDS_CLAIM) or not claimed (TAX_TYPE_NOT_CLAIMED), pointed at',
  },
});

const payoutPath = z.strictObject({
  reference: z.string().regex(payoutReferencePattern, 'must be a payout reference such as "01KB3Z9Q0000000000000000AB-R1"'),
});

export const resendPayoutOperation = defineOperation({
  operationId: 'resendPayout',
  method: 'POST',
  path: '/v1/admin/payouts/{reference}/resend',
  summary:
    'Resend a FAILED payout to the payment provider (e.g. once the trader corrected its bank details): FAILED -> REQUESTED at the next attempt -> SENT, with the reason in the declaration history (admin)',
  roles: ['admin'],
  pathParameters: payoutPath,
  body: { kind: 'json', schema: payoutResendInputSchema, maxBytes: 4 * 1024 },
  responses: {
    200: {
      description: 'Resent: the payout at its new attempt, SENT (or REQUESTED when the provider did not take it now: sent again later)',
      schema: payoutProgressSchema,
    },
  },
  problems: {
    404: 'No such payout (PAYOUT_REFERENCE_NOT_FOUND)',
    409: 'The payout is not FAILED (PAYOUT_NOT_FAILED): REQUESTED and SENT payouts are being paid, PAID ones were',
    413: 'Body too large',
    415: 'Body is not JSON',
  },
});
