/** In-memory trader accounts and ledgers; the contract suite holds them to what the DynamoDB adapter does. */
import type { Account, LedgerEntry } from '#shared/domain/accounts.ts';
import type { AccountLedger, PostOutcome } from '#shared/ports/accounts.ts';
import type { ClearanceCounters } from '#shared/ports/clearance-counters.ts';

export class InMemoryAccountLedger implements AccountLedger {
  readonly #accounts = new Map<string, Account>();
  readonly #entries = new Map<string, LedgerEntry[]>();

  /** `revenue`: where each entry booked is counted (as the DynamoDB ledger counts it before its account moves on). */
  constructor(private readonly revenue?: Pick<ClearanceCounters, 'countLedgerEntry'>) {}

  async open(account: Account, entry: LedgerEntry): Promise<boolean> {
    if (this.#accounts.has(account.number)) return false;
    this.#accounts.set(account.number, structuredClone(account));
    this.#entries.set(account.number, [structuredClone(entry)]);
    return true;
  }

  async get(number: string): Promise<Account | undefined> {
    const account = this.#accounts.get(number);
    return account ? structuredClone(account) : undefined;
  }

  async listByOwner(ownerId: string): Promise<Account[]> {
    return [...this.#accounts.values()]
      .filter((account) => account.ownerId === ownerId)
      .sort((a, b) => a.number.localeCompare(b.number))
      .map((account) => structuredClone(account));
  }

  async entries(number: string): Promise<LedgerEntry[]> {
    return structuredClone(this.#entries.get(number) ?? []);
  }

  async findBySource(number: string, source: string): Promise<LedgerEntry | undefined> {
    const entry = this.#entries.get(number)?.find((candidate) => candidate.source === source);
    return entry ? structuredClone(entry) : undefined;
  }

  async post(change: { account: Account; expectedVersion: number; entry: LedgerEntry }): Promise<PostOutcome> {
    const current = this.#accounts.get(change.account.number);
    const entries = this.#entries.get(change.account.number);
    if (!current || !entries) return { outcome: 'conflict' };
    const duplicate = entries.find((entry) => entry.source === change.entry.source);
    if (duplicate) return { outcome: 'duplicate', entry: structuredClone(duplicate) };
    if (current.version !== change.expectedVersion) return { outcome: 'conflict' };
    // Entry and account together (nothing awaited between the check and the writes), then counted.
    entries.push(structuredClone(change.entry));
    this.#accounts.set(change.account.number, structuredClone(change.account));
    await this.revenue?.countLedgerEntry(structuredClone(change.entry));
    return { outcome: 'applied' };
  }

  async listDefermentAccounts(): Promise<string[]> {
    return [...this.#accounts.values()]
      .filter((account) => account.kind === 'DEFERMENT')
      .map((account) => account.number)
      .sort();
  }

  async entriesBySourcePrefix(number: string, prefix: string): Promise<LedgerEntry[]> {
    return structuredClone((this.#entries.get(number) ?? []).filter((entry) => entry.source.startsWith(prefix)));
  }
}
