/**
 * Monthly statements (docs/revenue.md): a duty deferment period that has ended is closed once per
 * account: the direct debit of its charges less its credits is booked as a ledger entry (source
 * `DIRECTDEBIT#<period>`, so a second run or two runs at once book it once), the statement built
 * from the ledger before that entry is archived as JSON and CSV (write-once, named by their
 * SHA-256: a repeat writes the same bytes) and recorded under the account. Every step finds what
 * an earlier run did, so a run that stopped halfway is finished by the next.
 */
import { createHash } from 'node:crypto';
import { type Account, applyEntry, type LedgerEntry, periodBefore, periodOf } from '#shared/domain/accounts.ts';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import { hasRole, type Principal, requireRole } from '#shared/domain/auth.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import {
  buildStatement,
  directDebitSource,
  periodEntries,
  periodTotals,
  type StatementSummary,
  type StatementView,
  statementCsv,
} from '#shared/domain/statements.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ArchiveDownloads, DocumentArchive } from '#shared/ports/document-archive.ts';
import type { StatementIndex } from '#shared/ports/statements.ts';
import { closeShardsForPeriod, entriesWithShards, shardsOf } from './account-shards.ts';

export interface StatementDeps {
  accounts: AccountLedger;
  statements: StatementIndex;
  archive: DocumentArchive;
  clock: Clock;
}

/** Accounts closed at once: each closing is a few sequential reads and writes. */
const PARALLEL_ACCOUNTS = 8;
/** Attempts at booking a direct debit on an account that charges move on meanwhile. */
const MAX_ATTEMPTS = 50;
const DOWNLOAD_URL_SECONDS = 300;

/** The scheduled job: closes the month before the current one on every deferment account (nothing to do once it is closed). */
export async function closeEndedPeriod(deps: StatementDeps): Promise<{ period: string; closed: StatementSummary[]; failed: string[] }> {
  const period = periodBefore(periodOf(deps.clock.now().toISOString()));
  return { period, ...(await closePeriod(period, deps)) };
}

/**
 * POST /v1/admin/statements/close?period=: an administrator closes a period now. Only an ended
 * one, except on the local cloud, which may close the current month early to try statements
 * without waiting for its end (charges booked later in the month then count in the next period).
 */
export async function closePeriodByAdmin(
  command: { principal: Principal; period: string },
  deps: StatementDeps & { allowEarlyClosing: boolean },
): Promise<{ period: string; closed: StatementSummary[]; failed: string[] }> {
  requireRole(command.principal, 'admin');
  const current = periodOf(deps.clock.now().toISOString());
  if (command.period > current || (command.period === current && !deps.allowEarlyClosing))
    throw new DomainError('CONFLICT', 'Period not ended', [
      problem('/period', 'PERIOD_NOT_ENDED', `${command.period} has not ended: a period is closed after its last day`),
    ]);
  return { period: command.period, ...(await closePeriod(command.period, deps)) };
}

/** Closes one period on every deferment account; an account that fails is named, the others are closed. */
async function closePeriod(period: string, deps: StatementDeps): Promise<{ closed: StatementSummary[]; failed: string[] }> {
  const numbers = await deps.accounts.listDefermentAccounts();
  const closed: StatementSummary[] = [];
  const failed: string[] = [];
  for (let start = 0; start < numbers.length; start += PARALLEL_ACCOUNTS) {
    const batch = numbers.slice(start, start + PARALLEL_ACCOUNTS);
    const results = await Promise.allSettled(batch.map((number) => closeAccountPeriod(number, period, deps)));
    results.forEach((result, index) => {
      if (result.status === 'rejected') failed.push(batch[index] ?? '');
      else if (result.value) closed.push(result.value);
    });
  }
  return { closed, failed };
}

/** One account's period: its statement, closed now or before; undefined for an account that did not exist in the period. */
export async function closeAccountPeriod(number: string, period: string, deps: StatementDeps): Promise<StatementSummary | undefined> {
  const recorded = await deps.statements.get(number, period);
  if (recorded) return recorded;
  const account = await deps.accounts.get(number);
  if (account?.kind !== 'DEFERMENT' || periodOf(account.openedAt) > period) return undefined;
  // A sharded account's shards close the period first: no charge of it is booked on them after.
  if (shardsOf(account) > 1) await closeShardsForPeriod(deps.accounts, account, period, deps.clock.now().toISOString());
  const directDebit = await bookDirectDebit(account, period, deps);
  const entries = await entriesWithShards(deps.accounts, account);
  const statement = buildStatement(account, entries, directDebit);
  const [json, csv] = await Promise.all([
    archive(deps, number, period, 'json', `${JSON.stringify(statement, null, 2)}\n`, 'application/json'),
    archive(deps, number, period, 'csv', statementCsv(statement), 'text/csv'),
  ]);
  const summary: StatementSummary = {
    accountNumber: number,
    period,
    closedAt: statement.closedAt,
    currency: statement.currency,
    totals: statement.totals,
    directDebit: statement.directDebit,
    declarations: new Set(statement.lines.flatMap((line) => (line.declarationId ? [line.declarationId] : []))).size,
    files: { json, csv },
  };
  if (await deps.statements.record(summary)) return summary;
  return (await deps.statements.get(number, period)) ?? summary;
}

/** The period's direct debit: booked once (its source), from the ledger as it stands when it is booked. */
async function bookDirectDebit(opened: Account, period: string, deps: StatementDeps): Promise<LedgerEntry> {
  const source = directDebitSource(period);
  let account: Account | undefined = opened;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && account; attempt += 1) {
    const booked = await deps.accounts.findBySource(account.number, source);
    if (booked) return booked;
    const version = account.version;
    const entries = (await entriesWithShards(deps.accounts, account)).filter(
      (entry) => entry.shard !== undefined || entry.sequence <= version,
    );
    const totals = periodTotals(periodEntries(entries, period, version + 1));
    const applied = applyEntry(account, {
      kind: 'DIRECT_DEBIT',
      at: deps.clock.now().toISOString(),
      amount: totals.directDebit,
      period,
      source,
      by: 'statements',
    });
    if (!applied.ok) throw new Error(`account ${account.number}: the direct debit of ${period} does not apply: ${applied.refusal.message}`);
    const posted = await deps.accounts.post({ account: applied.account, expectedVersion: version, entry: applied.entry });
    if (posted.outcome === 'applied') return applied.entry;
    if (posted.outcome === 'duplicate') return posted.entry;
    account = await deps.accounts.get(account.number);
  }
  throw new Error(`account ${opened.number} is too busy: the direct debit of ${period} lost ${MAX_ATTEMPTS} times to other entries`);
}

async function archive(
  deps: StatementDeps,
  number: string,
  period: string,
  format: 'json' | 'csv',
  text: string,
  contentType: string,
): Promise<{ key: string; sha256: string }> {
  const body = new TextEncoder().encode(text);
  const sha256 = createHash('sha256').update(body).digest('hex');
  const key = archiveKeys.statement(number, period, sha256, format);
  await deps.archive.put({ key, body, contentType, sha256 });
  return { key, sha256 };
}

const notFound = (what: string) => new DomainError('NOT_FOUND', 'Not found', [problem('', 'STATEMENT_NOT_FOUND', `no ${what}`)]);

/** The account, if the principal may read it: its holder, or customs. Another party's does not exist for a trader. */
async function readableAccount(principal: Principal, number: string, accounts: AccountLedger): Promise<Account> {
  requireRole(principal, 'trader', 'officer', 'admin');
  const account = await accounts.get(number);
  const customs = hasRole(principal, 'officer') || hasRole(principal, 'admin');
  if (!account || (!customs && account.ownerId !== principal.partyId)) throw notFound(`account ${number}`);
  return account;
}

/** GET /v1/accounts/{number}/statements: the account's statements, oldest first (its holder, officers, admins). */
export async function listStatements(
  query: { principal: Principal; number: string },
  deps: Pick<StatementDeps, 'accounts' | 'statements'>,
): Promise<{ items: Omit<StatementSummary, 'files'>[] }> {
  const account = await readableAccount(query.principal, query.number, deps.accounts);
  const summaries = await deps.statements.list(account.number);
  return { items: summaries.map(({ files: _files, ...summary }) => summary) };
}

/** GET /v1/accounts/{number}/statements/{period}: the statement with short-lived links to its JSON and CSV. */
export async function getStatement(
  query: { principal: Principal; number: string; period: string },
  deps: Pick<StatementDeps, 'accounts' | 'statements' | 'clock'> & { links: ArchiveDownloads },
): Promise<StatementView> {
  const account = await readableAccount(query.principal, query.number, deps.accounts);
  const summary = await deps.statements.get(account.number, query.period);
  if (!summary) throw notFound(`statement of ${query.period} for account ${query.number}`);
  const { files, ...rest } = summary;
  const fileName = `statement-${account.number}-${summary.period}`;
  return {
    ...rest,
    expiresAt: new Date(deps.clock.now().getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString(),
    files: await Promise.all(
      (['json', 'csv'] as const).map(async (format) => ({
        format,
        contentType: format === 'json' ? 'application/json' : 'text/csv',
        sha256: files[format].sha256,
        url: await deps.links.presignGet({
          key: files[format].key,
          fileName: `${fileName}.${format}`,
          expiresInSeconds: DOWNLOAD_URL_SECONDS,
        }),
      })),
    ),
  };
}
