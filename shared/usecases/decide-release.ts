/**
 * Release decision, after the assessment. First the duties are secured, for every lane (drawn on
 * the declared account or asked for with a payment request: secure-duties.ts). Then GREEN and
 * BLUE declarations are released if their duties are secured (BLUE is flagged for post-clearance
 * audit by its risk outcome) or wait in AWAITING_PAYMENT until the payment is confirmed; YELLOW and
 * RED ones go UNDER_REVIEW in the officer queue of their lane and office (an officer's release of
 * one whose duties are not secured leads to AWAITING_PAYMENT). A declaration whose duty could not
 * be calculated also goes to review, whatever its lane, so an officer can resolve it.
 *
 * Before all that, an import is matched to the carrier's manifest line (match-arrival.ts): one
 * that must wait for its goods and finds none waits in ARRIVAL_PENDING (nothing booked yet), and
 * comes back here when the carrier reports them; a line that differs from the declaration (risk
 * facts of kind CARGO) sends it to review in the YELLOW lane at least. Then (the goods are there)
 * the quantities of the permits it cites are drawn (docs/single-window.md): one that no longer has
 * enough left rejects the declaration, with nothing drawn and no duties booked.
 */
import type { DeclarationRecord, DeclarationState, PipelineMessage } from '#shared/domain/declaration-record.ts';
import { reviewLaneOf } from '#shared/domain/review-views.ts';
import type { ClearanceCounters } from '#shared/ports/clearance-counters.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter, Transition } from '#shared/ports/declarations.ts';
import type { PermitStore } from '#shared/ports/permits.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import { strongerLane } from '#shared/risk/lane-rank.ts';
import type { RiskOutcome } from '#shared/risk/outcome.ts';
import { type CountingDeps, countRelease } from './clearance-statistics.ts';
import { type ArrivalMatch, type MatchArrivalDeps, matchArrival } from './match-arrival.ts';
import { drawPermits } from './permit-drawings.ts';
import { pipelineMessage, runStage, type StageResult } from './pipeline-stage.ts';
import { type SecureDutiesDeps, secureAssessment } from './secure-duties.ts';

export async function decideRelease(
  message: PipelineMessage,
  deps: SecureDutiesDeps &
    MatchArrivalDeps & {
      repository: DeclarationReader & DeclarationWriter;
      counters: ClearanceCounters;
      /** Where a released declaration's release note is asked for (issued under the seal from its own queue). */
      documentsQueue: PipelineQueue;
      /** The permits the declaration draws on. */
      permits: PermitStore;
      clock: Clock;
    },
): Promise<StageResult> {
  const result = await runStage(
    message,
    {
      name: 'release',
      from: ['ASSESSED', 'ARRIVAL_PENDING'],
      next: {},
      decide: async (record, at) => {
        const match = await matchArrival(record, at, deps);
        if (match.kind === 'pending') {
          // Still waiting (a message that came before the goods): nothing changes.
          if (record.status === 'ARRIVAL_PENDING') return undefined;
          const document = record.declaration.consignment.transportDocument;
          return {
            to: 'ARRIVAL_PENDING',
            set: {},
            detail: `waiting for the carrier to report the goods of transport document ${document.type} ${document.ref} arrived`,
          };
        }
        const { lane, matched } = withArrival(record.lane ?? 'RED', record.risk, match);
        const unassessed = (record.assessmentProblems?.length ?? 0) > 0;
        const citations = record.permits ?? [];
        const permitProblems = await drawPermits(record.id, citations, at, deps.permits);
        if (permitProblems.length > 0) {
          return {
            to: 'REJECTED',
            set: { validation: { at, problems: permitProblems } },
            detail: `rejected at release: ${permitProblems.map((p) => p.message).join('; ')}`,
          };
        }
        const drawn = citations.length > 0 ? { permitsDrawnAt: at } : {};
        // Booked once per source (this version): a redelivery finds the charge or the request it made.
        const duties = await secureAssessment(record, at, deps);
        const withDuties = { ...drawn, ...(duties ? { duties } : {}), ...matched };
        const arrived = match.kind === 'arrived' ? ` on arrival (manifest ${match.arrival.manifestId}, line ${match.arrival.line})` : '';
        if ((lane === 'GREEN' || lane === 'BLUE') && !unassessed) {
          if (duties?.status === 'AWAITING_PAYMENT') {
            const pending = duties.charges.find((charge) => charge.status === 'PENDING');
            return {
              to: 'AWAITING_PAYMENT',
              set: withDuties,
              detail: `${lane} lane: waiting for payment of ${pending?.amount} ${duties.currency}, reference ${pending?.reference} (${pending?.reason})${arrived}`,
            };
          }
          return {
            to: 'RELEASED',
            set: { releasedAt: at, ...withDuties },
            detail:
              lane === 'BLUE' ? `released (BLUE lane)${arrived}: selected for post-clearance audit` : `released (GREEN lane)${arrived}`,
          };
        }
        // A declaration that could not be assessed is reviewed in the documentary-check queue at least.
        const reviewLane = reviewLaneOf(lane);
        return {
          to: 'UNDER_REVIEW',
          set: { queuedAt: at, ...withDuties },
          reviewQueue: { lane: reviewLane, office: record.office, queuedAt: at },
          detail: unassessed
            ? `queued for officer review (${reviewLane}): duties could not be calculated`
            : `queued for officer review (${lane} lane at ${record.office})${arrived}`,
        };
      },
      // Released now: the declaration as this delivery's conditional write stored it (no read),
      // counted and its note asked for beside the event item.
      afterMove: (moved, submittedText) => (moved.status === 'RELEASED' ? afterRelease(moved, submittedText, deps) : Promise.resolve()),
    },
    deps,
  );
  // Released before, by a delivery that may have stopped before counting it: as stored now.
  if (result.outcome !== 'moved' && result.status === 'RELEASED') {
    const state = await deps.repository.getState(message.declarationId);
    if (state) await afterRelease(state, result.submittedText, deps);
  }
  return result;
}

/**
 * A released declaration counted once and its release note asked for, together: a count that waits
 * for the invocation's other records (coalesced) does not hold the note back. Asked again by a
 * redelivery: the documents worker issues each note once.
 */
async function afterRelease(
  state: DeclarationState,
  submittedText: string | undefined,
  deps: CountingDeps & { documentsQueue: PipelineQueue },
): Promise<void> {
  await Promise.all([countRelease(state, deps), deps.documentsQueue.send(pipelineMessage(state.id, state.version, submittedText))]);
}

/**
 * The lane and what the release records of the arrival: the line matched, and the differences
 * found added to the risk outcome's reasons (kind CARGO), for a documentary check at least.
 */
function withArrival(
  lane: NonNullable<DeclarationRecord['lane']>,
  risk: RiskOutcome | undefined,
  match: ArrivalMatch,
): { lane: NonNullable<DeclarationRecord['lane']>; matched: Pick<Transition['set'], 'arrival' | 'risk' | 'lane'> } {
  if (match.kind !== 'arrived') return { lane, matched: {} };
  if (match.facts.length === 0) return { lane, matched: { arrival: match.arrival } };
  const checked = strongerLane(lane, 'YELLOW');
  const reasons = match.facts.map((fact) => ({ kind: 'CARGO' as const, lane: 'YELLOW' as const, text: `${fact.code}: ${fact.text}` }));
  return {
    lane: checked,
    matched: {
      arrival: match.arrival,
      lane: checked,
      ...(risk ? { risk: { ...risk, lane: checked, reasons: [...risk.reasons, ...reasons] } } : {}),
    },
  };
}
