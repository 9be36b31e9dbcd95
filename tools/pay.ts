/**
 * `npm run -s pay -- <reference> <amount> [--currency GBP] [--api URL] [--secrets URL]`
 *
 * Pays a payment request on the local cloud: the payment provider simulator confirms the payment
 * to the platform with a signed callback, as a bank would once the trader's transfer arrived.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PORTS, RESOURCE_PREFIX } from '#local/cloud.ts';
import { sendConfirmation, signedConfirmation, simulatorKey } from '#local/payment-simulator.ts';

const usage = `Usage: npm run -s pay -- <reference> <amount> [--currency GBP] [--api URL] [--secrets URL]

  <reference>  the payment reference the declaration shows (paymentsDue), e.g. 01K...-5
  <amount>     the amount paid, with 2 decimals, e.g. 391.79
  --api        the local API (default $LOCAL_API_URL or http://127.0.0.1:${DEFAULT_PORTS.api})
  --secrets    the local Secrets Manager (default http://127.0.0.1:${DEFAULT_PORTS.secrets})
`;

const { values, positionals } = parseArgs({
  options: { currency: { type: 'string', default: 'GBP' }, api: { type: 'string' }, secrets: { type: 'string' } },
  allowPositionals: true,
  strict: true,
});
const [reference, amount] = positionals;
if (!reference || !amount) {
  process.stderr.write(usage);
  process.exit(2);
}
const key = await simulatorKey({
  secretsEndpoint: values.secrets ?? `http://127.0.0.1:${DEFAULT_PORTS.secrets}`,
  secretId: `${RESOURCE_PREFIX}/payment-providers`,
  region: process.env.AWS_REGION ?? 'eu-west-2',
});
const result = await sendConfirmation(
  values.api ?? process.env.LOCAL_API_URL ?? `http://127.0.0.1:${DEFAULT_PORTS.api}`,
  signedConfirmation(key, { reference, amount, currency: values.currency ?? 'GBP' }),
);
process.stdout.write(`${JSON.stringify(result.body, null, 2)}\n`);
process.exit(result.status === 200 ? 0 : 1);
