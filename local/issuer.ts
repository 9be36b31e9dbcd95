/**
 * The local token issuer and the JWT check of the local gateway.
 *
 * The issuer (RS256 via node:crypto, synchronous) mimics a Cognito user pool closely enough for the API: RS256 keys published as a JWKS,
 * ID-token-shaped JWTs (`token_use: 'id'`, `cognito:groups`, `custom:party_id`, `custom:agency_id`). The check mirrors
 * API Gateway's JWT authorizer: signature against the issuer's JWKS, `iss`, `aud` (or `client_id`),
 * `exp`, `nbf`, `iat`. It never exists in the deployed stack.
 */
import { createHash, createPrivateKey, generateKeyPairSync, type JsonWebKey, randomUUID, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWK, type JWTPayload, jwtVerify } from 'jose';
import { type Role, resolveIdentity } from './demo-users.ts';

/** The audience (app client id) of every local token; the gateway accepts only this one. */
export const LOCAL_CLIENT_ID = 'customs-local-client';
export const TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;
const ALGORITHM = 'RS256';

export interface MintTokenInput {
  role: Role;
  /** EORI of the trader's company (`custom:party_id`). */
  party?: string;
  /** The partner agency of an agency user (`custom:agency_id`). */
  agency?: string;
  /** Subject; defaults to the demo user's, or a stable one derived from role and party. */
  sub?: string;
}

/** Knobs for tests that need tokens the gateway must refuse. */
export interface TokenOverrides {
  audience?: string;
  issuer?: string;
  /** Lifetime; negative gives an already expired token. */
  expiresInSeconds?: number;
  /** Seconds from now before which the token is not valid (`nbf`). */
  notBeforeInSeconds?: number;
  /** Extra or replaced claims. */
  claims?: Record<string, unknown>;
}

export interface LocalIssuer {
  issuer: string;
  audience: string;
  jwks: JSONWebKeySet;
  /** Synchronous, so tests can write `cloud.mintToken({ role: 'trader', party })` inline. */
  mint(input: MintTokenInput, overrides?: TokenOverrides): string;
  /** Verifies a token as API Gateway's JWT authorizer would; rejects with AuthorizationError. */
  verify(token: string): Promise<JWTPayload>;
}

export class AuthorizationError extends Error {
  override name = 'AuthorizationError';
}

interface StoredKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function createIssuer(options: { issuer: string; keysDirectory: string | undefined }): Promise<LocalIssuer> {
  const { privateJwk, publicJwk } = loadOrCreateKey(options.keysDirectory);
  const privateKey = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  const jwks: JSONWebKeySet = { keys: [publicJwk] };
  const keySet = createLocalJWKSet(jwks);
  const kid = publicJwk.kid ?? '';

  return {
    issuer: options.issuer,
    audience: LOCAL_CLIENT_ID,
    jwks,
    mint: (input, overrides = {}) => {
      const identity = resolveIdentity(input.role, input.party, input.sub, input.agency);
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        sub: identity.sub,
        'cognito:groups': [identity.role],
        iss: overrides.issuer ?? options.issuer,
        'cognito:username': identity.username,
        ...(identity.email ? { email: identity.email, email_verified: true } : {}),
        ...(identity.party ? { 'custom:party_id': identity.party } : {}),
        ...(identity.agency ? { 'custom:agency_id': identity.agency } : {}),
        origin_jti: randomUUID(),
        aud: overrides.audience ?? LOCAL_CLIENT_ID,
        event_id: randomUUID(),
        token_use: 'id',
        auth_time: now,
        ...(overrides.notBeforeInSeconds !== undefined ? { nbf: now + overrides.notBeforeInSeconds } : {}),
        exp: now + (overrides.expiresInSeconds ?? TOKEN_LIFETIME_SECONDS),
        iat: now,
        jti: randomUUID(),
        ...overrides.claims,
      };
      const header = { kid, alg: ALGORITHM, typ: 'JWT' };
      const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
      // RS256 = RSASSA-PKCS1-v1_5 with SHA-256, node's default padding for RSA keys.
      const signature = sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url');
      return `${signingInput}.${signature}`;
    },
    verify: async (token) => {
      let payload: JWTPayload;
      try {
        // API Gateway's JWT authorizer requires exp (and checks nbf and iat when present).
        ({ payload } = await jwtVerify(token, keySet, { issuer: options.issuer, algorithms: [ALGORITHM], requiredClaims: ['exp'] }));
      } catch (error) {
        throw new AuthorizationError(describeJoseError(error));
      }
      // API Gateway: "aud or client_id must match one of the audience entries".
      const audiences = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      const clientId = payload.client_id;
      const audienceOk = audiences.length > 0 ? audiences.includes(LOCAL_CLIENT_ID) : clientId === LOCAL_CLIENT_ID;
      if (!audienceOk) throw new AuthorizationError('the token does not have a valid audience');
      if (typeof payload.iat === 'number' && payload.iat > Math.floor(Date.now() / 1000)) {
        throw new AuthorizationError('the token was issued in the future');
      }
      return payload;
    },
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `invalid claim: ${error.claim} (${error.reason})`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no matching key in the JWKS';
  if (error instanceof Error) return `malformed token: ${error.message}`;
  return 'malformed token';
}

function loadOrCreateKey(directory: string | undefined): StoredKey {
  const file = directory ? path.join(directory, 'signing-key.jwk.json') : undefined;
  if (file && existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
    if (stored.privateJwk?.kty === 'RSA' && stored.publicJwk?.kid) return stored;
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
  // RFC 7638 thumbprint as key id, as Cognito-like issuers use a stable kid per key.
  const kid = createHash('sha256')
    .update(JSON.stringify({ e: publicJwk.e, kty: 'RSA', n: publicJwk.n }))
    .digest('base64url');
  const key: StoredKey = {
    privateJwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg: ALGORITHM, use: 'sig' },
    publicJwk: { kty: 'RSA', e: publicJwk.e, n: publicJwk.n, kid, alg: ALGORITHM, use: 'sig' },
  };
  if (directory && file) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
  }
  return key;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

/**
 * Claims as API Gateway's JWT authorizer hands them to the integration: every value a string.
 * Arrays become "[a b]" (Go-style, space-separated inside brackets), objects "map[k:v]".
 */
export function flattenClaims(payload: JWTPayload): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined) continue;
    flat[name] = flattenValue(value);
  }
  return flat;
}

function flattenValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return '';
  if (Array.isArray(value)) return `[${value.map(flattenValue).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([key, inner]) => `${key}:${flattenValue(inner)}`).join(' ')}]`;
  }
  return String(value);
}
