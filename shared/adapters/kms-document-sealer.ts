/**
 * The customs seal on AWS KMS: an asymmetric ECC_NIST_P256 key that signs with ECDSA_SHA_256 and
 * never leaves KMS (the local cloud's KMS speaks the same API). KMS answers a DER signature; JWS
 * wants r || s. The public key is read once per execution environment.
 */
import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { calculateJwkThumbprint } from 'jose';
import { derToJoseSignature, type PublicJwk } from '#shared/domain/sealed-documents.ts';
import type { DocumentSealer } from '#shared/ports/document-seal.ts';

export class KmsDocumentSealer implements DocumentSealer {
  #publicKey: Promise<PublicJwk> | undefined;

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  publicKey(): Promise<PublicJwk> {
    this.#publicKey ??= this.readPublicKey().catch((error: unknown) => {
      this.#publicKey = undefined;
      throw error;
    });
    return this.#publicKey;
  }

  private async readPublicKey(): Promise<PublicJwk> {
    const answer = await this.kms.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
    if (!answer.PublicKey || answer.KeySpec !== 'ECC_NIST_P256')
      throw new Error(`KMS key ${this.keyId} is not an ECC_NIST_P256 signing key`);
    const { kty, crv, x, y } = createPublicKey({ key: Buffer.from(answer.PublicKey), format: 'der', type: 'spki' }).export({
      format: 'jwk',
    });
    const jwk = { kty, crv, x, y } as PublicJwk;
    return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'ES256', use: 'sig' };
  }

  async sign(input: Uint8Array): Promise<Uint8Array> {
    const answer = await this.kms.send(
      new SignCommand({ KeyId: this.keyId, Message: input, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    if (!answer.Signature) throw new Error(`KMS returned no signature for key ${this.keyId}`);
    return derToJoseSignature(answer.Signature);
  }
}
