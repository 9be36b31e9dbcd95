/**
 * The officer's decisions (shared/usecases/review-decisions.ts) and the trader's cancel
 * (shared/usecases/cancel-declaration.ts) on the fakes: claims, each decision, the visibility of
 * notes, repeats, stale versions, another officer's claim, states that cannot be decided on.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth.ts';
import { cancelDeclaration } from '#shared/usecases/cancel-declaration.ts';
import { getDeclaration, listDeclarationEvents } from '#shared/usecases/read-declarations.ts';
import { claimDeclaration, decideOnDeclaration, releaseDeclarationClaim } from '#shared/usecases/review-decisions.ts';
import { listReviewQueue } from '#shared/usecases/review-queue.ts';
import { newParty } from '#tests/integration/support.ts';
import { fakePlatform, region } from '#tests/support/fake-platform.ts';
import { ferroSilicon, refusal } from '#tests/support/scenarios.ts';

const officerA: Principal = { subject: 'officer-a', roles: ['officer'], partyId: undefined };
const officerB: Principal = { subject: 'officer-b', roles: ['officer'], partyId: undefined };
const traderOf = (party: string): Principal => ({ subject: `trader-${party}`, roles: ['trader'], partyId: party });

/** A RED declaration waiting for an officer. */
async function underReview() {
  const platform = await fakePlatform();
  const party = newParty();
  const id = await platform.submit(platform.declaration(party, ferroSilicon));
  await platform.runThrough('release');
  const deps = platform.deps.review;
  return { ...platform, party, id, deps, cancelDeps: platform.deps.cancel };
}

describe('claims', () => {
  it('lets one officer at a time hold a declaration until the claim expires, and shows it in the queue', async () => {
    // Prepare
    const { id, deps, repository } = await underReview();

    // Act
    const claimed = await claimDeclaration({ principal: officerA, id }, deps);
    const blocked = await refusal(claimDeclaration({ principal: officerB, id }, deps));
    const queue = await listReviewQueue(
      { principal: officerB, limit: 10 },
      { repository, customsOffices: region.customsOffices, clock: deps.clock },
    );
    deps.clock.advance(31 * 60_000);
    const afterExpiry = await claimDeclaration({ principal: officerB, id }, deps);

    // Assess
    expect(claimed.claim).toMatchObject({ officerId: 'officer-a' });
    expect(Date.parse(claimed.claim!.until) - Date.parse(claimed.claim!.claimedAt)).toBe(30 * 60_000);
    expect(blocked).toMatchObject({ kind: 'CONFLICT', code: 'CLAIMED_BY_ANOTHER_OFFICER' });
    expect(blocked.message).toContain('officer-a');
    expect(queue.items.find((item) => item.id === id)?.claim?.officerId).toBe('officer-a');
    expect(afterExpiry.claim?.officerId).toBe('officer-b');
    expect(afterExpiry.version).toBe(claimed.version); // a claim is not a change of the declaration
  });

  it('releases only your own claim', async () => {
    // Prepare
    const { id, deps } = await underReview();
    await claimDeclaration({ principal: officerA, id }, deps);

    // Act
    const notYours = await refusal(releaseDeclarationClaim({ principal: officerB, id }, deps));
    await releaseDeclarationClaim({ principal: officerA, id }, deps);
    const nobody = await refusal(releaseDeclarationClaim({ principal: officerA, id }, deps));
    const taken = await claimDeclaration({ principal: officerB, id }, deps);

    // Assess
    expect(notYours).toMatchObject({ kind: 'CONFLICT', code: 'NOT_CLAIMED_BY_YOU' });
    expect(nobody).toMatchObject({ kind: 'CONFLICT', code: 'NOT_CLAIMED_BY_YOU' });
    expect(taken.claim?.officerId).toBe('officer-b');
  });

  it('refuses traders, unknown declarations and declarations not under review', async () => {
    // Prepare
    const { id, deps, party, submit, declaration, runThrough } = await underReview();
    const released = await submit(declaration(newParty()));
    await runThrough('release');

    // Act
    const trader = await refusal(claimDeclaration({ principal: traderOf(party), id }, deps));
    const missing = await refusal(claimDeclaration({ principal: officerA, id: '01M8F0000000000000000000ZZ' }, deps));
    const notReviewable = await refusal(claimDeclaration({ principal: officerA, id: released }, deps));

    // Assess
    expect(trader).toMatchObject({ kind: 'FORBIDDEN', code: 'ROLE_REQUIRED' });
    expect(missing).toMatchObject({ kind: 'NOT_FOUND', code: 'DECLARATION_NOT_FOUND' });
    expect(notReviewable).toMatchObject({ kind: 'CONFLICT', code: 'NOT_REVIEWABLE' });
  });
});

describe('decisions', () => {
  it('releases a claimed declaration: RELEASED, out of the queue, the claim ended, the officer named in the history; the trader never sees the note', async () => {
    // Prepare
    const { id, deps, party, repository } = await underReview();
    const claimed = await claimDeclaration({ principal: officerA, id }, deps);

    // Act
    const decided = await decideOnDeclaration(
      {
        principal: officerA,
        id,
        expectedVersion: claimed.version,
        decision: { action: 'RELEASE', note: 'invoice checked against the contract', message: 'Released after documentary check' },
      },
      deps,
    );
    const traderView = await getDeclaration({ principal: traderOf(party), id }, { repository });
    const officerView = await getDeclaration({ principal: officerB, id }, { repository });
    const traderHistory = await listDeclarationEvents({ principal: traderOf(party), id }, { repository });
    const officerHistory = await listDeclarationEvents({ principal: officerB, id }, { repository });
    const queue = await listReviewQueue(
      { principal: officerA, limit: 10 },
      { repository, customsOffices: region.customsOffices, clock: deps.clock },
    );

    // Assess
    expect(decided).toMatchObject({ status: 'RELEASED', version: claimed.version + 1, claim: null });
    expect(traderView).toMatchObject({
      status: 'RELEASED',
      decision: { action: 'RELEASE', message: 'Released after documentary check', officerId: null },
    });
    expect(traderView.releasedAt).not.toBeNull();
    expect(officerView.decision?.officerId).toBe('officer-a');
    const released = (events: typeof traderHistory) => events.items.find((event) => event.type === 'RELEASED');
    expect(released(officerHistory)).toMatchObject({
      actor: { kind: 'officer', id: 'officer-a' },
      note: 'invoice checked against the contract',
    });
    expect(released(traderHistory)).toMatchObject({
      actor: { kind: 'officer', id: 'officer-a' },
      detail: 'Released after documentary check',
      note: null,
    });
    expect(JSON.stringify([traderView, traderHistory])).not.toContain('invoice checked against the contract');
    expect(queue.items.map((item) => item.id)).not.toContain(id);
  });

  it('holds a declaration in the queue, then requests documents, which takes it out', async () => {
    // Prepare
    const { id, deps, repository } = await underReview();

    // Act
    const held = await decideOnDeclaration(
      { principal: officerA, id, expectedVersion: undefined, decision: { action: 'HOLD', message: 'Held pending a laboratory test' } },
      deps,
    );
    const queueWhileHeld = await listReviewQueue(
      { principal: officerA, limit: 10 },
      { repository, customsOffices: region.customsOffices, clock: deps.clock },
    );
    const requested = await decideOnDeclaration(
      {
        principal: officerA,
        id,
        expectedVersion: held.version,
        decision: {
          action: 'REQUEST_DOCUMENTS',
          message: 'Please send the commercial invoice',
          documents: [{ type: 'N935', reason: 'to check the declared value' }],
        },
      },
      deps,
    );
    const queueAfter = await listReviewQueue(
      { principal: officerA, limit: 10 },
      { repository, customsOffices: region.customsOffices, clock: deps.clock },
    );

    // Assess
    expect(held).toMatchObject({ status: 'HELD', claim: null, decision: { action: 'HOLD', message: 'Held pending a laboratory test' } });
    expect(queueWhileHeld.items.find((item) => item.id === id)?.status).toBe('HELD');
    expect(requested).toMatchObject({
      status: 'DOCUMENTS_REQUESTED',
      decision: { action: 'REQUEST_DOCUMENTS', documents: [{ type: 'N935', reason: 'to check the declared value' }] },
    });
    expect(queueAfter.items.map((item) => item.id)).not.toContain(id);
  });

  it('rejects with reasons the trader reads', async () => {
    // Prepare
    const { id, deps, party, repository } = await underReview();

    // Act
    const rejected = await decideOnDeclaration(
      { principal: officerA, id, expectedVersion: undefined, decision: { action: 'REJECT', message: 'Goods misdescribed' } },
      deps,
    );
    const view = await getDeclaration({ principal: traderOf(party), id }, { repository });

    // Assess
    expect(rejected.status).toBe('REJECTED');
    expect(view.decision).toMatchObject({ action: 'REJECT', message: 'Goods misdescribed' });
  });

  it('gives back the duties secured for a rejected declaration, once, and answers a repeated rejection the same', async () => {
    // Prepare: the release stage drew the declaration's VAT on its deferment account
    const { id, deps, repository, accounts } = await underReview();
    const charged = (await repository.getState(id))?.duties?.charges.find((charge) => charge.account?.kind === 'CHARGE');
    const number = charged?.account?.number ?? '';
    const usedWithCharge = (await accounts.get(number))?.deferment?.used;
    const decision = { action: 'REJECT', message: 'Goods misdescribed' } as const;

    // Act
    const rejected = await decideOnDeclaration({ principal: officerA, id, expectedVersion: undefined, decision }, deps);
    const again = await decideOnDeclaration({ principal: officerA, id, expectedVersion: undefined, decision }, deps);
    const history = await repository.listEvents(id);
    const credits = (await accounts.entries(number)).filter((entry) => entry.kind === 'CREDIT');

    // Assess
    expect(charged?.amount).toMatch(/^[1-9][0-9]*\.[0-9]{2}$/);
    expect(usedWithCharge).not.toBe('0.00');
    expect((await accounts.get(number))?.deferment?.used).toBe('0.00');
    expect(credits).toMatchObject([{ source: `CANCEL#${charged?.source}`, amount: charged?.amount, by: 'rejection' }]);
    expect(history.slice(-2)).toMatchObject([
      { type: 'REJECTED', actor: { kind: 'officer', id: 'officer-a' } },
      { type: 'DUTIES_REVERSED', status: 'REJECTED', actor: { kind: 'system', id: 'rejection' } },
    ]);
    // The repeat answers the same rejection, now with its duties given back (one version on).
    expect(again).toEqual({ ...rejected, version: rejected.version + 1 });
  });

  it('changes nothing when the same decision is sent again, even with the version it was made on', async () => {
    // Prepare
    const { id, deps, repository } = await underReview();
    const before = await repository.getState(id);
    const decision = { action: 'RELEASE', note: 'ok', message: 'Released' } as const;
    const first = await decideOnDeclaration({ principal: officerA, id, expectedVersion: before!.version, decision }, deps);

    // Act
    const again = await decideOnDeclaration({ principal: officerA, id, expectedVersion: before!.version, decision }, deps);
    const events = await repository.listEvents(id);

    // Assess
    expect(again).toEqual(first);
    expect(events.filter((event) => event.type === 'RELEASED')).toHaveLength(1);
  });

  it("refuses a stale If-Match (412), another officer's claim (409) and a declaration no longer under review (409)", async () => {
    // Prepare
    const { id, deps } = await underReview();
    const claimed = await claimDeclaration({ principal: officerA, id }, deps);
    const release = { action: 'RELEASE' } as const;

    // Act
    const stale = await refusal(
      decideOnDeclaration({ principal: officerA, id, expectedVersion: claimed.version - 1, decision: release }, deps),
    );
    const othersClaim = await refusal(
      decideOnDeclaration({ principal: officerB, id, expectedVersion: undefined, decision: release }, deps),
    );
    await decideOnDeclaration({ principal: officerA, id, expectedVersion: undefined, decision: { action: 'REJECT', message: 'No' } }, deps);
    const finished = await refusal(decideOnDeclaration({ principal: officerB, id, expectedVersion: undefined, decision: release }, deps));

    // Assess
    expect(stale).toMatchObject({ kind: 'PRECONDITION_FAILED', code: 'STALE_VERSION' });
    expect(othersClaim).toMatchObject({ kind: 'CONFLICT', code: 'CLAIMED_BY_ANOTHER_OFFICER' });
    expect(finished).toMatchObject({ kind: 'CONFLICT', code: 'NOT_REVIEWABLE' });
  });

  it('explains a conflict from the state as it is when another officer claims between the read and the write', async () => {
    // Prepare: officer B claims right after officer A's decision read the state
    const { id, deps, repository } = await underReview();
    const getState = repository.getState.bind(repository);
    let reads = 0;
    repository.getState = async (declarationId: string) => {
      const state = await getState(declarationId);
      reads += 1;
      if (reads === 1)
        await repository.claim(
          id,
          { officerId: 'officer-b', claimedAt: deps.clock.now().toISOString(), until: '2999-01-01T00:00:00.000Z' },
          ['UNDER_REVIEW'],
        );
      return state;
    };

    // Act
    const raced = await refusal(
      decideOnDeclaration({ principal: officerA, id, expectedVersion: undefined, decision: { action: 'RELEASE' } }, deps),
    );

    // Assess
    expect(raced).toMatchObject({ kind: 'CONFLICT', code: 'CLAIMED_BY_ANOTHER_OFFICER' });
    expect((await getState(id))?.status).toBe('UNDER_REVIEW');
  });
});

describe('cancel', () => {
  it('cancels before release: CANCELLED, out of the queue, a repeat answers the same; after release 409', async () => {
    // Prepare
    const { id, deps, cancelDeps, party, repository, submit, declaration, runThrough } = await underReview();
    const releasedParty = newParty();
    const released = await submit(declaration(releasedParty));
    await runThrough('release');

    // Act
    const cancelled = await cancelDeclaration({ principal: traderOf(party), id, reason: 'order withdrawn' }, cancelDeps);
    const again = await cancelDeclaration({ principal: traderOf(party), id, reason: 'order withdrawn' }, cancelDeps);
    const tooLate = await refusal(cancelDeclaration({ principal: traderOf(releasedParty), id: released, reason: 'late' }, cancelDeps));
    const notTheirs = await refusal(cancelDeclaration({ principal: traderOf(newParty()), id: released, reason: 'x' }, cancelDeps));
    const queue = await listReviewQueue(
      { principal: officerA, limit: 10 },
      { repository, customsOffices: region.customsOffices, clock: deps.clock },
    );
    const history = await listDeclarationEvents({ principal: traderOf(party), id }, { repository });

    // Assess
    expect(cancelled).toMatchObject({ id, status: 'CANCELLED' });
    expect(again).toEqual(cancelled);
    expect(tooLate).toMatchObject({ kind: 'CONFLICT', code: 'ALREADY_RELEASED' });
    expect(notTheirs).toMatchObject({ kind: 'NOT_FOUND', code: 'DECLARATION_NOT_FOUND' });
    expect(queue.items.map((item) => item.id)).not.toContain(id);
    // The duties the release stage drew on the deferment account are given back after the cancellation.
    expect(history.items.slice(-2)).toMatchObject([
      { type: 'CANCELLED', actor: { kind: 'trader', id: party }, detail: 'order withdrawn' },
      { type: 'DUTIES_REVERSED', status: 'CANCELLED', actor: { kind: 'system', id: 'cancellation' } },
    ]);
  });

  it('stops the pipeline: a stage still holding a message for a cancelled declaration does nothing', async () => {
    // Prepare: submitted, its validation message not yet delivered
    const platform = await fakePlatform();
    const party = newParty();
    const id = await platform.submit(platform.declaration(party));
    await cancelDeclaration({ principal: traderOf(party), id, reason: 'sent by mistake' }, platform.deps.cancel);

    // Act
    await platform.runThrough('release');

    // Assess
    expect((await platform.record(id)).status).toBe('CANCELLED');
    expect(platform.queues.risk.sent).toEqual([]);
  });
});
