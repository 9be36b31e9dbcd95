import { describe, expect, it } from 'vitest';
import { demoProfiles, demoSelection, demoThresholds, demoTraders, demoValuationTable } from '#demo/risk-seed.ts';
import { regions } from '#infra/config/regions.ts';
import { referenceData } from '#shared/reference/index.ts';
import { type Criterion, riskProfileSchema } from '#shared/risk/profile.ts';
import { riskThresholdsSchema } from '#shared/risk/score.ts';
import { selectionConfigSchema } from '#shared/risk/selection.ts';
import { newTraderProfile, recordDeclaration, recordInspection, traderParty, traderProfileSchema } from '#shared/risk/trader.ts';
import { valuationReferenceTableSchema } from '#shared/risk/valuation.ts';
import { fixture } from './support.ts';

const region = regions['eu-west-2'];

const prefixesOf = (criterion: Criterion): string[] => {
  if (criterion.kind === 'commodityCode') return criterion.prefixes;
  if (criterion.kind === 'and' || criterion.kind === 'or') return criterion.of.flatMap(prefixesOf);
  if (criterion.kind === 'not') return prefixesOf(criterion.of);
  return [];
};

describe('demo seed', () => {
  it('every part validates against its schema', () => {
    // Prepare
    const parts = {
      profiles: demoProfiles.map((p) => riskProfileSchema.safeParse(p).success),
      traders: demoTraders.map((t) => traderProfileSchema.safeParse(t).success),
      valuation: valuationReferenceTableSchema.safeParse(demoValuationTable).success,
      selection: selectionConfigSchema.safeParse(demoSelection).success,
      thresholds: riskThresholdsSchema.safeParse(demoThresholds).success,
    };

    // Act
    const failed = Object.entries(parts).filter(([, ok]) => (Array.isArray(ok) ? ok.includes(false) : !ok));

    // Assess
    expect(failed).toEqual([]);
  });

  it('names real HS headings and subheadings', () => {
    // Prepare
    const codes = [...demoProfiles.flatMap((p) => prefixesOf(p.criteria)), ...demoValuationTable.entries.map((e) => e.commodity)];

    // Act
    const unknown = codes.filter((code) => {
      const hs = referenceData().hs;
      return !(code.length === 4 ? hs.headings.has(code) : code.length === 6 ? hs.subheadings.has(code) : false);
    });

    // Assess
    expect(unknown).toEqual([]);
  });

  it('gives every office of the demo region its selection rates, in the national currency', () => {
    // Prepare
    const offices = [...region.customsOffices];

    // Act
    const missing = offices.filter((office) => demoSelection.offices[office] === undefined);

    // Assess
    expect(missing).toEqual([]);
    expect(demoValuationTable.currency).toBe(region.nationalCurrency);
  });

  it('has one trusted AEO trader and one ordinary trader, the demo users', () => {
    // Prepare
    const byId = new Map(demoTraders.map((t) => [t.partyId, t]));

    // Act
    const summary = [byId.get('GB987654321000'), byId.get('GB123456789000')].map((t) => t && `${t.name} ${t.aeo} ${t.trusted}`);

    // Assess
    expect(summary).toEqual(['Borealis Trading AEOF true', 'Acme Imports Ltd null false']);
  });
});

describe('trader profile upkeep', () => {
  it('counts declarations after scoring, and inspection results as officers record them', () => {
    // Prepare
    const fresh = newTraderProfile('GB555555555000', 'Newco Gadgets Ltd');

    // Act
    const afterOne = recordDeclaration(fresh, '2026-11-19T10:00:00Z');
    const afterTwo = recordDeclaration(afterOne, '2026-11-20T10:00:00Z');
    const inspected = recordInspection(recordInspection(afterTwo, { discrepancy: true }), { discrepancy: false });

    // Assess
    expect(inspected).toEqual({
      partyId: 'GB555555555000',
      name: 'Newco Gadgets Ltd',
      aeo: null,
      trusted: false,
      declarationsCount: 2,
      inspections: 2,
      discrepancies: 1,
      firstSeen: '2026-11-19T10:00:00Z',
      lastSeen: '2026-11-20T10:00:00Z',
    });
    expect(fresh.declarationsCount).toBe(0);
    expect(traderProfileSchema.safeParse(inspected).success).toBe(true);
  });

  it('refuses more discrepancies than inspections', () => {
    // Prepare
    const raw = { ...newTraderProfile('GB555555555000'), inspections: 1, discrepancies: 2 };

    // Act
    const parsed = traderProfileSchema.safeParse(raw);

    // Assess
    expect(parsed.success).toBe(false);
  });

  it('the trader of an import is the importer, of an export the exporter, else the declarant', () => {
    // Prepare
    const imported = fixture('cigarettes-via-ae');
    const exported = fixture('export-machinery');
    const noImporterId = structuredClone(imported);
    noImporterId.importer.id = undefined;

    // Act
    const parties = [imported, exported, noImporterId].map((d) => traderParty(d));

    // Assess
    expect(parties).toEqual([
      { role: 'importer', id: 'GB333333333000' },
      { role: 'exporter', id: 'GB987654321000' },
      { role: 'declarant', id: 'GB444444444000' },
    ]);
  });
});
