/**
 * What a sharded account's ledger must do (docs/revenue.md, "One account at 1,000 charges a
 * second"), with the charging use case on top: run against the in-memory fake (fakes.test.ts) and
 * the DynamoDB adapter on the local cloud (adapters.test.ts).
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emptyShard } from '#shared/domain/account-shards.ts';
import { type Account, type EntryDraft, type LedgerEntry, openAccount } from '#shared/domain/accounts.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import {
  accountAsHeld,
  bookedOnShards,
  chargeOnShards,
  closeShardsForPeriod,
  entriesWithShards,
  reserveOnEveryShard,
} from '#shared/usecases/account-shards.ts';
import { bookOnAccount } from '#shared/usecases/book-on-account.ts';
import { newParty } from '#tests/integration/support.ts';

const at = '2026-11-27T10:00:00.000Z';
const newNumber = (): string => String(randomInt(1_000_000, 9_999_999));

async function openCash(ledger: AccountLedger, shards: number, balance: string): Promise<Account> {
  // Opened and topped up by an administrator.
  const { account, entry } = openAccount(
    { kind: 'CASH', number: newNumber(), ownerId: newParty(), currency: 'GBP', shards },
    at,
    'admin-1',
  );
  await ledger.open(account, entry);
  const topUp = await bookOnAccount(ledger, account.number, { kind: 'TOP_UP', at, amount: balance, source: 'TOPUP#T1', by: 'admin-1' });
  if (!topUp.ok) throw new Error(topUp.reason);
  return (await ledger.get(account.number)) as Account;
}

const charge = (index: number, amount: string, period?: string): EntryDraft => ({
  kind: 'CHARGE',
  at,
  amount,
  ...(period ? { period } : {}),
  source: `DECL#D${index}#5`,
  declarationId: `D${index}`,
  byTaxType: { A00: amount },
  by: 'release',
});

const sum = (entries: readonly LedgerEntry[], kind: LedgerEntry['kind']): Dec =>
  entries.filter((entry) => entry.kind === kind).reduce((total, entry) => total.plus(entry.amount), ZERO);

/** The invariant: what the shards were granted and gave back equals what the account reserved and got back; no shard charged beyond its grant. */
async function assessInvariant(ledger: AccountLedger, account: Account): Promise<void> {
  const own = await ledger.entries(account.number);
  let granted = ZERO;
  for (let shard = 0; shard < (account.shards ?? 1); shard += 1) {
    const entries = await ledger.shardEntries(account.number, shard);
    const held = sum(entries, 'RESERVED').minus(sum(entries, 'RETURNED')).minus(sum(entries, 'CLOSED'));
    expect(sum(entries, 'CHARGE').lessThanOrEqualTo(held)).toBe(true);
    granted = granted.plus(held);
  }
  expect(fixed2(granted)).toBe(fixed2(sum(own, 'RESERVE').minus(sum(own, 'RETURN'))));
}

/** `opener`: opens accounts and tops them up; `ledger`: charges (the release stage); `reader`: reads ledgers and closes periods (the statements job). */
export function shardedLedgerContract(
  name: string,
  subject: { opener: () => AccountLedger; ledger: () => AccountLedger; reader: () => AccountLedger },
) {
  describe(`Sharded account ledger contract: ${name}`, () => {
    it('books a shard entry only at the version it was read at, and moves a charge guard only from what it names', async () => {
      // Prepare
      const ledger = subject.ledger();
      const number = newNumber();
      const draft = { kind: 'RESERVING' as const, at, amount: '5.00', source: 'RESERVE#2#1', by: 'release' };
      const entry: LedgerEntry = { ...draft, accountNumber: number, shard: 2, sequence: 1 };
      const shard = {
        ...emptyShard(number, 2, at),
        version: 1,
        outstanding: { kind: 'RESERVE' as const, source: draft.source, amount: '5.00' },
      };

      // Act
      const first = await ledger.postOnShard({ shard, expectedVersion: 0, entry });
      const again = await ledger.postOnShard({ shard, expectedVersion: 0, entry });
      const placed = await ledger.placeChargeGuard(number, 'DECL#X#1', { shard: 2, sequence: 2 });
      const placedTwice = await ledger.placeChargeGuard(number, 'DECL#X#1', { shard: 3, sequence: 1 });
      const movedFromWrong = await ledger.placeChargeGuard(number, 'DECL#X#1', { shard: 3, sequence: 1 }, { shard: 2, sequence: 9 });
      const moved = await ledger.placeChargeGuard(number, 'DECL#X#1', { shard: 3, sequence: 1 }, { shard: 2, sequence: 2 });

      // Assess
      expect([first, again]).toEqual(['applied', 'conflict']);
      expect(await ledger.getShard(number, 2)).toEqual(shard);
      expect(await ledger.shardEntries(number, 2)).toEqual([entry]);
      expect(await ledger.getShard(number, 1)).toBeUndefined();
      expect([placed, placedTwice, movedFromWrong, moved]).toEqual([true, false, false, true]);
      expect(await ledger.chargeGuard(number, 'DECL#X#1')).toEqual({ shard: 3, sequence: 1 });
    });

    it('never overdraws a 16-shard cash account: 60 charges at once on a balance for 23 book exactly 23, the last funds included', async () => {
      // Prepare
      const ledger = subject.ledger();
      const reader = subject.reader();
      const account = await openCash(subject.opener(), 16, '234.60'); // 23 x 10.20 = 234.60

      // Act
      const outcomes = await Promise.all(Array.from({ length: 60 }, (_, index) => chargeOnShards(ledger, account, charge(index, '10.20'))));

      // Assess
      const booked = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.entry] : []));
      const refused = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.reason]));
      expect(booked).toHaveLength(23);
      expect(new Set(booked.map((entry) => entry.source)).size).toBe(23);
      expect(fixed2(sum(booked, 'CHARGE'))).toBe('234.60');
      expect(refused).toHaveLength(37);
      // Each refusal names what the account and its shards held when it was decided: never enough for the charge.
      const held = refused.map((reason) => new Dec(/holds (\d+\.\d{2}) GBP, 10\.20 is due/.exec(reason)?.[1] ?? '10.20'));
      expect(held.every((amount) => amount.lessThan('10.20'))).toBe(true);
      expect((await accountAsHeld(reader, account.number, at))?.balance).toBe('0.00');
      const charges = (await entriesWithShards(reader, account)).filter((entry) => entry.kind === 'CHARGE');
      expect(charges).toHaveLength(23);
      await assessInvariant(reader, account);
    }, 180_000);

    it('books a redelivered charge once, whichever shard each delivery tries, and finds it by its source', async () => {
      // Prepare
      const ledger = subject.ledger();
      const reader = subject.reader();
      const account = await openCash(subject.opener(), 16, '100.00');

      // Act
      const deliveries = await Promise.all(Array.from({ length: 8 }, () => chargeOnShards(ledger, account, charge(1, '7.50'))));
      const later = await chargeOnShards(ledger, account, charge(1, '7.50'));

      // Assess
      const entries = deliveries.map((delivery) => (delivery.ok ? delivery.entry : undefined));
      const charges = (await entriesWithShards(reader, account)).filter((entry) => entry.kind === 'CHARGE');
      expect(charges).toHaveLength(1);
      expect(new Set(entries.map((entry) => `${entry?.shard}/${entry?.sequence}`)).size).toBe(1);
      expect(later).toEqual({ ok: true, entry: charges[0] });
      expect(await ledger.findBySource(account.number, 'DECL#D1#5')).toEqual(charges[0]);
      expect(await bookedOnShards(ledger, account.number, 'DECL#D1#5')).toEqual(charges[0]);
      expect(await bookedOnShards(ledger, account.number, 'DECL#D2#5')).toBeUndefined();
      expect((await accountAsHeld(reader, account.number, at))?.balance).toBe('92.50');
    }, 60_000);

    it('peeks at an account as cached: its kind and shards as opened, what a charge is routed by', async () => {
      // Prepare
      const account = await openCash(subject.opener(), 16, '100.00');

      // Act
      const peeked = await subject.ledger().peek(account.number);
      const unknown = await subject.ledger().peek(newNumber());

      // Assess
      expect(peeked).toMatchObject({ number: account.number, kind: 'CASH', shards: 16, ownerId: account.ownerId });
      expect(unknown).toBeUndefined();
    });

    it("keeps a 16-shard deferment account within its monthly limit, and closing the period gives the shards' allowance back", async () => {
      // Prepare
      const ledger = subject.ledger();
      const reader = subject.reader();
      const deferment = { monthlyLimit: '500.00', guarantee: { amount: '500.00', guarantor: 'Bank plc' } };
      const opened = openAccount(
        { kind: 'DEFERMENT', number: newNumber(), ownerId: newParty(), currency: 'GBP', deferment, shards: 16 },
        at,
        'admin-1',
      );
      await subject.opener().open(opened.account, opened.entry);

      // Act
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, index) => chargeOnShards(ledger, opened.account, charge(index, '33.00', '2026-11'))),
      );
      const heldBefore = await accountAsHeld(reader, opened.account.number, at);
      await closeShardsForPeriod(reader, opened.account, '2026-11', at);
      const afterClose = await reader.get(opened.account.number);
      const late = await chargeOnShards(ledger, opened.account, charge(99, '33.00', '2026-11'));

      // Assess
      const booked = outcomes.filter((outcome) => outcome.ok);
      expect(booked).toHaveLength(15); // 15 x 33.00 = 495.00 of 500.00
      expect(heldBefore?.deferment?.used).toBe('495.00');
      expect(afterClose?.deferment?.used).toBe('495.00'); // every shard's unspent allowance back on the account
      // A charge dated in the closed period counts in the next one (the period never moves back).
      expect(late.ok && late.entry.period).toBe('2026-12');
      await assessInvariant(reader, opened.account);
    }, 180_000);

    it("closing a period gives every shard's allowance back to the account, each shard's return under its own source", async () => {
      // Prepare: a 4-shard deferment account of 400.00 a month, every shard holding its slice of November.
      const ledger = subject.ledger();
      const reader = subject.reader();
      const deferment = { monthlyLimit: '400.00', guarantee: { amount: '400.00', guarantor: 'Bank plc' } };
      const opened = openAccount(
        { kind: 'DEFERMENT', number: newNumber(), ownerId: newParty(), currency: 'GBP', deferment, shards: 4 },
        at,
        'admin-1',
      );
      await subject.opener().open(opened.account, opened.entry);
      await reserveOnEveryShard(ledger, opened.account, '2026-11', { at, by: 'release' });
      const reserved = await reader.get(opened.account.number);

      // Act
      await closeShardsForPeriod(reader, opened.account, '2026-11', at);

      // Assess: 100.00, 75.00, 56.25 and 42.18 reserved (a quarter of what was free each time), all given back.
      expect(reserved?.deferment?.used).toBe('273.43');
      const returns = (await reader.entries(opened.account.number)).filter((entry) => entry.kind === 'RETURN');
      expect(returns.map((entry) => entry.source).sort()).toEqual([
        'CLOSE#2026-11#0',
        'CLOSE#2026-11#1',
        'CLOSE#2026-11#2',
        'CLOSE#2026-11#3',
      ]);
      expect((await reader.get(opened.account.number))?.deferment?.used).toBe('0.00');
      await assessInvariant(reader, opened.account);
    }, 60_000);

    it('books a charge of nearly all the balance while smaller charges reserve on the other shards at the same moment', async () => {
      // Prepare: a 4-shard cash account of 100.00, every shard holding its slice.
      const ledger = subject.ledger();
      const reader = subject.reader();
      const account = await openCash(subject.opener(), 4, '100.00');
      await reserveOnEveryShard(ledger, account, undefined, { at, by: 'release' });

      // Act: 90.00 and five of 1.00 at once: 95.00 of 100.00.
      const outcomes = await Promise.all([
        chargeOnShards(ledger, account, charge(0, '90.00')),
        ...Array.from({ length: 5 }, (_, index) => chargeOnShards(ledger, account, charge(index + 1, '1.00'))),
      ]);

      // Assess: every charge booked, 5.00 left.
      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true, true, true, true]);
      expect((await accountAsHeld(reader, account.number, at))?.balance).toBe('5.00');
      await assessInvariant(reader, account);
    }, 60_000);
  });
}
