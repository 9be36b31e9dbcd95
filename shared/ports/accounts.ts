/**
 * Trader accounts and their ledgers (docs/revenue.md). The ledger is the truth: immutable
 * entries numbered from 1; the account item caches what they add up to, with the number of the
 * latest entry as its version. An entry is stored only together with the account at that version
 * and only if no entry has the same `source` yet: one conditional transaction, so two charges at
 * the same time can never both spend the same funds, and a repeated charge is never booked twice.
 */
import type { AccountShard, ChargeGuard } from '#shared/domain/account-shards.ts';
import type { Account, LedgerEntry } from '#shared/domain/accounts.ts';

export type PostOutcome =
  /** Booked. */
  | { outcome: 'applied' }
  /** The account moved on since it was read (or is missing): read it again and decide again. */
  | { outcome: 'conflict' }
  /** An entry with this source is booked already: it is that entry. */
  | { outcome: 'duplicate'; entry: LedgerEntry };

export interface AccountLedger {
  /** Opens an account with its opening entry (sequence 1); false if the number is taken. */
  open(account: Account, entry: LedgerEntry): Promise<boolean>;
  get(number: string): Promise<Account | undefined>;
  /**
   * The account as last cached, read eventually consistent and not rolled forward: possibly a
   * moment old. Only for what cannot change under a charge (its kind, its shards: both fixed at
   * opening) or may race it anyway (its status); never for an amount or a version.
   */
  peek(number: string): Promise<Account | undefined>;
  /** The accounts a party holds, by number. */
  listByOwner(ownerId: string): Promise<Account[]>;
  /** The ledger, oldest first. */
  entries(number: string): Promise<LedgerEntry[]>;
  /** The entry booked for `source`, if any: on the account's ledger, or a charge on one of its shards (named by its guard). */
  findBySource(number: string, source: string): Promise<LedgerEntry | undefined>;
  /**
   * Books `entry` (sequence `expectedVersion + 1`) and stores `account` (at that version), if the
   * account is still at `expectedVersion` and no entry has `entry.source`.
   */
  post(change: { account: Account; expectedVersion: number; entry: LedgerEntry }): Promise<PostOutcome>;
  /** The numbers of every deferment account opened (the accounts whose periods the statements job closes), in order. */
  listDefermentAccounts(): Promise<string[]>;
  /** The entries of the account's own ledger booked for sources that start with `prefix` (`DECL#<declaration>#`: a declaration's), in sequence order. */
  entriesBySourcePrefix(number: string, prefix: string): Promise<LedgerEntry[]>;

  // Allowance shards of a sharded account (docs/revenue.md): ledgers of their own, same rules.
  /** The shard as its entries make it (an entry claimed but not yet cached is rolled forward); undefined before its first entry. */
  getShard(number: string, shard: number): Promise<AccountShard | undefined>;
  /** The shard's ledger, oldest first. */
  shardEntries(number: string, shard: number): Promise<LedgerEntry[]>;
  shardEntryAt(number: string, shard: number, sequence: number): Promise<LedgerEntry | undefined>;
  /** Books `entry` (the shard's sequence `expectedVersion + 1`) and stores `shard` at that version, if no entry holds that sequence yet. */
  postOnShard(change: { shard: AccountShard; expectedVersion: number; entry: LedgerEntry }): Promise<'applied' | 'conflict'>;
  /** Where the charge of `source` is booked, or was about to be (its guard across shards). */
  chargeGuard(number: string, source: string): Promise<ChargeGuard | undefined>;
  /** Places the guard (none yet), or moves it from `replacing` (still as read) to `guard`; false if it is not as expected. */
  placeChargeGuard(number: string, source: string, guard: ChargeGuard, replacing?: ChargeGuard): Promise<boolean>;
}
