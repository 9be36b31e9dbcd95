/**
 * Charging a sharded account (docs/revenue.md, "One account at 1,000 charges a second"): a charge
 * is booked on one of the account's N allowance shards, within what the account reserved for that
 * shard, so one account's charges spread over N keys and are no longer serialised on one version.
 *
 * - A charge tries the account's shards in turn from a random one (shardForNewCharge; a retry: the
 *   shard its guard names). What the shard holds is enough: booked there. Not enough: the shard
 *   reserves a slice of what the account has free
 *   (at least the shortfall, else 1/N of it). The account has too little: every other shard gives
 *   its allowance back, and the charge tries again; refused only when a pass found nothing to give
 *   back and the account still cannot cover it on a consistent read of the account and all its shards
 *   (the account's version the same before and after), so funds are never stranded in shards nor
 *   missed while on their way between the account and a shard.
 * - Once per source across shards: the guard (`chargeGuard`) is placed before the entry, naming the
 *   shard and sequence; a retry finishes what it names, or moves it once that sequence is taken.
 * - What a shard asked of the account, or owes it, is settled before the shard's next entry.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChargeGuard } from '#shared/domain/account-shards.ts';
import {
  type AccountShard,
  accountWithShards,
  applyShardEntry,
  chargePeriodOn,
  closeSource,
  emptyShard,
  heldFor,
  reserveSource,
  returnSource,
} from '#shared/domain/account-shards.ts';
import { type Account, applyEntry, type EntryDraft, freeOn, type LedgerEntry } from '#shared/domain/accounts.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import { type Booking, bookOnAccount } from './book-on-account.ts';

/** Attempts at one charge among others on the same account (each lost attempt is another's booking, reservation or return). */
const MAX_ATTEMPTS = 400;

export const shardsOf = (account: Pick<Account, 'shards'>): number => account.shards ?? 1;

/** The shard the next new charge on an account starts from, by account number (this execution environment's). */
const nextShards = new Map<string, number>();

/**
 * The shard a new charge tries first: the account's shards in turn, from a random one. The records
 * of one SQS invocation charging the same account at once then take different shards; random picks
 * meet (10 charges on 16 shards: two on one shard with a probability of about 0.95), and a charge
 * that loses its shard's sequence to another is tried again (about five more calls). Other execution
 * environments start from shards of their own (random), as before.
 */
function shardForNewCharge(number: string, count: number): number {
  const next = nextShards.get(number) ?? randomInt(0, count);
  nextShards.set(number, (next + 1) % count);
  return next % count;
}

/** A charge (`draft.kind` CHARGE) booked on one of the account's shards, or why the account cannot cover it. */
export async function chargeOnShards(
  accounts: AccountLedger,
  account: Account,
  draft: EntryDraft,
  /**
   * The charge's guard as the caller has just read it (bookedOnShards): the first attempt starts
   * from it instead of reading it again. Safe when stale: the guard is placed or moved only on a
   * condition that it is as read, so an attempt that started from an old one places nothing and
   * the next attempt reads it.
   */
  known?: { guard: ChargeGuard | undefined },
): Promise<Booking> {
  const { number } = account;
  const count = shardsOf(account);
  let chosen: number | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (attempt > 0) await sleep(randomInt(0, Math.min(40, 2 + attempt)));
    const guard = attempt === 0 && known ? known.guard : await accounts.chargeGuard(number, draft.source);
    if (guard) {
      const named = await accounts.shardEntryAt(number, guard.shard, guard.sequence);
      if (named?.source === draft.source) {
        await accounts.getShard(number, guard.shard); // rolled forward: cached and counted
        return { ok: true, entry: named };
      }
    }
    // Without a guard, the shard this charge was given: after reserving into it, or losing its sequence, it tries there again.
    chosen ??= guard?.shard ?? shardForNewCharge(number, count);
    const index = guard?.shard ?? chosen;
    const shard = await settledShard(accounts, number, index, draft);
    const applied = applyShardEntry(shard, draft);
    if (applied.ok) {
      const intent = { shard: index, sequence: applied.entry.sequence };
      // A guard naming an earlier sequence of this shard is moved only once that sequence holds another entry.
      if (guard && guard.sequence !== intent.sequence) {
        const taken = await accounts.shardEntryAt(number, guard.shard, guard.sequence);
        if (!taken || taken.source === draft.source) continue;
      }
      const placed =
        guard?.sequence === intent.sequence ? true : await accounts.placeChargeGuard(number, draft.source, intent, guard ?? undefined);
      if (!placed) continue;
      const posted = await accounts.postOnShard({ shard: applied.shard, expectedVersion: shard.version, entry: applied.entry });
      if (posted === 'applied') return { ok: true, entry: applied.entry };
      continue;
    }
    if (applied.refusal.code !== 'ALLOWANCE_SHORT') continue;
    const period = chargePeriodOn(shard, draft.period);
    const needed = new Dec(draft.amount).minus(heldFor(shard, draft.period));
    const current = await accounts.get(number);
    if (!current) return { ok: false, reason: `account ${number} does not exist` };
    const free = freeOn(current, period);
    if (free.greaterThanOrEqualTo(needed)) {
      // A slice of 1/N of what is free (at least the shortfall): the account sees a write per slice, not per charge.
      const slice = Dec.min(free, Dec.max(needed, free.dividedBy(count).toDecimalPlaces(2, Dec.ROUND_DOWN)));
      await reserveInto(accounts, shard, fixed2(slice), period, draft);
      continue;
    }
    // The account alone cannot cover it: what all the shards hold decides between gathering it and refusing.
    const snapshot = await allowanceSnapshot(accounts, current, draft);
    if (!snapshot) return { ok: false, reason: `account ${number} does not exist` };
    const others = snapshot.shards.filter((other) => other.shard !== index);
    const held = snapshot.shards.reduce((total, any) => total.plus(heldFor(any, period)), ZERO);
    if (freeOn(snapshot.account, period).plus(held).greaterThanOrEqualTo(draft.amount)) {
      await gatherAllowance(accounts, others, period, draft);
      continue;
    }
    // Allowance moved between the account and a shard while the shards were read: look again.
    if (!snapshot.consistent) continue;
    // Refused as the account's own ledger would refuse it: on what the account and all its shards hold.
    const refused = applyEntry(accountWithShards(snapshot.account, snapshot.shards), draft);
    if (!refused.ok) return { ok: false, reason: refused.refusal.message };
  }
  throw new Error(`account ${number} is too busy: ${MAX_ATTEMPTS} attempts lost to other charges`);
}

/**
 * The account and all its shards (each settled) as read between two reads of the account.
 * `consistent`: the account did not move between them. Allowance moves between the account and
 * a shard only through an entry on the account (a `RESERVE` after the shard's `RESERVING`, a
 * `RETURN` after its `RETURNED` or `CLOSED`, each settled by whoever reads the shard next), so on
 * a consistent snapshot every allowance is counted exactly once: a charge refused on it is one the
 * account and its shards could not cover at that moment, never one whose funds were on their way
 * between two reads. Charges meanwhile only lower what the shards hold.
 */
async function allowanceSnapshot(
  accounts: AccountLedger,
  before: Account,
  context: Pick<EntryDraft, 'at' | 'by'>,
): Promise<{ account: Account; shards: AccountShard[]; consistent: boolean } | undefined> {
  const shards = await Promise.all(
    Array.from({ length: shardsOf(before) }, (_, index) => settledShard(accounts, before.number, index, context)),
  );
  const account = await accounts.get(before.number);
  return account ? { account, shards, consistent: account.version === before.version } : undefined;
}

/**
 * The entry booked for `source` on the account or, a charge, on one of its shards: a shard's is
 * rolled forward first (counted and cached), as a writer that stopped after claiming it left it.
 */
/**
 * The charge of `source` booked on a shard of a sharded account (named by its guard; the shard
 * rolled forward, so its revenue is counted), if any. A sharded account books every charge on a
 * shard (its shards are fixed at opening), so its own ledger need not be read.
 */
export async function bookedOnShards(
  accounts: AccountLedger,
  number: string,
  source: string,
  /** The guard already read by the caller (it passes the same to chargeOnShards): not read again. */
  known?: { guard: ChargeGuard | undefined },
): Promise<LedgerEntry | undefined> {
  const guard = known ? known.guard : await accounts.chargeGuard(number, source);
  const entry = guard ? await accounts.shardEntryAt(number, guard.shard, guard.sequence) : undefined;
  if (!guard || entry?.source !== source) return undefined;
  await accounts.getShard(number, guard.shard);
  return entry;
}

export async function bookedEntry(accounts: AccountLedger, number: string, source: string): Promise<LedgerEntry | undefined> {
  const booked = await accounts.findBySource(number, source);
  if (booked?.shard !== undefined) await accounts.getShard(number, booked.shard);
  return booked;
}

/** The shard with what it asked of the account, or owes it, settled: ready for its next entry. */
export async function settledShard(
  accounts: AccountLedger,
  number: string,
  index: number,
  context: Pick<EntryDraft, 'at' | 'by'>,
): Promise<AccountShard> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const shard = (await accounts.getShard(number, index)) ?? emptyShard(number, index, context.at);
    const outstanding = shard.outstanding;
    if (!outstanding) return shard;
    if (outstanding.kind === 'RETURN') {
      const returned = await bookOnAccount(accounts, number, {
        kind: 'RETURN',
        at: shard.updatedAt,
        amount: outstanding.amount,
        ...(outstanding.period ? { period: outstanding.period } : {}),
        source: outstanding.source,
        by: context.by,
      });
      if (!returned.ok) throw new Error(`account ${number}: allowance of shard ${index} not given back: ${returned.reason}`);
      return shard; // its next entry clears what is now settled
    }
    const reserved = await reserveOnAccount(accounts, number, outstanding, { at: shard.updatedAt, by: context.by });
    const granted = applyShardEntry(shard, {
      kind: 'RESERVED',
      at: shard.updatedAt,
      amount: reserved.amount,
      ...(reserved.period ? { period: reserved.period } : {}),
      source: outstanding.source,
      by: context.by,
    });
    if (!granted.ok) throw new Error(`account ${number}: shard ${index}: ${granted.refusal.message}`);
    await accounts.postOnShard({ shard: granted.shard, expectedVersion: shard.version, entry: granted.entry });
  }
  throw new Error(`shard ${index} of account ${number} is too busy to settle`);
}

/**
 * The account's `RESERVE` for a shard's reservation: what it asked for, or what the account has
 * free if less (possibly nothing), booked once per source so every writer settles it alike.
 */
async function reserveOnAccount(
  accounts: AccountLedger,
  number: string,
  asked: { source: string; amount: string; period?: string | undefined },
  context: Pick<EntryDraft, 'at' | 'by'>,
): Promise<LedgerEntry> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const booked = await accounts.findBySource(number, asked.source);
    if (booked) return booked;
    const account = await accounts.get(number);
    if (!account) throw new Error(`account ${number} does not exist`);
    const grant = Dec.max(ZERO, Dec.min(new Dec(asked.amount), freeOn(account, asked.period)));
    const applied = applyEntry(account, {
      kind: 'RESERVE',
      at: context.at,
      amount: fixed2(grant),
      ...(asked.period ? { period: asked.period } : {}),
      source: asked.source,
      by: context.by,
    });
    if (!applied.ok) throw new Error(`account ${number}: reservation ${asked.source} refused: ${applied.refusal.message}`);
    const posted = await accounts.post({ account: applied.account, expectedVersion: account.version, entry: applied.entry });
    if (posted.outcome === 'applied') return applied.entry;
    if (posted.outcome === 'duplicate') return posted.entry;
    await sleep(randomInt(0, Math.min(40, 2 + attempt)));
  }
  throw new Error(`account ${number} is too busy to reserve ${asked.source}`);
}

/**
 * Every shard holding nothing of `period` reserves its slice now, as its first charge would (the
 * cost benchmark measures an account whose shards are past their first reservation).
 */
export async function reserveOnEveryShard(
  accounts: AccountLedger,
  account: Account,
  period: string | undefined,
  context: Pick<EntryDraft, 'at' | 'by'>,
): Promise<void> {
  for (let index = 0; index < shardsOf(account); index += 1) {
    const shard = await settledShard(accounts, account.number, index, context);
    const current = await accounts.get(account.number);
    if (!current || heldFor(shard, period).greaterThan(ZERO)) continue;
    const slice = freeOn(current, period).dividedBy(shardsOf(account)).toDecimalPlaces(2, Dec.ROUND_DOWN);
    if (slice.greaterThan(ZERO)) await reserveInto(accounts, shard, fixed2(slice), period, context);
  }
}

/** Asks the account for `amount` for the shard (`RESERVING`), then settles it (`RESERVE`, `RESERVED`). */
async function reserveInto(
  accounts: AccountLedger,
  shard: AccountShard,
  amount: string,
  period: string | undefined,
  context: Pick<EntryDraft, 'at' | 'by'>,
): Promise<void> {
  const asked = applyShardEntry(shard, {
    kind: 'RESERVING',
    at: context.at,
    amount,
    ...(period ? { period } : {}),
    source: reserveSource(shard.shard, shard.version + 1),
    by: context.by,
  });
  if (!asked.ok) return;
  if ((await accounts.postOnShard({ shard: asked.shard, expectedVersion: shard.version, entry: asked.entry })) === 'applied')
    await settledShard(accounts, shard.number, shard.shard, context);
}

/** Gives back to the account what the shard holds (`RETURNED`, then the account's `RETURN`); false if it held nothing. */
async function giveBack(
  accounts: AccountLedger,
  shard: AccountShard,
  kind: 'RETURNED' | 'CLOSED',
  period: string | undefined,
  context: Pick<EntryDraft, 'at' | 'by'>,
): Promise<boolean> {
  const draft: EntryDraft = {
    kind,
    at: context.at,
    amount: shard.free,
    ...(period ? { period } : {}),
    source: kind === 'CLOSED' && period ? closeSource(period, shard.shard) : returnSource(shard.shard, shard.version + 1),
    by: context.by,
  };
  const applied = applyShardEntry(shard, draft);
  if (!applied.ok) return false;
  const posted = await accounts.postOnShard({ shard: applied.shard, expectedVersion: shard.version, entry: applied.entry });
  if (posted === 'applied') await settledShard(accounts, shard.number, shard.shard, context);
  return posted === 'applied';
}

/** The allowance these shards hold of the period, given back to the account. */
async function gatherAllowance(
  accounts: AccountLedger,
  shards: readonly AccountShard[],
  period: string | undefined,
  context: Pick<EntryDraft, 'at' | 'by'>,
): Promise<void> {
  const holding = shards.filter((shard) => heldFor(shard, period).greaterThan(ZERO));
  // Given back, or another writer moved the shard on first: either way the charge looks again.
  await Promise.all(holding.map((shard) => giveBack(accounts, shard, 'RETURNED', undefined, context)));
}

/**
 * Closing deferment period `period` on every shard (before its direct debit): each shard gives its
 * allowance back and counts its later charges in the next period, so no charge of the period is
 * booked on a shard after the statement reads them.
 */
export async function closeShardsForPeriod(accounts: AccountLedger, account: Account, period: string, at: string): Promise<void> {
  for (let index = 0; index < shardsOf(account); index += 1) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const shard = await settledShard(accounts, account.number, index, { at, by: 'statements' });
      if (shard.period && shard.period.localeCompare(period) > 0) break;
      if (await giveBack(accounts, shard, 'CLOSED', period, { at, by: 'statements' })) break;
    }
  }
}

/** The account as its holder sees it (its shards' unspent allowance is not spent) with every shard settled. */
export async function accountAsHeld(accounts: AccountLedger, number: string, at: string): Promise<Account | undefined> {
  const first = await accounts.get(number);
  if (!first || shardsOf(first) === 1) return first;
  const shards = await Promise.all(
    Array.from({ length: shardsOf(first) }, (_, index) => settledShard(accounts, number, index, { at, by: 'reader' })),
  );
  const account = await accounts.get(number);
  return account ? accountWithShards(account, shards) : undefined;
}

/** The account's ledger and, for a sharded account, its shards' (each numbered on its own), oldest first. */
export async function entriesWithShards(accounts: AccountLedger, account: Account): Promise<LedgerEntry[]> {
  const own = await accounts.entries(account.number);
  if (shardsOf(account) === 1) return own;
  const shards = await Promise.all(Array.from({ length: shardsOf(account) }, (_, index) => accounts.shardEntries(account.number, index)));
  return [...own, ...shards.flat()].sort(ledgerOrder);
}

/** Oldest first: by time; entries of one ledger by sequence, the account's before its shards' at the same moment. */
export const ledgerOrder = (a: LedgerEntry, b: LedgerEntry): number =>
  a.shard === b.shard ? a.sequence - b.sequence : a.at.localeCompare(b.at) || (a.shard ?? -1) - (b.shard ?? -1);
