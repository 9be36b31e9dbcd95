/**
 * What every ClearanceCounters must do: run against the in-memory fake (fakes.test.ts) and the
 * DynamoDB adapter on the local cloud (adapters.test.ts). Adds from many declarations at once (so
 * from several shards) sum exactly; days do not mix. Revenue is counted from ledger entries and
 * paid requests once each, decimal to the last digit, on the booking day; a store's items do not
 * grow with what a day counts (docs/revenue.md, "Revenue per day").
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '#shared/domain/accounts.ts';
import { emptyDay, releaseBucketOf } from '#shared/domain/clearance-statistics.ts';
import { newDeclarationId } from '#shared/domain/ids.ts';
import type { ClearanceCounters } from '#shared/ports/clearance-counters.ts';

export interface ClearanceCountersSubject {
  counters: () => ClearanceCounters;
  /** The size in bytes of the largest stored item of the day's counters (a store that keeps items; DynamoDB bills an update by it). */
  largestItemBytes?: (day: string) => Promise<number>;
}

/** Every counter item stays under this, however much a day counts: an update of it costs 1 WRU. */
const ITEM_BYTES_BOUND = 1_024;

/** A day of its own per run: both subjects may keep what an earlier run added. */
const uniqueDay = (): string => {
  const base = Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 20_000) * 86_400_000;
  return new Date(base).toISOString().slice(0, 10);
};

export function clearanceCountersContract(name: string, subject: ClearanceCountersSubject): void {
  describe(`ClearanceCounters contract: ${name}`, () => {
    it('sums lanes and releases added at once from many declarations, revenue exactly, one day apart from the next', async () => {
      // Prepare: 40 declarations (ids spread over every shard), each scored and released
      const counters = subject.counters();
      const day = uniqueDay();
      const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      const ids = Array.from({ length: 40 }, () => newDeclarationId(new Date()));
      const lanes = ['GREEN', 'GREEN', 'YELLOW', 'RED'] as const;

      // Act
      await Promise.all(
        ids.flatMap((id, index) => {
          const lane = lanes[index % lanes.length] ?? 'GREEN';
          return [
            counters.add({ kind: 'lane', day, shardOf: id, lane }),
            counters.add({
              kind: 'release',
              day,
              shardOf: id,
              lane,
              milliseconds: 1_000 * (index + 1),
            }),
          ];
        }),
      );
      await counters.add({ kind: 'lane', day: nextDay, shardOf: ids[0] ?? '', lane: 'BLUE' });
      const [first, second, unused] = await counters.readDays([day, nextDay, '1999-12-31']);

      // Assess
      expect(first?.lanes).toEqual({ GREEN: 20, YELLOW: 10, RED: 10, BLUE: 0 });
      expect(first?.releases.GREEN.count).toBe(20);
      expect(first?.releases.YELLOW.count).toBe(10);
      expect(first?.releases.RED.totalMilliseconds).toBe([4, 8, 12, 16, 20, 24, 28, 32, 36, 40].reduce((sum, n) => sum + n * 1_000, 0));
      const buckets = first?.releases.RED.buckets ?? [];
      expect(buckets.reduce((sum, count) => sum + count, 0)).toBe(10);
      expect(buckets[releaseBucketOf(4_000)]).toBeGreaterThanOrEqual(1);
      expect(second?.lanes).toEqual({ GREEN: 0, YELLOW: 0, RED: 0, BLUE: 1 });
      expect(second?.revenue).toEqual({});
      expect(unused).toEqual(emptyDay('1999-12-31'));
    });

    it('reads a month of days at once, in the order asked', async () => {
      // Prepare
      const counters = subject.counters();
      const start = Date.parse(`${uniqueDay()}T00:00:00Z`);
      const days = Array.from({ length: 31 }, (_, index) => new Date(start + index * 86_400_000).toISOString().slice(0, 10));
      await Promise.all(
        days.map((day, index) =>
          counters.add({ kind: 'lane', day, shardOf: newDeclarationId(new Date()), lane: index % 2 ? 'RED' : 'GREEN' }),
        ),
      );

      // Act
      const read = await counters.readDays(days);

      // Assess
      expect(read.map((counted) => counted.day)).toEqual(days);
      expect(read.map((counted) => counted.lanes.GREEN + counted.lanes.RED)).toEqual(days.map(() => 1));
      expect(read[1]?.lanes.RED).toBe(1);
    });

    it('counts ledger entries once each, in order per account, repayments negative, exactly to the last digit', async () => {
      // Prepare: 20 accounts (so several shards), each with a charge, a credit and a repayment on one day
      const counters = subject.counters();
      const day = uniqueDay();
      const at = `${day}T10:00:00.000Z`;
      const accounts = Array.from({ length: 20 }, (_, index) => `C${Date.now()}${index}${Math.random().toString().slice(2, 8)}`);
      const entries = accounts.flatMap((accountNumber) => ledgerEntriesFixture().map((entry) => ({ ...entry, accountNumber, at })));

      // Act: each entry counted in order, then all again (a retried booking, a roll-forward)
      const first = await Promise.all(
        accounts.map(async (number) => {
          const own = entries.filter((entry) => entry.accountNumber === number);
          const counted: boolean[] = [];
          for (const entry of own) counted.push(await counters.countLedgerEntry(entry));
          return counted;
        }),
      );
      const again = await Promise.all(entries.map((entry) => counters.countLedgerEntry(entry)));
      const [read] = await counters.readDays([day]);

      // Assess: per account A00 0.10 charged less 0.05 credited, B00 0.20 charged less 0.10 repaid, 311
      // charged; a top-up moves no revenue (decimal all the way, or 20 of these do not sum exactly)
      expect(first).toEqual(accounts.map(() => [true, true, false, true]));
      expect(again.every((counted) => !counted)).toBe(true);
      expect(read?.revenue).toEqual({ A00: '1', B00: '2', '311': '24691357802460.2' });
    });

    it('counts a paid payment once, on the day it was paid', async () => {
      // Prepare
      const counters = subject.counters();
      const day = uniqueDay();
      const reference = `${newDeclarationId(new Date())}-3`;
      const payment = { reference, paidAt: `${day}T23:59:59.999Z`, byTaxType: { A00: '12.34', B00: '0.66' } };

      // Act
      const counted = await counters.countPaidPayment(payment);
      const repeated = await counters.countPaidPayment(payment);
      const [read] = await counters.readDays([day]);

      // Assess
      expect([counted, repeated]).toEqual([true, false]);
      expect(read?.revenue).toEqual({ A00: '12.34', B00: '0.66' });
    });

    it('counts a payment confirmed by several callbacks at once, and again later, exactly once', async () => {
      // Prepare: the provider's confirmation delivered five times at once (retries), then once more
      const counters = subject.counters();
      const day = uniqueDay();
      const payment = { reference: `${newDeclarationId(new Date())}-2`, paidAt: `${day}T12:00:00.000Z`, byTaxType: { A00: '7.01' } };

      // Act
      const together = await Promise.all(Array.from({ length: 5 }, () => counters.countPaidPayment(payment)));
      const later = await counters.countPaidPayment(payment);
      const [read] = await counters.readDays([day]);

      // Assess
      expect(together.filter(Boolean)).toHaveLength(1);
      expect(later).toBe(false);
      expect(read?.revenue).toEqual({ A00: '7.01' });
    });

    it.runIf(subject.largestItemBytes)(
      'keeps every counter item of a day small however many payments, payouts and accounts it counts',
      async () => {
        // Prepare: 200 immediate payments, 40 payouts and 200 accounts' charges of one day
        const counters = subject.counters();
        const day = uniqueDay();
        const at = `${day}T11:00:00.000Z`;
        const [charge] = ledgerEntriesFixture();
        const payments = Array.from({ length: 200 }, (_, index) => ({
          reference: `${newDeclarationId(new Date())}-${index}`,
          paidAt: at,
          byTaxType: { A00: '0.01', B00: '1.10' },
        }));
        const charges = payments.map((_, index) => ({
          ...(charge as LedgerEntry),
          accountNumber: `S${Date.now()}${index}${Math.random().toString().slice(2, 6)}`,
          at,
          byTaxType: { A00: '0.02' },
        }));

        // Act: ten at a time, as callbacks and releases of a busy day arrive
        for (let start = 0; start < payments.length; start += 10)
          await Promise.all([
            ...payments.slice(start, start + 10).map((payment) => counters.countPaidPayment(payment)),
            ...charges.slice(start, start + 10).map((entry) => counters.countLedgerEntry(entry)),
            ...(start < 40 ? payments.slice(start, start + 10).map((payment) => counters.countPaidPayout(payment)) : []),
          ]);
        const [read] = await counters.readDays([day]);
        const largest = await subject.largestItemBytes?.(day);

        // Assess: 200 x 0.01 paid less 40 x 0.01 paid back, plus 200 x 0.02 charged; 160 x 1.10 kept
        expect(read?.revenue).toEqual({ A00: '5.6', B00: '176' });
        expect(largest).toBeGreaterThan(0);
        expect(largest).toBeLessThan(ITEM_BYTES_BOUND);
      },
    );

    it('takes a paid payout off the day it was paid, once, apart from a payment of the same reference', async () => {
      // Prepare: a cancelled declaration's paid payment given back by a payout of the same reference
      const counters = subject.counters();
      const day = uniqueDay();
      const reference = `${newDeclarationId(new Date())}-4`;
      const payment = { reference, paidAt: `${day}T08:00:00.000Z`, byTaxType: { A00: '12.34', B00: '0.66' } };
      const payout = { reference, paidAt: `${day}T17:30:00.000Z`, byTaxType: { A00: '12.34', B00: '0.50' } };

      // Act
      const paymentCounted = await counters.countPaidPayment(payment);
      const payoutCounted = await counters.countPaidPayout(payout);
      const payoutRepeated = await counters.countPaidPayout(payout);
      const [read] = await counters.readDays([day]);

      // Assess: A00 paid and paid back, B00 0.16 kept; the repeat takes nothing more off
      expect([paymentCounted, payoutCounted, payoutRepeated]).toEqual([true, true, false]);
      expect(read?.revenue).toEqual({ A00: '0', B00: '0.16' });
    });
  });
}

/** A charge, a credit, a top-up and a repayment of one account (sequences 2 to 5), from the fixture. */
const ledgerEntriesFixture = (): LedgerEntry[] =>
  JSON.parse(readFileSync(new URL('../fixtures/revenue/ledger-entries.json', import.meta.url), 'utf8')) as LedgerEntry[];
