/**
 * Trader accounts that duties are drawn on (docs/revenue.md): a cash account (a balance the
 * trader tops up by bank transfer) and a duty deferment account (a monthly limit backed by a
 * guarantee; what is charged in a month is collected by direct debit after the month closes).
 *
 * Every change is an immutable ledger entry; the account item caches what the ledger adds up to
 * (`deriveAccount` folds the entries) with a version, and each entry is stored only together with
 * the account at the next version (one conditional transaction). `applyEntry` is the one rule of
 * what an entry may do: a charge that does not fit is refused, so no account is ever overdrawn.
 */
import * as z from 'zod';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import { accountNumber, currencyCode, moneyString, partyId } from './declaration.ts';
import { plainText } from './text.ts';

export const accountKinds = ['CASH', 'DEFERMENT'] as const;
export type AccountKind = (typeof accountKinds)[number];

/** A calendar month, the duty deferment period (UK: the month's charges are collected on the 15th of the next). */
export const periodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as "2026-11"');
export const periodOf = (at: string): string => at.slice(0, 7);
/** The calendar month after `period` ("2026-12" after "2026-11", "2027-01" after "2026-12"). */
export function periodAfter(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}
/** The calendar month before `period`. */
export function periodBefore(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

const twoDecimals = z.string().regex(/^\d+\.\d{2}$/, 'must be an amount with 2 decimals');

export const guaranteeSchema = z.strictObject({
  amount: moneyString,
  /** Who gives the guarantee (a bank or an insurer). */
  guarantor: plainText(70),
});

export const defermentSettingsSchema = z.strictObject({
  /** Most that may be charged in one period. */
  monthlyLimit: moneyString,
  guarantee: guaranteeSchema,
});

/**
 * Allowance shards (docs/revenue.md, "One account at 1,000 charges a second"): how many shard
 * ledgers take the account's charges. 1 (the default): charges are booked on the account's own
 * ledger; 16 for an account expected to take more than 100 charges a second.
 */
export const MAX_ACCOUNT_SHARDS = 32;
const shardCount = z.number().int().min(1).max(MAX_ACCOUNT_SHARDS);

/** What an administrator opens an account with. */
export const openAccountInputSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('CASH'),
      number: accountNumber,
      ownerId: partyId,
      currency: currencyCode,
      shards: shardCount.optional(),
    }),
    z.strictObject({
      kind: z.literal('DEFERMENT'),
      number: accountNumber,
      ownerId: partyId,
      currency: currencyCode,
      deferment: defermentSettingsSchema,
      shards: shardCount.optional(),
    }),
  ])
  .meta({ id: 'OpenAccountInput' });
export type OpenAccountInput = z.infer<typeof openAccountInputSchema>;

export const topUpInputSchema = z
  .strictObject({
    amount: moneyString.refine((value) => !/^0(\.0+)?$/.test(value), { message: 'must be more than 0' }),
    /** The bank transfer's reference: a top-up is booked once per reference. */
    reference: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9\-_/.]{0,34}$/, 'must be 1 to 35 letters, digits, "-", "_", "/" or "."'),
  })
  .meta({ id: 'TopUpInput' });
export type TopUpInput = z.infer<typeof topUpInputSchema>;

export const accountSchema = z
  .object({
    number: accountNumber,
    kind: z.enum(accountKinds),
    ownerId: z.string(),
    currency: z.string(),
    /** The sequence number of the latest ledger entry: every change is conditional on it. */
    version: z.number().int().positive(),
    /** Allowance shards taking its charges (absent: 1, charges on this ledger). */
    shards: shardCount.optional(),
    openedAt: z.string(),
    updatedAt: z.string(),
    /** Cash account: the funds available (never below zero). Deferment account: "0.00". */
    balance: twoDecimals,
    deferment: z
      .object({
        monthlyLimit: twoDecimals,
        guarantee: z.object({ amount: twoDecimals, guarantor: z.string() }),
        /** The period `used` counts (the latest charged); a charge in a later period starts from zero. */
        period: periodSchema,
        /** Charged in `period`: never above the monthly limit. */
        used: twoDecimals,
        /** Secured under the guarantee (method M), not yet paid: never above the guarantee. */
        secured: twoDecimals,
      })
      .optional(),
  })
  .meta({ id: 'Account' });
export type Account = z.infer<typeof accountSchema>;

export const ledgerEntryKinds = [
  'OPENED',
  'TOP_UP',
  'CHARGE',
  'SECURITY',
  'CREDIT',
  /** An approved repayment claim paid into a cash account (`REPAY#<claim>`): counts as a negative charge, per tax type. */
  'REPAYMENT',
  /** Security held under the guarantee given back (a cancelled declaration's method M charge): lowers `secured`. */
  'SECURITY_RELEASED',
  /** A deferment period closed: its charges collected by direct debit (monthly statements). */
  'DIRECT_DEBIT',
  /** Account ledger of a sharded account: allowance moved to a shard (`RESERVE#<shard>#<shard sequence>`), within the balance or limit. */
  'RESERVE',
  /** Account ledger of a sharded account: a shard's unused allowance given back (`RETURN#<shard>#<shard sequence>`). */
  'RETURN',
  /** Shard ledger: a reservation asked for (settled by the account's `RESERVE` of the same source). */
  'RESERVING',
  /** Shard ledger: what the account's `RESERVE` granted (possibly nothing). */
  'RESERVED',
  /** Shard ledger: unused allowance given back to the account (its `RETURN` follows). */
  'RETURNED',
  /** Shard ledger: a deferment period closed, its unused allowance given back; the shard counts the next period. */
  'CLOSED',
] as const;
export type LedgerEntryKind = (typeof ledgerEntryKinds)[number];

export const ledgerEntrySchema = z
  .object({
    accountNumber,
    /** An entry of the account's allowance shard `shard` (its own sequence); absent: of the account's ledger. */
    shard: z.number().int().min(0).optional(),
    /** 1 for the opening, then one more per entry: the account's (or its shard's) version after it. */
    sequence: z.number().int().positive(),
    kind: z.enum(ledgerEntryKinds),
    at: z.string(),
    /** Positive, 2 decimals; OPENED: "0.00". */
    amount: twoDecimals,
    /** Deferment charges and credits: the period they count in. */
    period: periodSchema.optional(),
    /** What booked it, once: `TOPUP#<bank reference>`, `DECL#<declaration>#<version>`... (a repeat finds this entry). */
    source: z.string(),
    declarationId: z.string().optional(),
    /** Per tax type, for charges of a declaration. */
    byTaxType: z.record(z.string(), z.string()).optional(),
    /** Who booked it: an administrator, or a pipeline stage. */
    by: z.string(),
    /** The opening entry carries the account's terms. */
    opened: z
      .object({
        kind: z.enum(accountKinds),
        ownerId: z.string(),
        currency: z.string(),
        deferment: defermentSettingsSchema.optional(),
        shards: shardCount.optional(),
      })
      .optional(),
  })
  .meta({ id: 'LedgerEntry' });
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

/** The ledger an entry belongs to: the account's (`<number>`) or one of its shards' (`<number>#<shard>`), each numbered on its own. */
export const ledgerOf = (entry: Pick<LedgerEntry, 'accountNumber' | 'shard'>): string =>
  entry.shard === undefined ? entry.accountNumber : `${entry.accountNumber}#${entry.shard}`;

/** An entry before it is numbered. */
export type EntryDraft = Omit<LedgerEntry, 'accountNumber' | 'sequence' | 'opened' | 'shard'>;

export type Refusal = { code: 'INSUFFICIENT_FUNDS' | 'LIMIT_EXCEEDED' | 'GUARANTEE_EXCEEDED' | 'WRONG_ACCOUNT_KIND'; message: string };

/** The account and its opening entry. */
export function openAccount(input: OpenAccountInput, at: string, by: string): { account: Account; entry: LedgerEntry } {
  const entry: LedgerEntry = {
    accountNumber: input.number,
    sequence: 1,
    kind: 'OPENED',
    at,
    amount: '0.00',
    source: 'OPENED',
    by,
    opened: {
      kind: input.kind,
      ownerId: input.ownerId,
      currency: input.currency,
      ...(input.kind === 'DEFERMENT' ? { deferment: input.deferment } : {}),
      ...((input.shards ?? 1) > 1 ? { shards: input.shards } : {}),
    },
  };
  return { account: accountFromOpening(entry), entry };
}

function accountFromOpening(entry: LedgerEntry): Account {
  const opened = entry.opened;
  if (!opened) throw new Error(`ledger of account ${entry.accountNumber} does not start with its opening`);
  return {
    number: entry.accountNumber,
    kind: opened.kind,
    ownerId: opened.ownerId,
    currency: opened.currency,
    version: 1,
    ...(opened.shards ? { shards: opened.shards } : {}),
    openedAt: entry.at,
    updatedAt: entry.at,
    balance: '0.00',
    ...(opened.deferment
      ? {
          deferment: {
            monthlyLimit: fixed2(new Dec(opened.deferment.monthlyLimit)),
            guarantee: { amount: fixed2(new Dec(opened.deferment.guarantee.amount)), guarantor: opened.deferment.guarantee.guarantor },
            period: periodOf(entry.at),
            used: '0.00',
            secured: '0.00',
          },
        }
      : {}),
  };
}

/** The account after one more entry, or why the entry does not fit. */
export function applyEntry(
  account: Account,
  draft: EntryDraft,
): { ok: true; account: Account; entry: LedgerEntry } | { ok: false; refusal: Refusal } {
  const amount = new Dec(draft.amount);
  const entry: LedgerEntry = { ...draft, accountNumber: account.number, sequence: account.version + 1 };
  const next: Account = { ...account, version: entry.sequence, updatedAt: draft.at };
  const deferment = account.deferment;
  switch (draft.kind) {
    case 'TOP_UP':
    case 'CREDIT':
      if (account.kind === 'CASH') return { ok: true, account: { ...next, balance: fixed2(new Dec(account.balance).plus(amount)) }, entry };
      if (!deferment || draft.kind === 'TOP_UP') return wrongKind(account, 'a top-up is paid into a cash account');
      // A credit lowers what the period it counts in has used; a closed period's is repaid instead (not modelled here).
      if (draft.period !== deferment.period) return { ok: true, account: next, entry };
      return {
        ok: true,
        account: { ...next, deferment: { ...deferment, used: fixed2(Dec.max(ZERO, new Dec(deferment.used).minus(amount))) } },
        entry,
      };
    case 'RETURN':
      // Unused allowance back from a shard: as a credit of the period it was reserved in.
      if (account.kind === 'CASH') return { ok: true, account: { ...next, balance: fixed2(new Dec(account.balance).plus(amount)) }, entry };
      if (!deferment || draft.period !== deferment.period) return { ok: true, account: next, entry };
      return {
        ok: true,
        account: { ...next, deferment: { ...deferment, used: fixed2(Dec.max(ZERO, new Dec(deferment.used).minus(amount))) } },
        entry,
      };
    case 'RESERVE':
    case 'CHARGE': {
      if (account.kind === 'CASH') {
        const left = new Dec(account.balance).minus(amount);
        if (left.lessThan(ZERO))
          return refuse(
            'INSUFFICIENT_FUNDS',
            `cash account ${account.number} holds ${account.balance} ${account.currency}, ${draft.amount} is due`,
          );
        return { ok: true, account: { ...next, balance: fixed2(left) }, entry };
      }
      if (!deferment || !draft.period) return wrongKind(account, 'a deferment charge names its period');
      // The period never moves back: a charge dated in an earlier month (booked late) counts in the current one.
      const period = draft.period.localeCompare(deferment.period) > 0 ? draft.period : deferment.period;
      const used = (period === deferment.period ? new Dec(deferment.used) : ZERO).plus(amount);
      if (used.greaterThan(deferment.monthlyLimit))
        return refuse(
          'LIMIT_EXCEEDED',
          `deferment account ${account.number} has ${fixed2(new Dec(deferment.monthlyLimit).minus(used).plus(amount))} ${account.currency} left of its limit for ${period}, ${draft.amount} is due`,
        );
      return {
        ok: true,
        account: { ...next, deferment: { ...deferment, period, used: fixed2(used) } },
        entry: { ...entry, period },
      };
    }
    case 'SECURITY': {
      if (!deferment) return wrongKind(account, 'security is held under the guarantee of a duty deferment account');
      const secured = new Dec(deferment.secured).plus(amount);
      if (secured.greaterThan(deferment.guarantee.amount))
        return refuse(
          'GUARANTEE_EXCEEDED',
          `the guarantee of account ${account.number} has ${fixed2(new Dec(deferment.guarantee.amount).minus(deferment.secured))} ${account.currency} free, ${draft.amount} is due`,
        );
      return { ok: true, account: { ...next, deferment: { ...deferment, secured: fixed2(secured) } }, entry };
    }
    case 'REPAYMENT':
      if (account.kind !== 'CASH') return wrongKind(account, 'a repayment is paid into a cash account');
      return { ok: true, account: { ...next, balance: fixed2(new Dec(account.balance).plus(amount)) }, entry };
    case 'SECURITY_RELEASED':
      if (!deferment) return wrongKind(account, 'security is held under the guarantee of a duty deferment account');
      return {
        ok: true,
        account: { ...next, deferment: { ...deferment, secured: fixed2(Dec.max(ZERO, new Dec(deferment.secured).minus(amount))) } },
        entry,
      };
    case 'DIRECT_DEBIT': {
      // Closes a deferment period: its charges are collected (UK: on the 15th of the next month), and
      // an account still counting that period (or an earlier one) starts the next one from zero.
      if (!deferment || !draft.period) return wrongKind(account, 'a direct debit closes a period of a duty deferment account');
      if (deferment.period.localeCompare(draft.period) > 0) return { ok: true, account: next, entry };
      return { ok: true, account: { ...next, deferment: { ...deferment, period: periodAfter(draft.period), used: '0.00' } }, entry };
    }
    case 'OPENED':
      return wrongKind(account, 'an account is opened once');
    case 'RESERVING':
    case 'RESERVED':
    case 'RETURNED':
    case 'CLOSED':
      return wrongKind(account, `a ${draft.kind} entry is booked on an allowance shard`);
  }
}

const refuse = (code: Refusal['code'], message: string) => ({ ok: false as const, refusal: { code, message } });
const wrongKind = (account: Account, message: string) =>
  refuse('WRONG_ACCOUNT_KIND', `account ${account.number} is a ${account.kind.toLowerCase()} account: ${message}`);

/**
 * What the account can still cover in `period` (deferment; the balance for cash): a charge or a
 * reservation up to this amount fits.
 */
export function freeOn(account: Account, period: string | undefined): Dec {
  const deferment = account.deferment;
  if (account.kind === 'CASH' || !deferment) return new Dec(account.balance);
  const counted = period && period.localeCompare(deferment.period) > 0 ? period : deferment.period;
  return new Dec(deferment.monthlyLimit).minus(counted === deferment.period ? deferment.used : ZERO);
}

/** What the ledger adds up to: the account as its entries, in sequence order, make it. */
export function deriveAccount(entries: readonly LedgerEntry[]): Account {
  const [opening, ...rest] = [...entries].sort((a, b) => a.sequence - b.sequence);
  if (!opening) throw new Error('an account ledger has at least its opening entry');
  let account = accountFromOpening(opening);
  for (const entry of rest) {
    const { accountNumber: _number, sequence: _sequence, opened: _opened, ...draft } = entry;
    const applied = applyEntry(account, draft);
    if (!applied.ok)
      throw new Error(`ledger of account ${account.number} does not add up at entry ${entry.sequence}: ${applied.refusal.message}`);
    account = applied.account;
  }
  return account;
}

export const accountViewSchema = accountSchema
  .extend({ entries: z.array(ledgerEntrySchema).meta({ description: 'The ledger, oldest first' }) })
  .meta({ id: 'AccountView' });
export type AccountView = z.infer<typeof accountViewSchema>;
export const accountListSchema = z.object({ items: z.array(accountSchema) }).meta({ id: 'AccountList' });
