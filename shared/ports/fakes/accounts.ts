/** In-memory trader accounts and ledgers; the contract suite holds them to what the DynamoDB adapter does. */
import type { AccountShard, ChargeGuard } from '#shared/domain/account-shards.ts';
import type { Account, LedgerEntry } from '#shared/domain/accounts.ts';
import type { AccountLedger, PostOutcome } from '#shared/ports/accounts.ts';
import type { ClearanceCounters } from '#shared/ports/clearance-counters.ts';

export class InMemoryAccountLedger implements AccountLedger {
  readonly #accounts = new Map<string, Account>();
  readonly #entries = new Map<string, LedgerEntry[]>();
  /** Shards and their ledgers by `<number>#<shard>`; charge guards by `<number>#<source>`. */
  readonly #shards = new Map<string, AccountShard>();
  readonly #shardEntries = new Map<string, LedgerEntry[]>();
  readonly #guards = new Map<string, ChargeGuard>();

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

  peek(number: string): Promise<Account | undefined> {
    return this.get(number);
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
    if (entry) return structuredClone(entry);
    const guard = this.#guards.get(`${number}#${source}`);
    const charged = guard ? await this.shardEntryAt(number, guard.shard, guard.sequence) : undefined;
    return charged?.source === source ? charged : undefined;
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

  async getShard(number: string, shard: number): Promise<AccountShard | undefined> {
    const current = this.#shards.get(`${number}#${shard}`);
    return current ? structuredClone(current) : undefined;
  }

  async shardEntries(number: string, shard: number): Promise<LedgerEntry[]> {
    return structuredClone(this.#shardEntries.get(`${number}#${shard}`) ?? []);
  }

  async shardEntryAt(number: string, shard: number, sequence: number): Promise<LedgerEntry | undefined> {
    const entry = this.#shardEntries.get(`${number}#${shard}`)?.find((candidate) => candidate.sequence === sequence);
    return entry ? structuredClone(entry) : undefined;
  }

  async postOnShard(change: { shard: AccountShard; expectedVersion: number; entry: LedgerEntry }): Promise<'applied' | 'conflict'> {
    const id = `${change.shard.number}#${change.shard.shard}`;
    const entries = this.#shardEntries.get(id) ?? [];
    if (
      (this.#shards.get(id)?.version ?? 0) !== change.expectedVersion ||
      entries.some((entry) => entry.sequence === change.entry.sequence)
    )
      return 'conflict';
    // Entry and shard together (nothing awaited between the check and the writes), then counted.
    this.#shardEntries.set(id, [...entries, structuredClone(change.entry)]);
    this.#shards.set(id, structuredClone(change.shard));
    await this.revenue?.countLedgerEntry(structuredClone(change.entry));
    return 'applied';
  }

  async chargeGuard(number: string, source: string): Promise<ChargeGuard | undefined> {
    const guard = this.#guards.get(`${number}#${source}`);
    return guard ? { ...guard } : undefined;
  }

  async placeChargeGuard(number: string, source: string, guard: ChargeGuard, replacing?: ChargeGuard): Promise<boolean> {
    const id = `${number}#${source}`;
    const current = this.#guards.get(id);
    const expected = replacing ? current?.shard === replacing.shard && current.sequence === replacing.sequence : current === undefined;
    if (!expected) return false;
    this.#guards.set(id, { ...guard });
    return true;
  }
}
