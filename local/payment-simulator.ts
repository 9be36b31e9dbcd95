/**
 * The local cloud's payment provider simulator (docs/revenue.md): it "receives" a trader's
 * payment and confirms it to the platform as a real provider would, and pays a payout the
 * platform sent it (or reports it failed), each with a callback signed by the provider's secret
 * (derived from the local Secrets Manager's payment provider secret). Local only: in AWS each
 * provider signs with the key customs gave it.
 *
 * Its payouts endpoint (`PayoutDesk`, served by the local gateway at
 * `/local/payment-provider/payouts`) is what the platform's HTTPS payout adapter calls in the local
 * stage: it checks the signature and the idempotency key as a provider would, records what it took
 * (once per reference), and pays nothing on its own (`npm run pay -- --payout <reference>`).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { providerKey } from '#shared/adapters/payment-provider-secrets.ts';
import type { PaymentConfirmation } from '#shared/domain/duties.ts';
import { signCallback, verifyCallbackSignature } from '#shared/domain/payment-signature.ts';
import { idempotencyKeyOf, type PayoutSettlement } from '#shared/domain/repayments.ts';

export const SIMULATOR = 'simulator';

/** Where the local gateway serves the simulator's payouts endpoint (and `GET <path>/<reference>`: what it took). */
export const SIMULATOR_PAYOUTS_PATH = '/local/payment-provider/payouts';

const payoutInstructionSchema = z.strictObject({
  reference: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}-R?\d{1,6}$/),
  amount: z.string().regex(/^\d{1,15}\.\d{2}$/),
  currency: z.string().regex(/^[A-Z]{3}$/),
  payee: z.string().min(1).max(64),
  attempt: z.number().int().min(2).optional(),
});
export type TakenPayout = z.infer<typeof payoutInstructionSchema> & { takenAt: string };

type DeskAnswer = { status: number; body: unknown };

/**
 * The simulator's payouts endpoint: a payout signed with the simulator's key and carrying its
 * idempotency key (`<reference>`, or `<reference>.<attempt>` once resent) is taken once (202; the
 * same payout again answers 200 with what was taken, a different body under a taken key 409). While `available` is false it answers 503,
 * as a provider that is down.
 */
export class PayoutDesk {
  /** The latest payout taken under each reference. */
  readonly #taken = new Map<string, TakenPayout>();
  /** Each payout taken, by its idempotency key (a resent payout comes with a new one, and is paid anew). */
  readonly #byKey = new Map<string, TakenPayout>();
  /** Set to false to play a provider that is down (503 to every payout). */
  available = true;

  constructor(
    private readonly key: () => Promise<Buffer>,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** What it took under a reference, if anything. */
  taken(reference: string): TakenPayout | undefined {
    return this.#taken.get(reference);
  }

  /** The gateway's local route: the payouts endpoint, and what was taken by reference. */
  async handle(request: {
    method: string;
    path: string;
    headers: IncomingHttpHeaders;
    body: Buffer | undefined;
  }): Promise<DeskAnswer | undefined> {
    if (request.method === 'GET' && request.path.startsWith(`${SIMULATOR_PAYOUTS_PATH}/`)) {
      const taken = this.taken(decodeURIComponent(request.path.slice(SIMULATOR_PAYOUTS_PATH.length + 1)));
      return taken ? { status: 200, body: taken } : { status: 404, body: { message: 'the simulator took no payout with this reference' } };
    }
    if (request.method !== 'POST' || request.path !== SIMULATOR_PAYOUTS_PATH) return undefined;
    if (!this.available) return { status: 503, body: { message: 'the payment provider simulator is unavailable' } };
    const body = request.body ?? Buffer.alloc(0);
    const verdict = verifyCallbackSignature(header(request.headers['payment-signature']), await this.key(), body, this.nowSeconds());
    if (!verdict.ok) return { status: 401, body: { code: verdict.code, message: verdict.message } };
    const parsed = (() => {
      try {
        return payoutInstructionSchema.safeParse(JSON.parse(body.toString('utf8')));
      } catch {
        return undefined;
      }
    })();
    if (!parsed?.success) return { status: 400, body: { message: 'send { reference, amount, currency, payee } as JSON' } };
    const payout = parsed.data;
    const key = header(request.headers['idempotency-key']);
    if (key !== idempotencyKeyOf(payout))
      return { status: 400, body: { message: 'Idempotency-Key must carry the payout reference (and its attempt once resent)' } };
    const earlier = this.#byKey.get(key);
    if (earlier) {
      const same = earlier.amount === payout.amount && earlier.currency === payout.currency && earlier.payee === payout.payee;
      return same
        ? { status: 200, body: earlier }
        : { status: 409, body: { message: 'this idempotency key was taken with another payout' } };
    }
    const taken = { ...payout, takenAt: new Date().toISOString() };
    this.#byKey.set(key, taken);
    this.#taken.set(payout.reference, taken);
    return { status: 202, body: taken };
  }
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** What the simulator took under a payout reference (`npm run pay -- --payout`), undefined if nothing. */
export async function takenPayout(apiUrl: string, reference: string): Promise<TakenPayout | undefined> {
  const response = await fetch(`${apiUrl}${SIMULATOR_PAYOUTS_PATH}/${encodeURIComponent(reference)}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`the simulator answered ${response.status}`);
  return (await response.json()) as TakenPayout;
}

/** The simulator's callback key, from the local Secrets Manager. */
export async function simulatorKey(options: { secretsEndpoint: string; secretId: string; region: string }): Promise<Buffer> {
  const client = new SecretsManagerClient({
    endpoint: options.secretsEndpoint,
    region: options.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const secret = await client.send(new GetSecretValueCommand({ SecretId: options.secretId }));
    if (!secret.SecretString) throw new Error(`secret ${options.secretId} has no value`);
    return providerKey(secret.SecretString, SIMULATOR);
  } finally {
    client.destroy();
  }
}

/** The confirmation of a payment, and the signed request that carries it. */
export function signedConfirmation(
  key: Buffer,
  payment: { reference: string; amount: string; currency: string; eventId?: string },
  timestamp = Math.floor(Date.now() / 1000),
): { body: string; signature: string; confirmation: PaymentConfirmation } {
  const confirmation: PaymentConfirmation = {
    eventId: payment.eventId ?? `evt_${randomUUID().replaceAll('-', '')}`,
    type: 'payment.succeeded',
    reference: payment.reference,
    amount: payment.amount,
    currency: payment.currency,
  };
  const body = JSON.stringify(confirmation);
  return { body, signature: signCallback(key, timestamp, body), confirmation };
}

/** The provider's word that it paid a payout (or, with a reason, that it could not), and the signed request that carries it. */
export function signedPayoutSettlement(
  key: Buffer,
  payout: { reference: string; amount: string; currency: string; failureReason?: string; eventId?: string },
  timestamp = Math.floor(Date.now() / 1000),
): { body: string; signature: string; settlement: PayoutSettlement } {
  const common = {
    eventId: payout.eventId ?? `evt_${randomUUID().replaceAll('-', '')}`,
    reference: payout.reference,
    amount: payout.amount,
    currency: payout.currency,
  };
  const settlement: PayoutSettlement =
    payout.failureReason === undefined
      ? { type: 'payout.succeeded', ...common }
      : { type: 'payout.failed', ...common, reason: payout.failureReason };
  const body = JSON.stringify(settlement);
  return { body, signature: signCallback(key, timestamp, body), settlement };
}

/** Sends a confirmation or a payout's settlement to the platform's callback route; the status and the answer. */
export async function sendConfirmation(
  apiUrl: string,
  signed: { body: string; signature: string },
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${apiUrl}/v1/payments/callbacks/${SIMULATOR}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'payment-signature': signed.signature },
    body: signed.body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
