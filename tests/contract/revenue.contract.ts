/**
 * What every AccountLedger and PaymentRequests must do: run against the in-memory fakes
 * (fakes.test.ts) and the DynamoDB adapters on the local cloud (adapters.test.ts).
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Account, applyEntry, deriveAccount, type EntryDraft, openAccount } from '#shared/domain/accounts.ts';
import type { PaymentRequest } from '#shared/domain/duties.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';
import type { PaymentRequests } from '#shared/ports/payments.ts';
import { newParty } from '#tests/integration/support.ts';

const at = '2026-11-27T10:00:00.000Z';
const newNumber = (): string => String(randomInt(1_000_000, 9_999_999));

function cashAccount(number = newNumber(), owner = newParty()) {
  return openAccount({ kind: 'CASH', number, ownerId: owner, currency: 'GBP' }, at, 'admin-1');
}

/** Books a draft on the account as it is now, as the use cases do: read, apply, post; again after a conflict. */
async function book(ledger: AccountLedger, number: string, draft: EntryDraft): Promise<'applied' | 'duplicate' | 'refused'> {
  for (;;) {
    const account = (await ledger.get(number)) as Account;
    const applied = applyEntry(account, draft);
    if (!applied.ok) return 'refused';
    const posted = await ledger.post({ account: applied.account, expectedVersion: account.version, entry: applied.entry });
    if (posted.outcome !== 'conflict') return posted.outcome;
  }
}

export function accountLedgerContract(name: string, subject: { ledger: () => AccountLedger }) {
  describe(`AccountLedger contract: ${name}`, () => {
    it('opens an account once under its number, reads it back and lists it under its holder', async () => {
      // Prepare
      const ledger = subject.ledger();
      const { account, entry } = cashAccount();

      // Act
      const first = await ledger.open(account, entry);
      const again = await ledger.open({ ...account, ownerId: newParty() }, entry);

      // Assess
      expect([first, again]).toEqual([true, false]);
      expect(await ledger.get(account.number)).toEqual(account);
      expect(await ledger.listByOwner(account.ownerId)).toEqual([account]);
      expect(await ledger.entries(account.number)).toEqual([entry]);
      expect(await ledger.get(newNumber())).toBeUndefined();
    });

    it('books an entry only at the version it was read at, and a source only once', async () => {
      // Prepare
      const ledger = subject.ledger();
      const { account, entry } = cashAccount();
      await ledger.open(account, entry);
      const topUp = applyEntry(account, { kind: 'TOP_UP', at, amount: '100.00', source: 'TOPUP#T1', by: 'admin-1' });
      if (!topUp.ok) throw new Error('top-up refused');

      // Act
      const applied = await ledger.post({ account: topUp.account, expectedVersion: 1, entry: topUp.entry });
      const stale = await ledger.post({ account: topUp.account, expectedVersion: 1, entry: { ...topUp.entry, source: 'TOPUP#T2' } });
      const repeated = await ledger.post({
        account: { ...topUp.account, version: 3 },
        expectedVersion: 2,
        entry: { ...topUp.entry, sequence: 3 },
      });

      // Assess
      expect(applied).toEqual({ outcome: 'applied' });
      expect(stale).toEqual({ outcome: 'conflict' });
      expect(repeated).toEqual({ outcome: 'duplicate', entry: topUp.entry });
      expect(await ledger.get(account.number)).toMatchObject({ version: 2, balance: '100.00' });
      expect(await ledger.findBySource(account.number, 'TOPUP#T1')).toEqual(topUp.entry);
      expect(await ledger.findBySource(account.number, 'TOPUP#T2')).toBeUndefined();
    });

    it('never overdraws: 20 charges at once on a balance for 7 book exactly 7, and the balance is what the ledger adds up to', async () => {
      // Prepare
      const ledger = subject.ledger();
      const { account, entry } = cashAccount();
      await ledger.open(account, entry);
      await book(ledger, account.number, { kind: 'TOP_UP', at, amount: '70.35', source: 'TOPUP#T1', by: 'admin-1' });

      // Act
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          book(ledger, account.number, { kind: 'CHARGE', at, amount: '10.05', source: `DECL#D${index}#5`, by: 'release' }),
        ),
      );

      // Assess
      const entries = await ledger.entries(account.number);
      const after = await ledger.get(account.number);
      expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(7);
      expect(outcomes.filter((outcome) => outcome === 'refused')).toHaveLength(13);
      expect(after).toMatchObject({ balance: '0.00', version: 9 });
      expect(entries.map((booked) => booked.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(deriveAccount(entries)).toEqual(after);
    });
  });
}

const requestOf = (reference: string): PaymentRequest => ({
  reference,
  declarationId: reference.slice(0, 26),
  amount: '391.79',
  currency: 'GBP',
  status: 'PENDING',
  createdAt: at,
});
const newReference = (): string => `01K${String(randomInt(100_000_000, 999_999_999))}ABCDEFGHJKMNPQ-${randomInt(1, 99)}`;

export function paymentRequestsContract(name: string, subject: { payments: () => PaymentRequests }) {
  describe(`PaymentRequests contract: ${name}`, () => {
    it('issues a reference once and confirms it once: a replayed event and a second payment change nothing', async () => {
      // Prepare
      const payments = subject.payments();
      const reference = newReference();
      const created = await payments.create(requestOf(reference));
      const again = await payments.create({ ...requestOf(reference), amount: '1.00' });

      // Act
      const confirmed = await payments.confirm(reference, { provider: 'simulator', eventId: `E-${reference}`, at });
      const replayed = await payments.confirm(reference, {
        provider: 'simulator',
        eventId: `E-${reference}`,
        at: '2026-11-28T00:00:00.000Z',
      });
      const paidTwice = await payments.confirm(reference, { provider: 'simulator', eventId: `F-${reference}`, at });
      const unknown = await payments.confirm(newReference(), { provider: 'simulator', eventId: `G-${reference}`, at });

      // Assess
      const paid = {
        ...requestOf(reference),
        status: 'PAID',
        paidAt: at,
        confirmedBy: { provider: 'simulator', eventId: `E-${reference}` },
      };
      expect([created, again]).toEqual([true, false]);
      expect(confirmed).toEqual({ outcome: 'confirmed', request: paid });
      expect(replayed).toEqual({ outcome: 'replayed' });
      expect(paidTwice).toEqual({ outcome: 'already-paid', request: paid });
      expect(unknown).toEqual({ outcome: 'not-found' });
      expect(await payments.get(reference)).toEqual(paid);
    });
  });
}
