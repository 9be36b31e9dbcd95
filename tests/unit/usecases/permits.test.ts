/**
 * Permits on the fakes (docs/single-window.md): which goods need one (the demo rules), the
 * agency's decision, validation of what a declaration cites, and the release stage's drawing,
 * once per declaration; a declaration rejected by an officer or cancelled after the drawing gives
 * the quantity back, once.
 */
import { describe, expect, it } from 'vitest';
import { demoPermitRules, plantHealthAgency } from '#demo/permit-rules-seed.ts';
import type { Principal } from '#shared/domain/auth.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { permitRulesSchema, rulesForItem } from '#shared/domain/permits.ts';
import { InMemoryNotificationQueue } from '#shared/ports/fakes/notification-queue.ts';
import { cancelDeclaration } from '#shared/usecases/cancel-declaration.ts';
import { applyForPermit, decidePermit, getPermit } from '#shared/usecases/manage-permits.ts';
import { claimDeclaration, decideOnDeclaration } from '#shared/usecases/review-decisions.ts';
import { newParty, validImport } from '#tests/integration/support.ts';
import { demoReferenceDocuments, fakePlatform, loadDocument, trustedTrader } from '#tests/support/fake-platform.ts';
import { daysFrom, tomatoes, tomatoesApplication, tomatoesWithFerroSilicon } from '#tests/support/permits.ts';
import { refusal } from '#tests/support/scenarios.ts';

const rules = permitRulesSchema.parse(demoPermitRules);
const agency: Principal = { subject: 'inspector-1', roles: ['agency'], partyId: undefined, agencyId: plantHealthAgency };
const otherAgency: Principal = { subject: 'cites-1', roles: ['agency'], partyId: undefined, agencyId: 'GB-CITES' };
const trader = (party: string): Principal => ({ subject: `trader-${party}`, roles: ['trader'], partyId: party });

/** The fake platform with the demo permit rules loaded. */
async function platformWithRules() {
  const documents = await demoReferenceDocuments();
  await loadDocument(documents, 'permitRules', rules);
  const platform = await fakePlatform({ documents });
  const permitDeps = {
    permits: platform.permits,
    rules: async () => rules,
    clock: platform.clock,
    notifications: new InMemoryNotificationQueue(),
  };
  /** A permit of the party's for 100 kg of tomatoes, approved for 30 days from today. */
  async function approvedPermit(party: string, value = '100') {
    const applied = await applyForPermit({ principal: trader(party), input: tomatoesApplication() }, permitDeps);
    const today = platform.clock.now().toISOString().slice(0, 10);
    await decidePermit(
      {
        principal: agency,
        id: applied.id,
        input: { decision: 'APPROVE', quantity: { value, unit: 'KGM' }, validFrom: today, validUntil: daysFrom(today, 29) },
      },
      permitDeps,
    );
    return applied.id;
  }
  return { ...platform, permitDeps, approvedPermit };
}

describe('permit rules', () => {
  it.each([
    ['0702000007', 'MA', ['PLANT_HEALTH']],
    ['0603110000', 'KE', ['PLANT_HEALTH']],
    // Bananas are exempt (2019/2072 Annex XI Part C); goods of GB are not imported.
    ['0803901000', 'CO', []],
    ['0702000007', 'GB', []],
    ['0106200000', 'ID', ['CITES']],
    ['8510900000', 'CN', []],
  ])('%s from %s needs %j', (commodityCode, origin, expected) => {
    // Prepare
    const declaration = validImport() as Parameters<typeof rulesForItem>[0];
    const item = { ...declaration.items[0]!, commodityCode, origin };

    // Act
    const types = rulesForItem(declaration, item, rules).map((rule) => rule.permitType);

    // Assess
    expect(types).toEqual(expected);
  });

  it('refuses rules that name a permit type or agency they do not define', () => {
    // Prepare
    const broken = { ...demoPermitRules, rules: [{ ...demoPermitRules.rules[0]!, permitType: 'NO_SUCH_TYPE' }] };

    // Act
    const parsed = permitRulesSchema.safeParse(broken);

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('/'))).toEqual(['rules/0/permitType']);
  });
});

describe('agency decisions', () => {
  it('sends an application to the agency of its type; only that agency decides, once', async () => {
    // Prepare
    const platform = await platformWithRules();
    const party = newParty();
    const applied = await applyForPermit({ principal: trader(party), input: tomatoesApplication() }, platform.permitDeps);
    const approve = {
      decision: 'APPROVE' as const,
      quantity: { value: '80', unit: 'KGM' },
      validFrom: '2026-11-27',
      validUntil: '2026-12-26',
      conditions: 'inspection at the border control post',
    };

    // Act
    const byOther = await refusal(decidePermit({ principal: otherAgency, id: applied.id, input: approve }, platform.permitDeps));
    const tooMuch = await refusal(
      decidePermit(
        { principal: agency, id: applied.id, input: { ...approve, quantity: { value: '100.5', unit: 'KGM' } } },
        platform.permitDeps,
      ),
    );
    const tooLong = await refusal(
      decidePermit({ principal: agency, id: applied.id, input: { ...approve, validUntil: '2027-06-01' } }, platform.permitDeps),
    );
    const approved = await decidePermit({ principal: agency, id: applied.id, input: approve }, platform.permitDeps);
    const again = await refusal(
      decidePermit({ principal: agency, id: applied.id, input: { decision: 'REFUSE', reason: 'changed my mind' } }, platform.permitDeps),
    );

    // Assess
    expect(applied).toMatchObject({ agencyId: plantHealthAgency, holderId: party, status: 'APPLIED' });
    expect(byOther).toMatchObject({ kind: 'NOT_FOUND', code: 'PERMIT_NOT_FOUND' });
    expect(tooMuch).toMatchObject({ kind: 'UNPROCESSABLE', code: 'PERMIT_QUANTITY_ABOVE_APPLIED', pointer: '/quantity/value' });
    expect(tooLong).toMatchObject({ kind: 'UNPROCESSABLE', code: 'PERMIT_VALIDITY_TOO_LONG', pointer: '/validUntil' });
    expect(approved).toMatchObject({
      status: 'APPROVED',
      granted: { value: '80', unit: 'KGM' },
      remaining: '80',
      decidedBy: 'inspector-1',
    });
    expect(again).toMatchObject({ kind: 'CONFLICT', code: 'PERMIT_ALREADY_DECIDED' });
    expect(await refusal(getPermit({ principal: trader(newParty()), id: applied.id }, platform.permitDeps))).toMatchObject({
      kind: 'NOT_FOUND',
    });
  });
});

describe('permits in the pipeline', () => {
  it('rejects a plant-health declaration without a permit, pointing at the item documents', async () => {
    // Prepare
    const platform = await platformWithRules();
    const id = await platform.submit(platform.declaration(newParty(), tomatoes()));

    // Act
    await platform.runThrough('release');

    // Assess
    const record = await platform.record(id);
    expect(record.status).toBe('REJECTED');
    expect(record.validation?.problems).toEqual([
      expect.objectContaining({ pointer: '/items/0/documents', code: 'PERMIT_REQUIRED', message: expect.stringContaining('N851') }),
    ]);
  });

  it.each([
    ['expired', 40, 'PERMIT_EXPIRED'],
    ['of another party', 0, 'PERMIT_NOT_FOUND'],
  ] as const)('rejects a declaration citing a permit %s', async (_case, daysLater, code) => {
    // Prepare
    const platform = await platformWithRules();
    const party = newParty();
    const holder = code === 'PERMIT_NOT_FOUND' ? newParty() : party;
    const permitId = await platform.approvedPermit(holder);
    platform.clock.advance(daysLater * 86_400_000);
    const id = await platform.submit(platform.declaration(party, tomatoes(permitId)));

    // Act
    await platform.runThrough('release');

    // Assess
    const record = await platform.record(id);
    expect(record.status).toBe('REJECTED');
    expect(record.validation?.problems).toEqual([expect.objectContaining({ pointer: '/items/0/documents/1/ref', code })]);
  });

  it('draws the declared quantity at release, once however often the release message comes', async () => {
    // Prepare
    const platform = await platformWithRules();
    const party = newParty();
    const permitId = await platform.approvedPermit(party);
    const id = await platform.submit(platform.declaration(party, tomatoes(permitId)));
    await platform.runThrough('duty');
    const [message] = [...platform.queues.release.sent];

    // Act: an earlier delivery drew and stopped before moving the declaration; then two more deliveries.
    await platform.permits.draw(permitId, id, '7.5', platform.clock.now().toISOString());
    await platform.deliver('release');
    await platform.queues.release.send(message!);
    await platform.deliver('release');

    // Assess
    const record = await platform.record(id);
    expect(record.permits).toEqual([expect.objectContaining({ permitId, agencyId: plantHealthAgency, quantity: '7.5', unit: 'KGM' })]);
    expect(record.permitsDrawnAt).toBeDefined();
    expect(['RELEASED', 'UNDER_REVIEW', 'AWAITING_PAYMENT']).toContain(record.status);
    const permit = await getPermit({ principal: agency, id: permitId }, platform.permitDeps);
    expect(permit.remaining).toBe('92.5');
    expect(permit.draws).toEqual([expect.objectContaining({ declarationId: id, quantity: '7.5' })]);
  });

  it('draws nothing for a declaration cancelled before its release stage', async () => {
    // Prepare
    const platform = await platformWithRules();
    const party = newParty();
    const permitId = await platform.approvedPermit(party);
    const id = await platform.submit(platform.declaration(party, tomatoes(permitId)));
    await platform.runThrough('duty');

    // Act
    await cancelDeclaration({ principal: trader(party), id, reason: 'consignment lost' }, platform.deps.cancel);
    await platform.deliver('release');

    // Assess
    expect((await platform.record(id)).status).toBe('CANCELLED');
    expect(await platform.permits.get(permitId)).toMatchObject({ remaining: '100' });
    expect(await platform.permits.draws(permitId)).toEqual([]);
  });

  it('rejects at release, drawing nothing, a declaration whose permit was drawn down since validation', async () => {
    // Prepare
    const platform = await platformWithRules();
    const party = newParty();
    const permitId = await platform.approvedPermit(party, '10');
    const first = await platform.submit(platform.declaration(party, tomatoes(permitId)));
    const second = await platform.submit(platform.declaration(party, tomatoes(permitId)));

    // Act: both validated while 10 kg remain; 7.5 kg each cannot both be drawn.
    await platform.runThrough('release');

    // Assess
    const statuses = [(await platform.record(first)).status, (await platform.record(second)).status];
    expect(statuses.filter((status) => status === 'REJECTED')).toHaveLength(1);
    const rejected = await platform.record(statuses[0] === 'REJECTED' ? first : second);
    expect(rejected.validation?.problems).toEqual([
      expect.objectContaining({ code: 'PERMIT_QUANTITY_INSUFFICIENT', pointer: '/items/0/documents/1/ref' }),
    ]);
    expect(rejected.duties).toBeUndefined();
    expect(await platform.permits.get(permitId)).toMatchObject({ remaining: '2.5' });
  });
});

describe('permit quantities given back', () => {
  const officer: Principal = { subject: 'officer-permits', roles: ['officer'], partyId: undefined };

  it('gives back what a declaration drew when an officer rejects it, once however often the rejection is repeated', async () => {
    // Prepare: drawn at the release stage, then under review
    const platform = await platformWithRules();
    const party = newParty();
    const permitId = await platform.approvedPermit(party);
    const id = await platform.submit(platform.declaration(party, tomatoesWithFerroSilicon(permitId)));
    await platform.runThrough('release');
    const drawn = await platform.permits.get(permitId);
    await claimDeclaration({ principal: officer, id }, platform.deps.review);
    const reject = { action: 'REJECT', message: 'Goods not as declared' } as const;

    // Act: rejected, the same rejection again, and what another declaration then draws
    await decideOnDeclaration({ principal: officer, id, expectedVersion: undefined, decision: reject }, platform.deps.review);
    const afterRejection = await platform.permits.get(permitId);
    const other = await platform.submit(platform.declaration(party, tomatoes(permitId)));
    await platform.runThrough('release');
    await decideOnDeclaration({ principal: officer, id, expectedVersion: undefined, decision: reject }, platform.deps.review);

    // Assess
    expect((await platform.record(id)).permitsDrawnAt).toBeDefined();
    expect(drawn?.remaining).toBe('92.5');
    expect((await platform.record(id)).status).toBe('REJECTED');
    expect(afterRejection?.remaining).toBe('100');
    expect((await platform.record(other)).permitsDrawnAt).toBeDefined();
    expect((await platform.permits.get(permitId))?.remaining).toBe('92.5');
    expect((await platform.permits.draws(permitId)).map((draw) => draw.declarationId)).toEqual([other]);
  });

  it.each([
    ['under review', (permitId: string) => tomatoesWithFerroSilicon(permitId), 'UNDER_REVIEW'],
    [
      'awaiting payment',
      (permitId: string) => (d: DeclarationInput) => {
        tomatoes(permitId)(d);
        d.payment = { method: 'H' };
      },
      'AWAITING_PAYMENT',
    ],
  ] as const)('gives back what a declaration %s drew when its trader cancels it, once', async (_, goods, status) => {
    // Prepare: the trusted trader's declaration (GREEN unless its goods are selected), drawn at the release stage
    const platform = await platformWithRules();
    const permitId = await platform.approvedPermit(trustedTrader);
    const id = await platform.submit(platform.declaration(trustedTrader, goods(permitId)));
    await platform.runThrough('release');
    const before = await platform.record(id);
    const drawn = await platform.permits.get(permitId);
    const cancel = { principal: trader(trustedTrader), id, reason: 'consignment lost' };

    // Act: cancelled, then the same cancellation again
    await cancelDeclaration(cancel, platform.deps.cancel);
    const afterCancellation = await platform.permits.get(permitId);
    await cancelDeclaration(cancel, platform.deps.cancel);

    // Assess
    expect(before.status).toBe(status);
    expect(before.permitsDrawnAt).toBeDefined();
    expect(drawn?.remaining).toBe('92.5');
    expect((await platform.record(id)).status).toBe('CANCELLED');
    expect(afterCancellation?.remaining).toBe('100');
    expect((await platform.permits.get(permitId))?.remaining).toBe('100');
    expect(await platform.permits.draws(permitId)).toEqual([]);
  });
});
