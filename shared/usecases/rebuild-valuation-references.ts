/**
 * Builds the valuation reference table from past declarations (median declared value per kg or
 * per supplementary unit, by HS subheading and origin) and loads it as a new version. Only
 * RELEASED declarations count: values not (yet) accepted must not pull the medians down.
 */
import { type Principal, requireRole } from '#shared/domain/auth.ts';
import type { Declaration } from '#shared/domain/declaration.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationListings } from '#shared/ports/declarations.ts';
import type { ReferenceDocumentStore, ReferenceDocumentVersion } from '#shared/ports/reference-documents.ts';
import { buildReferenceTable, type ToNational, valuationReferenceTableSchema } from '#shared/risk/valuation.ts';
import { loadReferenceDocument } from './reference-documents.ts';

export interface RebuildValuationDeps {
  repository: DeclarationListings;
  store: ReferenceDocumentStore;
  clock: Clock;
  nationalCurrency: string;
  /** Conversion at the rates in force at `at`. */
  toNational: (at: string) => Promise<ToNational>;
}

export async function rebuildValuationReferences(
  command: { principal: Principal; days: number },
  deps: RebuildValuationDeps,
): Promise<ReferenceDocumentVersion & { declarations: number; entries: number }> {
  requireRole(command.principal, 'admin');
  const now = deps.clock.now();
  const declarations: Declaration[] = [];
  for (let back = 0; back < command.days; back += 1) {
    const day = new Date(now.getTime() - back * 86_400_000).toISOString().slice(0, 10);
    let cursor: string | undefined;
    do {
      const page = await deps.repository.listByDay(day, { limit: 100, cursor, status: 'RELEASED' });
      // Released declarations only: values not yet accepted (or under review) must not move the medians.
      for (const record of page.items) if (record.status === 'RELEASED') declarations.push(record.declaration);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  const from = new Date(now.getTime() - (command.days - 1) * 86_400_000).toISOString().slice(0, 10);
  const table = {
    ...buildReferenceTable(declarations, { currency: deps.nationalCurrency, toNational: await deps.toNational(now.toISOString()) }),
    period: `declarations ${from} to ${now.toISOString().slice(0, 10)}`,
  };
  const loaded = await loadReferenceDocument(
    {
      principal: command.principal,
      kind: 'valuationReferences',
      schema: valuationReferenceTableSchema,
      document: table,
      at: now.toISOString(),
    },
    { store: deps.store },
  );
  return { ...loaded, declarations: declarations.length, entries: table.entries.length };
}
