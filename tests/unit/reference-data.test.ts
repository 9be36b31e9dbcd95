import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceData } from '#shared/reference/index.ts';
import { buildReferenceData, defaultOutDir, repoRoot, serialize, shortDescription } from '#tools/build-reference-data.ts';

describe('generated reference data', () => {
  let outDir: string;
  const log: string[] = [];

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'reference-data-'));
    buildReferenceData({ outDir, log: (line) => log.push(line) });
  });

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('is up to date: a fresh build from data/ equals the committed files byte for byte', () => {
    // Prepare
    const committed = readdirSync(defaultOutDir).sort();

    // Act
    const rebuilt = readdirSync(outDir).sort();

    // Assess
    expect(rebuilt).toEqual(committed);
    for (const file of committed) {
      const fresh = readFileSync(join(outDir, file));
      const stale = readFileSync(join(defaultOutDir, file));
      expect(fresh.equals(stale), `${file} is out of date: run npx tsx tools/build-reference-data.ts`).toBe(true);
    }
  });

  it('reads only data/ and records the SHA-256 of every source file', () => {
    // Prepare
    const manifest = referenceData().manifest;

    // Act
    const mismatched = manifest.sources.filter(
      (source) =>
        createHash('sha256')
          .update(readFileSync(join(repoRoot, source.path)))
          .digest('hex') !== source.sha256,
    );

    // Assess
    expect(manifest.sources.length).toBeGreaterThan(30);
    expect(manifest.sources.every((source) => source.path.startsWith('data/'))).toBe(true);
    expect(mismatched).toEqual([]);
  });

  it('prints progress lines', () => {
    // Assess
    expect(log.some((line) => line.startsWith('HS 2022.0: 96 chapters, 1228 headings, 5612 subheadings'))).toBe(true);
    expect(log.at(-1)).toMatch(/^wrote 8 files/);
  });

  it('stays small enough to bundle into a Lambda (< 1.5 MB in all)', () => {
    // Act
    const bytes = readdirSync(defaultOutDir).reduce((sum, file) => sum + statSync(join(defaultOutDir, file)).size, 0);

    // Assess
    expect(bytes).toBeLessThan(1_500_000);
  });

  describe('counts and contents', () => {
    it('has the HS 2022 nomenclature without the Comtrade aggregates', () => {
      // Assess: the source has 5613 level-6 rows, one of which is the 999999 aggregate
      expect(referenceData().hs.edition).toBe('HS 2022');
      expect(referenceData().hs.chapters.size).toBe(96);
      expect(referenceData().hs.headings.size).toBe(1228);
      expect(referenceData().hs.subheadings.size).toBe(5612);
      expect(referenceData().hs.subheadings.get('010121')).toBe('Horses; live, pure-bred breeding animals');
      expect(referenceData().hasHsSubheading('8510900000')).toBe(true);
      expect(referenceData().hasHsSubheading('999999')).toBe(false);
      expect(referenceData().hs.chapters.has('77')).toBe(false);
      expect([...referenceData().hs.subheadings.values()].every((d) => d.length <= 80)).toBe(true);
    });

    it('has ISO 3166-1 countries plus the HMRC-specific codes', () => {
      // Assess
      expect(referenceData().countries.size).toBe(266);
      expect(referenceData().countries.get('GB')).toMatchObject({ iso: true, hmrc: true });
      expect(referenceData().countries.get('XK')).toEqual({ code: 'XK', name: 'Kosovo', iso: false, hmrc: true });
      expect(referenceData().countries.get('RS')).toMatchObject({ iso: true, hmrc: false });
      expect(referenceData().countries.has('EU')).toBe(false);
    });

    it('has current ISO 4217 currencies only, with their minor units', () => {
      // Assess
      expect(referenceData().currencies.size).toBe(178);
      expect(referenceData().currencies.get('USD')).toMatchObject({ minorUnits: 2, numeric: '840' });
      expect(referenceData().currencies.get('JPY')?.minorUnits).toBe(0);
      expect(referenceData().currencies.get('KWD')?.minorUnits).toBe(3);
      expect(referenceData().currencies.get('XAU')?.minorUnits).toBeNull();
      for (const withdrawn of ['BGN', 'HRK', 'DEM', 'ZWL', 'ANG']) expect(referenceData().currencies.has(withdrawn)).toBe(false);
    });

    it('has export procedure codes from the HMRC lists and the cited import codes', () => {
      // Prepare
      const codes = [...referenceData().procedureCodes.values()];

      // Assess
      expect(codes.filter((p) => p.direction === 'export')).toHaveLength(23);
      expect(codes.filter((p) => p.direction === 'import')).toHaveLength(44);
      expect(referenceData().procedureCodes.get('1040')).toMatchObject({ direction: 'export', kind: 'declaration' });
      expect(referenceData().procedureCodes.get('0012')).toMatchObject({ direction: 'export', kind: 'clearance-request' });
      expect(referenceData().procedureCodes.get('4071')?.description).toBe(
        'Release for free circulation and home use; previous procedure: customs warehousing',
      );
      expect(referenceData().procedureCodes.has('4010')).toBe(false);
    });

    it('has the 28 CDS preference codes', () => {
      // Assess
      expect(referenceData().preferenceCodes.size).toBe(28);
      expect(referenceData().preferenceCodes.get('300')).toMatch(/^Preferential duty rate/);
    });

    it('recognises proofs of origin by code and by certificate type U', () => {
      // Assess
      expect([...referenceData().proofOfOriginCertificateTypes]).toEqual(['U']);
      expect([...referenceData().proofOfOriginDocumentCodes.keys()]).toEqual(['N864', 'N865', 'N954', 'U077', 'U088', 'U112', 'U117']);
      expect(referenceData().isProofOfOriginDocument('U116')).toBe(true);
      expect(referenceData().isProofOfOriginDocument('N954')).toBe(true);
      expect(referenceData().isProofOfOriginDocument('N935')).toBe(false);
      expect(referenceData().isProofOfOriginDocument('U')).toBe(false);
    });

    it('knows GB and IM locations from the HMRC goods-location codes', () => {
      // Assess
      expect(referenceData().knownLocations.size).toBe(698);
      expect([...referenceData().knownLocationCountries]).toEqual(['GB', 'IM']);
      expect(referenceData().knownLocations.get('GBLHR')).toBe('London Heathrow Airport');
      expect(referenceData().knownLocations.has('GBFXT')).toBe(true);
      expect(referenceData().unLocodeCountries.size).toBe(249);
      expect(referenceData().unLocodeCountries.has('XZ')).toBe(true);
    });
  });

  describe('helpers', () => {
    it('shortens long descriptions at a word boundary', () => {
      // Act
      const short = shortDescription('Fish; live, trout (Salmo trutta, Oncorhynchus mykiss, Oncorhynchus clarki, Oncorhynchus aguabonita)');

      // Assess
      expect(short).toBe('Fish; live, trout (Salmo trutta, Oncorhynchus mykiss, Oncorhynchus clarki…');
      expect(shortDescription('  Asses;\n live ')).toBe('Asses; live');
    });

    it('serializes one record per line', () => {
      // Act
      const text = serialize({ a: [1, [2, 'x']], b: 'c' });

      // Assess
      expect(text).toBe('{\n"a":[\n1,\n[2,"x"]\n],\n"b":"c"\n}\n');
    });
  });
});
