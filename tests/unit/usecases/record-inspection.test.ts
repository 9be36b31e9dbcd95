/**
 * Inspections (shared/usecases/record-inspection.ts) on the fakes, with the real GB tariff pack:
 * corrections re-assess with the tariff in force at acceptance, the difference per tax type to
 * the penny against a hand-worked example, compliance history and profile effectiveness counted
 * once, findings kept from the trader, and the refusals.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth.ts';
import type { InspectionRequest } from '#shared/domain/inspection.ts';
import { getDeclaration, listDeclarations } from '#shared/usecases/read-declarations.ts';
import { recordInspection } from '#shared/usecases/record-inspection.ts';
import { claimDeclaration } from '#shared/usecases/review-decisions.ts';
import { selectingProfiles } from '#shared/usecases/score-risk.ts';
import { newParty } from '#tests/integration/support.ts';
import { fakePlatform } from '#tests/support/fake-platform.ts';
import { ferroSiliconCif, refusal } from '#tests/support/scenarios.ts';

const officerA: Principal = { subject: 'officer-a', roles: ['officer'], partyId: undefined };
const officerB: Principal = { subject: 'officer-b', roles: ['officer'], partyId: undefined };

async function underReview() {
  const platform = await fakePlatform();
  const party = newParty();
  const id = await platform.submit(platform.declaration(party, ferroSiliconCif));
  await platform.runThrough('release');
  const deps = {
    ...platform.deps.review,
    tariff: platform.deps.duty.tariff,
    region: platform.deps.duty.region,
    traders: platform.traders,
    profiles: platform.profiles,
  };
  return { ...platform, party, id, deps };
}

describe('recordInspection', () => {
  it('re-assesses corrected items with the tariff in force at acceptance: the difference per tax type to the penny', async () => {
    // Prepare: the officer finds shaver parts (8510 90 00 00, 2 % from China) worth 6,213.37
    const { id, deps, record, party, repository } = await underReview();
    const original = await record(id);

    // Act
    const view = await recordInspection(
      {
        principal: officerA,
        id,
        expectedVersion: original.version,
        inspection: {
          result: 'DISCREPANCY',
          findings: 'crates hold shaver parts, not ferro-silicon; invoice found in the container',
          corrections: [{ itemIndex: 0, commodityCode: '8510900000', invoiceAmount: '6213.37' }],
        },
      },
      deps,
    );
    const traderView = await getDeclaration({ principal: { subject: 't', roles: ['trader'], partyId: party }, id }, { repository });

    // Assess. By hand (customs value = invoice amount: GBP, CIF):
    //   A00 duty 2 % x 6,213.37 = 124.2674 -> 124.27 (was 0.00):           +124.27
    //   B00 VAT 20 % x (6,213.37 + 124.27 = 6,337.64) = 1,267.528 -> 1,267.53 (was 1,000.00): +267.53
    //   total: the rounded sum of the unrounded lines, 124.2674 + 1,267.52748 = 1,391.79488
    //          -> 1,391.79 (was 1,000.00): +391.79 (one penny under the sum of the rounded differences)
    expect(original.assessment?.totals).toMatchObject({ byTaxType: { A00: '0.00', B00: '1000.00' }, total: '1000.00' });
    expect(view.reassessment?.totals).toMatchObject({ byTaxType: { A00: '124.27', B00: '1267.53' }, total: '1391.79' });
    expect(view.inspection?.difference).toEqual({
      byTaxType: { A00: '124.27', B00: '267.53' },
      total: '391.79',
      outcome: 'ADDITIONAL_AMOUNT_DUE',
    });
    expect(view.assessment).toEqual(original.assessment); // the original stays
    // Inspected, then the difference booked on the declared deferment account (docs/revenue.md).
    expect(view).toMatchObject({ status: 'UNDER_REVIEW', version: original.version + 2 });
    expect(view.duties?.charges.at(-1)).toMatchObject({ amount: '391.79', status: 'SECURED', account: { kind: 'CHARGE' } });
    expect(traderView.reassessment?.totals.total).toBe('1391.79');
    // Listings carry the lane and what is due now (the re-assessment's total), without reading each declaration.
    const listed = await listDeclarations({ principal: { subject: 't', roles: ['trader'], partyId: party }, limit: 10 }, { repository });
    expect(listed.items).toEqual([expect.objectContaining({ id, lane: 'RED', amountDue: { amount: '1391.79', currency: 'GBP' } })]);
    expect(traderView.inspection).toMatchObject({ result: 'DISCREPANCY', findings: null, officerId: null });
    expect(JSON.stringify(traderView)).not.toContain('invoice found in the container');
  });

  it("counts the inspection in the trader's history and each selecting profile's effectiveness, once", async () => {
    // Prepare
    const { id, deps, record, party, traders, profiles } = await underReview();
    const risk = (await record(id)).risk!;
    const [profile] = selectingProfiles(risk);
    const before = await profiles.effectiveness(profile!);
    const inspection: InspectionRequest = {
      result: 'DISCREPANCY',
      findings: 'undervalued',
      corrections: [{ itemIndex: 0, invoiceAmount: '6000.00' }],
    };

    // Act
    const first = await recordInspection({ principal: officerA, id, expectedVersion: undefined, inspection }, deps);
    const repeated = await recordInspection({ principal: officerA, id, expectedVersion: first.version - 2, inspection }, deps);

    // Assess
    expect(profile).toBeDefined();
    expect(before).toMatchObject({ selections: 1, inspections: 0, hits: 0 }); // counted when scored
    expect(await profiles.effectiveness(profile!)).toEqual({ selections: 1, inspections: 1, hits: 1 });
    expect(await traders.get(party)).toMatchObject({ inspections: 1, discrepancies: 1 });
    expect(repeated).toEqual(first);
  });

  it('records an inspection without discrepancy: nothing re-assessed, no hit', async () => {
    // Prepare
    const { id, deps, record, party, traders, profiles } = await underReview();
    const [profile] = selectingProfiles((await record(id)).risk!);

    // Act
    const view = await recordInspection(
      {
        principal: officerA,
        id,
        expectedVersion: undefined,
        inspection: { result: 'NO_DISCREPANCY', findings: 'as declared', corrections: [] },
      },
      deps,
    );

    // Assess
    expect(view.inspection).toMatchObject({ result: 'NO_DISCREPANCY', corrections: [] });
    expect(view.inspection).not.toHaveProperty('difference');
    expect(view.reassessment).toBeNull();
    expect(await traders.get(party)).toMatchObject({ inspections: 1, discrepancies: 0 });
    expect(await profiles.effectiveness(profile!)).toMatchObject({ inspections: 1, hits: 0 });
  });

  it('refuses a correction of an item the declaration does not have, a stale version, another officer and a finished declaration', async () => {
    // Prepare
    const { id, deps, record, submit, declaration, runThrough } = await underReview();
    const version = (await record(id)).version;
    const released = await submit(declaration(newParty()));
    await runThrough('release');
    const findings = { result: 'DISCREPANCY', findings: 'x' } as const;

    // Act
    const noItem = await refusal(
      recordInspection(
        { principal: officerA, id, expectedVersion: undefined, inspection: { ...findings, corrections: [{ itemIndex: 5, origin: 'VN' }] } },
        deps,
      ),
    );
    const stale = await refusal(
      recordInspection({ principal: officerA, id, expectedVersion: version - 1, inspection: { ...findings, corrections: [] } }, deps),
    );
    await claimDeclaration({ principal: officerB, id }, deps);
    const claimed = await refusal(
      recordInspection({ principal: officerA, id, expectedVersion: undefined, inspection: { ...findings, corrections: [] } }, deps),
    );
    const finished = await refusal(
      recordInspection(
        { principal: officerA, id: released, expectedVersion: undefined, inspection: { ...findings, corrections: [] } },
        deps,
      ),
    );

    // Assess
    expect(noItem).toMatchObject({ kind: 'BAD_REQUEST', code: 'ITEM_NOT_FOUND', pointer: '/corrections/0/itemIndex' });
    expect(stale).toMatchObject({ kind: 'PRECONDITION_FAILED', code: 'STALE_VERSION' });
    expect(claimed).toMatchObject({ kind: 'CONFLICT', code: 'CLAIMED_BY_ANOTHER_OFFICER' });
    expect(finished).toMatchObject({ kind: 'CONFLICT', code: 'NOT_REVIEWABLE' });
    expect((await record(id)).inspection).toBeUndefined();
  });
});
