/**
 * What every SigningKeyStore must do: run against the in-memory fake (fakes.test.ts) and the
 * DynamoDB adapter on the local cloud (adapters.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { SigningKey } from '#shared/domain/signing-keys.ts';
import type { SigningKeyStore } from '#shared/ports/signing-keys.ts';
import { newParty } from '#tests/integration/support.ts';

const keyOf = (partyId: string, kid: string): SigningKey => ({
  partyId,
  kid,
  alg: 'EdDSA',
  jwk: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
  thumbprint: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
  registeredAt: '2026-11-27T10:00:00.000Z',
  registeredBy: 'trader-1',
});

export function signingKeyStoreContract(name: string, subject: { keys: () => SigningKeyStore }) {
  describe(`SigningKeyStore contract: ${name}`, () => {
    it('registers a kid once per party, reads it back, and lists only the party’s keys in kid order', async () => {
      // Prepare
      const keys = subject.keys();
      const party = newParty();
      const other = newParty();

      // Act
      const first = await keys.register(keyOf(party, 'b'));
      const again = await keys.register({ ...keyOf(party, 'b'), registeredBy: 'someone-else' });
      await keys.register(keyOf(party, 'a'));
      await keys.register(keyOf(other, 'c'));

      // Assess
      expect([first, again]).toEqual([true, false]);
      expect(await keys.get(party, 'b')).toEqual(keyOf(party, 'b'));
      expect(await keys.get(party, 'c')).toBeUndefined();
      expect((await keys.list(party)).map((key) => key.kid)).toEqual(['a', 'b']);
    });

    it('revokes once: the first revocation stands, the key stays; a missing key is undefined', async () => {
      // Prepare
      const keys = subject.keys();
      const party = newParty();
      await keys.register(keyOf(party, 'k'));

      // Act
      const revoked = await keys.revoke(party, 'k', '2026-11-28T00:00:00.000Z', 'trader-1');
      const again = await keys.revoke(party, 'k', '2026-11-29T00:00:00.000Z', 'trader-2');
      const missing = await keys.revoke(party, 'nope', '2026-11-29T00:00:00.000Z', 'trader-2');

      // Assess
      const expected = { ...keyOf(party, 'k'), revokedAt: '2026-11-28T00:00:00.000Z', revokedBy: 'trader-1' };
      expect(revoked).toEqual(expected);
      expect(again).toEqual(expected);
      expect(missing).toBeUndefined();
      expect(await keys.list(party)).toEqual([expected]);
    });
  });
}
