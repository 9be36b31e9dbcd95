/**
 * The declarant's signature over what it submits, at intake and on each amendment: checked against
 * the party's registered keys before anything is stored, required where the region says so, and
 * archived next to the bytes it signs (write-once, named by its own SHA-256).
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import { signedPayload, verifyDeclarationSignature } from '#shared/domain/declaration-signature.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { DeclarationSignature, SigningAlgorithm } from '#shared/domain/signing-keys.ts';
import type { DocumentArchive } from '#shared/ports/document-archive.ts';
import type { SigningKeyReader } from '#shared/ports/signing-keys.ts';

/** The declarants' keys a signature is checked against, and whether the region requires one. */
export interface SignaturePolicy {
  keys: SigningKeyReader;
  required: boolean;
}

/** A signature that verified: the compact JWS (payload detached) and the key that made it. */
export interface VerifiedSignature {
  jws: string;
  kid: string;
  alg: SigningAlgorithm;
}

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Checks the `Signature` header (a detached JWS over the RFC 8785 canonical JSON of `json`) against
 * the party's keys valid at `at`; without one, refuses where signatures are required. Throws the
 * problem a refused signature gets; stores nothing.
 */
export async function checkSignature(
  input: { signature: string | undefined; json: unknown; partyId: string; at: string },
  policy: SignaturePolicy,
): Promise<VerifiedSignature | undefined> {
  if (input.signature !== undefined) {
    const verified = await verifyDeclarationSignature(
      { jws: input.signature, json: input.json, partyId: input.partyId, at: input.at },
      policy.keys,
    );
    return { jws: input.signature, ...verified };
  }
  if (policy.required) {
    throw new DomainError('BAD_REQUEST', 'Signature required', [
      problem(
        '',
        'SIGNATURE_REQUIRED',
        'this customs territory requires signed declarations: send a Signature header with a detached JWS over the RFC 8785 canonical JSON of the body',
      ),
    ]);
  }
  return undefined;
}

/**
 * The signature, archived next to the bytes it signs: the compact JWS with its payload detached,
 * the key id and algorithm, and what it covers (the RFC 8785 canonical JSON of the body, and the
 * SHA-256 of the bytes as submitted or amended).
 */
export async function archiveSignature(
  input: { declarationId: string; signed: VerifiedSignature; json: unknown; submittedSha256: string; amendment?: number | undefined },
  archive: DocumentArchive,
): Promise<DeclarationSignature> {
  const { declarationId, signed, json, submittedSha256, amendment } = input;
  const object = Buffer.from(
    canonicalize({
      declarationId,
      ...(amendment === undefined ? {} : { amendment }),
      kid: signed.kid,
      alg: signed.alg,
      jws: signed.jws,
      payload: `RFC 8785 canonical JSON of the ${amendment === undefined ? 'submitted' : 'amended'} bytes`,
      payloadSha256: sha256Hex(signedPayload(json)),
      submittedSha256,
    }) ?? '',
  );
  const objectSha256 = sha256Hex(object);
  const stored = await archive.put({
    key: archiveKeys.signature(declarationId, objectSha256),
    body: object,
    contentType: 'application/json',
    sha256: objectSha256,
  });
  return { kid: signed.kid, alg: signed.alg, archiveKey: stored.key, sha256: objectSha256 };
}

/** How a history event names the signature (empty when unsigned). */
export const signedWithDetail = (signature: DeclarationSignature | undefined): string =>
  signature ? `, signed with key ${signature.kid} (${signature.alg})` : '';
