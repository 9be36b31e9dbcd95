/**
 * Every branch of the risk stage (shared/usecases/score-risk.ts) on the fakes, with the demo
 * region's risk data (shared/risk/seed.ts: profiles, traders, valuation references, thresholds)
 * read through the same reference-document wiring as the worker (riskReferenceData).
 */
import { describe, expect, it } from 'vitest';
import { NotConfiguredError } from '#shared/adapters/risk-reference-data.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import type { DeclarationRepository } from '#shared/ports/declarations.ts';
import type { RiskProfile } from '#shared/risk/profile.ts';
import type { RiskSettings } from '#shared/risk/settings.ts';
import { RECENT_SELECTION_DAYS, scoreRisk, versionsInForce } from '#shared/usecases/score-risk.ts';
import { newParty } from '#tests/integration/support.ts';
import { counted } from '#tests/support/counted.ts';
import {
  demoReferenceDocuments,
  type FakePlatform,
  fakePlatform,
  loadDocument,
  ordinaryImporter,
  trustedTrader,
} from '#tests/support/fake-platform.ts';
import { overridden } from '#tests/support/overridden.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';

const MINUTE = 60_000;

/** Submits and validates; the risk message waits in the risk queue. */
async function validated(platform: FakePlatform, party: string, change: (d: DeclarationInput) => void = () => {}) {
  const id = await platform.submit(platform.declaration(party, change));
  await platform.deliver('validation');
  expect((await platform.record(id)).status).toBe('VALIDATED');
  return { id, message: platform.queues.risk.sent.splice(0)[0]! };
}

/** A RED profile on goods from Vietnam, saved at `createdAt` (ids unique to each test: compiled profiles are cached by id and version). */
const vietnamProfile = (id: string, version: number, createdAt: string, enabled = true): RiskProfile => ({
  id,
  version,
  name: 'Vietnamese origin check',
  reason: 'Origin verification campaign for goods declared as Vietnamese.',
  validFrom: '2020-01-01',
  enabled,
  criteria: { kind: 'origin', countries: ['VN'] },
  outcome: { lane: 'RED' },
  createdAt,
  createdBy: 'officer-1',
});

const fromVietnam = (d: DeclarationInput) => {
  d.items[0] = { ...d.items[0]!, origin: 'VN' };
  d.exporter.country = 'VN';
};

describe('scoreRisk', () => {
  it('scores a validated declaration with the lane in the history only, and hands it to the duty calculation', async () => {
    // Prepare
    const platform = await fakePlatform();
    const { id, message } = await validated(platform, trustedTrader);
    platform.clock.advance(1_000);

    // Act
    const result = await scoreRisk(message, platform.deps.risk);

    // Assess
    const at = platform.clock.now().toISOString();
    const record = await platform.record(id);
    expect(result).toMatchObject({ outcome: 'moved', to: 'SCORED' });
    expect(record).toMatchObject({ status: 'SCORED', version: 3, lane: 'GREEN', risk: { lane: 'GREEN', scoredAt: at } });
    expect(record.risk?.reasons).toContainEqual(expect.objectContaining({ kind: 'TRADER', text: expect.stringContaining('AEOF') }));
    expect(record.risk?.profileVersions).toEqual({
      'RP-GB-FESI-AD': 1,
      'RP-GB-SHAVER-VALUE': 1,
      'RP-GB-FIRST-IMPORTER': 1,
      'RP-GB-CIGARETTES': 1,
    });
    expect(record.lastEvent?.detail).toBe('lane GREEN');
    // The submitted bytes the validation message carried, handed on
    expect(message.submittedText).toBeDefined();
    expect(platform.queues.duty.sent).toEqual([{ declarationId: id, version: 3, submittedText: message.submittedText }]);
  });

  it("weighs the authenticated declarant's trader profile, not that of an importer id typed into the declaration", async () => {
    // Prepare: a new party declares with the trusted trader's EORI as importer
    const platform = await fakePlatform();
    const borrower = newParty();
    const { id, message } = await validated(platform, borrower, (d) => {
      d.importer.id = trustedTrader;
    });

    // Act
    await scoreRisk(message, platform.deps.risk);

    // Assess: no AEO reduction; the first-time importer profile applies
    const risk = (await platform.record(id)).risk;
    expect(risk?.reasons.map((reason) => reason.kind)).not.toContain('TRADER');
    expect(risk?.reasons).toContainEqual(expect.objectContaining({ kind: 'PROFILE', profileId: 'RP-GB-FIRST-IMPORTER' }));
    expect(risk?.lane).toBe('BLUE');
  });

  it('scores with the profile versions in force when the declaration was submitted: later edits and new profiles apply afterwards', async () => {
    // Prepare: a RED profile (version 1) before the first declaration; after it, version 2 disables
    // that profile and a second RED profile appears
    const platform = await fakePlatform();
    const [edited, added] = ['RP-TEST-VN-EDITED', 'RP-TEST-VN-ADDED'];
    await platform.profiles.saveVersion(vietnamProfile(edited, 1, '2026-11-26T00:00:00.000Z'));
    const before = await validated(platform, ordinaryImporter, fromVietnam);
    platform.clock.advance(MINUTE);
    await platform.profiles.saveVersion(vietnamProfile(edited, 2, platform.clock.now().toISOString(), false));
    await platform.profiles.saveVersion(vietnamProfile(added, 1, new Date(platform.clock.now().getTime() + MINUTE).toISOString()));
    platform.clock.advance(MINUTE);
    const after = await validated(platform, ordinaryImporter, fromVietnam);

    // Act
    await scoreRisk(before.message, platform.deps.risk);
    await scoreRisk(after.message, platform.deps.risk);

    // Assess
    const first = (await platform.record(before.id)).risk;
    const second = (await platform.record(after.id)).risk;
    expect(first?.lane).toBe('RED');
    expect(first?.profileVersions).toMatchObject({ [edited]: 1 });
    expect(first?.profileVersions).not.toHaveProperty(added);
    expect(first?.reasons.filter((reason) => reason.kind === 'PROFILE').map((reason) => reason.profileId)).toEqual([edited]);
    expect(second?.profileVersions).toMatchObject({ [added]: 1 });
    expect(second?.profileVersions).not.toHaveProperty(edited); // version 2 disables it
    expect(second?.reasons.filter((reason) => reason.kind === 'PROFILE').map((reason) => reason.profileId)).toEqual([added]);
  });

  it('picks, for each profile, its latest version saved at or before the submission', () => {
    // Prepare
    const versions = [
      vietnamProfile('A', 1, '2026-01-01T00:00:00Z'),
      vietnamProfile('A', 3, '2026-03-01T00:00:00Z'),
      vietnamProfile('A', 2, '2026-02-01T00:00:00Z'),
      vietnamProfile('B', 1, '2026-06-01T00:00:00Z'),
    ];

    // Act
    const inForce = versionsInForce(versions, '2026-02-15T00:00:00Z');
    const atTheMoment = versionsInForce(versions, '2026-06-01T00:00:00Z');

    // Assess
    expect(inForce.map((profile) => `${profile.id}@${profile.version}`)).toEqual(['A@2']);
    expect(atTheMoment.map((profile) => `${profile.id}@${profile.version}`)).toEqual(['A@3', 'B@1']);
  });

  it('applies the valuation rule of the risk settings in force at submission, and the default rule without one', async () => {
    // Prepare: settings without a rule; a declaration; then settings whose rule flags anything under 90%
    // of the reference; a second declaration (the fixture's shaver parts are at about 60%)
    const documents = await demoReferenceDocuments({ pack: false });
    const platform = await fakePlatform({ documents });
    const before = await validated(platform, ordinaryImporter);
    platform.clock.advance(MINUTE);
    const strict: RiskSettings = { ...noRandomSelection, valuationRule: { tiers: [{ belowPercent: 90, scoreDelta: 60 }], minCount: 1 } };
    await loadDocument(documents, 'riskSettings', strict, platform.clock.now().toISOString());
    platform.clock.advance(MINUTE);
    const after = await validated(platform, ordinaryImporter);

    // Act
    await scoreRisk(after.message, platform.deps.risk);
    await scoreRisk(before.message, platform.deps.risk);

    // Assess
    const [first, second] = [(await platform.record(before.id)).risk, (await platform.record(after.id)).risk];
    expect(first?.reasons.map((reason) => reason.kind)).not.toContain('VALUATION');
    expect(first?.lane).toBe('GREEN');
    expect(second?.reasons).toContainEqual(expect.objectContaining({ kind: 'VALUATION', scoreDelta: 60 }));
    expect(second?.lane).toBe('YELLOW');
  });

  it('fails, leaving the declaration VALIDATED and uncounted, while no risk settings are loaded', async () => {
    // Prepare
    const platform = await fakePlatform({ documents: await demoReferenceDocuments({ pack: false, settings: null }) });
    const { id, message } = await validated(platform, ordinaryImporter);

    // Act
    const result = scoreRisk(message, platform.deps.risk);

    // Assess
    await expect(result).rejects.toBeInstanceOf(NotConfiguredError);
    await expect(result).rejects.toMatchObject({ problems: [expect.objectContaining({ code: 'NOT_CONFIGURED' })] });
    expect(await platform.record(id)).toMatchObject({ status: 'VALIDATED', version: 2 });
    expect(platform.queues.duty.sent).toEqual([]);
    expect((await platform.traders.get(ordinaryImporter))?.declarationsCount).toBe(140);
  });

  it("counts each scored declaration once into its trader's profile and its office's figures, which later scoring reads", async () => {
    // Prepare: two declarations at one office, the second scored after the first
    const platform = await fakePlatform();
    const office = (d: DeclarationInput) => {
      d.office = 'GBMAN';
    };
    const first = await validated(platform, trustedTrader, office);
    const second = await validated(platform, trustedTrader, office);
    platform.clock.advance(MINUTE);

    // Act
    await scoreRisk(first.message, platform.deps.risk);
    await scoreRisk(second.message, platform.deps.risk);
    await scoreRisk(first.message, platform.deps.risk); // redelivered: counted already

    // Assess
    const recentOf = async (id: string) => (await platform.record(id)).risk?.selection?.recent;
    expect(await recentOf(first.id)).toEqual({ declarations: 0, lanes: { GREEN: 0, BLUE: 0, YELLOW: 0, RED: 0 } });
    expect(await recentOf(second.id)).toEqual({ declarations: 1, lanes: { GREEN: 1, BLUE: 0, YELLOW: 0, RED: 0 } });
    const day = platform.clock.now().toISOString().slice(0, 10);
    expect(await platform.selectionStats.recent('GBMAN', [day])).toEqual({
      declarations: 2,
      lanes: { GREEN: 2, BLUE: 0, YELLOW: 0, RED: 0 },
    });
    expect(await platform.traders.get(trustedTrader)).toMatchObject({
      declarationsCount: 2402,
      lastSeen: platform.clock.now().toISOString(),
    });
  });

  it('counts a declaration it scored from the record it stored: one read of the declaration, no second', async () => {
    // Prepare
    const platform = await fakePlatform();
    const { id, message } = await validated(platform, trustedTrader);
    const reads = counted(platform.repository);

    // Act
    await scoreRisk(message, { ...platform.deps.risk, repository: reads.port });

    // Assess
    expect(reads.calls.getWithEvents).toBe(1);
    expect((reads.calls.get ?? 0) + (reads.calls.getState ?? 0) + (reads.calls.hasEvent ?? 0)).toBe(0);
    const record = await platform.record(id);
    const [day] = await platform.counters.readDays([record.submittedAt.slice(0, 10)]);
    expect(day?.lanes).toEqual({ GREEN: 1, BLUE: 0, YELLOW: 0, RED: 0 });
    expect(await platform.selectionStats.recent(record.office, [record.submittedAt.slice(0, 10)])).toMatchObject({ declarations: 1 });
  });

  it("reads the declarant's trader profile eventually consistent (half the read units of the busiest trader's partitions)", async () => {
    // Prepare
    const platform = await fakePlatform();
    const { message } = await validated(platform, trustedTrader);
    const reads: { party: string; consistent: boolean | undefined }[] = [];
    const traders = overridden(platform.traders, {
      get: async (party, read) => {
        reads.push({ party, consistent: read?.consistent });
        return platform.traders.get(party);
      },
    });

    // Act
    const result = await scoreRisk(message, { ...platform.deps.risk, traders });

    // Assess
    expect(result).toMatchObject({ outcome: 'moved', to: 'SCORED' });
    expect(reads).toEqual([{ party: trustedTrader, consistent: false }]);
  });

  it(`reads the office's figures of the last ${RECENT_SELECTION_DAYS} days, the submission day included`, async () => {
    // Prepare: figures recorded 6 and 7 days before the submission day
    const platform = await fakePlatform();
    const dayBefore = (days: number) => new Date(platform.clock.now().getTime() - days * 86_400_000).toISOString().slice(0, 10);
    await platform.selectionStats.record('GBLHR', dayBefore(RECENT_SELECTION_DAYS - 1), 'RED');
    await platform.selectionStats.record('GBLHR', dayBefore(RECENT_SELECTION_DAYS), 'YELLOW');
    const { id, message } = await validated(platform, trustedTrader);

    // Act
    await scoreRisk(message, platform.deps.risk);

    // Assess
    expect((await platform.record(id)).risk?.selection?.recent).toEqual({
      declarations: 1,
      lanes: { GREEN: 0, BLUE: 0, YELLOW: 0, RED: 1 },
    });
  });

  it('counts the lane before top-up: a declaration topped up to YELLOW counts as GREEN', async () => {
    // Prepare: every would-be-green declaration topped up to YELLOW
    const topUp: RiskSettings = {
      ...noRandomSelection,
      selection: {
        ...noRandomSelection.selection,
        default: { minimumRandom: { RED: 0, YELLOW: 0, BLUE: 0 }, expected: { RED: 0, YELLOW: 1, BLUE: 0 } },
      },
    };
    const documents = await demoReferenceDocuments({ pack: false, settings: topUp });
    const platform = await fakePlatform({ documents });
    const { id, message } = await validated(platform, trustedTrader);

    // Act
    await scoreRisk(message, platform.deps.risk);

    // Assess
    const risk = (await platform.record(id)).risk;
    expect(risk).toMatchObject({ lane: 'YELLOW', selection: { criteriaLane: 'GREEN', topUpLane: 'YELLOW' } });
    expect(risk?.reasons).toContainEqual(expect.objectContaining({ kind: 'RANDOM' }));
    const day = platform.clock.now().toISOString().slice(0, 10);
    expect(await platform.selectionStats.recent('GBLHR', [day])).toEqual({
      declarations: 1,
      lanes: { GREEN: 1, BLUE: 0, YELLOW: 0, RED: 0 },
    });
  });

  it('after a crash between the score and the counts, a redelivery counts what the first attempt did not', async () => {
    // Prepare: the state write succeeds, then the process stops before the counting marker
    const platform = await fakePlatform();
    const { id, message } = await validated(platform, ordinaryImporter);
    const crashing = overridden<DeclarationRepository>(platform.repository, {
      markOnce: async () => {
        throw new Error('crashed after scoring');
      },
    });
    await expect(scoreRisk(message, { ...platform.deps.risk, repository: crashing })).rejects.toThrow('crashed after scoring');
    const countedBefore = (await platform.traders.get(ordinaryImporter))?.declarationsCount;

    // Act
    const redelivered = await scoreRisk(message, platform.deps.risk);

    // Assess
    expect(redelivered).toEqual({ outcome: 'resent', status: 'SCORED', submittedText: message.submittedText });
    expect(countedBefore).toBe(140);
    expect((await platform.traders.get(ordinaryImporter))?.declarationsCount).toBe(141);
    expect(platform.queues.duty.sent).toEqual([
      { declarationId: id, version: 3, submittedText: message.submittedText },
      { declarationId: id, version: 3, submittedText: message.submittedText },
    ]);
  });

  it('counts beside a failed event write, and its redelivery writes the event without counting again', async () => {
    // Prepare: the state write succeeds, the event item's write fails while the counting goes on beside it
    const platform = await fakePlatform();
    const { id, message } = await validated(platform, ordinaryImporter);
    const failingEvent = overridden<DeclarationRepository>(platform.repository, {
      appendEvent: async () => {
        throw new Error('event write failed');
      },
    });
    await expect(scoreRisk(message, { ...platform.deps.risk, repository: failingEvent })).rejects.toThrow('event write failed');
    const countedAfterFailure = (await platform.traders.get(ordinaryImporter))?.declarationsCount;

    // Act
    const redelivered = await scoreRisk(message, platform.deps.risk);

    // Assess: counted once, by the first attempt; the event stored by the redelivery
    expect(redelivered).toEqual({ outcome: 'resent', status: 'SCORED', submittedText: message.submittedText });
    expect(countedAfterFailure).toBe(141);
    expect((await platform.traders.get(ordinaryImporter))?.declarationsCount).toBe(141);
    expect((await platform.repository.listEvents(id)).map((event) => event.type)).toContain('SCORED');
    expect(platform.queues.duty.sent).toEqual([{ declarationId: id, version: 3, submittedText: message.submittedText }]);
  });

  it('neither scores nor counts a late message for a declaration that has moved further', async () => {
    // Prepare: scored, assessed and released; then the risk message comes again
    const platform = await fakePlatform();
    const { id, message } = await validated(platform, trustedTrader);
    await scoreRisk(message, platform.deps.risk);
    await platform.runThrough('release');
    const trader = await platform.traders.get(trustedTrader);

    // Act
    const late = await scoreRisk(message, platform.deps.risk);

    // Assess
    expect(late).toEqual({ outcome: 'skipped', status: 'RELEASED', submittedText: message.submittedText });
    expect(await platform.traders.get(trustedTrader)).toEqual(trader);
    expect((await platform.record(id)).status).toBe('RELEASED');
  });
});
