/**
 * What every CargoReports must do: run against the in-memory fake (fakes.test.ts) and the DynamoDB
 * adapter on the local cloud (adapters.test.ts).
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cargoLinesOf, type ManifestInput, manifestIdOf, type StoredManifest } from '#shared/domain/cargo-reports.ts';
import type { CargoReports } from '#shared/ports/cargo-reports.ts';
import { newParty } from '#tests/integration/support.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/manifests/arrival-manifest.json', import.meta.url), 'utf8')) as ManifestInput;

/** The fixture manifest of a new carrier, its lines under fresh transport documents. */
function newManifest(arrivedAt = '2026-11-20T06:30:00.000Z', office = `GBT${randomInt(10_000, 99_999)}`): StoredManifest {
  const carrier = newParty();
  const input: ManifestInput = {
    ...fixture,
    carrier: { ...fixture.carrier, id: carrier },
    office,
    arrivedAt,
    lines: fixture.lines.map((line) => ({
      ...line,
      transportDocument: { type: 'N705', ref: `C-${randomInt(1_000_000_000, 9_999_999_999)}` },
    })),
  };
  return { ...input, id: manifestIdOf(input), carrierId: carrier, reportedAt: arrivedAt, sha256: 'a'.repeat(64) };
}

const declarationId = (): string => `01M8F${String(randomInt(1_000_000, 9_999_999))}${'0'.repeat(14)}`;

export function cargoReportsContract(name: string, subject: { cargo: () => CargoReports }) {
  describe(`CargoReports contract: ${name}`, () => {
    it('stores a manifest once under its id and reads it back', async () => {
      // Prepare
      const cargo = subject.cargo();
      const manifest = newManifest();

      // Act
      const first = await cargo.createManifest(manifest);
      const again = await cargo.createManifest({ ...manifest, sha256: 'b'.repeat(64) });

      // Assess
      expect(first).toEqual({ outcome: 'created' });
      expect(again).toEqual({ outcome: 'exists', existing: manifest });
      expect(await cargo.getManifest(manifest.id)).toEqual(manifest);
    });

    it("writes a line once under its transport document: another manifest's line with the same document is refused", async () => {
      // Prepare
      const cargo = subject.cargo();
      const [line] = cargoLinesOf(newManifest());
      if (!line) throw new Error('the fixture has lines');
      const other = { ...line, manifestId: newManifest().id };

      // Act
      const written = await cargo.putLine(line);
      const retried = await cargo.putLine(line);
      const taken = await cargo.putLine(other);

      // Assess
      expect(written).toEqual({ outcome: 'written' });
      expect(retried).toEqual({ outcome: 'taken', existing: line });
      expect(taken).toEqual({ outcome: 'taken', existing: line });
      expect(await cargo.findLines([line.transportDocument, { type: 'N705', ref: 'NEVER-REPORTED' }])).toEqual([line, undefined]);
    });

    it('finds the lines naming a UCR, with their discharges; a document another manifest holds is not listed under it', async () => {
      // Prepare: the fixture's second line names a UCR; this consignment's own
      const cargo = subject.cargo();
      const ucr = `6${newParty()}-TRACK`;
      const manifest = newManifest();
      const lines = cargoLinesOf(manifest).map((line) => (line.ucr ? { ...line, ucr } : line));
      const [, named] = lines;
      if (!named) throw new Error('the fixture has two lines');
      for (const line of lines) await cargo.putLine(line);
      await cargo.discharge(named.transportDocument, declarationId(), '2026-11-20T08:00:00.000Z');
      // Another manifest naming another UCR for the same document is refused, and leaves nothing under that UCR.
      const otherUcr = `6${newParty()}-OTHER`;
      await cargo.putLine({ ...named, manifestId: newManifest().id, ucr: otherUcr });

      // Act
      const found = await cargo.linesByUcr(ucr, 10);
      const underOther = await cargo.linesByUcr(otherUcr, 10);

      // Assess
      expect(found).toEqual([{ ...named, dischargedBy: { declarationId: expect.any(String), at: '2026-11-20T08:00:00.000Z' } }]);
      expect(underOther).toEqual([]);
    });

    it('lets one declaration discharge a line: a second is told who did, the first may repeat', async () => {
      // Prepare
      const cargo = subject.cargo();
      const [line] = cargoLinesOf(newManifest());
      if (!line) throw new Error('the fixture has lines');
      await cargo.putLine(line);
      const [first, second] = [declarationId(), declarationId()];

      // Act
      const results = await Promise.all([
        cargo.discharge(line.transportDocument, first, '2026-11-21T10:00:00.000Z'),
        cargo.discharge(line.transportDocument, second, '2026-11-21T10:00:01.000Z'),
      ]);
      const winner = results[0]?.outcome === 'discharged' ? first : second;
      const repeated = await cargo.discharge(line.transportDocument, winner, '2026-11-21T11:00:00.000Z');
      const missing = await cargo.discharge({ type: 'N705', ref: 'NEVER-REPORTED' }, first, '2026-11-21T10:00:00.000Z');

      // Assess
      expect(results.map((result) => result.outcome).sort()).toEqual(['discharged', 'taken']);
      expect(repeated).toMatchObject({ outcome: 'discharged', line: { dischargedBy: { declarationId: winner } } });
      expect(missing).toEqual({ outcome: 'missing' });
    });

    it('remembers who waits for a transport document', async () => {
      // Prepare
      const cargo = subject.cargo();
      const document = { type: 'N705', ref: `W-${randomInt(1_000_000, 9_999_999)}` };
      const [a, b] = [declarationId(), declarationId()].sort();

      // Act
      await cargo.awaitArrival(document, { declarationId: b as string, version: 5 });
      await cargo.awaitArrival(document, { declarationId: a as string, version: 5 });
      await cargo.awaitArrival(document, { declarationId: a as string, version: 5 });

      // Assess
      expect(await cargo.waitingFor(document)).toEqual([
        { declarationId: a, version: 5 },
        { declarationId: b, version: 5 },
      ]);
      expect(await cargo.waitingFor({ type: 'N705', ref: 'NOBODY-WAITS' })).toEqual([]);
    });

    it("lists an office's lines arrived before a time and not discharged, oldest first, a page at a time", async () => {
      // Prepare
      const cargo = subject.cargo();
      const office = `GBU${randomInt(10_000, 99_999)}`;
      const early = cargoLinesOf(newManifest('2026-11-01T08:00:00.000Z', office));
      const late = cargoLinesOf(newManifest('2026-11-10T08:00:00.000Z', office));
      for (const line of [...late, ...early]) await cargo.putLine(line);
      const [declared] = early;
      if (!declared) throw new Error('the fixture has lines');
      await cargo.discharge(declared.transportDocument, declarationId(), '2026-11-12T08:00:00.000Z');

      // Act
      const before = { arrivedBefore: '2026-11-11T00:00:00.000Z' };
      const first = await cargo.listUndeclared(office, { ...before, limit: 2, cursor: undefined });
      const rest = await cargo.listUndeclared(office, { ...before, limit: 10, cursor: first.nextCursor ?? undefined });
      const onlyEarly = await cargo.listUndeclared(office, { arrivedBefore: '2026-11-05T00:00:00.000Z', limit: 10, cursor: undefined });

      // Assess: the discharged line is read (a page of entries) but not listed
      expect([...first.items, ...rest.items]).toEqual([...early.slice(1), ...late]);
      expect(onlyEarly.items).toEqual(early.slice(1));
      await expect(
        cargo.listUndeclared(`GBV${randomInt(10_000, 99_999)}`, { ...before, limit: 2, cursor: first.nextCursor ?? 'x' }),
      ).rejects.toThrow('invalid cursor');
    });
  });
}
