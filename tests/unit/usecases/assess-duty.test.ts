/**
 * Every branch of the duty stage and of the duty estimate (shared/usecases/assess-duty.ts) on the
 * fakes, against the committed GB tariff pack and exchange rates loaded as reference documents,
 * as the worker reads them (tariffFromReferenceDocuments).
 */
import { describe, expect, it } from 'vitest';
import { tariffFromReferenceDocuments } from '#shared/adapters/tariff-source.ts';
import type { Principal } from '#shared/domain/auth.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { declarationSchema } from '#shared/domain/declaration.ts';
import { MAX_PROBLEMS } from '#shared/domain/problems.ts';
import type { TariffSource } from '#shared/ports/tariff-source.ts';
import { TariffNotLoadedError } from '#shared/ports/tariff-source.ts';
import { assessDuty, estimateDuty } from '#shared/usecases/assess-duty.ts';
import { demoReferenceDocuments, fakePlatform, loadDocument, ordinaryImporter, trustedTrader } from '#tests/support/fake-platform.ts';
import { duty, makePack, makeRates, measure } from '#tests/unit/tariff/support.ts';

const trader: Principal = { subject: 'trader-1', roles: ['trader'], partyId: trustedTrader };

/** Ferro-silicon from China: the anti-dumping duty needs the biodiesel-content quantity the item leaves out. */
const withoutNeededQuantity = (d: DeclarationInput) => {
  d.items[0] = { ...d.items[0]!, commodityCode: '7202118000', description: 'Ferro-silicon', quantities: [] };
};

/** Goods worth 100 GBP, under the GB de minimis threshold (135 GBP) for customs duty. */
const lowValue = (d: DeclarationInput) => {
  d.valuation = { currency: 'GBP', incoterm: 'FOB', invoiceTotal: '100.00' };
  d.items[0] = { ...d.items[0]!, invoiceAmount: '100.00' };
};

/** A tariff source that counts its reads. */
function counting(tariff: TariffSource): TariffSource & { reads: number } {
  const counted = {
    reads: 0,
    asOf: (at: string) => {
      counted.reads += 1;
      return tariff.asOf(at);
    },
    alcoholDutyRatesAsOf: (at: string) => {
      counted.reads += 1;
      return tariff.alcoholDutyRatesAsOf(at);
    },
  };
  return counted;
}

/** A platform with one declaration SCORED, its message waiting in the duty queue. */
async function scored(change: (d: DeclarationInput) => void = () => {}, platform?: Awaited<ReturnType<typeof fakePlatform>>) {
  const world = platform ?? (await fakePlatform());
  const id = await world.submit(world.declaration(trustedTrader, change));
  await world.runThrough('risk');
  expect((await world.record(id)).status).toBe('SCORED');
  return { ...world, id, message: world.queues.duty.sent.splice(0)[0]! };
}

describe('assessDuty', () => {
  it('stores the assessment made with the pack and rates in force, and hands the declaration to the release decision', async () => {
    // Prepare
    const { id, message, record, deps, queues, documents } = await scored();

    // Act
    const result = await assessDuty(message, deps.duty);

    // Assess
    expect(result).toMatchObject({ outcome: 'moved', to: 'ASSESSED' });
    expect(message.submittedText).toBeDefined();
    const assessed = await record(id);
    const pack = await documents.current('tariffPack', (raw) => raw as { version: string });
    expect(assessed.assessment).toMatchObject({ currency: 'GBP', tariffPackVersion: pack?.document.version });
    expect(assessed.assessment?.items[0]?.lines.map((line) => line.taxType)).toEqual(['A00', 'B00']);
    expect(assessed.assessmentProblems).toBeUndefined();
    expect(assessed.lastEvent?.detail).toBe(`total ${assessed.assessment?.totals.total} GBP (tariff pack ${pack?.document.version})`);
    expect(queues.release.sent).toEqual([{ declarationId: id, version: 4, submittedText: message.submittedText }]);
  });

  it('assesses nothing for an export, without reading the tariff', async () => {
    // Prepare
    const { id, message, record, deps, queues } = await scored((d) => {
      d.type = 'EX';
      d.procedureCode = '1040';
      d.exporter = { id: trustedTrader, name: 'Borealis Trading', country: 'GB' };
      d.importer = { name: 'Maschinenhandel Nord GmbH', country: 'DE' };
      d.consignment.loadingLocation = 'GBDVR';
      d.items[0] = { ...d.items[0]!, origin: 'GB' };
    });
    const tariff = counting(deps.duty.tariff);

    // Act
    const result = await assessDuty(message, { ...deps.duty, tariff });

    // Assess
    expect(result).toMatchObject({ outcome: 'moved', to: 'ASSESSED' });
    const assessed = await record(id);
    expect(assessed).toMatchObject({ type: 'EX', status: 'ASSESSED' });
    expect([assessed.assessment, assessed.assessmentProblems]).toEqual([undefined, undefined]);
    expect(assessed.lastEvent?.detail).toBe('export: no import duties or taxes to assess');
    expect(tariff.reads).toBe(0);
    expect(queues.release.sent).toEqual([{ declarationId: id, version: 4, submittedText: message.submittedText }]);
  });

  it('stores the problems when the duty cannot be calculated, and still hands the declaration on (to an officer)', async () => {
    // Prepare
    const { id, message, record, deps, queues } = await scored(withoutNeededQuantity);

    // Act
    await assessDuty(message, deps.duty);

    // Assess
    const assessed = await record(id);
    expect(assessed.status).toBe('ASSESSED');
    expect(assessed.assessment).toBeUndefined();
    expect(assessed.assessmentProblems).toEqual([
      expect.objectContaining({ pointer: '/items/0/quantities', code: 'MISSING_QUANTITY', message: expect.stringContaining('biodiesel') }),
    ]);
    expect(assessed.lastEvent?.detail).toBe('duties could not be calculated: 1 problem(s): MISSING_QUANTITY');
    expect(queues.release.sent).toEqual([{ declarationId: id, version: 4, submittedText: message.submittedText }]);
  });

  it(`stores the first ${MAX_PROBLEMS} problems and says how many there were`, async () => {
    // Prepare: 120 items, each missing the quantity its duty needs
    const { id, message, record, deps } = await scored((d) => {
      withoutNeededQuantity(d);
      d.items = Array.from({ length: 120 }, () => ({ ...d.items[0]! }));
      d.consignment.grossMassKg = '250000';
      d.valuation.invoiceTotal = '600000.00';
    });

    // Act
    await assessDuty(message, deps.duty);

    // Assess
    const assessed = await record(id);
    expect(assessed.assessmentProblems).toHaveLength(MAX_PROBLEMS);
    expect(assessed.lastEvent?.detail).toBe('duties could not be calculated: 120 problem(s): MISSING_QUANTITY');
  });

  it("relieves a low-value consignment's customs duty when the region has a de minimis rule, and not otherwise", async () => {
    // Prepare: two declarations of 100 GBP
    const platform = await fakePlatform();
    const first = await platform.submit(platform.declaration(trustedTrader, lowValue));
    const second = await platform.submit(platform.declaration(trustedTrader, lowValue));
    await platform.runThrough('risk');
    const [withRule, withoutRule] = platform.queues.duty.sent.splice(0);

    // Act
    await assessDuty(withRule!, platform.deps.duty);
    await assessDuty(withoutRule!, { ...platform.deps.duty, region: { nationalCurrency: 'GBP' } });

    // Assess
    const relieved = (await platform.record(first)).assessment;
    const charged = (await platform.record(second)).assessment;
    expect(relieved?.totals.byTaxType).toEqual({ A00: '0.00', B00: '20.00' });
    expect(relieved?.items[0]?.lines[0]?.calculation).toContain('relieved (de minimis)');
    expect(charged?.totals.byTaxType).toEqual({ A00: '2.00', B00: '20.40' });
  });

  it('uses the pack in force when the declaration was submitted, not one loaded since', async () => {
    // Prepare: a pack at 2% before submission, one at 9% loaded after it
    const documents = await demoReferenceDocuments({ pack: false, rates: false });
    const rates = makeRates([{ currency: 'USD', period: '2026-11', rate: '0.80' }]);
    const before = makePack({ '8510900000': [measure({ duty: duty('2.00%') })] });
    const after = makePack({ '8510900000': [measure({ duty: duty('9.00%') })] });
    await loadDocument(documents, 'tariffPack', before);
    await loadDocument(documents, 'exchangeRates', rates);
    const { id, message, record, deps, clock } = await scored(() => {}, await fakePlatform({ documents }));
    clock.advance(60_000);
    await loadDocument(documents, 'tariffPack', after, clock.now().toISOString());

    // Act
    await assessDuty(message, deps.duty);

    // Assess
    const assessment = (await record(id)).assessment;
    expect(assessment?.tariffPackVersion).toBe(before.version);
    expect(assessment?.items[0]?.lines[0]).toMatchObject({ taxType: 'A00', rate: '2.00%' });
  });

  it('fails, leaving the declaration SCORED, while the tariff pack or the exchange rates are not loaded', async () => {
    // Prepare: no tariff at all, then a pack without rates
    const documents = await demoReferenceDocuments({ pack: false, rates: false });
    const { id, message, record, deps, queues } = await scored(() => {}, await fakePlatform({ documents }));

    // Act
    const noPack = assessDuty(message, deps.duty);
    await expect(noPack).rejects.toBeInstanceOf(TariffNotLoadedError);
    await loadDocument(documents, 'tariffPack', makePack({ '8510900000': [measure({ duty: duty('2.00%') })] }));
    const noRates = assessDuty(message, deps.duty);

    // Assess
    await expect(noPack).rejects.toMatchObject({
      problems: [expect.objectContaining({ message: expect.stringContaining('tariff pack') })],
    });
    await expect(noRates).rejects.toMatchObject({
      kind: 'UNPROCESSABLE',
      problems: [expect.objectContaining({ code: 'TARIFF_NOT_LOADED', message: expect.stringContaining('exchange rates') })],
    });
    expect(await record(id)).toMatchObject({ status: 'SCORED', version: 3 });
    expect(queues.release.sent).toEqual([]);
  });

  it('on redelivery re-sends an assessed declaration to the release decision without assessing it again', async () => {
    // Prepare
    const { id, message, record, deps, queues } = await scored();
    await assessDuty(message, deps.duty);
    const first = (await record(id)).assessment;
    queues.release.sent.splice(0);
    const tariff = counting(deps.duty.tariff);

    // Act
    const result = await assessDuty(message, { ...deps.duty, tariff });

    // Assess
    expect(result).toEqual({ outcome: 'resent', status: 'ASSESSED', submittedText: message.submittedText });
    expect(tariff.reads).toBe(0);
    expect((await record(id)).assessment).toEqual(first);
    expect(queues.release.sent).toEqual([{ declarationId: id, version: 4, submittedText: message.submittedText }]);
  });
});

describe('estimateDuty', () => {
  it('gives the figures the duty stage stores for the same body, storing nothing', async () => {
    // Prepare
    const { id, message, record, deps, repository } = await scored();
    await assessDuty(message, deps.duty);
    const stored = await record(id);

    // Act
    const estimate = await estimateDuty(
      { principal: trader, declaration: stored.declaration, now: stored.submittedAt },
      { tariff: deps.duty.tariff, region: deps.duty.region },
    );

    // Assess
    expect(estimate.totals).toEqual(stored.assessment?.totals);
    expect(estimate.items).toEqual(stored.assessment?.items);
    expect(await repository.listByDeclarant(trustedTrader, { limit: 10, cursor: undefined, status: undefined })).toMatchObject({
      items: [{ id }],
    });
  });

  it('answers the problems when the duty cannot be calculated', async () => {
    // Prepare
    const platform = await fakePlatform();
    const declaration = declarationSchema.parse(platform.declaration(ordinaryImporter, withoutNeededQuantity));

    // Act
    const estimate = estimateDuty(
      { principal: trader, declaration, now: platform.clock.now().toISOString() },
      { tariff: platform.deps.duty.tariff, region: platform.deps.duty.region },
    );

    // Assess
    await expect(estimate).rejects.toMatchObject({
      kind: 'UNPROCESSABLE',
      problems: [expect.objectContaining({ code: 'MISSING_QUANTITY', pointer: '/items/0/quantities' })],
    });
  });

  it('refuses a caller with no platform role before reading the tariff', async () => {
    // Prepare
    const platform = await fakePlatform();
    const declaration = declarationSchema.parse(platform.declaration(ordinaryImporter));
    const tariff = counting(platform.deps.duty.tariff);

    // Act
    const estimate = estimateDuty(
      { principal: { subject: 'nobody', roles: [], partyId: undefined }, declaration, now: platform.clock.now().toISOString() },
      { tariff, region: platform.deps.duty.region },
    );

    // Assess
    await expect(estimate).rejects.toMatchObject({ kind: 'FORBIDDEN' });
    expect(tariff.reads).toBe(0);
  });

  it('reports a tariff that is not loaded as a problem, not a crash', async () => {
    // Prepare
    const platform = await fakePlatform({ documents: await demoReferenceDocuments({ pack: false, rates: false }) });
    const declaration = declarationSchema.parse(platform.declaration(ordinaryImporter));

    // Act
    const estimate = estimateDuty(
      { principal: trader, declaration, now: platform.clock.now().toISOString() },
      { tariff: tariffFromReferenceDocuments(platform.documents), region: platform.deps.duty.region },
    );

    // Assess
    await expect(estimate).rejects.toMatchObject({
      kind: 'UNPROCESSABLE',
      problems: [expect.objectContaining({ code: 'TARIFF_NOT_LOADED' })],
    });
  });
});
