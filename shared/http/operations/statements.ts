/** Revenue: monthly statements of duty deferment accounts (the direct debit closing each period), and the reconciliation of released declarations with the ledger. */
import * as z from 'zod';
import { periodSchema } from '#shared/domain/accounts.ts';
import { accountNumber } from '#shared/domain/declaration.ts';
import { reconciliationSchema } from '#shared/domain/reconciliation.ts';
import { statementListSchema, statementSummarySchema, statementViewSchema } from '#shared/domain/statements.ts';
import { defineOperation } from '#shared/http/operation-spec.ts';

export const listStatementsOperation = defineOperation({
  operationId: 'listStatements',
  method: 'GET',
  path: '/v1/accounts/{number}/statements',
  summary: "A deferment account's monthly statements, oldest period first (its holder, officer, admin)",
  roles: ['trader', 'officer', 'admin'],
  pathParameters: z.strictObject({ number: accountNumber }),
  responses: {
    200: { description: 'The statements: totals per tax type and the direct debit of each closed period', schema: statementListSchema },
  },
  problems: { 404: 'No such account (or not yours)' },
});

export const getStatementOperation = defineOperation({
  operationId: 'getStatement',
  method: 'GET',
  path: '/v1/accounts/{number}/statements/{period}',
  summary: 'One monthly statement, with short-lived links to its JSON and CSV files (its holder, officer, admin)',
  roles: ['trader', 'officer', 'admin'],
  pathParameters: z.strictObject({ number: accountNumber, period: periodSchema }),
  responses: { 200: { description: 'The statement and links to its files', schema: statementViewSchema } },
  problems: { 404: 'No such account (or not yours), or the period is not closed' },
});

export const closeStatementsOperation = defineOperation({
  operationId: 'closeStatements',
  method: 'POST',
  path: '/v1/admin/statements/close',
  summary:
    'Close a deferment period now on every deferment account: the direct debit booked and the statement archived, once (admin; the scheduled job does it after each month)',
  roles: ['admin'],
  query: z.strictObject({ period: periodSchema }),
  responses: {
    200: {
      description: 'The statements of the period (closed now or before), and the accounts that could not be closed this time',
      schema: z
        .object({ period: periodSchema, closed: z.array(statementSummarySchema.omit({ files: true })), failed: z.array(z.string()) })
        .meta({ id: 'ClosedStatements' }),
    },
  },
  problems: { 409: 'The period has not ended (PERIOD_NOT_ENDED)' },
});

export const revenueReconciliationOperation = defineOperation({
  operationId: 'revenueReconciliation',
  method: 'GET',
  path: '/v1/admin/revenue/reconciliation',
  summary:
    "Released imports lodged from `from` to `to` (at most 31 UTC days; today by default): their tax lines against the ledger's charges per tax type, and every difference (officer, admin)",
  roles: ['officer', 'admin'],
  query: z
    .strictObject({
      from: z.iso.date().optional().meta({ description: 'First UTC day (YYYY-MM-DD); `to` by default' }),
      to: z.iso.date().optional().meta({ description: 'Last UTC day (YYYY-MM-DD); today by default' }),
    })
    .refine((period) => !period.from || !period.to || period.from <= period.to, { path: ['from'], message: 'must not be after to' }),
  responses: { 200: { description: 'The reconciliation of the period', schema: reconciliationSchema } },
});
