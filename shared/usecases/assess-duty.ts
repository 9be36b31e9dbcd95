/**
 * Duty stage: calculates customs duty, excise and VAT for a SCORED declaration against the
 * region's current tariff pack and exchange rates, stores the assessment (with the pack version
 * and rate used, so a later pack never changes it) and hands the declaration to the release
 * decision. When the duty cannot be calculated (a missing quantity, say) the problems are
 * stored instead and the release step sends the declaration to an officer.
 */

import { type Principal, requireRole } from '#shared/domain/auth.ts';
import type { Declaration } from '#shared/domain/declaration.ts';
import type { PipelineMessage } from '#shared/domain/declaration-record.ts';
import { capProblems, DomainError } from '#shared/domain/problems.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter } from '#shared/ports/declarations.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import type { TariffSource } from '#shared/ports/tariff-source.ts';
import { needsAlcoholDutyRates } from '#shared/tariff/alcohol-duty.ts';
import { assessDeclaration } from '#shared/tariff/assess-declaration.ts';
import { type Assessment, amountDueOf } from '#shared/tariff/assessment.ts';
import type { DeMinimis } from '#shared/tariff/model.ts';
import { pipelineMessage, runStage, type StageResult } from './pipeline-stage.ts';

export interface RegionTaxSettings {
  nationalCurrency: string;
  deMinimis?: DeMinimis | undefined;
}

export interface AssessDutyDeps {
  repository: DeclarationReader & DeclarationWriter;
  releaseQueue: PipelineQueue;
  /** Where an assessed declaration's assessment notice is asked for (issued under the seal from its own queue). */
  documentsQueue: PipelineQueue;
  clock: Clock;
  tariff: TariffSource;
  region: RegionTaxSettings;
}

/**
 * The assessment with the tariff pack, rates and alcohol duty rate table in force at the moment of
 * acceptance (its date picks measures, the month's rate and the alcohol duty rate period).
 */
export async function assessAtAcceptance(
  declaration: Declaration,
  acceptedAt: string,
  deps: { tariff: TariffSource; region: RegionTaxSettings },
) {
  const [{ pack, rates }, alcoholDutyRates] = await Promise.all([
    deps.tariff.asOf(acceptedAt),
    // Only declarations with alcohol read the rate table.
    needsAlcoholDutyRates(declaration) ? deps.tariff.alcoholDutyRatesAsOf(acceptedAt) : undefined,
  ]);
  return assessDeclaration(declaration, {
    pack,
    rates,
    alcoholDutyRates,
    acceptanceDate: acceptedAt.slice(0, 10),
    nationalCurrency: deps.region.nationalCurrency,
    ...(deps.region.deMinimis ? { deMinimis: deps.region.deMinimis } : {}),
  });
}

export async function assessDuty(message: PipelineMessage, deps: AssessDutyDeps): Promise<StageResult> {
  const result = await runStage(
    message,
    {
      name: 'duty',
      from: 'SCORED',
      next: { ASSESSED: deps.releaseQueue },
      decide: async (record) => {
        // Exports owe no import duties or VAT: nothing to assess (export duties are not modelled).
        if (record.declaration.type === 'EX') return { to: 'ASSESSED', set: {}, detail: 'export: no import duties or taxes to assess' };
        // The declaration is accepted when it is submitted: that moment picks the tariff pack and
        // rates in force, its date the measures and the month's rate. A pack loaded later changes nothing.
        const result = await assessAtAcceptance(record.declaration, record.submittedAt, deps);
        if (!result.ok) {
          const { problems, problemCount } = capProblems(result.problems);
          return {
            to: 'ASSESSED',
            set: { assessmentProblems: problems },
            detail: `duties could not be calculated: ${problemCount} problem(s): ${[...new Set(problems.map((p) => p.code))].join(', ')}`,
          };
        }
        const { totals, currency, tariffPackVersion } = result.assessment;
        return {
          to: 'ASSESSED',
          set: {
            assessment: result.assessment,
            amountDue: amountDueOf(result.assessment),
          },
          detail: `total ${totals.total} ${currency} (tariff pack ${tariffPackVersion})`,
        };
      },
    },
    deps,
  );
  // Assessed now, or before by a delivery that may have stopped before asking: the documents
  // worker issues a notice for a calculated assessment, once (an export or a failed calculation gets none).
  if (result.outcome === 'moved' ? result.to === 'ASSESSED' : result.outcome === 'resent' && result.status === 'ASSESSED') {
    await deps.documentsQueue.send(pipelineMessage(message.declarationId, message.version + 1, result.submittedText));
  }
  return result;
}

/** POST /v1/duty-estimates: the same calculation for a declaration body, storing nothing. */
export async function estimateDuty(
  command: { principal: Principal; declaration: Declaration; now: string },
  deps: { tariff: TariffSource; region: RegionTaxSettings },
): Promise<Assessment> {
  requireRole(command.principal, 'trader', 'officer', 'admin');
  const result = await assessAtAcceptance(command.declaration, command.now, deps);
  if (!result.ok) throw new DomainError('UNPROCESSABLE', 'Duties cannot be calculated', result.problems);
  return result.assessment;
}
