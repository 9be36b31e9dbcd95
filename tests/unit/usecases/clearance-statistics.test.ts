/**
 * Clearance statistics on the fakes (shared/usecases/clearance-statistics.ts): the risk stage
 * counts lanes, the release stage and the officers' releases count release times, each once
 * however often a message or a decision is repeated; revenue is what the ledger booked that day
 * (and immediate payments confirmed), each booking once however often it is retried; the period
 * read is checked.
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { openAccount } from '#shared/domain/accounts.ts';
import type { Principal } from '#shared/domain/auth.ts';
import { signCallback } from '#shared/domain/payment-signature.ts';
import { bookOnAccount } from '#shared/usecases/book-on-account.ts';
import { readClearanceStatistics, readProfileSelections } from '#shared/usecases/clearance-statistics.ts';
import { decideRelease } from '#shared/usecases/decide-release.ts';
import { acceptPaymentCallback } from '#shared/usecases/payment-callbacks.ts';
import { claimDeclaration, decideOnDeclaration } from '#shared/usecases/review-decisions.ts';
import { newParty } from '#tests/integration/support.ts';
import { fakePlatform, trustedTrader } from '#tests/support/fake-platform.ts';
import { ferroSilicon, refusal } from '#tests/support/scenarios.ts';

const officer: Principal = { subject: 'officer-a', roles: ['officer'], partyId: undefined };
const admin: Principal = { subject: 'admin', roles: ['admin'], partyId: undefined };

describe('counting', () => {
  it('counts lanes by day of submission, releases with their time, and the revenue booked, once each', async () => {
    // Prepare: two GREEN declarations of the trusted trader and one RED one
    const platform = await fakePlatform();
    const deps = { counters: platform.counters, documentsQueue: platform.queues.documents, clock: platform.clock, nationalCurrency: 'GBP' };
    const green = [await platform.submit(platform.declaration(trustedTrader)), await platform.submit(platform.declaration(trustedTrader))];
    const red = await platform.submit(platform.declaration(newParty(), ferroSilicon));
    platform.clock.advance(90_000);

    // Act: the pipeline, then every release message again (a redelivery)
    await platform.runThrough('release');
    for (const id of [...green, red]) {
      const record = await platform.record(id);
      await decideRelease({ declarationId: id, version: record.version }, platform.deps.release);
    }
    const statistics = await readClearanceStatistics({ principal: officer }, deps);

    // Assess
    const today = platform.clock.now().toISOString().slice(0, 10);
    const day = statistics.days.find((entry) => entry.day === today);
    expect(day?.lanes).toEqual({ GREEN: 2, YELLOW: 0, RED: 1, BLUE: 0 });
    expect(day?.released).toBe(2);
    // Revenue is booked: the RED one's duties were drawn on its account by the release stage too.
    const records = await Promise.all([...green, red].map((id) => platform.record(id)));
    const expected = new Map<string, Decimal>();
    for (const record of records) {
      for (const [taxType, amount] of Object.entries(record.assessment?.totals.byTaxType ?? {})) {
        expected.set(taxType, (expected.get(taxType) ?? new Decimal(0)).plus(amount));
      }
    }
    expect(expected.size).toBeGreaterThan(0);
    expect(day?.revenue).toEqual(Object.fromEntries([...expected].map(([taxType, sum]) => [taxType, sum.toFixed(2)])));
    const greenTimes = statistics.releaseTimes.find((entry) => entry.lane === 'GREEN');
    expect(greenTimes?.released).toBe(2);
    // Submitted, then 90 s later the pipeline ran: within the histogram's 25% of 90 s.
    expect(greenTimes?.medianSeconds).toBeGreaterThanOrEqual(90 / 1.25);
    expect(greenTimes?.medianSeconds).toBeLessThanOrEqual(90 * 1.25);
    expect(greenTimes?.meanSeconds).toBe(90);
  });

  it("counts an officer's release once, also when the officer repeats it", async () => {
    // Prepare: a RED declaration under review, claimed
    const platform = await fakePlatform();
    const id = await platform.submit(platform.declaration(newParty(), ferroSilicon));
    await platform.runThrough('release');
    const reviewDeps = platform.deps.review;
    await claimDeclaration({ principal: officer, id }, reviewDeps);
    platform.clock.advance(3_600_000);

    // Act
    const release = { action: 'RELEASE', message: 'Checked' } as const;
    await decideOnDeclaration({ principal: officer, id, expectedVersion: undefined, decision: release }, reviewDeps);
    await decideOnDeclaration({ principal: officer, id, expectedVersion: undefined, decision: release }, reviewDeps);
    const statistics = await readClearanceStatistics({ principal: admin }, { ...reviewDeps, nationalCurrency: 'GBP' });

    // Assess
    const red = statistics.releaseTimes.find((entry) => entry.lane === 'RED');
    expect(red?.released).toBe(1);
    expect(red?.meanSeconds).toBe(3600);
    const revenue = statistics.days.at(-1)?.revenue ?? {};
    const record = await platform.record(id);
    expect(revenue).toEqual(
      Object.fromEntries(
        Object.entries(record.assessment?.totals.byTaxType ?? {}).map(([taxType, amount]) => [taxType, new Decimal(amount).toFixed(2)]),
      ),
    );
    expect(statistics.days.at(-1)?.revenueTotal).toBe(record.assessment?.totals.total);
  });
});

describe('reading a period', () => {
  it('defaults to the last 7 days and refuses reversed or over-long periods and traders', async () => {
    // Prepare
    const platform = await fakePlatform();
    const deps = { counters: platform.counters, documentsQueue: platform.queues.documents, clock: platform.clock, nationalCurrency: 'GBP' };
    const trader: Principal = { subject: 'trader', roles: ['trader'], partyId: trustedTrader };

    // Act
    const week = await readClearanceStatistics({ principal: officer }, deps);
    const reversed = await refusal(readClearanceStatistics({ principal: officer, from: '2026-11-10', to: '2026-11-01' }, deps));
    const tooLong = await refusal(readClearanceStatistics({ principal: officer, from: '2026-10-01', to: '2026-11-01' }, deps));
    const month = await readClearanceStatistics({ principal: officer, from: '2026-10-02', to: '2026-11-01' }, deps);
    const forbidden = await refusal(readClearanceStatistics({ principal: trader }, deps));

    // Assess
    expect(week.days.map((day) => day.day)).toEqual([
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
    ]);
    expect(week).toMatchObject({ from: '2026-11-21', to: '2026-11-27', currency: 'GBP' });
    expect(week.releaseTimes.every((entry) => entry.released === 0 && entry.medianSeconds === null)).toBe(true);
    expect(reversed).toMatchObject({ kind: 'BAD_REQUEST', code: 'PERIOD_REVERSED' });
    expect(tooLong).toMatchObject({ kind: 'BAD_REQUEST', code: 'PERIOD_TOO_LONG' });
    expect(month.days).toHaveLength(31);
    expect(forbidden).toMatchObject({ kind: 'FORBIDDEN' });
  });
});

describe('profiles that select most', () => {
  it('lists current profiles by selections, most first, with hit rates', async () => {
    // Prepare: the demo profiles; two selections and one inspection with a hit for the first, one selection for the second
    const platform = await fakePlatform();
    const [first, second] = (await platform.profiles.allVersions()).map((profile) => profile.id);
    await platform.profiles.countEffectiveness([first ?? '', second ?? ''], { selections: 1 });
    await platform.profiles.countEffectiveness([first ?? ''], { selections: 1, inspections: 1, hits: 1 });

    // Act
    const top = await readProfileSelections({ principal: officer, limit: 2 }, { profiles: platform.profiles });
    const forbidden = await refusal(
      readProfileSelections(
        { principal: { subject: 't', roles: ['trader'], partyId: trustedTrader }, limit: 2 },
        { profiles: platform.profiles },
      ),
    );

    // Assess
    expect(top.items.map((item) => [item.id, item.selections, item.inspections, item.hits, item.hitRate])).toEqual([
      [first, 2, 1, 1, 1],
      [second, 1, 0, 0, null],
    ]);
    expect(forbidden).toMatchObject({ kind: 'FORBIDDEN' });
  });
});

describe('revenue from the ledger', () => {
  it('counts a booking once however often it is retried, and a repayment as negative', async () => {
    // Prepare: a cash account of a new party, topped up, and a charge and a repayment drafted for it
    const platform = await fakePlatform();
    const party = newParty();
    const number = String(3_000_000 + Math.floor(Math.random() * 6_000_000));
    const at = platform.clock.now().toISOString();
    const opened = openAccount({ kind: 'CASH', number, ownerId: party, currency: 'GBP' }, at, 'test-admin');
    await platform.accounts.open(opened.account, opened.entry);
    await bookOnAccount(platform.accounts, number, { kind: 'TOP_UP', at, amount: '100.00', source: 'TOPUP#T1', by: 'test-admin' });
    const charge = {
      kind: 'CHARGE',
      at,
      amount: '30.30',
      source: 'DECL#X#4',
      byTaxType: { A00: '10.10', B00: '20.20' },
      by: 'release',
    } as const;
    const repayment = { kind: 'REPAYMENT', at, amount: '5.05', source: 'REPAY#X-R1', byTaxType: { A00: '5.05' }, by: 'officer' } as const;

    // Act: the charge booked three times (a redelivered stage), the repayment twice
    const booked = [
      await bookOnAccount(platform.accounts, number, charge),
      await bookOnAccount(platform.accounts, number, charge),
      await bookOnAccount(platform.accounts, number, charge),
      await bookOnAccount(platform.accounts, number, repayment),
      await bookOnAccount(platform.accounts, number, repayment),
    ];
    const statistics = await readClearanceStatistics(
      { principal: admin, from: at.slice(0, 10), to: at.slice(0, 10) },
      {
        ...platform.deps.review,
        nationalCurrency: 'GBP',
      },
    );

    // Assess: booked once each (the same entry found again), counted once each
    expect(booked.map((outcome) => (outcome.ok ? outcome.entry.sequence : undefined))).toEqual([3, 3, 3, 4, 4]);
    expect(statistics.days[0]?.revenue).toEqual({ A00: '5.05', B00: '20.20' });
    expect(statistics.days[0]?.revenueTotal).toBe('25.25');
  });

  it('counts an immediate payment once on the day it was paid, also when the provider calls back twice', async () => {
    // Prepare: a declaration waiting for its immediate payment (method H: no account)
    const platform = await fakePlatform();
    const id = await platform.submit(
      platform.declaration(trustedTrader, (d) => {
        d.payment = { method: 'H' };
      }),
    );
    await platform.runThrough('release');
    const record = await platform.record(id);
    const charge = record.duties?.charges.find((candidate) => candidate.reference);
    if (!charge?.reference) throw new Error('no payment requested');
    platform.clock.advance(86_400_000);

    // Act: confirmed, then the same event again and another event for the same request
    const now = platform.clock.now();
    await acceptPaymentCallback(callback(charge.reference, charge.amount, 'GBP', 'evt-1', now), platform.deps.payments);
    await acceptPaymentCallback(callback(charge.reference, charge.amount, 'GBP', 'evt-1', now), platform.deps.payments).catch(
      () => undefined,
    );
    await acceptPaymentCallback(callback(charge.reference, charge.amount, 'GBP', 'evt-2', now), platform.deps.payments);
    const day = now.toISOString().slice(0, 10);
    const statistics = await readClearanceStatistics(
      { principal: admin, from: day, to: day },
      {
        ...platform.deps.review,
        nationalCurrency: 'GBP',
      },
    );

    // Assess: the paid request's tax types, on the day it was paid (not the day it was made due)
    expect((await platform.record(id)).status).toBe('RELEASED');
    expect(statistics.days[0]?.revenue).toEqual(
      Object.fromEntries(Object.entries(charge.byTaxType).map(([taxType, amount]) => [taxType, new Decimal(amount).toFixed(2)])),
    );
  });
});

const simulatorSecret = Buffer.from('simulator-secret-for-tests-only-0123456789', 'utf8');

function callback(reference: string, amount: string, currency: string, eventId: string, now: Date) {
  const body = Buffer.from(JSON.stringify({ eventId, type: 'payment.succeeded', reference, amount, currency }));
  return { provider: 'simulator', signature: signCallback(simulatorSecret, Math.floor(now.getTime() / 1000), body), body };
}
