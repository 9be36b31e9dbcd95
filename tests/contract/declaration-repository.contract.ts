/**
 * What every DeclarationRepository (with the archive its bodies come from) must do: run against
 * the in-memory fakes (fakes.test.ts) and the DynamoDB and S3 adapters on the local cloud
 * (adapters.test.ts). A use-case test on the fakes is only worth what this contract proves.
 */
import { createHash, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import type { DeclarationRecord, HistoryEvent } from '#shared/domain/declaration-record.ts';
import { type DocumentUpload, documentKey, type ReceivedDocument } from '#shared/domain/documents.ts';
import { newDeclarationId, newDocumentId } from '#shared/domain/ids.ts';
import { type DeclarationRepository, InvalidCursorError } from '#shared/ports/declarations.ts';
import type { DocumentArchive } from '#shared/ports/document-archive.ts';
import type { RiskOutcome } from '#shared/risk/outcome.ts';
import type { Assessment } from '#shared/tariff/assessment.ts';
import { newParty } from '#tests/integration/support.ts';
import { storeSubmitted, storeSubmittedWithBytes } from '#tests/support/stored-declaration.ts';

export interface ContractSubject {
  repository: () => DeclarationRepository;
  archive: () => DocumentArchive;
}

const stored = (subject: ContractSubject, options: { party?: string; at?: string } = {}) =>
  storeSubmitted({ repository: subject.repository(), archive: subject.archive() }, options);

const event = (record: DeclarationRecord, version: number): HistoryEvent => ({
  declarationId: record.id,
  version,
  type: 'VALIDATED',
  status: 'VALIDATED',
  at: new Date().toISOString(),
  actor: { kind: 'system', id: 'contract' },
  detail: 'contract test',
});

export function declarationRepositoryContract(name: string, subject: ContractSubject): void {
  describe(`DeclarationRepository contract: ${name}`, () => {
    it('claims an LRN once, names the holder, and moves a claim only while it is unchanged', async () => {
      // Prepare
      const repository = subject.repository();
      const claim = {
        declarantId: newParty(),
        lrn: `LRN-${randomInt(1e9)}`,
        declarationId: newDeclarationId(new Date()),
        sha256: 'a'.repeat(64),
        claimedAt: '2026-11-27T10:00:00.000Z',
      };
      const next = { ...claim, declarationId: newDeclarationId(new Date()), claimedAt: '2026-11-27T10:05:00.000Z' };

      // Act
      const first = await repository.claimLrn(claim);
      const second = await repository.claimLrn({ ...claim, declarationId: 'other' });
      const moved = await repository.reassignLrn(claim, next);
      const movedAgain = await repository.reassignLrn(claim, next);

      // Assess
      expect(first).toEqual({ outcome: 'claimed' });
      expect(second).toEqual({ outcome: 'taken', existing: claim });
      expect(moved).toBe(true);
      expect(movedAgain).toBe(false);
      expect(await repository.claimLrn(claim)).toEqual({ outcome: 'taken', existing: next });
    });

    it("claims for one officer at a time until the claim expires, and an officer's change respects the claim", async () => {
      // Prepare: a declaration under review
      const repository = subject.repository();
      const record = await stored(subject);
      const at = (minute: number) => `2026-11-27T10:${String(minute).padStart(2, '0')}:00.000Z`;
      const claimBy = (officerId: string, minute: number) => ({ officerId, claimedAt: at(minute), until: at(minute + 30) });
      const reviewable = ['UNDER_REVIEW', 'HELD'] as const;
      const notYet = await repository.claim(record.id, claimBy('officer-a', 0), reviewable);
      await repository.transition({
        id: record.id,
        from: 'SUBMITTED',
        expectedVersion: 1,
        to: 'UNDER_REVIEW',
        at: at(0),
        reviewQueue: { lane: 'RED', office: 'GBLHR', queuedAt: at(0) },
        set: {},
      });

      // Act
      const first = await repository.claim(record.id, claimBy('officer-a', 1), reviewable);
      const other = await repository.claim(record.id, claimBy('officer-b', 2), reviewable);
      const renewed = await repository.claim(record.id, claimBy('officer-a', 3), reviewable);
      const blocked = await repository.transition({
        id: record.id,
        from: 'UNDER_REVIEW',
        expectedVersion: 2,
        to: 'HELD',
        at: at(4),
        officer: { id: 'officer-b', now: at(4) },
        set: {},
      });
      const notHeld = await repository.releaseClaim(record.id, 'officer-b');
      const afterExpiry = await repository.claim(record.id, claimBy('officer-b', 34), reviewable);
      const byHolder = await repository.transition({
        id: record.id,
        from: 'UNDER_REVIEW',
        expectedVersion: 2,
        to: 'HELD',
        at: at(35),
        officer: { id: 'officer-b', now: at(35), release: true },
        set: {},
      });
      const state = await repository.getState(record.id);
      const released = await repository.releaseClaim(record.id, 'officer-b');
      const missing = await repository.claim(newDeclarationId(new Date()), claimBy('officer-a', 0), reviewable);

      // Assess
      expect(notYet).toEqual({ outcome: 'not-reviewable', status: 'SUBMITTED' });
      expect(first).toEqual({ outcome: 'claimed', claim: claimBy('officer-a', 1) });
      expect(other).toEqual({ outcome: 'held', claim: claimBy('officer-a', 1) });
      expect(renewed).toEqual({ outcome: 'claimed', claim: claimBy('officer-a', 3) });
      expect(blocked).toBe('conflict');
      expect(notHeld).toBe(false);
      expect(afterExpiry).toEqual({ outcome: 'claimed', claim: claimBy('officer-b', 34) });
      expect(byHolder).toBe('applied');
      // A claim is not a change of the declaration: the version moved only with the transition.
      expect(state).toMatchObject({ status: 'HELD', version: 3 });
      expect(state).not.toHaveProperty('claim');
      expect(released).toBe(false);
      expect(missing).toEqual({ outcome: 'not-found' });
    });

    it('keeps the state as an amendment before a change replaces the body, clears outcomes, and reads both back', async () => {
      // Prepare: a scored declaration, then a new body archived as amendment 1
      const record = await stored(subject);
      const repository = subject.repository();
      const at = new Date().toISOString();
      await repository.transition({
        id: record.id,
        from: 'SUBMITTED',
        expectedVersion: 1,
        to: 'SCORED',
        at,
        set: { lane: 'RED', validation: { at, problems: [] } },
      });
      const amended = { ...record.declaration, items: [record.declaration.items[0]!, record.declaration.items[0]!] };
      const bytes = Buffer.from(JSON.stringify(amended));
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const archived = await subject
        .archive()
        .put({ key: archiveKeys.amendment(record.id, 1, sha256), body: bytes, contentType: 'application/json', sha256 });

      // Act
      const stale = await repository.transition({
        id: record.id,
        from: 'SCORED',
        expectedVersion: 1,
        to: 'SUBMITTED',
        at,
        archiveCurrentAs: 0,
        clear: ['lane', 'validation'],
        set: { declaration: amended, submission: { ...archived, sha256, bytes: bytes.byteLength }, amendment: 1 },
      });
      const applied = await repository.transition({
        id: record.id,
        from: 'SCORED',
        expectedVersion: 2,
        to: 'SUBMITTED',
        at,
        archiveCurrentAs: 0,
        clear: ['lane', 'validation'],
        set: { declaration: amended, submission: { ...archived, sha256, bytes: bytes.byteLength }, amendment: 1 },
      });
      const current = await repository.get(record.id);
      const first = await repository.getAmendment(record.id, 0);
      const latest = await repository.getAmendment(record.id, 1);
      const none = await repository.getAmendment(record.id, 2);

      // Assess
      expect([stale, applied]).toEqual(['conflict', 'applied']);
      expect(current).toMatchObject({ status: 'SUBMITTED', version: 3, amendment: 1, submission: { sha256 } });
      expect(current?.declaration.items).toHaveLength(2);
      expect(current).not.toHaveProperty('lane');
      expect(current).not.toHaveProperty('validation');
      expect(first).toMatchObject({ status: 'SCORED', version: 2, lane: 'RED', submission: { sha256: record.submission.sha256 } });
      expect(first?.declaration).toEqual(record.declaration);
      expect(latest).toEqual(current);
      expect(none).toBeUndefined();
    });

    it('keeps the risk outcome beside the state: get reads it, getState has its score only; an amendment keeps it on its copy', async () => {
      // Prepare: a declaration scored RED
      const record = await stored(subject);
      const repository = subject.repository();
      const at = new Date().toISOString();
      const risk: RiskOutcome = {
        lane: 'RED',
        score: 70,
        reasons: [{ kind: 'PROFILE', profileId: 'RP-CONTRACT', profileVersion: 1, lane: 'RED', text: 'contract profile selects RED' }],
        profileVersions: { 'RP-CONTRACT': 1 },
        scoredAt: at,
        postClearanceAudit: false,
      };
      await repository.transition({
        id: record.id,
        from: 'SUBMITTED',
        expectedVersion: 1,
        to: 'SCORED',
        at,
        set: { risk, riskScore: risk.score, lane: risk.lane },
      });

      // Act
      const scored = await repository.get(record.id);
      const state = await repository.getState(record.id);
      await repository.transition({
        id: record.id,
        from: 'SCORED',
        expectedVersion: 2,
        to: 'SUBMITTED',
        at,
        archiveCurrentAs: 0,
        clear: ['risk', 'riskScore', 'lane'],
        set: { amendment: 1 },
      });
      const amended = await repository.get(record.id);
      const asFirstSubmitted = await repository.getAmendment(record.id, 0);

      // Assess
      expect(scored?.risk).toEqual(risk);
      expect(state).toMatchObject({ riskScore: 70, lane: 'RED' });
      expect(state).not.toHaveProperty('risk');
      expect(amended?.risk).toBeUndefined();
      expect(amended).not.toHaveProperty('riskScore');
      expect(asFirstSubmitted).toMatchObject({ risk, riskScore: 70 });
    });

    it('stores a declaration once; get reads its body back, getState leaves it out', async () => {
      // Prepare
      const record = await stored(subject);

      // Act
      const again = await subject.repository().create(record);
      const read = await subject.repository().get(record.id);
      const state = await subject.repository().getState(record.id);

      // Assess
      expect(again).toBe(false);
      expect(read?.declaration).toEqual(record.declaration);
      expect(read).toMatchObject({ id: record.id, status: 'SUBMITTED', version: 1, submission: { sha256: record.submission.sha256 } });
      expect(state).not.toHaveProperty('declaration');
      expect(state).toMatchObject({ id: record.id, declarantId: record.declarantId });
      expect(await subject.repository().get(newDeclarationId(new Date()))).toBeUndefined();
    });

    it('changes state only from the expected version and status, and keeps a large assessment', async () => {
      // Prepare: an assessment far over 400 KB that does not compress well
      const record = await stored(subject);
      const repository = subject.repository();
      const at = new Date().toISOString();
      const noise = Array.from({ length: 900 }, () => Array.from({ length: 700 }, () => String.fromCharCode(97 + randomInt(26))).join(''));
      const assessment: Assessment = {
        currency: 'GBP',
        tariffPackVersion: 'contract-test',
        exchangeRate: null,
        acceptanceDate: at.slice(0, 10),
        items: noise.map((text, itemIndex) => ({ itemIndex, commodityCode: '0101210000', customsValue: '1.00', lines: [], notes: [text] })),
        totals: { byTaxType: {}, total: '0.00' },
        reliefs: [],
      };
      const validated = event(record, 2);

      // Act
      const wrongVersion = await repository.transition({
        id: record.id,
        from: 'SUBMITTED',
        expectedVersion: 7,
        to: 'VALIDATED',
        at,
        set: {},
      });
      const wrongStatus = await repository.transition({ id: record.id, from: 'SCORED', expectedVersion: 1, to: 'ASSESSED', at, set: {} });
      const applied = await repository.transition({
        id: record.id,
        from: 'SUBMITTED',
        expectedVersion: 1,
        to: 'ASSESSED',
        at,
        set: { assessment, lastEvent: validated },
      });
      const replay = await repository.transition({ id: record.id, from: 'SUBMITTED', expectedVersion: 1, to: 'ASSESSED', at, set: {} });
      const read = await repository.get(record.id);

      // Assess
      expect([wrongVersion, wrongStatus, applied, replay]).toEqual(['conflict', 'conflict', 'applied', 'conflict']);
      expect(read).toMatchObject({ status: 'ASSESSED', version: 2, updatedAt: at, lastEvent: validated });
      expect(read?.assessment).toEqual(assessment);
    });

    it('lists declarations stopped in the pipeline until they finish, and redrives each a bounded number of times', async () => {
      // Prepare
      const old = await stored(subject, { at: new Date(Date.now() - 60 * 60_000).toISOString() });
      const finished = await stored(subject, { at: new Date(Date.now() - 60 * 60_000).toISOString() });
      const repository = subject.repository();
      await repository.transition({
        id: finished.id,
        from: 'SUBMITTED',
        expectedVersion: 1,
        to: 'REJECTED',
        at: finished.submittedAt,
        set: {},
      });
      const before = new Date(Date.now() - 30 * 60_000).toISOString();

      // Act
      const listed = (await repository.listStalled(before, 10_000)).items.map((item) => item.id);
      const notes = [];
      for (let run = 0; run < 3; run += 1)
        notes.push(await repository.noteRedrive(old.id, 1, new Date(Date.now() - (40 - run) * 60_000).toISOString(), 2));
      const wrongVersion = await repository.noteRedrive(old.id, 5, new Date().toISOString(), 2);
      const afterNote = (await repository.listStalled(new Date(Date.now() - 50 * 60_000).toISOString(), 10_000)).items.map(
        (item) => item.id,
      );

      // Assess
      expect(listed).toContain(old.id);
      expect(listed).not.toContain(finished.id);
      expect(notes).toEqual(['redrive', 'redrive', 'gave-up']);
      expect(wrongVersion).toBe('moved-on');
      // Noted at a later time: it went to the back of the index.
      expect(afterNote).not.toContain(old.id);
    });

    it('keeps the in-flight entry from entering the pipeline to leaving it, and defers it without counting a redrive', async () => {
      // Prepare: entered an hour ago, moved on a stage now
      const hourAgo = new Date(Date.now() - 60 * 60_000).toISOString();
      const now = new Date().toISOString();
      const moving = await stored(subject, { at: hourAgo });
      const repository = subject.repository();
      await repository.transition({ id: moving.id, from: 'SUBMITTED', expectedVersion: 1, to: 'VALIDATED', at: now, set: {} });
      const before = new Date(Date.now() - 30 * 60_000).toISOString();
      const listed = async () => (await repository.listStalled(before, 10_000)).items.map((item) => item.id);

      // Act
      const betweenStages = await listed();
      const staleDefer = await repository.deferStalled(moving.id, 1, now);
      const deferred = await repository.deferStalled(moving.id, 2, now);
      const afterDefer = await listed();
      await repository.transition({ id: moving.id, from: 'VALIDATED', expectedVersion: 2, to: 'REJECTED', at: now, set: {} });
      const leftDefer = await repository.deferStalled(moving.id, 3, hourAgo);
      const afterLeaving = (await repository.listStalled(new Date(Date.now() + 60_000).toISOString(), 10_000)).items.map((item) => item.id);

      // Assess: the change between stages left the entry at its entry time; the redrive reads the state
      expect(betweenStages).toContain(moving.id);
      expect([staleDefer, deferred, leftDefer]).toEqual([false, true, false]);
      expect(afterDefer).not.toContain(moving.id);
      expect(afterLeaving).not.toContain(moving.id);
      expect((await repository.getState(moving.id))?.redriveCount).toBeUndefined();
    });

    it('moves a backed-off in-flight entry to the time of the next change when asked', async () => {
      // Prepare: redriven, backed off far ahead
      const hourAgo = new Date(Date.now() - 60 * 60_000).toISOString();
      const record = await stored(subject, { at: hourAgo });
      const repository = subject.repository();
      await repository.noteRedrive(record.id, 1, new Date(Date.now() + 24 * 60 * 60_000).toISOString(), 5);
      const halfHourAgo = new Date(Date.now() - 30 * 60_000).toISOString();

      // Act
      await repository.transition({
        id: record.id,
        from: 'SUBMITTED',
        expectedVersion: 1,
        to: 'VALIDATED',
        at: halfHourAgo,
        set: {},
        restartStallWait: true,
      });
      const listed = (await repository.listStalled(new Date(Date.now() - 20 * 60_000).toISOString(), 10_000)).items.map((item) => item.id);

      // Assess
      expect(listed).toContain(record.id);
      expect((await repository.getState(record.id))?.redriveCount).toBeUndefined();
    });

    it('pages a review queue oldest first by position and counts it', async () => {
      // Prepare: three declarations queued a minute apart, in the order 2, 0, 1
      const repository = subject.repository();
      const lane = `L${randomInt(1e6)}`;
      const records = [await stored(subject), await stored(subject), await stored(subject)];
      const queuedAt = (minute: number) => `2026-11-27T09:0${minute}:00.000Z`;
      for (const [index, minute] of [
        [0, 2],
        [1, 0],
        [2, 1],
      ] as const) {
        await repository.transition({
          id: records[index]!.id,
          from: 'SUBMITTED',
          expectedVersion: 1,
          to: 'UNDER_REVIEW',
          at: queuedAt(minute),
          set: { queuedAt: queuedAt(minute) },
          reviewQueue: { lane, office: 'GBLHR', queuedAt: queuedAt(minute) },
        });
      }

      // Act
      const first = await repository.listReviewQueue(lane, 'GBLHR', { limit: 2 });
      const last = first.at(-1)!;
      const rest = await repository.listReviewQueue(lane, 'GBLHR', { limit: 2, after: { queuedAt: last.queuedAt!, id: last.id } });
      const count = await repository.countReviewQueue(lane, 'GBLHR');
      const otherOffice = await repository.countReviewQueue(lane, 'GBDVR');
      // Queued strictly before 09:01: only the one queued at 09:00 (the one at 09:01 exactly is not older).
      const older = await repository.listReviewQueue(lane, 'GBLHR', { limit: 10, before: queuedAt(1) });
      const olderAfter = await repository.listReviewQueue(lane, 'GBLHR', {
        limit: 10,
        before: queuedAt(2),
        after: { queuedAt: queuedAt(0), id: records[1]!.id },
      });

      // Assess
      expect(first.map((state) => state.id)).toEqual([records[1]!.id, records[2]!.id]);
      expect(rest.map((state) => state.id)).toEqual([records[0]!.id]);
      expect(older.map((state) => state.id)).toEqual([records[1]!.id]);
      expect(olderAfter.map((state) => state.id)).toEqual([records[2]!.id]);
      expect([count, otherOffice]).toEqual([3, 0]);
    });

    it('pages a queue of many declarations in one order across its shards, also below an age bound', async () => {
      // Prepare: twelve declarations (the adapter spreads a queue over shards by id) queued in five
      // minutes, several in the same minute: the order is queue time, then id
      const repository = subject.repository();
      const lane = `L${randomInt(1e6)}`;
      const queuedAt = (minute: number) => `2026-11-27T10:0${minute}:00.000Z`;
      const queued: { id: string; queuedAt: string }[] = [];
      for (let index = 0; index < 12; index++) {
        const record = await stored(subject);
        const at = queuedAt((index * 3) % 5);
        await repository.transition({
          id: record.id,
          from: 'SUBMITTED',
          expectedVersion: 1,
          to: 'UNDER_REVIEW',
          at,
          set: { queuedAt: at },
          reviewQueue: { lane, office: 'GBLHR', queuedAt: at },
        });
        queued.push({ id: record.id, queuedAt: at });
      }
      const inOrder = [...queued].sort((a, b) => (`${a.queuedAt}#${a.id}` < `${b.queuedAt}#${b.id}` ? -1 : 1)).map((entry) => entry.id);
      const pageThrough = async (before: string | undefined): Promise<string[]> => {
        const seen: string[] = [];
        let after: { queuedAt: string; id: string } | undefined;
        for (let page = 0; page < 10; page++) {
          const states = await repository.listReviewQueue(lane, 'GBLHR', { limit: 5, after, before });
          seen.push(...states.map((state) => state.id));
          const last = states.at(-1);
          if (states.length < 5 || !last) break;
          after = { queuedAt: last.queuedAt!, id: last.id };
        }
        return seen;
      };

      // Act
      const all = await pageThrough(undefined);
      // Queued strictly before 10:03: minutes 0, 1 and 2.
      const older = await pageThrough(queuedAt(3));

      // Assess
      expect(all).toEqual(inOrder);
      expect(older).toEqual(inOrder.filter((id) => queued.find((entry) => entry.id === id)!.queuedAt < queuedAt(3)));
      expect(older.length).toBeGreaterThan(5);
      expect(await repository.countReviewQueue(lane, 'GBLHR')).toBe(12);
    });

    it('puts a declaration in a review queue and takes it out', async () => {
      // Prepare
      const record = await stored(subject);
      const repository = subject.repository();
      const lane = `L${randomInt(1e6)}`;
      const queuedAt = new Date().toISOString();

      // Act
      await repository.transition({
        id: record.id,
        from: 'SUBMITTED',
        expectedVersion: 1,
        to: 'UNDER_REVIEW',
        at: queuedAt,
        set: {},
        reviewQueue: { lane, office: 'GBLHR', queuedAt },
      });
      const queued = await repository.listReviewQueue(lane, 'GBLHR', { limit: 10 });
      await repository.transition({
        id: record.id,
        from: 'UNDER_REVIEW',
        expectedVersion: 2,
        to: 'RELEASED',
        at: queuedAt,
        set: {},
        reviewQueue: null,
      });
      const after = await repository.listReviewQueue(lane, 'GBLHR', { limit: 10 });

      // Assess
      expect(queued.map((item) => item.id)).toEqual([record.id]);
      expect(after).toEqual([]);
    });

    it("pages a declarant's declarations newest first over every shard, and refuses a cursor of another listing", async () => {
      // Prepare: enough declarations to land in several shards (by id)
      const party = newParty();
      const ids = [];
      for (let minute = 0; minute < 7; minute += 1)
        ids.push((await stored(subject, { party, at: new Date(Date.now() - (10 - minute) * 60_000).toISOString() })).id);
      const repository = subject.repository();

      // Act
      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await repository.listByDeclarant(party, { limit: 3, cursor, status: undefined });
        pages.push(page);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && pages.length < 10);
      const first = pages[0];
      const foreign = repository.listByDeclarant(newParty(), { limit: 2, cursor: first?.nextCursor ?? undefined, status: undefined });
      const garbage = repository.listByDeclarant(party, { limit: 2, cursor: 'bm90IGEgY3Vyc29y', status: undefined });

      // Assess
      expect(pages.flatMap((page) => page.items).map((item) => item.id)).toEqual([...ids].reverse());
      expect(pages.slice(0, -1).every((page) => page.items.length === 3)).toBe(true);
      expect(first?.nextCursor).not.toBeNull();
      await expect(foreign).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(garbage).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('finds the declarations of a UCR, oldest first, at most the limit asked, and nothing for a UCR none names', async () => {
      // Prepare: three declarations of one party, which storeSubmitted gives the same UCR
      const party = newParty();
      const records = [];
      for (let n = 0; n < 3; n += 1) records.push(await stored(subject, { party }));
      const repository = subject.repository();
      const [first] = records;

      // Act
      const all = await repository.listByUcr(first?.ucr ?? '', 10);
      const two = await repository.listByUcr(first?.ucr ?? '', 2);
      const none = await repository.listByUcr(`6${newParty()}-X`, 10);

      // Assess
      expect(all.map((state) => state.id)).toEqual(records.map((record) => record.id).sort());
      expect(all[0]).toMatchObject({ id: first?.id, ucr: first?.ucr, declarantId: party, status: 'SUBMITTED' });
      expect(two.map((state) => state.id)).toEqual(all.slice(0, 2).map((state) => state.id));
      expect(none).toEqual([]);
    });

    it('pages the declarations of a day newest first over every shard, with their bodies, optionally in one status', async () => {
      // Prepare: a day of its own, one declaration of it rejected
      const day = `19${String(randomInt(10, 99))}-0${randomInt(1, 9)}-1${randomInt(0, 9)}`;
      const ids: string[] = [];
      for (let minute = 0; minute < 9; minute += 1)
        ids.push((await stored(subject, { at: `${day}T10:${String(minute).padStart(2, '0')}:00.000Z` })).id);
      const repository = subject.repository();
      const rejected = ids[4] ?? '';
      await repository.transition({
        id: rejected,
        from: 'SUBMITTED',
        expectedVersion: 1,
        to: 'REJECTED',
        at: new Date().toISOString(),
        set: {},
      });
      const all = async (status?: 'SUBMITTED') => {
        const records = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await repository.listByDay(day, { limit: 4, cursor, status });
          records.push(...page.items);
          cursor = page.nextCursor ?? undefined;
          pages += 1;
        } while (cursor && pages < 10);
        return records;
      };

      // Act
      const every = await all();
      const submitted = await all('SUBMITTED');

      // Assess
      expect(every.map((record) => record.id)).toEqual([...ids].reverse());
      expect(every.every((record) => record.declaration.items.length > 0)).toBe(true);
      expect(submitted.map((record) => record.id)).toEqual([...ids].reverse().filter((id) => id !== rejected));
    });

    it('appends each history event once, tells whether one is stored, lists them in order, and sets a marker once', async () => {
      // Prepare
      const record = await stored(subject);
      const repository = subject.repository();

      // Act
      const storedBefore = await repository.hasEvent(record.id, 2);
      const results = [
        await repository.appendEvent(event(record, 2)),
        await repository.appendEvent(event(record, 1)),
        await repository.appendEvent(event(record, 2)),
      ];
      const marks = [await repository.markOnce(record.id, 'countedAt', 'x'), await repository.markOnce(record.id, 'countedAt', 'y')];

      const storedAfter = [await repository.hasEvent(record.id, 2), await repository.hasEvent(record.id, 3)];

      // Assess
      expect(storedBefore).toBe(false);
      expect(storedAfter).toEqual([true, false]);
      expect(results).toEqual([true, true, false]);
      expect((await repository.listEvents(record.id)).map((item) => item.version)).toEqual([1, 2]);
      expect(marks).toEqual([true, false]);
    });

    it('reads a declaration with its events stored from a version on, as get and listEvents read them (pattern 110)', async () => {
      // Prepare: events 1, 2 and 4 stored (3 missing), a marker beside them
      const record = await stored(subject);
      const repository = subject.repository();
      for (const version of [1, 2, 4]) await repository.appendEvent(event(record, version));
      await repository.markOnce(record.id, 'countedAt', 'x');

      // Act
      const fromTwo = await repository.getWithEvents(record.id, 2);
      const fromFive = await repository.getWithEvents(record.id, 5);
      const missing = await repository.getWithEvents('01M8GRYAS4HK7SM1PZACFJ5T89', 1);

      // Assess
      expect(fromTwo?.record).toEqual(await repository.get(record.id));
      expect(fromTwo?.eventsFrom).toBe(2);
      expect(fromTwo?.events).toEqual((await repository.listEvents(record.id)).filter((stored) => stored.version >= 2));
      expect(fromTwo?.events.map((stored) => stored.version)).toEqual([2, 4]);
      expect(fromFive?.events).toEqual([]);
      expect(missing).toBeUndefined();
    });

    it("reads the body from a message's copy of the submitted bytes, and only when the copy's SHA-256 is the submission's", async () => {
      // Prepare: one declaration whose archive object was never written (only the copy can give its body),
      // one archived whose copy arrives altered (another LRN)
      const repository = subject.repository();
      const unarchived = await storeSubmittedWithBytes(
        { repository, archive: subject.archive(), bucket: 'contract-not-archived' },
        { archived: false },
      );
      const archived = await storeSubmittedWithBytes({ repository, archive: subject.archive() });
      const altered = archived.bytes.toString('utf8').replace(archived.record.declaration.lrn, 'ALTERED-LRN');

      // Act
      const fromCopy = await repository.getWithEvents(unarchived.record.id, 1, { text: unarchived.bytes.toString('utf8') });
      const fromArchive = await repository.getWithEvents(archived.record.id, 1, { text: altered });

      // Assess: the copy is the body, and is handed on; the altered copy is ignored (the archived body is read)
      expect(fromCopy?.record.declaration).toEqual(unarchived.record.declaration);
      expect(fromCopy?.submittedText).toBe(unarchived.bytes.toString('utf8'));
      expect(fromArchive?.record.declaration).toEqual(archived.record.declaration);
      expect(fromArchive?.record.declaration.lrn).not.toBe('ALTERED-LRN');
      expect(fromArchive?.submittedText).toBeUndefined();
    });

    it('reads one history event by its version, strongly or eventually consistent, and none that is not stored', async () => {
      // Prepare
      const record = await stored(subject);
      const repository = subject.repository();
      await repository.appendEvent(event(record, 1));
      await repository.appendEvent(event(record, 2));

      // Act
      const [strongly, eventually, missing] = [
        await repository.getEvent(record.id, 2),
        await repository.getEvent(record.id, 2, { consistent: false }),
        await repository.getEvent(record.id, 3),
      ];

      // Assess
      const listed = (await repository.listEvents(record.id)).find((item) => item.version === 2);
      expect(listed).toMatchObject({ declarationId: record.id, version: 2 });
      expect(strongly).toEqual(listed);
      expect(eventually).toEqual(listed);
      expect(missing).toBeUndefined();
    });

    it('reads the state eventually consistent when asked to, as stored once the write has settled', async () => {
      // Prepare
      const record = await stored(subject);
      const repository = subject.repository();

      // Act
      const eventually = await repository.getState(record.id, { consistent: false });

      // Assess
      expect(eventually).toEqual(await repository.getState(record.id));
    });

    it("records an upload once, lists a declaration's uploads oldest first, and settles each pending one once", async () => {
      // Prepare
      const record = await stored(subject);
      const repository = subject.repository();
      const upload = (minute: number): DocumentUpload => {
        const documentId = newDocumentId(new Date(Date.UTC(2026, 10, 27, 10, minute)));
        return {
          declarationId: record.id,
          documentId,
          type: 'N935',
          ref: `INV-${minute}`,
          contentType: 'application/pdf',
          size: 1234,
          sha256: 'b'.repeat(64),
          key: documentKey(record.id, documentId),
          status: 'PENDING',
          uploadedBy: record.declarantId,
          requestedAt: `2026-11-27T10:0${minute}:00.000Z`,
          expiresAt: `2026-11-27T10:0${minute + 5}:00.000Z`,
        };
      };
      // Document ids are ULIDs: made in this order, they sort in it (recorded out of order below).
      const [first, second, third] = [upload(1), upload(2), upload(3)];

      // Act
      const recorded = [await repository.recordUpload(second), await repository.recordUpload(first), await repository.recordUpload(third)];
      const again = await repository.recordUpload({ ...first, ref: 'other' });
      const received = await repository.settleUpload(record.id, first.documentId, { status: 'RECEIVED', at: '2026-11-27T10:04:00.000Z' });
      const refused = await repository.settleUpload(record.id, second.documentId, {
        status: 'REFUSED',
        at: '2026-11-27T10:05:00.000Z',
        reason: 'the uploaded file has 12 bytes, not the 1234 declared',
      });
      const settledAgain = await repository.settleUpload(record.id, first.documentId, { status: 'REFUSED', at: 'x', reason: 'late' });
      const unknown = await repository.settleUpload(record.id, newDocumentId(new Date()), { status: 'RECEIVED', at: 'x' });
      const listed = await repository.listUploads(record.id);

      // Assess
      expect(recorded).toEqual([true, true, true]);
      expect(again).toBe(false);
      expect([received, refused, settledAgain, unknown]).toEqual([true, true, false, false]);
      expect(listed.map((item) => item.documentId)).toEqual([first.documentId, second.documentId, third.documentId]);
      expect(listed[0]).toEqual({ ...first, status: 'RECEIVED', receivedAt: '2026-11-27T10:04:00.000Z' });
      expect(listed[1]).toEqual({
        ...second,
        status: 'REFUSED',
        refusal: { reason: 'the uploaded file has 12 bytes, not the 1234 declared', at: '2026-11-27T10:05:00.000Z' },
      });
      expect(await repository.getUpload(record.id, third.documentId)).toEqual(third);
      expect(await repository.getUpload(record.id, newDocumentId(new Date()))).toBeUndefined();
      expect(await repository.listUploads(newDeclarationId(new Date()))).toEqual([]);
      // Uploads are not part of the declaration read with its parts, nor of its history.
      expect(await repository.get(record.id)).toMatchObject({ id: record.id, version: 1 });
      expect(await repository.listEvents(record.id)).toEqual([]);
    });

    it('keeps the documents a state change puts on the declaration', async () => {
      // Prepare
      const record = await stored(subject);
      const repository = subject.repository();
      const documentId = newDocumentId(new Date());
      const document: ReceivedDocument = {
        documentId,
        type: 'N935',
        ref: 'INV-1',
        contentType: 'application/pdf',
        size: 1234,
        sha256: 'c'.repeat(64),
        key: documentKey(record.id, documentId),
        receivedAt: '2026-11-27T10:04:00.000Z',
        answers: '2026-11-27T10:00:00.000Z',
      };

      // Act
      const outcome = await repository.transition({
        id: record.id,
        from: 'SUBMITTED',
        expectedVersion: 1,
        to: 'DOCUMENTS_REQUESTED',
        at: '2026-11-27T10:04:00.000Z',
        set: { documents: [document] },
      });

      // Assess
      expect(outcome).toBe('applied');
      expect((await repository.getState(record.id))?.documents).toEqual([document]);
      expect((await repository.get(record.id))?.documents).toEqual([document]);
    });
  });
}
