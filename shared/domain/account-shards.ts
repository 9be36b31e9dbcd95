/**
 * Allowance shards of a trader account (docs/revenue.md, "One account at 1,000 charges a
 * second"). A sharded account's charges are booked on N shard ledgers instead of its own, each
 * drawing on an allowance the account reserved for it, so no single key takes every charge:
 *
 * - the account's ledger stays the truth of what may be spent: a `RESERVE` moves allowance to a
 *   shard within the balance or the month's limit (`applyEntry`), a `RETURN` gives it back;
 * - a shard's ledger holds `RESERVING` (asked for), `RESERVED` (what the account's `RESERVE` of the
 *   same source granted), `CHARGE`, `RETURNED` and `CLOSED` (allowance given back);
 * - a shard never charges more than it holds (`applyShardEntry`), so the sum of all charges never
 *   exceeds what the account reserved, which never exceeds its balance or limit.
 *
 * What the account still owes a shard, or a shard the account, is `outstanding` on the shard: the
 * next writer of the shard settles it on the account before booking anything else there.
 */
import * as z from 'zod';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import { type Account, type EntryDraft, type LedgerEntry, periodAfter, periodSchema } from './accounts.ts';

const twoDecimals = z.string().regex(/^\d+\.\d{2}$/, 'must be an amount with 2 decimals');

export const accountShardSchema = z.object({
  number: z.string(),
  shard: z.number().int().min(0),
  /** The sequence of the shard's latest entry (0: none yet). */
  version: z.number().int().min(0),
  /** Deferment: the period its allowance belongs to (a charge of a later period needs a new reservation). */
  period: periodSchema.optional(),
  /** Allowance reserved and not yet charged or given back. */
  free: twoDecimals,
  /** Settled on the account before the shard's next entry: a reservation asked for, or allowance given back. */
  outstanding: z
    .object({ kind: z.enum(['RESERVE', 'RETURN']), source: z.string(), amount: twoDecimals, period: periodSchema.optional() })
    .optional(),
  updatedAt: z.string(),
});
export type AccountShard = z.infer<typeof accountShardSchema>;

/** Where a charge of a sharded account is booked (or about to be): the guard that makes it once across shards. */
export const chargeGuardSchema = z.object({ shard: z.number().int().min(0), sequence: z.number().int().positive() });
export type ChargeGuard = z.infer<typeof chargeGuardSchema>;

/** A shard before its first entry. */
export const emptyShard = (number: string, shard: number, at: string): AccountShard => ({
  number,
  shard,
  version: 0,
  free: '0.00',
  updatedAt: at,
});

export const reserveSource = (shard: number, sequence: number): string => `RESERVE#${shard}#${sequence}`;
export const returnSource = (shard: number, sequence: number): string => `RETURN#${shard}#${sequence}`;
/** The source of shard `shard`'s `CLOSED` of `period` and of the account's `RETURN` that follows it: one per shard. */
export const closeSource = (period: string, shard: number): string => `CLOSE#${period}#${shard}`;

/** The period a charge of `period` counts in on this shard: never before the shard's own (as on an account). */
export const chargePeriodOn = (shard: AccountShard, period: string | undefined): string | undefined =>
  period && shard.period && shard.period.localeCompare(period) > 0 ? shard.period : period;

/** What the shard holds for a charge of `period`: its free allowance if it belongs to that period (cash: always). */
export function heldFor(shard: AccountShard, period: string | undefined): Dec {
  if (period === undefined) return new Dec(shard.free);
  return chargePeriodOn(shard, period) === shard.period ? new Dec(shard.free) : ZERO;
}

export type ShardRefusal = { code: 'ALLOWANCE_SHORT' | 'OUTSTANDING' | 'WRONG_ENTRY'; message: string };

/** The shard after one more entry, or why the entry does not fit (the one rule of what a shard entry may do). */
export function applyShardEntry(
  shard: AccountShard,
  draft: EntryDraft,
): { ok: true; shard: AccountShard; entry: LedgerEntry } | { ok: false; refusal: ShardRefusal } {
  const entry: LedgerEntry = { ...draft, accountNumber: shard.number, shard: shard.shard, sequence: shard.version + 1 };
  const { outstanding: _settled, ...base } = shard;
  const next: AccountShard = { ...base, version: entry.sequence, updatedAt: draft.at };
  const amount = new Dec(draft.amount);
  const free = new Dec(shard.free);
  const pending = shard.outstanding?.kind === 'RESERVE' ? shard.outstanding : undefined;
  if (pending && draft.kind !== 'RESERVED')
    return refuse('OUTSTANDING', `shard ${shard.shard} of account ${shard.number} waits for its reservation ${pending.source}`);
  switch (draft.kind) {
    case 'RESERVING':
      return {
        ok: true,
        shard: {
          ...next,
          outstanding: { kind: 'RESERVE', source: draft.source, amount: draft.amount, ...(draft.period ? { period: draft.period } : {}) },
        },
        entry,
      };
    case 'RESERVED': {
      if (pending?.source !== draft.source)
        return refuse('WRONG_ENTRY', `shard ${shard.shard} of account ${shard.number} asked for no reservation ${draft.source}`);
      // A reservation of a later period starts the shard's allowance afresh (the earlier month's limit has lapsed).
      const later = draft.period !== undefined && (shard.period === undefined || draft.period.localeCompare(shard.period) > 0);
      return {
        ok: true,
        shard: { ...next, ...(draft.period ? { period: draft.period } : {}), free: fixed2((later ? ZERO : free).plus(amount)) },
        entry,
      };
    }
    case 'CHARGE': {
      const period = chargePeriodOn(shard, draft.period);
      const held = heldFor(shard, draft.period);
      if (held.lessThan(amount))
        return refuse('ALLOWANCE_SHORT', `shard ${shard.shard} of account ${shard.number} holds ${fixed2(held)}, ${draft.amount} is due`);
      return {
        ok: true,
        shard: { ...next, free: fixed2(free.minus(amount)) },
        entry: { ...entry, ...(period ? { period } : {}) },
      };
    }
    case 'RETURNED':
    case 'CLOSED': {
      if (amount.greaterThan(free))
        return refuse('ALLOWANCE_SHORT', `shard ${shard.shard} of account ${shard.number} holds ${shard.free}, not ${draft.amount}`);
      const returned = amount.greaterThan(ZERO)
        ? {
            outstanding: {
              kind: 'RETURN' as const,
              source: draft.source,
              amount: draft.amount,
              ...(shard.period ? { period: shard.period } : {}),
            },
          }
        : {};
      // Closing period P: the shard's allowance of P goes back and its later charges count from P + 1.
      const closing = draft.kind === 'CLOSED' && draft.period ? { period: periodAfter(draft.period) } : {};
      return { ok: true, shard: { ...next, ...closing, free: fixed2(free.minus(amount)), ...returned }, entry };
    }
    default:
      return refuse('WRONG_ENTRY', `a ${draft.kind} entry is booked on the account's own ledger, not on a shard`);
  }
}

const refuse = (code: ShardRefusal['code'], message: string) => ({ ok: false as const, refusal: { code, message } });

/** What a shard's ledger adds up to. */
export function deriveShard(number: string, shard: number, entries: readonly LedgerEntry[], at: string): AccountShard {
  let current = emptyShard(number, shard, at);
  for (const entry of [...entries].sort((a, b) => a.sequence - b.sequence)) {
    const applied = applyShardEntry(current, draftOf(entry));
    if (!applied.ok)
      throw new Error(`shard ${shard} of account ${number} does not add up at entry ${entry.sequence}: ${applied.refusal.message}`);
    current = applied.shard;
  }
  return current;
}

/** An entry as the draft it was booked from. */
export function draftOf(entry: LedgerEntry): EntryDraft {
  const { accountNumber: _n, sequence: _s, opened: _o, shard: _k, ...draft } = entry;
  return draft;
}

/**
 * The account as its holder sees it: what its shards hold but have not charged is not spent. Cash:
 * the balance plus the shards' allowance; deferment: `used` less the allowance of the current period.
 */
export function accountWithShards(account: Account, shards: readonly AccountShard[]): Account {
  const deferment = account.deferment;
  if (account.kind === 'CASH' || !deferment)
    return { ...account, balance: fixed2(shards.reduce((sum, shard) => sum.plus(shard.free), new Dec(account.balance))) };
  const unspent = shards.filter((shard) => shard.period === deferment.period).reduce((sum, shard) => sum.plus(shard.free), ZERO);
  return { ...account, deferment: { ...deferment, used: fixed2(Dec.max(ZERO, new Dec(deferment.used).minus(unspent))) } };
}
