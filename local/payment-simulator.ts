/**
 * The local cloud's payment provider simulator (docs/revenue.md): it "receives" a trader's
 * payment and confirms it to the platform as a real provider would, and pays a payout the
 * platform sent it (or reports it failed), each with a callback signed by the provider's secret
 * (derived from the local Secrets Manager's payment provider secret). Local only: in AWS each
 * provider signs with the key customs gave it.
 */
import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { providerKey } from '#shared/adapters/payment-provider-secrets.ts';
import type { PaymentConfirmation } from '#shared/domain/duties.ts';
import { signCallback } from '#shared/domain/payment-signature.ts';
import type { PayoutSettlement } from '#shared/domain/repayments.ts';

export const SIMULATOR = 'simulator';

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
