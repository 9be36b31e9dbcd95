/**
 * Matching an import to the carrier's manifest line at the release stage (docs/single-window.md):
 * by its transport document, the line discharged by this declaration (once: a conditional write,
 * so two declarations never discharge one line), its differences from the declaration kept as
 * risk facts for the officer. A declaration that must wait for its goods (pre-lodged, DE 1/2 D, or
 * every import where the region requires arrival) and finds no line records that it waits first
 * and then looks again, while a manifest writes its lines first and then looks for who waits: of
 * two that cross, at least one sees the other, so nothing waits forever.
 */
import { type Arrival, type CargoFact, type CargoReportSettings, cargoFacts } from '#shared/domain/cargo-reports.ts';
import type { DeclarationRecord } from '#shared/domain/declaration-record.ts';
import type { CargoReports, DischargeResult } from '#shared/ports/cargo-reports.ts';

export interface MatchArrivalDeps {
  cargo: CargoReports;
  cargoSettings: CargoReportSettings;
}

export type ArrivalMatch =
  /** No line, and none awaited: released as before cargo reports. */
  | { kind: 'not-expected' }
  /** Waiting for the carrier's report (ARRIVAL_PENDING). */
  | { kind: 'pending' }
  | { kind: 'arrived'; arrival: Arrival; facts: CargoFact[] };

/** Whether the declaration must wait for its goods to be reported arrived before release. */
export const waitsForArrival = (record: DeclarationRecord, settings: CargoReportSettings): boolean =>
  record.type === 'IM' && (record.declaration.additionalType === 'D' || settings.requireArrival);

export async function matchArrival(record: DeclarationRecord, at: string, deps: MatchArrivalDeps): Promise<ArrivalMatch> {
  // Cargo reports are arrival manifests: exports leave, nothing arrives.
  if (record.type !== 'IM') return { kind: 'not-expected' };
  const document = record.declaration.consignment.transportDocument;
  let result = await dischargeIfReported(record.id, document, at, deps.cargo);
  if (result.outcome === 'missing') {
    if (!waitsForArrival(record, deps.cargoSettings)) return { kind: 'not-expected' };
    await deps.cargo.awaitArrival(document, { declarationId: record.id, version: record.version });
    result = await dischargeIfReported(record.id, document, at, deps.cargo);
    if (result.outcome === 'missing') return { kind: 'pending' };
  }
  const { line } = result;
  return {
    kind: 'arrived',
    arrival: {
      manifestId: line.manifestId,
      line: line.line,
      carrierId: line.carrierId,
      arrivedAt: line.arrivedAt,
      office: line.office,
      grossMassKg: line.grossMassKg,
      discharged: result.outcome === 'discharged',
    },
    facts: cargoFacts(record.declaration.consignment, line, record.id, deps.cargoSettings.massTolerancePercent),
  };
}

/** A read first: most declarations have no line (a write whose condition fails is billed as a write). */
async function dischargeIfReported(
  declarationId: string,
  document: DeclarationRecord['declaration']['consignment']['transportDocument'],
  at: string,
  cargo: CargoReports,
): Promise<DischargeResult> {
  const [line] = await cargo.findLines([document]);
  if (!line) return { outcome: 'missing' };
  if (line.dischargedBy && line.dischargedBy.declarationId !== declarationId) return { outcome: 'taken', line };
  return cargo.discharge(document, declarationId, at);
}
