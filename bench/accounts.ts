import { accountLedger } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { periodOf } from '#shared/domain/accounts.ts';
import { reserveOnEveryShard } from '#shared/usecases/account-shards.ts';

/**
 * The benchmarks' own duty deferment accounts: one per bench party, with a monthly limit no run
 * reaches, opened through the admin API like any account (docs/revenue.md). The demo accounts'
 * limits (50,000 and 250,000 GBP) would stop a run of hundreds of declarations in
 * AWAITING_PAYMENT, which is not what a benchmark of clearance measures.
 */
const BENCH_LIMIT = '1000000000.00';
/** As an account expected to take more than 100 charges a second (docs/revenue.md): its charges spread over 16 allowance shards. */
export const BENCH_ACCOUNT_SHARDS = 16;

/** The account number a bench party's declarations draw on (7 digits, apart from the demo ones). */
export const benchAccountOf = (party: string): string => (party === 'GB987654321000' ? '9900002' : '9900001');

export async function openBenchAccount(apiUrl: string, adminToken: string, party: string): Promise<void> {
  const response = await fetch(`${apiUrl}/v1/admin/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'DEFERMENT',
      number: benchAccountOf(party),
      ownerId: party,
      currency: 'GBP',
      deferment: { monthlyLimit: BENCH_LIMIT, guarantee: { amount: BENCH_LIMIT, guarantor: 'Bench Bank plc' } },
      shards: BENCH_ACCOUNT_SHARDS,
    }),
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`bench account of ${party} not opened: ${response.status} ${await response.text()}`);
  }
}

/**
 * Each bench account's shards take their first reservation before the run (the warm-up's few
 * declarations reach only some of the 16): what is measured is an account past its first slices,
 * one write on the account per slice, not the cold start of each shard.
 */
export async function warmBenchShards(party: string): Promise<void> {
  const accounts = accountLedger(loadConfig('decideRelease'));
  const account = await accounts.get(benchAccountOf(party));
  if (!account) throw new Error(`bench account of ${party} not opened`);
  const at = new Date().toISOString();
  await reserveOnEveryShard(accounts, account, periodOf(at), { at, by: 'bench' });
}
