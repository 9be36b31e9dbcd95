/**
 * Trader accounts (docs/revenue.md): administrators open them and book bank transfers into cash
 * accounts; holders read their own, customs reads any. Every change is a ledger entry booked with
 * the account's next version (shared/ports/accounts.ts).
 */
import {
  type Account,
  type AccountView,
  applyEntry,
  type OpenAccountInput,
  openAccount,
  type TopUpInput,
} from '#shared/domain/accounts.ts';
import { hasRole, type Principal, requireParty, requireRole } from '#shared/domain/auth.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';
import type { Clock } from '#shared/ports/clock.ts';
import { accountAsHeld, entriesWithShards } from './account-shards.ts';

export interface AccountDeps {
  accounts: AccountLedger;
  clock: Clock;
}

const notFound = (number: string) => new DomainError('NOT_FOUND', 'Not found', [problem('', 'ACCOUNT_NOT_FOUND', `no account ${number}`)]);

/** POST /v1/admin/accounts: opened once under its number; the same opening again answers the account. */
export async function openTraderAccount(
  command: { principal: Principal; input: OpenAccountInput },
  deps: AccountDeps,
): Promise<{ account: Account; created: boolean }> {
  requireRole(command.principal, 'admin');
  const { account, entry } = openAccount(command.input, deps.clock.now().toISOString(), command.principal.subject);
  if (await deps.accounts.open(account, entry)) return { account, created: true };
  const existing = await deps.accounts.get(account.number);
  const [opening] = await deps.accounts.entries(account.number);
  if (existing && JSON.stringify(opening?.opened) === JSON.stringify(entry.opened)) return { account: existing, created: false };
  throw new DomainError('CONFLICT', 'Number taken', [
    problem('/number', 'ACCOUNT_NUMBER_TAKEN', `account ${account.number} is open already with other terms`),
  ]);
}

/** POST /v1/admin/accounts/{number}/top-ups: a bank transfer into a cash account, booked once per reference. */
export async function topUpAccount(
  command: { principal: Principal; number: string; input: TopUpInput },
  deps: AccountDeps,
): Promise<Account> {
  requireRole(command.principal, 'admin');
  const source = `TOPUP#${command.input.reference}`;
  for (;;) {
    const account = await deps.accounts.get(command.number);
    if (!account) throw notFound(command.number);
    if (await deps.accounts.findBySource(account.number, source)) return account;
    if (account.kind !== 'CASH')
      throw new DomainError('CONFLICT', 'Not a cash account', [
        problem('', 'WRONG_ACCOUNT_KIND', `account ${account.number} is a deferment account: top-ups are paid into cash accounts`),
      ]);
    const applied = applyEntry(account, {
      kind: 'TOP_UP',
      at: deps.clock.now().toISOString(),
      amount: command.input.amount,
      source,
      by: command.principal.subject,
    });
    if (!applied.ok) throw new DomainError('CONFLICT', 'Refused', [problem('', applied.refusal.code, applied.refusal.message)]);
    const posted = await deps.accounts.post({ account: applied.account, expectedVersion: account.version, entry: applied.entry });
    if (posted.outcome === 'applied') return applied.account;
    if (posted.outcome === 'duplicate') return (await deps.accounts.get(account.number)) ?? applied.account;
    // Another entry took the sequence: book on the account as it is now.
  }
}

/** GET /v1/accounts: the trader's own; customs names the holder. */
export async function listTraderAccounts(
  query: { principal: Principal; owner: string | undefined },
  deps: AccountDeps,
): Promise<Account[]> {
  requireRole(query.principal, 'trader', 'officer', 'admin');
  if (hasRole(query.principal, 'officer') || hasRole(query.principal, 'admin')) {
    if (!query.owner)
      throw new DomainError('BAD_REQUEST', 'Invalid query', [problem('/owner', 'OWNER_REQUIRED', 'name the party whose accounts to list')]);
    return asHeld(await deps.accounts.listByOwner(query.owner), deps);
  }
  const party = requireParty(query.principal);
  if (query.owner !== undefined && query.owner !== party)
    throw new DomainError('FORBIDDEN', 'Forbidden', [problem('/owner', 'OWNER_MISMATCH', 'a trader lists only its own accounts')]);
  return asHeld(await deps.accounts.listByOwner(party), deps);
}

/** A sharded account as its holder sees it: what its shards hold unspent is not spent (shared/usecases/account-shards.ts). */
async function asHeld(accounts: Account[], deps: AccountDeps): Promise<Account[]> {
  const at = deps.clock.now().toISOString();
  return Promise.all(
    accounts.map(async (account) => (account.shards ? ((await accountAsHeld(deps.accounts, account.number, at)) ?? account) : account)),
  );
}

/** GET /v1/accounts/{number}: another party's account does not exist for a trader (no existence oracle). */
export async function getTraderAccount(query: { principal: Principal; number: string }, deps: AccountDeps): Promise<AccountView> {
  requireRole(query.principal, 'trader', 'officer', 'admin');
  const account = await deps.accounts.get(query.number);
  const customs = hasRole(query.principal, 'officer') || hasRole(query.principal, 'admin');
  if (!account || (!customs && account.ownerId !== query.principal.partyId)) throw notFound(query.number);
  if (!account.shards) return { ...account, entries: await deps.accounts.entries(account.number) };
  // N + 1 reads: the account and each shard, settled (docs/revenue.md).
  const held = (await accountAsHeld(deps.accounts, account.number, deps.clock.now().toISOString())) ?? account;
  return { ...held, entries: await entriesWithShards(deps.accounts, held) };
}
