/**
 * Risk stage: scores a VALIDATED declaration (lane, score, reasons) and hands it on to the duty
 * calculation. The profiles used are the versions in force when the declaration was SUBMITTED,
 * so editing a profile affects only declarations submitted afterwards; the versions used are
 * recorded on the outcome.
 */
import type { DeclarationRecord, PipelineMessage } from '#shared/domain/declaration-record.ts';
import type { ClearanceCounters } from '#shared/ports/clearance-counters.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter } from '#shared/ports/declarations.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import type { RiskProfileStore, SecretSource, SelectionStatsStore, TraderProfileStore } from '#shared/ports/risk-stores.ts';
import type { RiskOutcome } from '#shared/risk/outcome.ts';
import type { RiskProfile } from '#shared/risk/profile.ts';
import { type CompiledProfiles, compileProfiles, scoreDeclaration } from '#shared/risk/score.ts';
import { laneBeforeTopUp } from '#shared/risk/selection.ts';
import type { RiskSettings } from '#shared/risk/settings.ts';
import type { ToNational, ValuationReferences } from '#shared/risk/valuation.ts';
import { runStage, type StageResult } from './pipeline-stage.ts';

export interface ScoreRiskDeps {
  repository: DeclarationReader & DeclarationWriter;
  dutyQueue: PipelineQueue;
  clock: Clock;
  profiles: RiskProfileStore;
  traders: TraderProfileStore;
  selectionStats: SelectionStatsStore;
  /** Lanes are counted into the clearance statistics. */
  counters: ClearanceCounters;
  secrets: SecretSource;
  /** Risk settings in force at `at`. */
  settings: (at: string) => Promise<RiskSettings>;
  /** Valuation references, and conversion to the national currency at the rates of `at`. */
  valuation: (at: string) => Promise<{ references: ValuationReferences; toNational: ToNational }>;
}

/** Days of selection statistics the expected-rate top-up looks back over (the submission day included). */
export const RECENT_SELECTION_DAYS = 7;

const daysBefore = (at: string, count: number): string[] =>
  Array.from({ length: count }, (_, back) => new Date(Date.parse(at) - back * 86_400_000).toISOString().slice(0, 10));

/** For each profile, the latest version saved at or before `at`. */
export function versionsInForce(all: readonly RiskProfile[], at: string): RiskProfile[] {
  const atMs = Date.parse(at);
  const latest = new Map<string, RiskProfile>();
  for (const profile of all) {
    if (Date.parse(profile.createdAt) > atMs) continue;
    const seen = latest.get(profile.id);
    if (!seen || seen.version < profile.version) latest.set(profile.id, profile);
  }
  return [...latest.values()];
}

// Compiling is the expensive part; profile sets change rarely, so keep the last one compiled.
let compiled: { key: string; profiles: CompiledProfiles } | undefined;
function compileCached(profiles: RiskProfile[]): CompiledProfiles {
  const key = profiles
    .map((p) => `${p.id}@${p.version}`)
    .sort()
    .join(',');
  if (compiled?.key !== key) compiled = { key, profiles: compileProfiles(profiles) };
  return compiled.profiles;
}

export async function scoreRisk(message: PipelineMessage, deps: ScoreRiskDeps): Promise<StageResult> {
  // The outcome this delivery stored, if it moved the declaration (the last one decided is the one applied).
  let scored: RiskOutcome | undefined;
  const result = await runStage(
    message,
    {
      name: 'risk',
      from: 'VALIDATED',
      next: { SCORED: deps.dutyQueue },
      decide: async (record, at) => {
        // The authenticated declarant's profile: importer and exporter ids are typed in by the
        // declarant, so trusting them would let anyone borrow another trader's AEO status.
        const party = record.declarantId;
        const office = record.declaration.office;
        const [all, trader, secret, settings, valuation, recent] = await Promise.all([
          deps.profiles.allVersions(),
          // Eventually consistent (half the read units on the trader's partitions, the hottest reads of a busy
          // trader): an admin's status change or a count a moment old is as a score made a moment earlier
          // would see it; the counts are at most once anyway (clearance-statistics.ts).
          deps.traders.get(party, { consistent: false }),
          deps.secrets.selectionSecret(),
          deps.settings(record.submittedAt),
          deps.valuation(record.submittedAt),
          deps.selectionStats.recent(office, daysBefore(record.submittedAt, RECENT_SELECTION_DAYS)),
        ]);
        const outcome = scoreDeclaration({
          declarationId: record.id,
          declaration: record.declaration,
          at: record.submittedAt,
          profiles: compileCached(versionsInForce(all, record.submittedAt)),
          trader,
          valuation: { ...valuation, ...(settings.valuationRule ? { rule: settings.valuationRule } : {}) },
          selection: settings.selection,
          secret,
          thresholds: settings.thresholds,
          recent,
        });
        const risk = { ...outcome, scoredAt: at, ...(outcome.selection ? { selection: { ...outcome.selection, recent } } : {}) };
        scored = risk;
        return {
          to: 'SCORED',
          set: { risk, riskScore: risk.score, lane: risk.lane },
          // History is shown to the trader too: the lane only; score and reasons stay on the risk outcome.
          detail: `lane ${risk.lane}`,
        };
      },
      // Moved: counted as this delivery's conditional write stored it, with its outcome (no read),
      // beside the event item and the message to the duty stage.
      afterMove: (moved) => countScored(moved, scored, deps),
    },
    deps,
  );
  // A redelivery after a move (the first attempt may have stopped before counting): the stored
  // outcome (a part item) is read with the whole declaration.
  if (result.outcome === 'resent') {
    const record = await deps.repository.get(message.declarationId);
    await countScored(record, record?.risk, deps);
  }
  return result;
}

/**
 * Counted once per declaration: a marker on the declaration guards the counts, so a retry after
 * a crash counts what the first attempt did not (a crash between marker and counts loses them:
 * at most once; the lane counts of an invocation's records are one write, clearance-counters adapter).
 */
async function countScored(record: DeclarationRecord | undefined, risk: RiskOutcome | undefined, deps: ScoreRiskDeps): Promise<void> {
  if (!record || !risk || !(await deps.repository.markOnce(record.id, 'riskCountedAt', deps.clock.now().toISOString()))) return;
  await Promise.all([
    deps.traders.countDeclaration(record.declarantId, deps.clock.now().toISOString()),
    deps.selectionStats.record(record.office, record.submittedAt.slice(0, 10), laneBeforeTopUp(risk)),
    deps.profiles.countEffectiveness(selectingProfiles(risk), { selections: 1 }),
    deps.counters.add({ kind: 'lane', day: record.submittedAt.slice(0, 10), shardOf: record.id, lane: risk.lane }),
  ]);
}

/** The profiles whose criteria matched the declaration (each counted once, whatever it added). */
export const selectingProfiles = (risk: RiskOutcome): string[] => [
  ...new Set(risk.reasons.flatMap((reason) => (reason.kind === 'PROFILE' && reason.profileId ? [reason.profileId] : []))),
];
