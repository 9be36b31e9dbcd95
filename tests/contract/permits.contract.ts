/**
 * What every PermitStore must do: run against the in-memory fake (fakes.test.ts) and the DynamoDB
 * adapter on the local cloud (adapters.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { newDeclarationId, newPermitId } from '#shared/domain/ids.ts';
import type { Permit } from '#shared/domain/permits.ts';
import type { PermitStore } from '#shared/ports/permits.ts';
import { Dec, plain } from '#shared/tariff/money.ts';
import { newParty } from '#tests/integration/support.ts';

const at = '2026-11-27T10:00:00.000Z';

function application(agencyId = `GB-T${Math.floor(Math.random() * 1e9)}`): Permit {
  return {
    id: newPermitId(new Date(at)),
    agencyId,
    permitType: 'PLANT_HEALTH',
    holderId: newParty(),
    commodityCode: '0702',
    origin: 'MA',
    description: 'Fresh tomatoes',
    requested: { value: '100', unit: 'KGM' },
    status: 'APPLIED',
    appliedAt: at,
    appliedBy: 'trader-1',
  };
}

const approved = (permit: Permit, value: string): Permit => ({
  ...permit,
  status: 'APPROVED',
  decidedAt: at,
  decidedBy: 'inspector-1',
  granted: { value, unit: 'KGM' },
  remaining: value,
  validFrom: '2026-11-27',
  validUntil: '2026-12-26',
});

export function permitStoreContract(name: string, subject: { permits: () => PermitStore }) {
  describe(`PermitStore contract: ${name}`, () => {
    it('stores an application once, lists it under its agency and its holder, and takes one decision', async () => {
      // Prepare
      const permits = subject.permits();
      const permit = application();

      // Act
      const created = [await permits.create(permit), await permits.create(permit)];
      const decided = [
        await permits.decide(approved(permit, '80')),
        await permits.decide({ ...permit, status: 'REFUSED', refusalReason: 'no' }),
      ];

      // Assess
      expect(created).toEqual([true, false]);
      expect(decided).toEqual([true, false]);
      expect(await permits.get(permit.id)).toEqual(approved(permit, '80'));
      expect(await permits.listByAgency(permit.agencyId)).toEqual([approved(permit, '80')]);
      expect(await permits.listByHolder(permit.holderId)).toEqual([approved(permit, '80')]);
      expect(await permits.get(newPermitId(new Date()))).toBeUndefined();
    });

    it('draws exact decimals once per declaration, and gives a drawing back once', async () => {
      // Prepare
      const permits = subject.permits();
      const permit = application();
      await permits.create(permit);
      await permits.decide(approved(permit, '10.25'));
      const declaration = newDeclarationId(new Date());

      // Act
      const outcomes = [
        await permits.draw(permit.id, declaration, '7.125', at),
        await permits.draw(permit.id, declaration, '7.125', at),
        await permits.draw(permit.id, newDeclarationId(new Date()), '3.2', at),
      ];
      const remainingAfterDraws = (await permits.get(permit.id))?.remaining;
      const givenBack = [await permits.giveBack(permit.id, declaration, '7.125'), await permits.giveBack(permit.id, declaration, '7.125')];

      // Assess
      expect(outcomes).toEqual(['drawn', 'already', 'insufficient']);
      expect(remainingAfterDraws).toBe('3.125');
      expect(givenBack).toEqual([true, false]);
      expect((await permits.get(permit.id))?.remaining).toBe('10.25');
      expect(await permits.draws(permit.id)).toEqual([]);
    });

    it('never overdraws a permit under 20 declarations drawing at once', async () => {
      // Prepare
      const permits = subject.permits();
      const permit = application();
      await permits.create(permit);
      await permits.decide(approved(permit, '100'));
      const declarations = Array.from({ length: 20 }, () => newDeclarationId(new Date()));

      // Act
      const outcomes = await Promise.all(declarations.map((id) => permits.draw(permit.id, id, '7.5', at)));

      // Assess: 13 x 7.5 = 97.5 fit in 100, a 14th does not.
      const draws = await permits.draws(permit.id);
      const drawnSum = draws.reduce((sum, draw) => sum.plus(draw.quantity), new Dec(0));
      expect(outcomes.filter((outcome) => outcome === 'drawn')).toHaveLength(13);
      expect(draws).toHaveLength(13);
      expect(plain(drawnSum)).toBe('97.5');
      expect((await permits.get(permit.id))?.remaining).toBe('2.5');
    });

    it('draws nothing from a permit not approved', async () => {
      // Prepare
      const permits = subject.permits();
      const permit = application();
      await permits.create(permit);

      // Act
      const outcome = await permits.draw(permit.id, newDeclarationId(new Date()), '1', at);

      // Assess
      expect(outcome).toBe('insufficient');
      expect(await permits.draws(permit.id)).toEqual([]);
    });
  });
}
