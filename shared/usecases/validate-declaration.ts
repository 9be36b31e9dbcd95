/**
 * Validation stage: checks a SUBMITTED declaration against reference data and moves it to
 * VALIDATED (handed on to risk scoring) or REJECTED with every problem listed.
 */
import type { Declaration } from '#shared/domain/declaration.ts';
import type { PipelineMessage } from '#shared/domain/declaration-record.ts';
import type { PermitCitation } from '#shared/domain/permits.ts';
import { capProblems, type Problem } from '#shared/domain/problems.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter } from '#shared/ports/declarations.ts';
import type { PipelineQueue } from '#shared/ports/pipeline-queue.ts';
import { runStage, type StageResult } from './pipeline-stage.ts';

export interface ValidateDeclarationDeps {
  repository: DeclarationReader & DeclarationWriter;
  riskQueue: PipelineQueue;
  clock: Clock;
  /**
   * The rules to apply, bound to reference data and the region; `acceptedAt` (ISO date-time)
   * picks the reference documents in force, such as the alcohol duty rate table.
   */
  rules: (declaration: Declaration, today: string, acceptedAt: string) => Problem[] | Promise<Problem[]>;
  /**
   * The permits the declaration needs and cites (docs/single-window.md), bound to the permit rules
   * in force at `acceptedAt` and the permits as they stand: problems, and what release will draw.
   */
  permits: (declaration: Declaration, today: string, acceptedAt: string) => Promise<{ problems: Problem[]; citations: PermitCitation[] }>;
}

export function validateDeclaration(message: PipelineMessage, deps: ValidateDeclarationDeps): Promise<StageResult> {
  return runStage(
    message,
    {
      name: 'validation',
      from: 'SUBMITTED',
      next: { VALIDATED: deps.riskQueue },
      decide: async (record, at) => {
        // Judged as of the day it was submitted, so a retry on another day decides the same.
        const today = record.submittedAt.slice(0, 10);
        const permits = await deps.permits(record.declaration, today, record.submittedAt);
        const found = [...(await deps.rules(record.declaration, today, record.submittedAt)), ...permits.problems];
        // Stored and shown: the first problems and the count, so the item stays small.
        const { problems, problemCount } = capProblems(found);
        const codes = [...new Set(problems.map((p) => p.code))];
        return found.length === 0
          ? {
              to: 'VALIDATED',
              set: { validation: { at, problems }, ...(permits.citations.length > 0 ? { permits: permits.citations } : {}) },
              detail:
                permits.citations.length > 0
                  ? `all checks passed; permits ${permits.citations.map((c) => c.permitId).join(', ')}`
                  : 'all checks passed',
            }
          : {
              to: 'REJECTED',
              set: { validation: { at, problems, problemCount } },
              detail: `${problemCount} problem(s): ${codes.join(', ')}`,
            };
      },
    },
    deps,
  );
}
