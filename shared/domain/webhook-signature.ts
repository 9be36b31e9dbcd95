/**
 * Webhook signatures in the Standard Webhooks scheme (https://www.standardwebhooks.com): each
 * delivery carries `webhook-id` (the event id, the same on every retry: receivers deduplicate by
 * it), `webhook-timestamp` (Unix seconds of this attempt) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256>` over `<id>.<timestamp>.<body>`, keyed with the subscription's secret).
 * The secret is `whsec_<base64 of 32 bytes>`; receivers use the decoded bytes as the HMAC key.
 *
 * Secrets are never stored: each is derived (HKDF-SHA256, RFC 5869) from the region's webhook
 * master secret, the subscription id and the secret's version (0 at creation, one more at each
 * rotation), handed to the subscriber once (at creation or rotation), and derived again by the
 * delivery worker. After a rotation both the new and the previous secret sign each delivery for a
 * while (several space-separated signatures, as the scheme allows), so receivers switch without a gap.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** How far a receiver should let a timestamp stray from its clock (Standard Webhooks' default tolerance). */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/** The secret of one subscription: HKDF-SHA256 of the master secret, the subscription id (and, after a rotation, the version) as info. */
export function deriveWebhookSecret(masterSecret: string, subscriptionId: string, version = 0): string {
  // Version 0 keeps the info of secrets handed out before rotation existed.
  const info = version === 0 ? `customs-webhook-secret:${subscriptionId}` : `customs-webhook-secret:${subscriptionId}:v${version}`;
  const key = hkdfSync('sha256', Buffer.from(masterSecret, 'utf8'), Buffer.alloc(0), info, 32);
  return `${WEBHOOK_SECRET_PREFIX}${Buffer.from(key).toString('base64')}`;
}

const keyOf = (secret: string): Buffer =>
  Buffer.from(secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret, 'base64');

/** `v1,<signature>` of one delivery attempt. */
export function signWebhook(input: { id: string; timestamp: number; body: string; secret: string }): string {
  const mac = createHmac('sha256', keyOf(input.secret)).update(`${input.id}.${input.timestamp}.${input.body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** The headers of one delivery attempt (lower case, as HTTP/2 and Node name them), one signature per secret, space-separated. */
export function webhookHeaders(input: { id: string; timestamp: number; body: string; secrets: readonly string[] }): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': input.secrets.map((secret) => signWebhook({ ...input, secret })).join(' '),
  };
}

export type VerificationResult =
  | { valid: true }
  | { valid: false; reason: 'MISSING_HEADERS' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'NO_MATCHING_SIGNATURE' };

/**
 * What a receiver does: checks the timestamp against its clock, then compares (in constant time)
 * each space-separated `v1,` signature of the header with its own computation over the exact bytes received.
 */
export function verifyWebhook(input: {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  secret: string;
  nowSeconds: number;
  toleranceSeconds?: number;
}): VerificationResult {
  const header = (name: string) => {
    const value = input.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!id || !timestamp || !signatures || !/^[0-9]{1,12}$/.test(timestamp)) return { valid: false, reason: 'MISSING_HEADERS' };
  if (Math.abs(input.nowSeconds - Number(timestamp)) > (input.toleranceSeconds ?? TIMESTAMP_TOLERANCE_SECONDS)) {
    return { valid: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' };
  }
  const expected = Buffer.from(signWebhook({ id, timestamp: Number(timestamp), body: input.body, secret: input.secret }), 'utf8');
  const matches = signatures.split(' ').some((candidate) => {
    const given = Buffer.from(candidate, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { valid: true } : { valid: false, reason: 'NO_MATCHING_SIGNATURE' };
}
