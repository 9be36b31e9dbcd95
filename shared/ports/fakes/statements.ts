/** In-memory statement index; the contract suite holds it to what the DynamoDB adapter does. */
import type { StatementSummary } from '#shared/domain/statements.ts';
import type { StatementIndex } from '#shared/ports/statements.ts';

export class InMemoryStatementIndex implements StatementIndex {
  readonly #summaries = new Map<string, StatementSummary>();

  async record(summary: StatementSummary): Promise<boolean> {
    const key = `${summary.accountNumber}#${summary.period}`;
    if (this.#summaries.has(key)) return false;
    this.#summaries.set(key, structuredClone(summary));
    return true;
  }

  async get(accountNumber: string, period: string): Promise<StatementSummary | undefined> {
    const summary = this.#summaries.get(`${accountNumber}#${period}`);
    return summary ? structuredClone(summary) : undefined;
  }

  async list(accountNumber: string): Promise<StatementSummary[]> {
    return [...this.#summaries.values()]
      .filter((summary) => summary.accountNumber === accountNumber)
      .sort((a, b) => a.period.localeCompare(b.period))
      .map((summary) => structuredClone(summary));
  }
}
