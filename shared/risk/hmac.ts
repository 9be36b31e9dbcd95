/**
 * HMAC-SHA256 (RFC 2104, FIPS 180-4) for the random draw, with the key's inner and outer pad
 * blocks hashed once per secret ("midstates"), so a draw costs two SHA-256 compressions
 * instead of a native HMAC object: node:crypto's per-call overhead was a quarter of the scoring
 * time. The output is byte-for-byte the standard HMAC-SHA256; tests check it against
 * node:crypto's createHmac on thousands of inputs and the RFC 4231 vectors.
 */
import { createHash } from 'node:crypto';

const K = Uint32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);
const IV = Uint32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

const W = new Uint32Array(64);

/** One SHA-256 compression of the 64-byte block at `offset` into `state`. */
function compress(state: Uint32Array, block: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t += 1) {
    const j = offset + t * 4;
    W[t] = (block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!;
  }
  for (let t = 16; t < 64; t += 1) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let t = 0; t < 64; t += 1) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[t]! + W[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = state[0]! + a;
  state[1] = state[1]! + b;
  state[2] = state[2]! + c;
  state[3] = state[3]! + d;
  state[4] = state[4]! + e;
  state[5] = state[5]! + f;
  state[6] = state[6]! + g;
  state[7] = state[7]! + h;
}

/** A secret prepared for HMAC-SHA256: the states after the inner and outer pad blocks. */
export interface HmacKey {
  readonly inner: Uint32Array;
  readonly outer: Uint32Array;
}

export function prepareHmacKey(secret: string | Uint8Array): HmacKey {
  let key: Uint8Array = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (key.length > 64) key = createHash('sha256').update(key).digest();
  const pad = new Uint8Array(64);
  const inner = IV.slice();
  const outer = IV.slice();
  for (let i = 0; i < 64; i += 1) pad[i] = (key[i] ?? 0) ^ 0x36;
  compress(inner, pad, 0);
  for (let i = 0; i < 64; i += 1) pad[i] = (key[i] ?? 0) ^ 0x5c;
  compress(outer, pad, 0);
  return { inner, outer };
}

const state = new Uint32Array(8);
const tail = new Uint8Array(128);
const outerBlock = new Uint8Array(64);
const ascii = new Uint8Array(256);

/** Absorbs `message` after `prefixBytes` already hashed, with SHA-256 padding; leaves the digest in `state`. */
function finish(message: Uint8Array, length: number, prefixBytes: number): void {
  let offset = 0;
  for (; offset + 64 <= length; offset += 64) compress(state, message, offset);
  const rest = length - offset;
  tail.fill(0);
  for (let i = 0; i < rest; i += 1) tail[i] = message[offset + i]!;
  tail[rest] = 0x80;
  const blocks = rest + 9 <= 64 ? 1 : 2;
  const bits = (prefixBytes + length) * 8;
  const end = blocks * 64;
  tail[end - 5] = Math.floor(bits / 2 ** 32) & 0xff;
  tail[end - 4] = (bits >>> 24) & 0xff;
  tail[end - 3] = (bits >>> 16) & 0xff;
  tail[end - 2] = (bits >>> 8) & 0xff;
  tail[end - 1] = bits & 0xff;
  compress(state, tail, 0);
  if (blocks === 2) compress(state, tail, 64);
}

function encode(text: string): { bytes: Uint8Array; length: number } {
  const length = text.length;
  if (length <= ascii.length) {
    let plain = true;
    for (let i = 0; i < length; i += 1) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) {
        plain = false;
        break;
      }
      ascii[i] = code;
    }
    if (plain) return { bytes: ascii, length };
  }
  const bytes = Buffer.from(text, 'utf8');
  return { bytes, length: bytes.length };
}

/** The 8 big-endian 32-bit words of HMAC-SHA256(key, UTF-8 of message). Valid until the next call. */
export function hmacSha256Words(key: HmacKey, message: string): Uint32Array {
  const { bytes, length } = encode(message);
  state.set(key.inner);
  finish(bytes, length, 64);
  for (let i = 0; i < 8; i += 1) {
    const word = state[i]!;
    outerBlock[i * 4] = word >>> 24;
    outerBlock[i * 4 + 1] = word >>> 16;
    outerBlock[i * 4 + 2] = word >>> 8;
    outerBlock[i * 4 + 3] = word;
  }
  state.set(key.outer);
  finish(outerBlock, 32, 64);
  return state;
}

/** HMAC-SHA256 as a Buffer (for tests and audits). */
export function hmacSha256(key: HmacKey, message: string): Buffer {
  const words = hmacSha256Words(key, message);
  const out = Buffer.alloc(32);
  for (let i = 0; i < 8; i += 1) out.writeUInt32BE(words[i]!, i * 4);
  return out;
}
