/**
 * Monthly statements on the in-memory fakes (docs/revenue.md): the scheduled job closes the month
 * that ended, with a late charge of that month and a credit; the period moves on; a second job
 * and a concurrent one book nothing again; the CSV carries the same figures.
 */
import { describe, expect, it } from 'vitest';
import { applyEntry, type EntryDraft, openAccount } from '#shared/domain/accounts.ts';
import { InMemoryAccountLedger } from '#shared/ports/fakes/accounts.ts';
import { ManualClock } from '#shared/ports/fakes/clock.ts';
import { InMemoryDocumentArchive } from '#shared/ports/fakes/document-archive.ts';
import { InMemoryStatementIndex } from '#shared/ports/fakes/statements.ts';
import { closeEndedPeriod } from '#shared/usecases/monthly-statements.ts';

const october = (day: string) => `2026-10-${day}T10:00:00.000Z`;

async function bookedAccount() {
  const accounts = new InMemoryAccountLedger();
  const { account, entry } = openAccount(
    {
      kind: 'DEFERMENT',
      number: '7654321',
      ownerId: 'GB123456789000',
      currency: 'GBP',
      deferment: { monthlyLimit: '10000.00', guarantee: { amount: '10000.00', guarantor: 'Bank plc' } },
    },
    october('01'),
    'admin-1',
  );
  await accounts.open(account, entry);
  const drafts: EntryDraft[] = [
    {
      kind: 'CHARGE',
      at: october('03'),
      period: '2026-10',
      amount: '100.10',
      source: 'DECL#01A#4',
      declarationId: '01A',
      byTaxType: { A00: '20.05', B00: '80.05' },
      by: 'release',
    },
    {
      kind: 'CHARGE',
      at: october('20'),
      period: '2026-10',
      amount: '0.30',
      source: 'DECL#01B#4',
      declarationId: '01B',
      byTaxType: { A00: '0.10', B00: '0.20' },
      by: 'release',
    },
    {
      kind: 'CREDIT',
      at: october('21'),
      period: '2026-10',
      amount: '0.10',
      source: 'DECL#01B#6',
      declarationId: '01B',
      byTaxType: { A00: '-0.10' },
      by: 'inspection',
    },
  ];
  for (const draft of drafts) {
    const current = await accounts.get(account.number);
    if (!current) throw new Error('no account');
    const applied = applyEntry(current, draft);
    if (!applied.ok) throw new Error(applied.refusal.message);
    await accounts.post({ account: applied.account, expectedVersion: current.version, entry: applied.entry });
  }
  return { accounts, number: account.number };
}

describe('monthly statements', () => {
  it('closes the ended month once: the direct debit is its charges less its credits, to the penny, and the period moves on', async () => {
    // Prepare
    const { accounts, number } = await bookedAccount();
    const archive = new InMemoryDocumentArchive();
    const deps = {
      accounts,
      statements: new InMemoryStatementIndex(),
      archive,
      clock: new ManualClock(new Date('2026-11-02T01:00:00.000Z')),
    };

    // Act
    const [first, concurrent] = await Promise.all([closeEndedPeriod(deps), closeEndedPeriod(deps)]);
    const again = await closeEndedPeriod(deps);

    // Assess
    const debits = (await accounts.entries(number)).filter((entry) => entry.kind === 'DIRECT_DEBIT');
    expect(first.period).toBe('2026-10');
    expect(first.closed).toEqual(concurrent.closed);
    expect(again.closed).toEqual(first.closed);
    expect(first.closed[0]).toMatchObject({
      declarations: 2,
      totals: { charged: '100.40', credited: '0.10', byTaxType: { A00: '20.05', B00: '80.25' }, directDebit: '100.30' },
      directDebit: { amount: '100.30', sequence: 5 },
    });
    expect(debits.map((entry) => [entry.amount, entry.period, entry.source])).toEqual([['100.30', '2026-10', 'DIRECTDEBIT#2026-10']]);
    expect((await accounts.get(number))?.deferment).toMatchObject({ period: '2026-11', used: '0.00' });
    expect(archive.objects.size).toBe(2);
    const csv = new TextDecoder().decode([...archive.objects.entries()].find(([key]) => key.endsWith('.csv'))?.[1][0]);
    expect(csv.split('\r\n')).toEqual([
      'sequence,kind,at,declarationId,amount,A00,B00',
      '2,CHARGE,2026-10-03T10:00:00.000Z,01A,100.10,20.05,80.05',
      '3,CHARGE,2026-10-20T10:00:00.000Z,01B,0.30,0.10,0.20',
      '4,CREDIT,2026-10-21T10:00:00.000Z,01B,-0.10,-0.10,',
      ',TOTAL,,,100.30,20.05,80.25',
      '5,DIRECT_DEBIT,2026-11-02T01:00:00.000Z,,100.30',
      '',
    ]);
  });
});
