/** Revenue: trader accounts (opened and topped up by admins, read by their holders) and payment provider callbacks. */
import * as z from 'zod';
import { accountListSchema, accountSchema, accountViewSchema, openAccountInputSchema, topUpInputSchema } from '#shared/domain/accounts.ts';
import { accountNumber, partyId } from '#shared/domain/declaration.ts';
import { providerCallbackSchema } from '#shared/domain/provider-callbacks.ts';
import { defineOperation } from '#shared/http/operation-spec.ts';

const accountPath = z.strictObject({ number: accountNumber });

export const openAccountOperation = defineOperation({
  operationId: 'openAccount',
  method: 'POST',
  path: '/v1/admin/accounts',
  summary: "Open a trader's cash account or duty deferment account (monthly limit, guarantee and guarantor) under a number (admin)",
  roles: ['admin'],
  body: { kind: 'json', schema: openAccountInputSchema, maxBytes: 4 * 1024 },
  responses: {
    201: { description: 'Opened', schema: accountSchema },
    200: { description: 'The same account was opened already', schema: accountSchema },
  },
  problems: { 409: 'The number is taken by another account (ACCOUNT_NUMBER_TAKEN)', 413: 'Body too large', 415: 'Body is not JSON' },
});

export const topUpAccountOperation = defineOperation({
  operationId: 'topUpAccount',
  method: 'POST',
  path: '/v1/admin/accounts/{number}/top-ups',
  summary: "Book a bank transfer into a trader's cash account, once per transfer reference (admin)",
  roles: ['admin'],
  pathParameters: accountPath,
  body: { kind: 'json', schema: topUpInputSchema, maxBytes: 4 * 1024 },
  responses: {
    200: { description: 'The account after the top-up (booked once: a repeated reference books nothing)', schema: accountSchema },
  },
  problems: { 404: 'No such account', 409: 'Not a cash account (WRONG_ACCOUNT_KIND)', 413: 'Body too large', 415: 'Body is not JSON' },
});

export const listAccountsOperation = defineOperation({
  operationId: 'listAccounts',
  method: 'GET',
  path: '/v1/accounts',
  summary: "Your accounts (trader); a party's accounts with ?owner= (officer, admin)",
  roles: ['trader', 'officer', 'admin'],
  query: z.strictObject({ owner: partyId.optional() }),
  responses: { 200: { description: 'The accounts, by number', schema: accountListSchema } },
});

export const getAccountOperation = defineOperation({
  operationId: 'getAccount',
  method: 'GET',
  path: '/v1/accounts/{number}',
  summary: 'An account with its ledger, oldest entry first (its holder, officer, admin)',
  roles: ['trader', 'officer', 'admin'],
  pathParameters: accountPath,
  responses: { 200: { description: 'The account and its ledger', schema: accountViewSchema } },
  problems: { 404: 'No such account (or not yours)' },
});

export const paymentCallbackOperation = defineOperation({
  operationId: 'paymentCallback',
  method: 'POST',
  path: '/v1/payments/callbacks/{provider}',
  summary:
    'A payment provider confirms a payment, or a payout paid or failed (public, signed): Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">; each event once',
  roles: 'public',
  pathParameters: z.strictObject({ provider: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a provider name') }),
  body: { kind: 'bytes', documentedAs: providerCallbackSchema, maxBytes: 4 * 1024 },
  responses: {
    200: {
      description:
        'Accepted: the payment is recorded and its declaration continues, or the payout is PAID or FAILED (a payment or payout settled before by another event changes nothing: ALREADY_PAID, ALREADY_SETTLED)',
      schema: z.object({
        reference: z.string(),
        outcome: z.enum(['CONFIRMED', 'ALREADY_PAID', 'PAID_OUT', 'PAYOUT_FAILED', 'ALREADY_SETTLED']),
        declarationStatus: z.string(),
      }),
    },
  },
  problems: {
    401: 'Signature missing or wrong (CALLBACK_SIGNATURE_INVALID), or timestamp outside the window (CALLBACK_STALE)',
    404: 'Unknown provider, payment reference or payout reference',
    409: 'This event was accepted before (CALLBACK_REPLAYED)',
    413: 'Body too large',
    415: 'Body is not JSON',
    422: 'The amount or currency is not what the reference asks for (PAYMENT_AMOUNT_MISMATCH, PAYOUT_AMOUNT_MISMATCH)',
  },
});
