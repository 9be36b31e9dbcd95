/** In-memory signing keys; the contract suite holds them to what the DynamoDB adapter does. */
import type { SigningKey } from '#shared/domain/signing-keys.ts';
import type { SigningKeyStore } from '#shared/ports/signing-keys.ts';

export class InMemorySigningKeyStore implements SigningKeyStore {
  readonly #keys = new Map<string, SigningKey>();

  async register(key: SigningKey): Promise<boolean> {
    const id = `${key.partyId}#${key.kid}`;
    if (this.#keys.has(id)) return false;
    this.#keys.set(id, structuredClone(key));
    return true;
  }

  async get(partyId: string, kid: string): Promise<SigningKey | undefined> {
    const key = this.#keys.get(`${partyId}#${kid}`);
    return key ? structuredClone(key) : undefined;
  }

  async list(partyId: string): Promise<SigningKey[]> {
    return [...this.#keys.values()]
      .filter((key) => key.partyId === partyId)
      .sort((a, b) => (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0))
      .map((key) => structuredClone(key));
  }

  async revoke(partyId: string, kid: string, at: string, by: string): Promise<SigningKey | undefined> {
    const key = this.#keys.get(`${partyId}#${kid}`);
    if (!key) return undefined;
    if (key.revokedAt === undefined) Object.assign(key, { revokedAt: at, revokedBy: by });
    return structuredClone(key);
  }
}
