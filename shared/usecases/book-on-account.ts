/**
 * One ledger entry booked on an account as it is at that moment (docs/revenue.md, "Concurrency
 * without transactions"): read, apply, post at the next sequence; a lost race is tried again on the
 * account as the winner left it. A source is booked once: a repeat finds the entry it booked.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { applyEntry, type EntryDraft, type LedgerEntry } from '#shared/domain/accounts.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';

/** Attempts at booking on an account that others book on at the same moment (each loses only to a booking). */
const MAX_ATTEMPTS = 200;

export type Booking = { ok: true; entry: LedgerEntry } | { ok: false; reason: string };

export async function bookOnAccount(accounts: AccountLedger, number: string, draft: EntryDraft): Promise<Booking> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const booked = await accounts.findBySource(number, draft.source);
    if (booked) return { ok: true, entry: booked };
    const account = await accounts.get(number);
    if (!account) return { ok: false, reason: `account ${number} does not exist` };
    const applied = applyEntry(account, draft);
    if (!applied.ok) return { ok: false, reason: applied.refusal.message };
    const posted = await accounts.post({ account: applied.account, expectedVersion: account.version, entry: applied.entry });
    if (posted.outcome === 'applied') return { ok: true, entry: applied.entry };
    if (posted.outcome === 'duplicate') return { ok: true, entry: posted.entry };
    // Another entry took this sequence: try again on the account as it is now, after a short random pause.
    await sleep(Math.floor(Math.random() * Math.min(50, 2 + attempt * 2)));
  }
  throw new Error(`account ${number} is too busy: ${MAX_ATTEMPTS} attempts lost to other bookings`);
}
