/**
 * Regression tests of the allowance shards' review (docs/revenue.md, "allowance shards"):
 * interleavings the contract suite does not cover, driven deterministically on the in-memory ledger.
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyShardEntry, reserveSource } from '#shared/domain/account-shards.ts';
import { type Account, type EntryDraft, openAccount } from '#shared/domain/accounts.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';
import { InMemoryAccountLedger } from '#shared/ports/fakes/accounts.ts';
import { type Dec, ZERO } from '#shared/tariff/money.ts';
import { accountAsHeld, chargeOnShards, closeShardsForPeriod, settledShard } from '#shared/usecases/account-shards.ts';
import { bookOnAccount } from '#shared/usecases/book-on-account.ts';

const at = '2026-11-27T10:00:00.000Z';
const newNumber = (): string => String(randomInt(1_000_000, 9_999_999));
const ctx = { at, by: 'test' };

const charge = (id: string, amount: string, period?: string): EntryDraft => ({
  kind: 'CHARGE',
  at,
  amount,
  ...(period ? { period } : {}),
  source: `DECL#${id}#1`,
  declarationId: id,
  byTaxType: { A00: amount },
  by: 'release',
});

/** Shard `index` asks the account for `amount` and gets it (as a charge's reservation would). */
async function reserve(ledger: AccountLedger, number: string, index: number, amount: string, period?: string): Promise<void> {
  const shard = await settledShard(ledger, number, index, ctx);
  const asked = applyShardEntry(shard, {
    kind: 'RESERVING',
    at,
    amount,
    ...(period ? { period } : {}),
    source: reserveSource(index, shard.version + 1),
    by: 'test',
  });
  if (!asked.ok) throw new Error(asked.refusal.message);
  expect(await ledger.postOnShard({ shard: asked.shard, expectedVersion: shard.version, entry: asked.entry })).toBe('applied');
  await settledShard(ledger, number, index, ctx);
}

const sumOf = (entries: { kind: string; amount: string }[], kind: string): Dec =>
  entries.filter((entry) => entry.kind === kind).reduce((total, entry) => total.plus(entry.amount), ZERO);

describe('allowance shards: closing a period', () => {
  it("gives back every shard's allowance, each shard's return booked under its own source", async () => {
    // Prepare: a 2-shard deferment account, each shard holding 200.00 of November's 500.00.
    const ledger = new InMemoryAccountLedger();
    const deferment = { monthlyLimit: '500.00', guarantee: { amount: '500.00', guarantor: 'Bank plc' } };
    const opened = openAccount(
      { kind: 'DEFERMENT', number: newNumber(), ownerId: 'P1', currency: 'GBP', deferment, shards: 2 },
      at,
      'admin',
    );
    await ledger.open(opened.account, opened.entry);
    await reserve(ledger, opened.account.number, 0, '200.00', '2026-11');
    await reserve(ledger, opened.account.number, 1, '200.00', '2026-11');
    expect((await ledger.get(opened.account.number))?.deferment?.used).toBe('400.00');

    // Act
    await closeShardsForPeriod(ledger, opened.account, '2026-11', at);
    for (const index of [0, 1]) await settledShard(ledger, opened.account.number, index, ctx);

    // Assess: both shards closed with 200.00 each; the account got both back, one RETURN per shard.
    const own = await ledger.entries(opened.account.number);
    const closed = [...(await ledger.shardEntries(opened.account.number, 0)), ...(await ledger.shardEntries(opened.account.number, 1))];
    expect(sumOf(closed, 'CLOSED').toFixed(2)).toBe('400.00');
    expect(sumOf(own, 'RETURN').toFixed(2)).toBe('400.00');
    expect(own.filter((entry) => entry.kind === 'RETURN').map((entry) => entry.source)).toEqual(['CLOSE#2026-11#0', 'CLOSE#2026-11#1']);
    expect((await ledger.get(opened.account.number))?.deferment?.used).toBe('0.00');
  });
});

describe('allowance shards: refusing a charge', () => {
  it('books a charge the account can cover while another shard reserves between its reads of the account', async () => {
    // Prepare: a 3-shard cash account of 100.00: shard 1 holds 60.00, the account 40.00.
    const ledger = new InMemoryAccountLedger();
    const opened = openAccount({ kind: 'CASH', number: newNumber(), ownerId: 'P1', currency: 'GBP', shards: 3 }, at, 'admin');
    await ledger.open(opened.account, opened.entry);
    const number = opened.account.number;
    const topUp = await bookOnAccount(ledger, number, { kind: 'TOP_UP', at, amount: '100.00', source: 'TOPUP#1', by: 'admin' });
    expect(topUp.ok).toBe(true);
    await reserve(ledger, number, 1, '60.00');
    const account = (await ledger.get(number)) as Account;
    // Which shard each charge tries: C on shard 0, W on shard 2 (a guard names the shard a delivery retries on).
    const big = charge('C', '95.00');
    const small = charge('W', '1.00');
    await ledger.placeChargeGuard(number, big.source, { shard: 0, sequence: 1 });
    await ledger.placeChargeGuard(number, small.source, { shard: 2, sequence: 1 });
    // C's view of the ledger: W charges 1.00 on shard 2 (reserving a slice there) after C read the
    // shards and before C reads the account a second time.
    let gets = 0;
    let small$: Promise<unknown> | undefined;
    const seenByBig = new Proxy(ledger, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'get') return typeof value === 'function' ? value.bind(target) : value;
        return async (n: string) => {
          gets += 1;
          if (gets === 2) {
            small$ = chargeOnShards(ledger, account, small);
            await small$;
          }
          return target.get(n);
        };
      },
    });

    // Act
    const outcome = await chargeOnShards(seenByBig, account, big);

    // Assess: W took 1.00 of 100.00; 95.00 was always coverable, and 4.00 is left.
    expect(await small$).toMatchObject({ ok: true });
    expect(outcome).toEqual({ ok: true, entry: expect.objectContaining({ source: big.source, amount: '95.00' }) });
    const left = await accountAsHeld(ledger, number, at);
    expect(left?.balance).toBe('4.00');
  });
});

describe('allowance shards: where new charges start', () => {
  it('starts the charges made at once on one account on different shards, in turn', async () => {
    // Prepare: a 16-shard deferment account with room for all of them
    const ledger = new InMemoryAccountLedger();
    const deferment = { monthlyLimit: '100000.00', guarantee: { amount: '100000.00', guarantor: 'Bank plc' } };
    const opened = openAccount(
      { kind: 'DEFERMENT', number: newNumber(), ownerId: 'P1', currency: 'GBP', deferment, shards: 16 },
      at,
      'admin',
    );
    await ledger.open(opened.account, opened.entry);

    // Act: ten charges at once, as the records of one release batch make them
    const bookings = await Promise.all(
      Array.from({ length: 10 }, (_, index) => chargeOnShards(ledger, opened.account, charge(`D${index}`, '10.00', '2026-11'))),
    );

    // Assess: each booked, on ten different shards that follow each other (mod 16)
    const shards = bookings.map((booking) => (booking.ok ? booking.entry.shard : undefined));
    expect(shards.every((shard) => shard !== undefined)).toBe(true);
    expect(new Set(shards).size).toBe(10);
    const first = shards[0] as number;
    expect(shards).toEqual(Array.from({ length: 10 }, (_, index) => (first + index) % 16));
  });
});
