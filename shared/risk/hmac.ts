/**
 * HMAC-SHA256 (RFC 2104) with node:crypto, keyed once: the hash states after the inner and outer
 * key pads are kept and copied per message (`Hash.copy()`), so the random draw does not pay for
 * the key schedule on every declaration. Checked against `createHmac` and the RFC 4231 vectors.
 */
import { createHash, type Hash } from 'node:crypto';

const BLOCK_BYTES = 64;

/** A function computing HMAC-SHA256(secret, UTF-8 of message). */
export function keyedHmacSha256(secret: string | Uint8Array): (message: string) => Buffer {
  let key: Uint8Array = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (key.length > BLOCK_BYTES) key = createHash('sha256').update(key).digest();
  const padded = (fill: number) => Buffer.from(Array.from({ length: BLOCK_BYTES }, (_, i) => (key[i] ?? 0) ^ fill));
  const inner: Hash = createHash('sha256').update(padded(0x36));
  const outer: Hash = createHash('sha256').update(padded(0x5c));
  return (message) => outer.copy().update(inner.copy().update(message, 'utf8').digest()).digest();
}
