/**
 * Traders' signing keys: the public JWKs (RFC 7517) a trader registers for its party, against
 * which a declaration's detached JWS is verified at intake. Only zod here: the route table (and
 * the console) import these schemas; the cryptography is in `declaration-signature.ts`.
 */
import * as z from 'zod';

/** JWS algorithms accepted (RFC 7518 ES256 on P-256, RFC 8037 EdDSA on Ed25519); nothing else. */
export const signingAlgorithms = ['ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof signingAlgorithms)[number];

/**
 * What a `Signature` header must look like before anything decodes it: `<protected header>..<signature>`
 * (the signature may be empty, so that `alg: none` is refused by name, not as a malformed header).
 */
export const detachedJwsPattern = /^[A-Za-z0-9_-]{2,2048}\.\.[A-Za-z0-9_-]{0,1024}$/;

/** Key ids: safe in a URL path segment and a sort key; an RFC 7638 thumbprint (43 base64url characters) fits. */
export const kidSchema = z.string().regex(/^[A-Za-z0-9._~-]{1,128}$/, 'must be 1 to 128 characters A-Z a-z 0-9 . _ ~ -');

/** A 32-byte value (P-256 coordinate, Ed25519 public key) in base64url without padding. */
const coordinate = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in base64url (43 characters, no padding)');

/** The public members only: what is stored, shown, and hashed for the thumbprint. */
export const publicJwkSchema = z
  .discriminatedUnion('kty', [
    z.strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: coordinate, y: coordinate }),
    z.strictObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: coordinate }),
  ])
  .meta({ id: 'PublicJwk' });
export type PublicJwk = z.infer<typeof publicJwkSchema>;

/** The algorithm a key type verifies. */
export const algorithmOf = (jwk: PublicJwk): SigningAlgorithm => (jwk.kty === 'EC' ? 'ES256' : 'EdDSA');

/** What a trader sends: a public JWK, optionally with its kid, alg, use and key_ops. */
export const registerSigningKeyInputSchema = z
  .strictObject({
    jwk: z
      .strictObject({
        kty: z.enum(['EC', 'OKP']),
        crv: z.enum(['P-256', 'Ed25519']),
        x: coordinate,
        y: coordinate.optional(),
        kid: kidSchema.optional(),
        alg: z.enum(signingAlgorithms).optional(),
        use: z.literal('sig').optional(),
        key_ops: z.array(z.literal('verify')).optional(),
      })
      .meta({ description: 'A public JWK: EC P-256 (ES256) or OKP Ed25519 (EdDSA); without kid, the RFC 7638 thumbprint is its kid' }),
  })
  .meta({ id: 'SigningKeyRegistration' });
export type RegisterSigningKeyInput = z.infer<typeof registerSigningKeyInputSchema>;

/** A key as stored under its party (never deleted: a revoked key still verifies what it signed before). */
export const signingKeySchema = z.object({
  partyId: z.string(),
  kid: kidSchema,
  alg: z.enum(signingAlgorithms),
  jwk: publicJwkSchema,
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of `jwk`. */
  thumbprint: z.string(),
  registeredAt: z.string(),
  /** The subject of the token that registered it. */
  registeredBy: z.string(),
  revokedAt: z.string().optional(),
  revokedBy: z.string().optional(),
});
export type SigningKey = z.infer<typeof signingKeySchema>;

export const signingKeyViewSchema = z
  .object({
    kid: kidSchema,
    alg: z.enum(signingAlgorithms),
    jwk: publicJwkSchema,
    thumbprint: z.string().meta({ description: 'RFC 7638 JWK thumbprint (SHA-256, base64url)' }),
    status: z.enum(['ACTIVE', 'REVOKED']),
    registeredAt: z.string(),
    revokedAt: z
      .string()
      .nullable()
      .meta({ description: 'Signatures made with the key from then on are refused; earlier ones stay on record' }),
  })
  .meta({ id: 'SigningKey' });
export type SigningKeyView = z.infer<typeof signingKeyViewSchema>;

export const signingKeyListSchema = z.object({ items: z.array(signingKeyViewSchema) }).meta({ id: 'SigningKeyList' });

/** Whether a key verified signatures at a moment: registered by then and not yet revoked. */
export const validAt = (key: SigningKey, at: string): boolean =>
  key.registeredAt <= at && (key.revokedAt === undefined || key.revokedAt > at);

export const toSigningKeyView = (key: SigningKey): SigningKeyView => ({
  kid: key.kid,
  alg: key.alg,
  jwk: key.jwk,
  thumbprint: key.thumbprint,
  status: key.revokedAt === undefined ? 'ACTIVE' : 'REVOKED',
  registeredAt: key.registeredAt,
  revokedAt: key.revokedAt ?? null,
});

/** How a declaration's signature is kept on its record: the key, and the archived JWS. */
export const declarationSignatureSchema = z
  .object({
    kid: kidSchema,
    alg: z.enum(signingAlgorithms),
    /** The archive object holding the compact JWS, the kid and what it signs. */
    archiveKey: z.string(),
    /** Hex SHA-256 of that archive object. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .meta({ id: 'DeclarationSignature' });
export type DeclarationSignature = z.infer<typeof declarationSignatureSchema>;
