/**
 * Monthly statements of duty deferment accounts (docs/revenue.md): when a period (a calendar month)
 * has ended, its charges less its credits are collected by one direct debit, booked as a ledger
 * entry (`DIRECT_DEBIT`, source `DIRECTDEBIT#<period>`: once per account and period), and the
 * statement lists every charge and credit of the period the ledger held before that entry, with
 * totals per tax type. The statement is built from the ledger alone, so closing again (a second
 * run, two runs at once) builds the same bytes.
 */
import * as z from 'zod';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import { type Account, type LedgerEntry, periodSchema } from './accounts.ts';

export const directDebitSource = (period: string): string => `DIRECTDEBIT#${period}`;

/**
 * The entries a period's statement lists: its charges and credits, before the direct debit that
 * closed it. A sharded account's shard charges (numbered on their own ledgers) are all listed: a
 * shard books no charge of a period after its `CLOSED` entry, written before the direct debit.
 */
export function periodEntries(entries: readonly LedgerEntry[], period: string, before: number): LedgerEntry[] {
  return entries
    .filter(
      (entry) =>
        (entry.shard !== undefined || entry.sequence < before) &&
        entry.period === period &&
        (entry.kind === 'CHARGE' || entry.kind === 'CREDIT'),
    )
    .sort((a, b) => (a.shard === b.shard ? a.sequence - b.sequence : a.at.localeCompare(b.at) || (a.shard ?? -1) - (b.shard ?? -1)));
}

/** What a period's entries add up to: charged, credited, per tax type, and the direct debit (never below zero). */
export function periodTotals(entries: readonly LedgerEntry[]): StatementTotals {
  let charged = ZERO;
  let credited = ZERO;
  const byTaxType = new Map<string, Dec>();
  for (const entry of entries) {
    if (entry.kind === 'CHARGE') charged = charged.plus(entry.amount);
    if (entry.kind === 'CREDIT') credited = credited.plus(entry.amount);
    // A credit's tax types are negative already (the re-assessment's difference).
    for (const [taxType, amount] of Object.entries(entry.byTaxType ?? {}))
      byTaxType.set(taxType, (byTaxType.get(taxType) ?? ZERO).plus(amount));
  }
  return {
    charged: fixed2(charged),
    credited: fixed2(credited),
    byTaxType: Object.fromEntries([...byTaxType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, fixed2(v)])),
    directDebit: fixed2(Dec.max(ZERO, charged.minus(credited))),
  };
}

const statementTotalsSchema = z.object({
  charged: z.string(),
  credited: z.string(),
  byTaxType: z.record(z.string(), z.string()),
  /** Collected by the direct debit: charged less credited. */
  directDebit: z.string(),
});
export type StatementTotals = z.infer<typeof statementTotalsSchema>;

export const statementSchema = z
  .object({
    accountNumber: z.string(),
    ownerId: z.string(),
    currency: z.string(),
    period: periodSchema,
    /** When the direct debit was booked. */
    closedAt: z.string(),
    lines: z.array(
      z.object({
        /** A sharded account's charge: the shard whose ledger numbers it. */
        shard: z.number().int().optional(),
        sequence: z.number().int(),
        kind: z.enum(['CHARGE', 'CREDIT']),
        at: z.string(),
        declarationId: z.string().optional(),
        amount: z.string(),
        byTaxType: z.record(z.string(), z.string()),
      }),
    ),
    totals: statementTotalsSchema,
    directDebit: z.object({ amount: z.string(), sequence: z.number().int() }),
  })
  .meta({ id: 'Statement' });
export type Statement = z.infer<typeof statementSchema>;

export function buildStatement(account: Account, entries: readonly LedgerEntry[], directDebit: LedgerEntry): Statement {
  const period = directDebit.period ?? '';
  const lines = periodEntries(entries, period, directDebit.sequence);
  return {
    accountNumber: account.number,
    ownerId: account.ownerId,
    currency: account.currency,
    period,
    closedAt: directDebit.at,
    lines: lines.map((entry) => ({
      ...(entry.shard === undefined ? {} : { shard: entry.shard }),
      sequence: entry.sequence,
      kind: entry.kind === 'CREDIT' ? 'CREDIT' : 'CHARGE',
      at: entry.at,
      ...(entry.declarationId ? { declarationId: entry.declarationId } : {}),
      amount: entry.amount,
      byTaxType: entry.byTaxType ?? {},
    })),
    totals: periodTotals(lines),
    directDebit: { amount: directDebit.amount, sequence: directDebit.sequence },
  };
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const csvRow = (fields: readonly string[]): string => `${fields.map(csvField).join(',')}\r\n`;

/** The statement as CSV: one row per charge or credit (a credit negative), a column per tax type, then the totals. */
export function statementCsv(statement: Statement): string {
  const taxTypes = Object.keys(statement.totals.byTaxType);
  const rows = [csvRow(['sequence', 'kind', 'at', 'declarationId', 'amount', ...taxTypes])];
  for (const line of statement.lines) {
    const signed = line.kind === 'CREDIT' ? fixed2(new Dec(line.amount).negated()) : line.amount;
    rows.push(
      csvRow([
        // A shard's charge: "<shard>/<sequence>" (numbered on the shard's ledger).
        line.shard === undefined ? String(line.sequence) : `${line.shard}/${line.sequence}`,
        line.kind,
        line.at,
        line.declarationId ?? '',
        signed,
        ...taxTypes.map((t) => line.byTaxType[t] ?? ''),
      ]),
    );
  }
  rows.push(
    csvRow([
      '',
      'TOTAL',
      '',
      '',
      fixed2(new Dec(statement.totals.charged).minus(statement.totals.credited)),
      ...taxTypes.map((t) => statement.totals.byTaxType[t] ?? ''),
    ]),
  );
  rows.push(csvRow([String(statement.directDebit.sequence), 'DIRECT_DEBIT', statement.closedAt, '', statement.directDebit.amount]));
  return rows.join('');
}

/** What the account's statement listing shows of one statement, and where its files are archived. */
export const statementSummarySchema = z
  .object({
    accountNumber: z.string(),
    period: periodSchema,
    closedAt: z.string(),
    currency: z.string(),
    totals: statementTotalsSchema,
    directDebit: z.object({ amount: z.string(), sequence: z.number().int() }),
    declarations: z.number().int().meta({ description: 'How many declarations the period charged or credited' }),
    files: z.object({
      json: z.object({ key: z.string(), sha256: z.string() }),
      csv: z.object({ key: z.string(), sha256: z.string() }),
    }),
  })
  .meta({ id: 'StatementSummary' });
export type StatementSummary = z.infer<typeof statementSummarySchema>;

/** What a reader is given: the summary without the archive keys, and short-lived links to the files. */
export const statementViewSchema = statementSummarySchema
  .omit({ files: true })
  .extend({
    expiresAt: z.string(),
    files: z.array(z.object({ format: z.enum(['json', 'csv']), contentType: z.string(), sha256: z.string(), url: z.string() })),
  })
  .meta({ id: 'StatementView' });
export type StatementView = z.infer<typeof statementViewSchema>;

export const statementListSchema = z.object({ items: z.array(statementSummarySchema.omit({ files: true })) }).meta({ id: 'StatementList' });
