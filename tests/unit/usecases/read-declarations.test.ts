/**
 * Every branch of reading declarations (shared/usecases/read-declarations.ts) on the fakes: who
 * may see what (the same 404 for a declaration one may not see as for none), the state shown when
 * the body cannot be read, history that says what the state says, and listings with cursors.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth.ts';
import { TRADER_FAILURE_REASON } from '#shared/domain/declaration-record.ts';
import type { DeclarationRepository } from '#shared/ports/declarations.ts';
import { markProcessingFailed } from '#shared/usecases/processing-failures.ts';
import { getDeclaration, listDeclarationEvents, listDeclarations } from '#shared/usecases/read-declarations.ts';
import { validateDeclaration } from '#shared/usecases/validate-declaration.ts';
import { newParty } from '#tests/integration/support.ts';
import { fakePlatform } from '#tests/support/fake-platform.ts';
import { overridden } from '#tests/support/overridden.ts';
import { refusal } from '#tests/support/scenarios.ts';

const traderOf = (party: string): Principal => ({ subject: `trader-${party}`, roles: ['trader'], partyId: party });
const officer: Principal = { subject: 'officer-1', roles: ['officer'], partyId: undefined };
const admin: Principal = { subject: 'admin-1', roles: ['admin'], partyId: undefined };
const nobody: Principal = { subject: 'nobody', roles: [], partyId: undefined };

/** A platform with one scored declaration of a fresh party. */
async function scored() {
  const platform = await fakePlatform();
  const party = newParty();
  const id = await platform.submit(platform.declaration(party));
  await platform.runThrough('risk');
  return { ...platform, party, id };
}

describe('getDeclaration', () => {
  it('shows its own declaration to the trader without the risk outcome, and everything to officers and admins', async () => {
    // Prepare
    const { repository, party, id, record } = await scored();
    const deps = { repository };

    // Act
    const [asTrader, asOfficer, asAdmin] = await Promise.all(
      [traderOf(party), officer, admin].map((principal) => getDeclaration({ principal, id }, deps)),
    );

    // Assess
    const stored = await record(id);
    expect(asTrader).toMatchObject({ id, status: 'SCORED', lane: stored.lane, risk: null, declaration: stored.declaration });
    expect(asOfficer?.risk).toEqual(stored.risk);
    expect(asAdmin).toEqual(asOfficer);
  });

  it("answers another trader's declaration exactly as one that does not exist", async () => {
    // Prepare
    const { repository, id } = await scored();
    const stranger = traderOf(newParty());

    // Act
    const foreign = await refusal(getDeclaration({ principal: stranger, id }, { repository }));
    const missing = await refusal(getDeclaration({ principal: stranger, id: '01JNOTHERE0000000000000000' }, { repository }));

    // Assess
    expect(foreign).toMatchObject({ kind: 'NOT_FOUND', code: 'DECLARATION_NOT_FOUND' });
    // The same answer, word for word, but for the id asked about.
    expect({ ...missing, message: missing.message.replace('01JNOTHERE0000000000000000', id) }).toEqual(foreign);
  });

  it('refuses a caller with no platform role', async () => {
    // Prepare
    const { repository, id } = await scored();

    // Act
    const refused = await refusal(getDeclaration({ principal: nobody, id }, { repository }));

    // Assess
    expect(refused).toMatchObject({ kind: 'FORBIDDEN', code: 'ROLE_REQUIRED' });
  });

  it('answers not found when the declaration disappears between the access check and the read', async () => {
    // Prepare
    const { repository, party, id } = await scored();
    const vanishing = overridden<DeclarationRepository>(repository, { get: async () => undefined });

    // Act
    const refused = await refusal(getDeclaration({ principal: traderOf(party), id }, { repository: vanishing }));

    // Assess
    expect(refused).toMatchObject({ kind: 'NOT_FOUND', code: 'DECLARATION_NOT_FOUND' });
  });

  it('still shows the state, and that processing failed, when the archived body cannot be read', async () => {
    // Prepare: PROCESSING_FAILED, its archived bytes gone (the adapter's read rejects)
    const { repository, clock, party, id } = await scored();
    await markProcessingFailed(
      { declarationId: id, version: 3, reason: 'NoSuchKey: the archived body is gone', actor: 'duty' },
      { repository, clock },
    );
    const unreadable = overridden<DeclarationRepository>(repository, {
      get: async () => {
        throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
      },
    });

    // Act
    const asTrader = await getDeclaration({ principal: traderOf(party), id }, { repository: unreadable });
    const asOfficer = await getDeclaration({ principal: officer, id }, { repository: unreadable });

    // Assess: the trader is told it failed, not the technical reason
    expect(asTrader).toMatchObject({ id, status: 'PROCESSING_FAILED', declaration: null, risk: null });
    expect(asTrader.failure).toMatchObject({ stage: 'SCORED', reason: TRADER_FAILURE_REASON });
    expect(asOfficer.failure?.reason).toBe('NoSuchKey: the archived body is gone');
    // The state carries the lane; the risk outcome, like the assessment, is a part read with the whole declaration.
    expect(asOfficer.lane).not.toBeNull();
    expect(asOfficer).toMatchObject({ risk: null, assessment: null });
  });
});

describe('listDeclarationEvents', () => {
  it('lists the history oldest first, a missing detail as null', async () => {
    // Prepare
    const { repository, party, id, clock } = await scored();
    await repository.appendEvent({
      declarationId: id,
      version: 4,
      type: 'ASSESSED',
      status: 'ASSESSED',
      at: clock.now().toISOString(),
      actor: { kind: 'system', id: 'duty' },
      detail: undefined,
    });

    // Act
    const history = await listDeclarationEvents({ principal: traderOf(party), id }, { repository });

    // Assess
    expect(history.items.map((event) => [event.version, event.type, event.actor.id])).toEqual([
      [1, 'SUBMITTED', party],
      [2, 'VALIDATED', 'validation'],
      [3, 'SCORED', 'risk'],
      [4, 'ASSESSED', 'duty'],
    ]);
    expect(history.items[2]?.detail).toMatch(/^lane /);
    expect(history.items[3]?.detail).toBeNull();
  });

  it("adds the latest change's event when a crash stopped its own item from being written, and only then", async () => {
    // Prepare: validated, the event item never written
    const platform = await fakePlatform();
    const party = newParty();
    const id = await platform.submit(platform.declaration(party));
    const [message] = platform.queues.validation.sent.splice(0);
    const crashing = overridden<DeclarationRepository>(platform.repository, {
      appendEvent: async (event) => {
        if (event.type === 'VALIDATED') throw new Error('crashed before the event was written');
        return platform.repository.appendEvent(event);
      },
    });
    await expect(validateDeclaration(message!, { ...platform.deps.validation, repository: crashing })).rejects.toThrow('crashed');
    const deps = { repository: platform.repository };

    // Act
    const pending = await listDeclarationEvents({ principal: traderOf(party), id }, deps);
    await platform.repository.appendEvent((await platform.record(id)).lastEvent!);
    const written = await listDeclarationEvents({ principal: traderOf(party), id }, deps);

    // Assess
    expect(pending.items.map((event) => [event.version, event.type])).toEqual([
      [1, 'SUBMITTED'],
      [2, 'VALIDATED'],
    ]);
    expect(written).toEqual(pending);
  });

  it("answers another trader's history as not found", async () => {
    // Prepare
    const { repository, id } = await scored();

    // Act
    const refused = await refusal(listDeclarationEvents({ principal: traderOf(newParty()), id }, { repository }));

    // Assess
    expect(refused).toMatchObject({ kind: 'NOT_FOUND', code: 'DECLARATION_NOT_FOUND' });
  });
});

describe('listDeclarations', () => {
  /** Three declarations of one party submitted a minute apart; the first one validated. */
  async function three() {
    const platform = await fakePlatform();
    const party = newParty();
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      ids.push(await platform.submit(platform.declaration(party)));
      platform.clock.advance(60_000);
      if (index === 0) await platform.deliver('validation');
    }
    return { ...platform, party, ids, deps: { repository: platform.repository } };
  }

  it("lists a trader's own declarations newest first, a page at a time", async () => {
    // Prepare
    const { party, ids, deps } = await three();
    const trader = traderOf(party);

    // Act
    const first = await listDeclarations({ principal: trader, limit: 2 }, deps);
    const second = await listDeclarations({ principal: trader, limit: 2, cursor: first.nextCursor ?? undefined }, deps);
    const named = await listDeclarations({ principal: trader, declarant: party, limit: 10 }, deps);

    // Assess
    expect([...first.items, ...second.items].map((item) => item.id)).toEqual([...ids].reverse());
    expect(first.nextCursor).not.toBeNull();
    expect(second.nextCursor).toBeNull();
    expect(named.items).toHaveLength(3);
  });

  it('lists only the declarations in a status when asked', async () => {
    // Prepare
    const { party, ids, deps } = await three();

    // Act
    const validated = await listDeclarations({ principal: traderOf(party), status: 'VALIDATED', limit: 10 }, deps);

    // Assess
    expect(validated.items.map((item) => [item.id, item.status])).toEqual([[ids[0], 'VALIDATED']]);
  });

  it('lets officers and admins list the declarations of the declarant they name, and only with one named', async () => {
    // Prepare
    const { party, deps } = await three();

    // Act
    const [byOfficer, byAdmin] = await Promise.all(
      [officer, admin].map((principal) => listDeclarations({ principal, declarant: party, limit: 10 }, deps)),
    );
    const unnamed = await refusal(listDeclarations({ principal: officer, limit: 10 }, deps));

    // Assess
    expect(byOfficer?.items).toHaveLength(3);
    expect(byAdmin).toEqual(byOfficer);
    expect(unnamed).toMatchObject({ kind: 'BAD_REQUEST', code: 'DECLARANT_REQUIRED' });
  });

  it('refuses a trader naming another declarant, a trader token without a party, and a caller with no role', async () => {
    // Prepare
    const { party, deps } = await three();

    // Act
    const other = await refusal(listDeclarations({ principal: traderOf(newParty()), declarant: party, limit: 10 }, deps));
    const partyless = await refusal(listDeclarations({ principal: { ...traderOf(party), partyId: undefined }, limit: 10 }, deps));
    const roleless = await refusal(listDeclarations({ principal: nobody, declarant: party, limit: 10 }, deps));

    // Assess
    expect(other).toMatchObject({ kind: 'FORBIDDEN', code: 'DECLARANT_MISMATCH' });
    expect(partyless).toMatchObject({ kind: 'FORBIDDEN', code: 'PARTY_REQUIRED' });
    expect(roleless).toMatchObject({ kind: 'FORBIDDEN', code: 'ROLE_REQUIRED' });
  });

  it("refuses a cursor of another party's listing as a bad request, and lets other failures through", async () => {
    // Prepare
    const { party, deps, repository } = await three();
    const page = await listDeclarations({ principal: traderOf(party), limit: 1 }, deps);
    const throttled = overridden<DeclarationRepository>(repository, {
      listByDeclarant: async () => {
        throw new Error('throttled');
      },
    });

    // Act
    const replayed = await refusal(
      listDeclarations({ principal: traderOf(newParty()), limit: 1, cursor: page.nextCursor ?? undefined }, deps),
    );
    const failing = listDeclarations({ principal: traderOf(party), limit: 1 }, { repository: throttled });

    // Assess
    expect(replayed).toMatchObject({ kind: 'BAD_REQUEST', code: 'INVALID_CURSOR' });
    await expect(failing).rejects.toThrow('throttled');
  });
});
