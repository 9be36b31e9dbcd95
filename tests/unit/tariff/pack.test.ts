/**
 * The committed GB pack and exchange rates: rebuilt from data/ they come out byte-identical, every
 * UK Global Tariff row is either parsed or listed as unparsed, and the versions check out.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDutyText } from '#shared/tariff/expression.ts';
import type { ExchangeRates, TariffPack } from '#shared/tariff/model.ts';
import { loadExchangeRates, loadTariffPack, packVersion } from '#shared/tariff/pack.ts';
import { buildTariffPack, defaultDataDir, defaultOutDir, PACK_FILE, RATES_FILE } from '#tools/build-tariff-pack.ts';

const committedPackText = readFileSync(join(defaultOutDir, PACK_FILE), 'utf8');
const committedRatesText = readFileSync(join(defaultOutDir, RATES_FILE), 'utf8');
const pack = JSON.parse(committedPackText) as TariffPack;
const rates = JSON.parse(committedRatesText) as ExchangeRates;

describe('build-tariff-pack', () => {
  let outDir: string;
  let built: ReturnType<typeof buildTariffPack>;
  const log: string[] = [];

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'tariff-pack-'));
    built = buildTariffPack({ dataDir: defaultDataDir, outFile: join(outDir, PACK_FILE), log: (line) => log.push(line) });
  }, 60_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('rebuilds the committed pack and rates byte for byte', () => {
    // Act
    const packText = readFileSync(built.packFile, 'utf8');
    const ratesText = readFileSync(built.ratesFile, 'utf8');

    // Assess
    expect(packText === committedPackText).toBe(true);
    expect(ratesText === committedRatesText).toBe(true);
  });

  it('prints its progress, the shapes and the size', () => {
    expect(log[0]).toBe('reading uk-tariff/ukgt/global-uk-tariff.csv');
    expect(log.join('\n')).toContain('11830 rows: 11830 parsed into 11851 measures, 0 unparsed, 57 need a qualified quantity');
    expect(log.some((l) => /wrote .*gb-tariff-pack\.json: 11836 commodities, version GB-[0-9a-f]{16}, \d+\.\d\d MB/.test(l))).toBe(true);
  });

  it('stays well under 8 MB', () => {
    expect(built.packBytes).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('UK Global Tariff coverage', () => {
  const rows = parse(readFileSync(join(defaultDataDir, 'uk-tariff/ukgt/global-uk-tariff.csv')), { columns: true }) as Array<
    Record<string, string>
  >;

  it('parses every row or lists it as unparsed', () => {
    // Prepare
    const unparsed = new Set(pack.unparsed.map((u) => u.commodity));

    // Act
    const unaccounted = rows.filter((row) => {
      const code = row.commodity!;
      const measures = pack.commodities[code]?.measures.filter((m) => m.source === 'ukgt') ?? [];
      const parsed = parseDutyText(row.ukgt_duty_rate!);
      const matches =
        parsed.ok && measures.length === parsed.parts.length && measures.every((m, i) => m.duty?.text === parsed.parts[i]!.duty.text);
      return !matches && !unparsed.has(code);
    });

    // Assess
    expect(rows).toHaveLength(11830);
    expect(unaccounted).toEqual([]);
    expect(pack.report.ukgt.parsed + pack.unparsed.length).toBe(rows.length);
  });

  it('counts rows per duty text shape', () => {
    // Act
    const counts = Object.fromEntries(pack.report.ukgt.shapes.map((s) => [s.shape, s.count]));
    const total = pack.report.ukgt.shapes.reduce((sum, s) => sum + s.count, 0);

    // Assess
    expect(total).toBe(11830);
    expect(counts).toEqual({
      'N%': 10705,
      'N GBP/Nkg': 458,
      'N GBP / hl': 300,
      'N% + N GBP/Nkg': 188,
      'N GBP / % vol / hl': 44,
      'N GBP/kg/lactic matter + N GBP/Nkg': 33,
      'N GBP/hl': 24,
      'N% (N MON - N MON), N% (N MON - N MON)': 16,
      'N GBP/ item': 13,
      'N GBP/N items': 9,
      'N% + N GBP/Nkg eda': 8,
      'N GBP/Nkg/net/%sacchar.': 7,
      'N GBP/Nkg mas': 5,
      'N GBP/%vol/hl': 4,
      'N GBP/%vol/hl + N GBP/hl': 3,
      'N GBP/Nkg std qual': 3,
      'N% + N GBP/hl + N GBP/Nkg': 3,
      'N GBP/ N items': 2,
      'N% + N GBP/hl': 2,
      'N% (N MON - N MON), N% (N MON - N MON), N% (N MON - N MON)': 1,
      'N% (N MON - N MON), N% (N MON - N MON), N% (N MON - N MON), N% (N MON - N MON)': 1,
      'N% + N GBP/Nkg mas': 1,
    });
    expect(pack.unparsed).toEqual([]);
  });

  it('lists the rows that need a qualified quantity and keeps their measures', () => {
    // Act
    const qualifiers = new Set(pack.unsupported.map((u) => /qualifier (\w)/.exec(u.reason)?.[1]));

    // Assess
    expect(pack.unsupported).toHaveLength(57);
    expect([...qualifiers].sort()).toEqual(['E', 'M', 'P', 'R', 'Z']);
    for (const u of pack.unsupported) expect(pack.commodities[u.commodity]?.measures.length).toBeGreaterThan(0);
  });
});

describe('pack and rate identity', () => {
  it('loads the committed pack: schema-valid and its version is its content hash', () => {
    // Act
    const loaded = loadTariffPack(pack);

    // Assess
    expect(loaded.ok).toBe(true);
    expect(pack.version).toBe(packVersion(pack));
    expect(pack.version).toMatch(/^GB-[0-9a-f]{16}$/);
  });

  it('refuses a pack whose content no longer matches its version', () => {
    // Prepare
    const tampered = JSON.parse(committedPackText) as TariffPack;
    tampered.commodities['01012100']!.measures[0]!.duty = { text: '99.00%', components: [{ op: '+', amount: '99.00' }] };

    // Act
    const loaded = loadTariffPack(tampered);

    // Assess
    expect(loaded).toMatchObject({ ok: false, problems: [{ pointer: '/version', code: 'VERSION_MISMATCH' }] });
  });

  it('refuses a pack that breaks the schema, with pointers', () => {
    // Act
    const loaded = loadTariffPack({ ...pack, commodities: { '123': { description: 'x', measures: [] } } });

    // Assess
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.problems[0]!.pointer).toBe('/commodities/123');
  });

  it('loads the exchange rates: monthly EUR and ECB-derived rates for March 2021', () => {
    // Act
    const loaded = loadExchangeRates(rates);
    const find = (currency: string, period: string) => rates.rates.find((r) => r.currency === currency && r.period === period)?.rate;

    // Assess
    expect(loaded.ok).toBe(true);
    expect(find('EUR', '2016-01')).toBe('0.7298');
    expect(find('EUR', '2021-06')).toBe('0.85765');
    expect(find('USD', '2021-03')).toBe('0.7271782642'); // 0.85378 / 1.1741
    expect(find('CNY', '2021-03')).toBe('0.1106592011'); // 0.85378 / 7.7154
    expect(rates.rates.filter((r) => r.currency === 'EUR')).toHaveLength(67);
  });
});
