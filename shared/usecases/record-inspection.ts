/**
 * An officer records the result of an inspection on a declaration under review. Corrections to
 * items re-assess it with the same duty engine and the tariff pack and rates in force at
 * acceptance; the revised assessment is stored beside the original with the difference per tax
 * type. The result feeds the trader's compliance history (inspections, discrepancies) and the
 * effectiveness of each profile that selected the declaration (inspections, hits). The
 * declaration stays where it is: the officer then decides (release, hold, reject).
 */
import { type Principal, requireRole } from '#shared/domain/auth.ts';
import type { DeclarationRecord, DeclarationState, DeclarationView } from '#shared/domain/declaration-record.ts';
import { toView } from '#shared/domain/declaration-record.ts';
import { allSecured, amountToSecure, paymentReferenceOf } from '#shared/domain/duties.ts';
import { nextEvent } from '#shared/domain/history.ts';
import {
  type AssessmentDifference,
  applyCorrections,
  assessmentDifference,
  type Inspection,
  type InspectionRequest,
} from '#shared/domain/inspection.ts';
import { capProblems, DomainError, problem } from '#shared/domain/problems.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter } from '#shared/ports/declarations.ts';
import type { RiskProfileStore, TraderProfileStore } from '#shared/ports/risk-stores.ts';
import type { TariffSource } from '#shared/ports/tariff-source.ts';
import { type Assessment, amountDueOf } from '#shared/tariff/assessment.ts';
import { assessAtAcceptance, type RegionTaxSettings } from './assess-duty.ts';
import { writePendingEvent } from './pipeline-stage.ts';
import { assertOfficerMayAct } from './review-decisions.ts';
import { notFound } from './review-queue.ts';
import { selectingProfiles } from './score-risk.ts';
import { chargeSource, type SecureDutiesDeps, secureAssessment, secureCharge } from './secure-duties.ts';

export interface RecordInspectionDeps extends SecureDutiesDeps {
  repository: DeclarationReader & DeclarationWriter;
  clock: Clock;
  tariff: TariffSource;
  region: RegionTaxSettings;
  traders: Pick<TraderProfileStore, 'recordInspection'>;
  profiles: Pick<RiskProfileStore, 'countEffectiveness'>;
}

export async function recordInspection(
  command: { principal: Principal; id: string; expectedVersion: number | undefined; inspection: InspectionRequest },
  deps: RecordInspectionDeps,
): Promise<DeclarationView> {
  requireRole(command.principal, 'officer');
  const officerId = command.principal.subject;
  const request = command.inspection;
  const record = await deps.repository.get(command.id);
  if (!record) throw notFound(command.id);

  if (!isRepeat(record, officerId, request)) {
    if (command.expectedVersion !== undefined && command.expectedVersion !== record.version) {
      throw new DomainError('PRECONDITION_FAILED', 'Stale version', [
        problem('', 'STALE_VERSION', `declaration ${command.id} is at version ${record.version}; read it again before recording`),
      ]);
    }
    const now = deps.clock.now().toISOString();
    assertOfficerMayAct(record, officerId, now);
    request.corrections.forEach((correction, index) => {
      if (correction.itemIndex >= record.declaration.items.length) {
        throw new DomainError('BAD_REQUEST', 'Invalid inspection', [
          problem(
            `/corrections/${index}/itemIndex`,
            'ITEM_NOT_FOUND',
            `the declaration has ${record.declaration.items.length} items (indexes 0 to ${record.declaration.items.length - 1})`,
          ),
        ]);
      }
    });

    await writePendingEvent(record, deps.repository);
    const revised = await reassess(record, request, deps);
    const inspection: Inspection = {
      result: request.result,
      findings: request.findings,
      officerId,
      at: now,
      corrections: request.corrections,
      ...(revised?.difference ? { difference: revised.difference } : {}),
      ...(revised?.problems ? { reassessmentProblems: revised.problems } : {}),
    };
    const event = nextEvent(record, {
      type: 'INSPECTED',
      status: record.status,
      at: now,
      actor: { kind: 'officer', id: officerId },
      detail: describe(request, revised?.difference),
      note: request.findings,
    });
    const outcome = await deps.repository.transition({
      id: record.id,
      from: record.status,
      expectedVersion: record.version,
      to: record.status,
      at: now,
      officer: { id: officerId, now },
      set: {
        inspection,
        lastEvent: event,
        ...(revised?.assessment
          ? {
              reassessment: revised.assessment,
              amountDue: amountDueOf(revised.assessment),
            }
          : {}),
      },
    });
    if (outcome === 'conflict') {
      throw new DomainError('CONFLICT', 'Changed meanwhile', [
        problem(
          '',
          'VERSION_CONFLICT',
          `declaration ${command.id} changed meanwhile (or another officer claimed it); read it and record again`,
        ),
      ]);
    }
    await deps.repository.appendEvent(event);
  }

  // Counted once per inspection (a marker per version), also when a repeat finds the first
  // attempt stopped between its write and its counts.
  const after = await deps.repository.get(command.id);
  if (!after?.inspection) throw notFound(command.id);
  const inspectedAt =
    after.lastEvent?.type === 'INSPECTED' ? after.lastEvent.version : bookedAfterInspection(after) ? after.version - 1 : after.version;
  if (await deps.repository.markOnce(after.id, `inspectionCounted${inspectedAt}`, deps.clock.now().toISOString())) {
    const discrepancy = after.inspection.result === 'DISCREPANCY';
    await Promise.all([
      deps.traders.recordInspection(after.declarantId, discrepancy),
      after.risk
        ? deps.profiles.countEffectiveness(selectingProfiles(after.risk), { inspections: 1, hits: discrepancy ? 1 : 0 })
        : undefined,
    ]);
  }
  return toView(await bookDifference(after.id, inspectedAt, deps), 'customs');
}

/**
 * The re-assessment's difference, booked like the assessment was (UCC Art. 105: entry of a
 * further amount in the accounts): drawn on the declared account or asked for, or credited back.
 * Once per inspection (its source is the inspection's version): a repeated request finds it.
 */
async function bookDifference(id: string, inspectedAt: number, deps: RecordInspectionDeps): Promise<DeclarationRecord> {
  for (;;) {
    const record = await deps.repository.get(id);
    if (!record) throw notFound(id);
    const difference = record.inspection?.difference;
    const duties = record.duties;
    const source = chargeSource(id, inspectedAt);
    if (!duties) {
      // The duties could not be calculated before (nothing secured): the re-assessment is secured as the release stage would.
      if (!record.reassessment || !(await secureReassessment(record, inspectedAt, deps))) return record;
      continue;
    }
    // Secured from the re-assessment itself (there was no assessment to differ from): nothing more to book.
    if (!record.assessment || (record.assessmentProblems?.length ?? 0) > 0) return record;
    if (!difference || difference.outcome === 'NO_CHANGE' || duties.charges.some((charge) => charge.source === source)) return record;
    const due = amountToSecure(difference, record.declaration.payment?.postponedVat ?? false);
    const at = deps.clock.now().toISOString();
    const charge = await secureCharge(
      {
        declarationId: id,
        declarantId: record.declarantId,
        declaration: record.declaration,
        source,
        reference: paymentReferenceOf(id, inspectedAt),
        amount: due.amount,
        byTaxType: due.byTaxType,
        currency: duties.currency,
        at,
        by: 'inspection',
        earlier: duties.charges,
      },
      deps,
    );
    const charges = [...duties.charges, charge];
    await writePendingEvent(record, deps.repository);
    const event = nextEvent(record, {
      type: 'DUTIES_BOOKED',
      status: record.status,
      at,
      actor: { kind: 'system', id: 'inspection' },
      detail:
        charge.status === 'PENDING'
          ? `additional ${charge.amount} ${duties.currency} to pay, reference ${charge.reference} (${charge.reason})`
          : `re-assessment booked: ${charge.amount} ${duties.currency}${charge.account ? ` on account ${charge.account.number}` : ''}`,
    });
    const outcome = await deps.repository.transition({
      id,
      from: record.status,
      expectedVersion: record.version,
      to: record.status,
      at,
      set: { duties: { ...duties, charges, status: allSecured(charges) ? 'SECURED' : 'AWAITING_PAYMENT' }, lastEvent: event },
    });
    if (outcome === 'conflict') continue;
    await deps.repository.appendEvent(event);
  }
}

/** Secures an import's re-assessment when it had no duties (its assessment failed); false: nothing to secure, or changed meanwhile. */
async function secureReassessment(record: DeclarationRecord, inspectedAt: number, deps: RecordInspectionDeps): Promise<boolean> {
  const at = deps.clock.now().toISOString();
  const duties = await secureAssessment(record, at, deps, { assessment: record.reassessment, version: inspectedAt, by: 'inspection' });
  if (!duties) return false;
  await writePendingEvent(record, deps.repository);
  const pending = duties.charges.find((charge) => charge.status === 'PENDING');
  const event = nextEvent(record, {
    type: 'DUTIES_BOOKED',
    status: record.status,
    at,
    actor: { kind: 'system', id: 'inspection' },
    detail: pending
      ? `re-assessed duties of ${pending.amount} ${duties.currency} to pay, reference ${pending.reference} (${pending.reason})`
      : `re-assessed duties secured${duties.account ? ` on account ${duties.account}` : ''}`,
  });
  const outcome = await deps.repository.transition({
    id: record.id,
    from: record.status,
    expectedVersion: record.version,
    to: record.status,
    at,
    set: { duties, lastEvent: event },
  });
  if (outcome === 'conflict') return true;
  await deps.repository.appendEvent(event);
  return true;
}

/** The revised assessment and its difference from the original, when the corrections change anything that is assessed. */
async function reassess(
  record: Awaited<ReturnType<DeclarationReader['get']>> & object,
  request: InspectionRequest,
  deps: Pick<RecordInspectionDeps, 'tariff' | 'region'>,
): Promise<{ assessment?: Assessment; difference?: AssessmentDifference; problems?: Inspection['reassessmentProblems'] } | undefined> {
  // Exports owe no import duties: nothing to re-assess.
  if (request.corrections.length === 0 || record.declaration.type === 'EX') return undefined;
  const corrected = applyCorrections(record.declaration, request.corrections);
  const result = await assessAtAcceptance(corrected, record.submittedAt, deps);
  if (!result.ok) return { problems: capProblems(result.problems).problems };
  return { assessment: result.assessment, difference: assessmentDifference(record.assessment, result.assessment) };
}

/** What the trader reads in the history: the result and the money, never the findings. */
function describe(request: InspectionRequest, difference: AssessmentDifference | undefined): string {
  const result = request.result === 'DISCREPANCY' ? 'inspection found a discrepancy' : 'inspection found no discrepancy';
  if (!difference) return result;
  if (difference.outcome === 'NO_CHANGE') return `${result}; duties re-assessed, no change`;
  return `${result}; duties re-assessed: ${difference.outcome === 'ADDITIONAL_AMOUNT_DUE' ? 'additional amount due' : 'amount to repay'} ${difference.total.replace('-', '')}`;
}

/** The latest change booked the difference of the inspection just before it. */
const bookedAfterInspection = (state: DeclarationState): boolean =>
  state.lastEvent?.type === 'DUTIES_BOOKED' && state.lastEvent.actor.id === 'inspection';

/** The declaration's latest change is exactly this inspection by this officer (or the booking of its difference): a retried request. */
function isRepeat(state: DeclarationState, officerId: string, request: InspectionRequest): boolean {
  const last = state.lastEvent;
  const inspection = state.inspection;
  return (
    last !== undefined &&
    inspection !== undefined &&
    last.version === state.version &&
    (last.type === 'INSPECTED' || bookedAfterInspection(state)) &&
    inspection.officerId === officerId &&
    inspection.result === request.result &&
    inspection.findings === request.findings &&
    JSON.stringify(inspection.corrections) === JSON.stringify(request.corrections)
  );
}
