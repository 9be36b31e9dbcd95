/** The statements of deferment accounts: one summary per account and period, written once when the period closes. */
import type { StatementSummary } from '#shared/domain/statements.ts';

export interface StatementIndex {
  /** Records the statement once; false if the account's statement of that period is recorded already. */
  record(summary: StatementSummary): Promise<boolean>;
  get(accountNumber: string, period: string): Promise<StatementSummary | undefined>;
  /** An account's statements, oldest period first. */
  list(accountNumber: string): Promise<StatementSummary[]>;
}
