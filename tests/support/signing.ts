/** Traders' signing keys and detached signatures for tests, made with jose as a trader's software would. */
import { CompactSign, type CryptoKey, exportJWK, generateKeyPair } from 'jose';
import { signedPayload } from '#shared/domain/declaration-signature.ts';
import type { SigningAlgorithm } from '#shared/domain/signing-keys.ts';

export interface TestSigner {
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
  /** The public JWK as a trader registers it (kty, crv, x[, y]). */
  publicJwk: Record<string, unknown>;
}

export async function newSigner(alg: SigningAlgorithm): Promise<TestSigner> {
  const { publicKey, privateKey } = alg === 'ES256' ? await generateKeyPair('ES256') : await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return { alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)) } };
}

/** `<header>..<signature>`: a compact JWS over the canonical JSON of `json`, its payload detached. */
export async function signDetached(json: unknown, signer: TestSigner, kid: string, header: Record<string, unknown> = {}): Promise<string> {
  const jws = await new CompactSign(signedPayload(json)).setProtectedHeader({ alg: signer.alg, kid, ...header }).sign(signer.privateKey);
  const [protectedHeader, , signature] = jws.split('.');
  return `${protectedHeader}..${signature}`;
}

/** A hand-made JWS header and signature (for algorithms the platform refuses, which jose would not sign with these keys). */
export const forgedDetached = (header: Record<string, unknown>, signature = 'AAAA'): string =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}..${signature}`;
