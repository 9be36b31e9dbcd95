/** Traders' public signing keys, under their party (never deleted; revoked keys keep their time of revocation). */
import type { SigningKey } from '#shared/domain/signing-keys.ts';

export interface SigningKeyReader {
  get(partyId: string, kid: string): Promise<SigningKey | undefined>;
}

export interface SigningKeyStore extends SigningKeyReader {
  /** Stores a new key; false when the party has a key with this kid already (nothing changes). */
  register(key: SigningKey): Promise<boolean>;
  /** Every key of the party, active and revoked, in kid order. */
  list(partyId: string): Promise<SigningKey[]>;
  /**
   * Marks the key revoked at `at` unless it is revoked already (the first revocation stands);
   * the key as stored afterwards, or undefined when the party has no such key.
   */
  revoke(partyId: string, kid: string, at: string, by: string): Promise<SigningKey | undefined>;
}
