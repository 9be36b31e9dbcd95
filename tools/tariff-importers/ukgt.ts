/**
 * Importer for the UK Global Tariff CSV (data/uk-tariff/ukgt/global-uk-tariff.csv): every row's
 * `ukgt_duty_rate` becomes third-country duty measures (type 103, ERGA OMNES, from the UKGT's
 * start). Seasonal rates become one measure per window. Rows whose text does not parse go to
 * `unparsed` (no measure, nothing guessed); rows that parse but need a qualified quantity
 * (drained net weight, dry matter, lactic matter, sucrose content, standard quality) are listed in
 * `unsupported` and keep their measure, which the engine evaluates only when the declaration
 * states that qualified quantity.
 */
import { parse } from 'csv-parse/sync';
import * as z from 'zod';
import { dutyShape, parseDutyText } from '#shared/tariff/expression.ts';
import type { Measure, UnparsedLine } from '#shared/tariff/model.ts';
import { qualifierMeanings, unitLabel } from '#shared/tariff/units.ts';

const rowSchema = z.object({
  commodity: z.string().regex(/^(\d{8}|\d{10})$/),
  description: z.string(),
  ukgt_duty_rate: z.string(),
  trade_remedy_applies: z.enum(['True', 'False']),
  suspension_applies: z.enum(['True', 'False']),
  atq_applies: z.enum(['True', 'False']),
});

export interface ImportedCommodity {
  description: string;
  flags: string[];
  measures: Measure[];
}

export interface ShapeCount {
  shape: string;
  count: number;
  example: string;
  outcome: string;
}

export interface UkgtImport {
  rows: number;
  /** Rows turned into measures (unsupported ones included). */
  parsed: number;
  measures: number;
  commodities: Map<string, ImportedCommodity>;
  unparsed: UnparsedLine[];
  unsupported: UnparsedLine[];
  shapes: ShapeCount[];
  warnings: string[];
}

export const UKGT_SOURCE = 'uk-tariff/ukgt/global-uk-tariff.csv';

/** Qualifiers that a declaration must state as a quantity of its own (never derived from net mass). */
const QUALIFIED = new Set(['A', 'E', 'I', 'M', 'P', 'R', 'Z']);

/** Checks that seasonal windows cover every day of a (leap) year exactly once. */
function seasonProblem(windows: ReadonlyArray<{ from: string; to: string }>): string | undefined {
  const days: string[] = [];
  for (let d = new Date(Date.UTC(2024, 0, 1)); d.getUTCFullYear() === 2024; d.setUTCDate(d.getUTCDate() + 1)) {
    days.push(d.toISOString().slice(5, 10));
  }
  for (const day of days) {
    const hits = windows.filter((w) => (w.from <= w.to ? day >= w.from && day <= w.to : day >= w.from || day <= w.to)).length;
    if (hits !== 1) return `${day} is in ${hits} seasonal windows`;
  }
  return undefined;
}

export function importUkgt(csvText: string, options: { validFrom: string; source?: string }): UkgtImport {
  const source = options.source ?? UKGT_SOURCE;
  const records = parse(csvText, { columns: true, info: true, skip_empty_lines: true }) as Array<{
    record: Record<string, string>;
    info: { lines: number };
  }>;
  const commodities = new Map<string, ImportedCommodity>();
  const unparsed: UnparsedLine[] = [];
  const unsupported: UnparsedLine[] = [];
  const shapes = new Map<string, ShapeCount>();
  const warnings: string[] = [];
  let parsedRows = 0;
  let measureCount = 0;
  let previousEnd = 1; // the header is line 1

  records.forEach(({ record, info }, index) => {
    const row = index + 1;
    const line = previousEnd + 1;
    previousEnd = info.lines;
    const checked = rowSchema.safeParse(record);
    const text = (record.ukgt_duty_rate ?? '').trim();
    const code = record.commodity ?? '';
    const shape = dutyShape(text);
    const countShape = (outcome: string): void => {
      const entry = shapes.get(shape);
      if (entry) entry.count += 1;
      else shapes.set(shape, { shape, count: 1, example: text, outcome });
    };
    if (!checked.success) {
      unparsed.push({
        source,
        row,
        line,
        commodity: code,
        text,
        reason: `malformed row: ${checked.error.issues[0]?.message ?? 'invalid'}`,
      });
      countShape('unparsed');
      return;
    }
    const r = checked.data;
    const parsed = parseDutyText(text);
    if (!parsed.ok) {
      unparsed.push({ source, row, line, commodity: code, text, reason: parsed.reason });
      countShape('unparsed');
      return;
    }
    parsedRows += 1;
    const qualified = parsed.parts.flatMap((p) => p.duty.components).filter((c) => c.qualifier !== undefined && QUALIFIED.has(c.qualifier));
    if (qualified.length > 0) {
      const needs = [
        ...new Set(
          qualified.map(
            (c) =>
              `${unitLabel(c.unit!, c.qualifier)} (unit ${c.unit}, qualifier ${c.qualifier}: ${qualifierMeanings[c.qualifier!] ?? '?'})`,
          ),
        ),
      ];
      unsupported.push({
        source,
        row,
        line,
        commodity: code,
        text,
        reason: `needs a declared quantity in ${needs.join(' and ')}; not derivable from net mass`,
      });
      countShape(`parsed; needs qualified quantity ${[...new Set(qualified.map((c) => `${c.unit}${c.qualifier}`))].join(', ')}`);
    } else {
      countShape(parsed.parts.length > 1 ? 'parsed (seasonal)' : 'parsed');
    }
    if (parsed.parts.length > 1) {
      const problemText = seasonProblem(parsed.parts.map((p) => p.season!));
      if (problemText) warnings.push(`${source} row ${row} (${code}): seasonal windows do not tile the year: ${problemText}`);
    }
    const measures: Measure[] = parsed.parts.map((part, i) => ({
      id: parsed.parts.length > 1 ? `ukgt-${code}-s${i + 1}` : `ukgt-${code}`,
      type: '103',
      area: '1011',
      from: options.validFrom,
      ...(part.season ? { season: part.season } : {}),
      duty: part.duty,
      source: 'ukgt' as const,
    }));
    measureCount += measures.length;
    const flags = [
      ...(r.trade_remedy_applies === 'True' ? ['trade-remedy'] : []),
      ...(r.suspension_applies === 'True' ? ['suspension'] : []),
      ...(r.atq_applies === 'True' ? ['quota'] : []),
    ];
    if (commodities.has(code)) warnings.push(`${source} row ${row}: commodity ${code} appears more than once; measures merged`);
    const existing = commodities.get(code);
    if (existing) existing.measures.push(...measures);
    else commodities.set(code, { description: r.description.replace(/\s+/g, ' ').trim(), flags, measures });
  });

  return {
    rows: records.length,
    parsed: parsedRows,
    measures: measureCount,
    commodities,
    unparsed,
    unsupported,
    shapes: [...shapes.values()].sort((a, b) => b.count - a.count || (a.shape < b.shape ? -1 : 1)),
    warnings,
  };
}
