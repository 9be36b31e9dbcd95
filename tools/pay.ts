/**
 * `npm run -s pay -- <reference> <amount> [--currency GBP] [--api URL] [--secrets URL]`
 * `npm run -s pay -- --payout <reference> [<amount>] [--fail "reason"] [--currency GBP] ...`
 *
 * Pays a payment request on the local cloud: the payment provider simulator confirms the payment
 * to the platform with a signed callback, as a bank would once the trader's transfer arrived.
 * With `--payout`, the simulator pays a payout the platform sent it (`payout.succeeded`: the amount
 * and currency it took, unless given), or with `--fail` reports that it could not (`payout.failed`
 * with the reason).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PORTS, RESOURCE_PREFIX } from '#local/cloud.ts';
import { sendConfirmation, signedConfirmation, signedPayoutSettlement, simulatorKey, takenPayout } from '#local/payment-simulator.ts';

const usage = `Usage: npm run -s pay -- <reference> <amount> [--currency GBP] [--api URL] [--secrets URL]
       npm run -s pay -- --payout <reference> [<amount>] [--fail "reason"] [--currency GBP] [--api URL] [--secrets URL]

  <reference>  the payment reference the declaration shows (paymentsDue), e.g. 01K...-5;
               with --payout, the payout's reference (the repayment claim's id, e.g. 01K...-R1,
               or a cancelled declaration's payment reference)
  <amount>     the amount paid, with 2 decimals, e.g. 391.79; with --payout, by default the
               amount (and currency) the simulator took for that reference
  --payout     the simulator pays a payout the platform sent it (payout.succeeded)
  --fail       with --payout: the payout failed, for this reason (payout.failed)
  --api        the local API (default $LOCAL_API_URL or http://127.0.0.1:${DEFAULT_PORTS.api})
  --secrets    the local Secrets Manager (default http://127.0.0.1:${DEFAULT_PORTS.secrets})
`;

const { values, positionals } = parseArgs({
  options: {
    currency: { type: 'string' },
    api: { type: 'string' },
    secrets: { type: 'string' },
    payout: { type: 'boolean', default: false },
    fail: { type: 'string' },
  },
  allowPositionals: true,
  strict: true,
});
const [reference, given] = positionals;
if (!reference || (!given && !values.payout) || (values.fail !== undefined && !values.payout)) {
  process.stderr.write(usage);
  process.exit(2);
}
const apiUrl = values.api ?? process.env.LOCAL_API_URL ?? `http://127.0.0.1:${DEFAULT_PORTS.api}`;
// A payout is paid as the simulator took it (amount, currency) unless told otherwise.
const taken = values.payout ? await takenPayout(apiUrl, reference) : undefined;
if (values.payout && !taken && !given) {
  process.stderr.write(`The simulator took no payout ${reference} (since the local cloud started): give its amount to pay it anyway.\n`);
  process.exit(1);
}
const amount = given ?? taken?.amount ?? '';
const key = await simulatorKey({
  secretsEndpoint: values.secrets ?? `http://127.0.0.1:${DEFAULT_PORTS.secrets}`,
  secretId: `${RESOURCE_PREFIX}/payment-providers`,
  region: process.env.AWS_REGION ?? 'eu-west-2',
});
const payment = { reference, amount, currency: values.currency ?? taken?.currency ?? 'GBP' };
const result = await sendConfirmation(
  apiUrl,
  values.payout
    ? signedPayoutSettlement(key, { ...payment, ...(values.fail === undefined ? {} : { failureReason: values.fail }) })
    : signedConfirmation(key, payment),
);
process.stdout.write(`${JSON.stringify(result.body, null, 2)}\n`);
process.exit(result.status === 200 ? 0 : 1);
