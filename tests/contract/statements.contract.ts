/**
 * What the ledger's statement and reconciliation reads (every deferment account; a declaration's
 * entries by their source) and every StatementIndex must do: run against the in-memory fakes
 * (fakes.test.ts) and the DynamoDB adapters on the local cloud (adapters.test.ts).
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Account, applyEntry, type EntryDraft, openAccount } from '#shared/domain/accounts.ts';
import type { StatementSummary } from '#shared/domain/statements.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';
import type { StatementIndex } from '#shared/ports/statements.ts';
import { newParty } from '#tests/integration/support.ts';

const at = '2026-11-27T10:00:00.000Z';
const newNumber = (): string => String(randomInt(1_000_000, 9_999_999));

async function book(ledger: AccountLedger, number: string, draft: EntryDraft): Promise<void> {
  const account = (await ledger.get(number)) as Account;
  const applied = applyEntry(account, draft);
  if (!applied.ok) throw new Error(applied.refusal.message);
  expect((await ledger.post({ account: applied.account, expectedVersion: account.version, entry: applied.entry })).outcome).toBe('applied');
}

const summary = (accountNumber: string, period: string): StatementSummary => ({
  accountNumber,
  period,
  closedAt: at,
  currency: 'GBP',
  totals: { charged: '10.00', credited: '0.00', byTaxType: { A00: '10.00' }, directDebit: '10.00' },
  directDebit: { amount: '10.00', sequence: 3 },
  declarations: 1,
  files: {
    json: { key: `aa/statements/${accountNumber}/${period}/x.json`, sha256: 'a'.repeat(64) },
    csv: { key: 'k.csv', sha256: 'b'.repeat(64) },
  },
});

export function statementsContract(
  name: string,
  subject: { ledger: () => AccountLedger; reader: () => AccountLedger; statements: () => StatementIndex },
) {
  describe(`statements contract: ${name}`, () => {
    it("lists every deferment account opened (not a cash account), and finds a declaration's entries by their source", async () => {
      // Prepare
      const ledger = subject.ledger();
      const deferment = openAccount(
        {
          kind: 'DEFERMENT',
          number: newNumber(),
          ownerId: newParty(),
          currency: 'GBP',
          deferment: { monthlyLimit: '1000.00', guarantee: { amount: '1000.00', guarantor: 'Bank' } },
        },
        at,
        'admin-1',
      );
      const cash = openAccount({ kind: 'CASH', number: newNumber(), ownerId: newParty(), currency: 'GBP' }, at, 'admin-1');
      await ledger.open(deferment.account, deferment.entry);
      await ledger.open(cash.account, cash.entry);
      const number = deferment.account.number;
      const charge = (source: string, declarationId: string): EntryDraft => ({
        kind: 'CHARGE',
        at,
        amount: '10.00',
        period: '2026-11',
        source,
        declarationId,
        byTaxType: { A00: '10.00' },
        by: 'release',
      });
      await book(ledger, number, charge('DECL#01A#3', '01A'));
      await book(ledger, number, charge('DECL#01B#3', '01B'));
      await book(ledger, number, charge('DECL#01A#7', '01A'));

      // Act
      const listed = await subject.reader().listDefermentAccounts();
      const ofA = await subject.reader().entriesBySourcePrefix(number, 'DECL#01A#');

      // Assess
      expect(listed).toContain(number);
      expect(listed).not.toContain(cash.account.number);
      expect(ofA.map((entry) => [entry.sequence, entry.source])).toEqual([
        [2, 'DECL#01A#3'],
        [4, 'DECL#01A#7'],
      ]);
    });

    it("records a period's statement once, reads it back and lists an account's statements oldest first", async () => {
      // Prepare
      const statements = subject.statements();
      const number = newNumber();

      // Act
      const recorded = [
        await statements.record(summary(number, '2026-10')),
        await statements.record(summary(number, '2026-09')),
        await statements.record({ ...summary(number, '2026-10'), declarations: 9 }),
      ];

      // Assess
      expect(recorded).toEqual([true, true, false]);
      expect(await statements.get(number, '2026-10')).toEqual(summary(number, '2026-10'));
      expect(await statements.get(number, '2026-08')).toBeUndefined();
      expect((await statements.list(number)).map((item) => item.period)).toEqual(['2026-09', '2026-10']);
    });
  });
}
