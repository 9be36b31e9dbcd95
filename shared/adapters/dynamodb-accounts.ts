/**
 * Trader accounts and ledgers in the main table (docs/data-model.md, docs/revenue.md), with single
 * conditional writes only (the local cloud's dynalite has no transactions):
 *
 * 1. the entry is put at its sequence (`ENTRY#<n>`, attribute_not_exists): whoever claims the
 *    sequence first books; everyone else reads the entry and helps finish it;
 * 2. its source guard is put (`SOURCE#<source>`, naming the sequence);
 * 3. what it moves of revenue is counted into its booking day (pattern 105, conditional on the
 *    account's last sequence counted that day: once);
 * 4. the account cache moves to the entry's sequence (conditional on the previous version).
 *
 * A writer that stops between the steps leaves an entry the next reader or writer rolls forward
 * (guard, count, then cache), so an account at version n always has the guards and the counts of
 * entries 1..n: a repeated source is found either in its guard or as the entry at the sequence it
 * tried to claim, and entries are counted in sequence order.
 *
 * A sharded account's shards (`ACCOUNT#<n>#<k>`) are ledgers of the same kind, without source
 * guards of their own: a charge's guard is its own item (`ACCOUNT#<n>#SOURCE#<source>`), naming the
 * shard and sequence it is booked at (shared/usecases/account-shards.ts decides what is booked).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AccountShard,
  accountShardSchema,
  applyShardEntry,
  type ChargeGuard,
  chargeGuardSchema,
  draftOf,
} from '#shared/domain/account-shards.ts';
import { type Account, accountSchema, applyEntry, deriveAccount, type LedgerEntry, ledgerEntrySchema } from '#shared/domain/accounts.ts';
import type { AccountLedger, PostOutcome } from '#shared/ports/accounts.ts';
import type { ClearanceCounters } from '#shared/ports/clearance-counters.ts';
import { readShared } from '#shared/workers/invocation-reads.ts';
import { conditional } from './conditional-write.ts';
import { documentClientOf, queryByPrefix } from './dynamodb-items.ts';
import { getItemCoalesced, type ItemRead } from './dynamodb-read-coalescer.ts';
import { entityTypes, keys } from './keys.ts';

/**
 * The ledger's reads of one item are strongly consistent (a booking reads what it conditions its
 * write on) and, in an SQS invocation, coalesced with the other records' (the release stage's
 * charges: one BatchGetItem for the batch's guards, shards and entries).
 */
const consistently: ItemRead = { consistent: true };

const strip = (item: Record<string, unknown>): Record<string, unknown> => {
  const { PK: _pk, SK: _sk, entity: _entity, ...rest } = item;
  return rest;
};

export class DynamoDbAccountLedger implements AccountLedger {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    /** Where each entry that moves revenue is counted, before the account moves past it. */
    private readonly revenue: Pick<ClearanceCounters, 'countLedgerEntry'>,
  ) {
    this.documents = documentClientOf(client);
  }

  async open(account: Account, entry: LedgerEntry): Promise<boolean> {
    // Listed first, so an opening that stops halfway is still found by the statements job (which
    // skips a number whose account it cannot read, or that another kind of account holds).
    if (account.kind === 'DEFERMENT')
      await this.putOnce({ ...keys.defermentAccount(account.number), entity: entityTypes.defermentAccount, number: account.number });
    const opened = await conditional(() => this.put({ ...keys.ledgerEntry(account.number, 1), entity: entityTypes.ledgerEntry, ...entry }));
    if (!opened) return false;
    await this.putOnce({ ...keys.ledgerSource(account.number, entry.source), entity: entityTypes.ledgerSource, sequence: 1 });
    await this.putOnce({
      ...keys.accountOfOwner(account.ownerId, account.number),
      entity: entityTypes.accountOfOwner,
      number: account.number,
    });
    await conditional(() =>
      this.put({ ...keys.account(account.number), entity: entityTypes.account, ...account }, 'attribute_not_exists(PK)'),
    );
    return true;
  }

  async get(number: string): Promise<Account | undefined> {
    let account = await this.cached(number);
    // Roll forward over entries a writer booked but did not finish.
    for (;;) {
      if (!account) {
        const opening = await this.entryAt(number, 1);
        if (!opening) return undefined;
        await this.finish(undefined, opening);
        account = await this.cached(number);
        continue;
      }
      const next = await this.entryAt(number, account.version + 1);
      if (!next) return account;
      account = await this.finish(account, next);
    }
  }

  async peek(number: string): Promise<Account | undefined> {
    // Eventually consistent (half a read unit, served by any replica): a sharded account's charges
    // read their account this way only, so its one partition is not read strongly per charge.
    // The records of one SQS invocation charging the same account share one read (pattern 96a).
    const read = () => this.documents.send(new GetCommand({ TableName: this.tableName, Key: keys.account(number) }));
    const result = await readShared(`accountPeek:${number}`, read);
    return result.Item ? accountSchema.parse(strip(result.Item)) : undefined;
  }

  async listByOwner(ownerId: string): Promise<Account[]> {
    const { PK, SKPrefix } = keys.accountOfOwnerPrefix(ownerId);
    const items = await this.queryAll(PK, SKPrefix);
    const accounts = await Promise.all(items.map((item) => this.get(String(item.number))));
    return accounts.filter((account): account is Account => account !== undefined);
  }

  async entries(number: string): Promise<LedgerEntry[]> {
    const { PK, SKPrefix } = keys.ledgerEntryPrefix(number);
    return (await this.queryAll(PK, SKPrefix)).map((item) => ledgerEntrySchema.parse(strip(item)));
  }

  async findBySource(number: string, source: string): Promise<LedgerEntry | undefined> {
    const booked = await this.bookedOnAccount(number, source);
    if (booked) return booked;
    const charge = await this.chargeGuard(number, source);
    const entry = charge ? await this.shardEntryAt(number, charge.shard, charge.sequence) : undefined;
    return entry?.source === source ? entry : undefined;
  }

  async post(change: { account: Account; expectedVersion: number; entry: LedgerEntry }): Promise<PostOutcome> {
    const { account, entry } = change;
    const booked = await this.bookedOnAccount(account.number, entry.source);
    if (booked) return { outcome: 'duplicate', entry: booked };
    const claimed = await conditional(() =>
      this.put({ ...keys.ledgerEntry(account.number, entry.sequence), entity: entityTypes.ledgerEntry, ...entry }),
    );
    if (!claimed) {
      const other = await this.entryAt(account.number, entry.sequence);
      const current = await this.cached(account.number);
      if (other && current?.version === change.expectedVersion) await this.finish(current, other);
      if (other?.source === entry.source) return { outcome: 'duplicate', entry: other };
      return { outcome: 'conflict' };
    }
    await this.putOnce({ ...keys.ledgerSource(account.number, entry.source), entity: entityTypes.ledgerSource, sequence: entry.sequence });
    await this.revenue.countLedgerEntry(entry);
    await this.storeCache(account, change.expectedVersion);
    return { outcome: 'applied' };
  }

  async listDefermentAccounts(): Promise<string[]> {
    const items = await this.queryAll(keys.defermentAccountsPartition, 'ACCOUNT#');
    return items.map((item) => String(item.number));
  }

  async entriesBySourcePrefix(number: string, prefix: string): Promise<LedgerEntry[]> {
    const guards = await this.queryAll(keys.ledgerSource(number, prefix).PK, keys.ledgerSource(number, prefix).SK);
    const entries = await Promise.all(guards.map((guard) => this.entryAt(number, Number(guard.sequence))));
    return entries.filter((entry): entry is LedgerEntry => entry !== undefined).sort((a, b) => a.sequence - b.sequence);
  }

  /** The entry of the account's own ledger booked for `source` (its guard), if any. */
  private async bookedOnAccount(number: string, source: string): Promise<LedgerEntry | undefined> {
    const guard = await getItemCoalesced(this.documents, this.tableName, keys.ledgerSource(number, source), consistently);
    return guard ? this.entryAt(number, Number(guard.sequence)) : undefined;
  }

  async getShard(number: string, shard: number): Promise<AccountShard | undefined> {
    let current = await this.cachedShard(number, shard);
    // Roll forward over entries a writer claimed but did not cache.
    for (;;) {
      const next = await this.shardEntryAt(number, shard, (current?.version ?? 0) + 1);
      if (!next) return current;
      const before = current ?? { number, shard, version: 0, free: '0.00', updatedAt: next.at };
      const applied = applyShardEntry(before, draftOf(next));
      if (!applied.ok)
        throw new Error(`shard ${shard} of account ${number}: entry ${next.sequence} does not apply: ${applied.refusal.message}`);
      await this.revenue.countLedgerEntry(next, { finishing: true });
      await this.storeShard(applied.shard, before.version);
      current = applied.shard;
    }
  }

  async shardEntries(number: string, shard: number): Promise<LedgerEntry[]> {
    const { PK, SKPrefix } = keys.accountShardEntryPrefix(number, shard);
    return (await this.queryAll(PK, SKPrefix)).map((item) => ledgerEntrySchema.parse(strip(item)));
  }

  async shardEntryAt(number: string, shard: number, sequence: number): Promise<LedgerEntry | undefined> {
    const item = await getItemCoalesced(this.documents, this.tableName, keys.accountShardEntry(number, shard, sequence), consistently);
    return item ? ledgerEntrySchema.parse(strip(item)) : undefined;
  }

  async postOnShard(change: { shard: AccountShard; expectedVersion: number; entry: LedgerEntry }): Promise<'applied' | 'conflict'> {
    const { shard, entry } = change;
    const claimed = await conditional(() =>
      this.put({ ...keys.accountShardEntry(shard.number, shard.shard, entry.sequence), entity: entityTypes.ledgerEntry, ...entry }),
    );
    if (!claimed) return 'conflict';
    await this.revenue.countLedgerEntry(entry);
    await this.storeShard(shard, change.expectedVersion);
    return 'applied';
  }

  async chargeGuard(number: string, source: string): Promise<ChargeGuard | undefined> {
    const item = await getItemCoalesced(this.documents, this.tableName, keys.chargeGuard(number, source), consistently);
    return item ? chargeGuardSchema.parse({ shard: item.shard, sequence: item.sequence }) : undefined;
  }

  placeChargeGuard(number: string, source: string, guard: ChargeGuard, replacing?: ChargeGuard): Promise<boolean> {
    const item = { ...keys.chargeGuard(number, source), entity: entityTypes.chargeGuard, ...guard };
    return conditional(() =>
      replacing
        ? this.put(
            item,
            '#shard = :shard AND #sequence = :sequence',
            { ':shard': replacing.shard, ':sequence': replacing.sequence },
            { '#shard': 'shard', '#sequence': 'sequence' },
          )
        : this.put(item),
    );
  }

  private storeShard(shard: AccountShard, expectedVersion: number): Promise<boolean> {
    return conditional(() =>
      this.put(
        { ...keys.accountShard(shard.number, shard.shard), entity: entityTypes.accountShard, ...shard },
        expectedVersion === 0 ? 'attribute_not_exists(PK)' : 'version = :expected',
        expectedVersion === 0 ? undefined : { ':expected': expectedVersion },
      ),
    );
  }

  private async cachedShard(number: string, shard: number): Promise<AccountShard | undefined> {
    const item = await getItemCoalesced(this.documents, this.tableName, keys.accountShard(number, shard), consistently);
    return item ? accountShardSchema.parse(strip(item)) : undefined;
  }

  /** Writes the guard of `entry`, counts its revenue and moves the cache over it (from `before`, or from nothing for the opening). */
  private async finish(before: Account | undefined, entry: LedgerEntry): Promise<Account> {
    await this.putOnce({
      ...keys.ledgerSource(entry.accountNumber, entry.source),
      entity: entityTypes.ledgerSource,
      sequence: entry.sequence,
    });
    let after: Account;
    if (!before) {
      const opened = entry.opened;
      if (!opened) throw new Error(`account ${entry.accountNumber}: entry 1 is not its opening`);
      await this.putOnce({
        ...keys.accountOfOwner(opened.ownerId, entry.accountNumber),
        entity: entityTypes.accountOfOwner,
        number: entry.accountNumber,
      });
      after = deriveAccount([entry]);
    } else {
      const { accountNumber: _n, sequence: _s, opened: _o, ...draft } = entry;
      const applied = applyEntry(before, draft);
      if (!applied.ok) throw new Error(`account ${before.number}: entry ${entry.sequence} does not apply: ${applied.refusal.message}`);
      after = applied.account;
      await this.revenue.countLedgerEntry(entry, { finishing: true });
    }
    await this.storeCache(after, before?.version);
    return after;
  }

  private storeCache(account: Account, expectedVersion: number | undefined): Promise<boolean> {
    return conditional(() =>
      this.put(
        { ...keys.account(account.number), entity: entityTypes.account, ...account },
        expectedVersion === undefined ? 'attribute_not_exists(PK)' : 'version = :expected',
        expectedVersion === undefined ? undefined : { ':expected': expectedVersion },
      ),
    );
  }

  private async cached(number: string): Promise<Account | undefined> {
    const item = await getItemCoalesced(this.documents, this.tableName, keys.account(number), consistently);
    return item ? accountSchema.parse(strip(item)) : undefined;
  }

  private async entryAt(number: string, sequence: number): Promise<LedgerEntry | undefined> {
    const item = await getItemCoalesced(this.documents, this.tableName, keys.ledgerEntry(number, sequence), consistently);
    return item ? ledgerEntrySchema.parse(strip(item)) : undefined;
  }

  private put(
    item: Record<string, unknown>,
    condition = 'attribute_not_exists(PK)',
    values?: Record<string, unknown>,
    names?: Record<string, string>,
  ) {
    return this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: condition,
        ...(values ? { ExpressionAttributeValues: values } : {}),
        ...(names ? { ExpressionAttributeNames: names } : {}),
      }),
    );
  }

  /** A write-once fact (a guard, an index entry) that a writer finishing another's work may write again. */
  private putOnce(item: Record<string, unknown>): Promise<boolean> {
    return conditional(() => this.put(item));
  }

  private queryAll(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
    return queryByPrefix(this.documents, this.tableName, { PK: pk, SKPrefix: prefix }, { consistent: true });
  }
}
