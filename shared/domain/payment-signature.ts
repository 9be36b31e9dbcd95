/**
 * Signatures of payment provider callbacks, in the style providers use (Stripe, Adyen):
 * `Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The
 * timestamp is signed with the body, so an old confirmation cannot be sent again with a fresh time;
 * outside the window it is refused, inside it the event id is accepted once (replay refused).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a callback's timestamp may be from now, either way. */
export const CALLBACK_WINDOW_SECONDS = 300;

export const signCallback = (secret: Buffer, timestamp: number, body: Uint8Array | string): string =>
  `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;

export type SignatureVerdict = { ok: true } | { ok: false; code: 'CALLBACK_SIGNATURE_INVALID' | 'CALLBACK_STALE'; message: string };

export function verifyCallbackSignature(
  header: string | undefined,
  secret: Buffer,
  body: Uint8Array,
  nowSeconds: number,
): SignatureVerdict {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match?.[1] || !match[2])
    return { ok: false, code: 'CALLBACK_SIGNATURE_INVALID', message: 'send Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>' };
  const timestamp = Number(match[1]);
  const expected = Buffer.from(signCallback(secret, timestamp, body).slice(`t=${timestamp},v1=`.length), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(match[2], 'hex')))
    return { ok: false, code: 'CALLBACK_SIGNATURE_INVALID', message: 'the signature does not match the body and timestamp' };
  if (Math.abs(nowSeconds - timestamp) > CALLBACK_WINDOW_SECONDS)
    return { ok: false, code: 'CALLBACK_STALE', message: `the timestamp is more than ${CALLBACK_WINDOW_SECONDS} seconds from now` };
  return { ok: true };
}
