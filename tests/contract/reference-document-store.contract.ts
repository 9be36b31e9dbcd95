/**
 * What every ReferenceDocumentStore must do: run against the in-memory fake (fakes.test.ts) and
 * the S3 and DynamoDB adapter on the local cloud (adapters.test.ts).
 *
 * The store is region-wide per kind, and the adapter's data outlives a test: each test works on a
 * kind of its own (four kinds, four tests), with content unique to the run.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ReferenceDocumentStore } from '#shared/ports/reference-documents.ts';
import { contentVersion } from '#shared/usecases/reference-documents.ts';

export interface ReferenceDocumentStoreSubject {
  /** A store over the same documents on every call (the adapter: a new instance, so a cold cache). */
  store: () => ReferenceDocumentStore;
}

/**
 * A document unique to this run, as the admin API stores it: JSON bytes, named by their hash. Its
 * text is not all ASCII, so a size in characters would not be its size in bytes.
 */
function document(label: string) {
  const value = { label, run: randomUUID(), note: 'Côte d’Ivoire, 東京, ✓' };
  const content = Buffer.from(JSON.stringify(value));
  return { value, content, version: contentVersion(content) };
}

const asIs = (raw: unknown) => raw;

export function referenceDocumentStoreContract(name: string, subject: ReferenceDocumentStoreSubject): void {
  describe(`ReferenceDocumentStore contract: ${name}`, () => {
    it('has nothing before a first load, then makes each load current and lists the loads newest first', async () => {
      // Prepare
      const store = subject.store();
      const [first, second] = [document('first'), document('second')];
      const empty = {
        current: await store.current('riskSettings', asIs),
        asOf: await store.asOf('riskSettings', '2030-01-01T00:00:00.000Z', asIs),
        history: await store.history('riskSettings'),
      };

      // Act
      const put = await store.put('riskSettings', first.version, first.content, { at: '2030-02-01T10:00:00.000Z', by: 'admin-1' });
      await store.put('riskSettings', second.version, second.content, { at: '2030-02-02T10:00:00.000Z', by: 'admin-2' });
      const afterTwo = await subject.store().current('riskSettings', asIs);
      // The same content at the same moment again (a retried request) is the same load.
      await store.put('riskSettings', second.version, second.content, { at: '2030-02-02T10:00:00.000Z', by: 'admin-2' });
      const historyAfterRetry = await subject.store().history('riskSettings');
      // An earlier version loaded again (a revert) is a new load, and current again.
      await store.put('riskSettings', first.version, first.content, { at: '2030-02-03T10:00:00.000Z', by: 'admin-1' });
      const reverted = await subject.store().current('riskSettings', asIs);
      const history = await subject.store().history('riskSettings');

      // Assess
      expect(empty).toEqual({ current: undefined, asOf: undefined, history: [] });
      expect(put).toEqual({
        kind: 'riskSettings',
        version: first.version,
        loadedAt: '2030-02-01T10:00:00.000Z',
        loadedBy: 'admin-1',
        bytes: first.content.byteLength,
      });
      expect(afterTwo).toEqual({ version: second.version, document: second.value });
      expect(historyAfterRetry.map((load) => load.version)).toEqual([second.version, first.version]);
      expect(reverted).toEqual({ version: first.version, document: first.value });
      expect(history).toEqual([
        { kind: 'riskSettings', version: first.version, loadedAt: '2030-02-03T10:00:00.000Z', loadedBy: 'admin-1', bytes: put.bytes },
        {
          kind: 'riskSettings',
          version: second.version,
          loadedAt: '2030-02-02T10:00:00.000Z',
          loadedBy: 'admin-2',
          bytes: second.content.byteLength,
        },
        put,
      ]);
    });

    it('answers with the version current at a moment: a load at that very moment counts, before the first load the first', async () => {
      // Prepare
      const store = subject.store();
      const [january, march, may] = [document('january'), document('march'), document('may')];
      await store.put('exchangeRates', march.version, march.content, { at: '2031-03-01T00:00:00.000Z', by: 'admin' });
      await store.put('exchangeRates', january.version, january.content, { at: '2031-01-01T00:00:00.000Z', by: 'admin' });
      await store.put('exchangeRates', may.version, may.content, { at: '2031-05-01T00:00:00.000Z', by: 'admin' });
      const at = (moment: string) => subject.store().asOf('exchangeRates', moment, asIs);

      // Act
      const found = {
        beforeAll: await at('2030-06-01T00:00:00.000Z'),
        atJanuary: await at('2031-01-01T00:00:00.000Z'),
        february: await at('2031-02-15T12:00:00.000Z'),
        justBeforeMarch: await at('2031-02-28T23:59:59.999Z'),
        atMarch: await at('2031-03-01T00:00:00.000Z'),
        later: await at('2040-01-01T00:00:00.000Z'),
      };
      const current = await subject.store().current('exchangeRates', asIs);
      const history = await subject.store().history('exchangeRates');

      // Assess: loads count by their time, not by the order they were made in
      expect(Object.fromEntries(Object.entries(found).map(([moment, result]) => [moment, result?.version]))).toEqual({
        beforeAll: january.version,
        atJanuary: january.version,
        february: january.version,
        justBeforeMarch: january.version,
        atMarch: march.version,
        later: may.version,
      });
      expect(found.atMarch?.document).toEqual(march.value);
      expect(current?.version).toBe(may.version);
      expect(history.map((load) => load.loadedAt)).toEqual([
        '2031-05-01T00:00:00.000Z',
        '2031-03-01T00:00:00.000Z',
        '2031-01-01T00:00:00.000Z',
      ]);
    });

    it('parses a version once while it stays cached (two per kind, least recently used out first), and never caches a failed parse', async () => {
      // Prepare
      const store = subject.store();
      const [v1, v2, v3] = [document('v1'), document('v2'), document('v3')];
      const parsed: string[] = [];
      const parse = (raw: unknown) => {
        parsed.push((raw as { label: string }).label);
        return { ...(raw as object) };
      };
      await store.put('valuationReferences', v1.version, v1.content, { at: '2032-01-01T00:00:00.000Z', by: 'admin' });

      // Act
      const failing = store.current('valuationReferences', () => {
        throw new Error('invalid document');
      });
      await expect(failing).rejects.toThrow('invalid document');
      const first = await store.current('valuationReferences', parse);
      const again = await store.asOf('valuationReferences', '2032-06-01T00:00:00.000Z', parse);
      await store.put('valuationReferences', v2.version, v2.content, { at: '2032-02-01T00:00:00.000Z', by: 'admin' });
      await store.current('valuationReferences', parse); // v2: v1 and v2 cached
      await store.asOf('valuationReferences', '2032-01-15T00:00:00.000Z', parse); // v1, now the most recently used
      await store.put('valuationReferences', v3.version, v3.content, { at: '2032-03-01T00:00:00.000Z', by: 'admin' });
      await store.current('valuationReferences', parse); // v3: v2 goes
      await store.asOf('valuationReferences', '2032-01-15T00:00:00.000Z', parse); // v1: still cached
      await store.asOf('valuationReferences', '2032-02-15T00:00:00.000Z', parse); // v2: parsed again

      // Assess: the same parsed object each time it is served from the cache
      expect(first?.document).toEqual(v1.value);
      expect(again?.document).toBe(first?.document);
      expect(parsed).toEqual(['v1', 'v2', 'v3', 'v2']);
    });

    it('keeps the bytes it was given, whatever the caller does with its buffer afterwards', async () => {
      // Prepare
      const store = subject.store();
      const pack = document('pack');
      const content = Uint8Array.from(pack.content);

      // Act
      await store.put('tariffPack', pack.version, content, { at: '2033-01-01T00:00:00.000Z', by: 'admin' });
      content.fill(32);
      const read = await subject.store().current('tariffPack', asIs);

      // Assess
      expect(read).toEqual({ version: pack.version, document: pack.value });
    });
  });
}
