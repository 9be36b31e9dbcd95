/**
 * A declaration as the platform keeps it (state, version, history) and as the API shows it.
 */
import { z } from 'zod';
import { type Lane, laneSchema, type RiskOutcome, riskOutcomeSchema } from '../risk/outcome.ts';
import { type Assessment, assessmentSchema } from '../tariff/assessment.ts';
import { type Declaration, type DeclarationStatus, declarationSchema, declarationStatus } from './declaration.ts';
import { type Problem, problemSchema } from './problems.ts';

export interface SubmissionArchive {
  bucket: string;
  key: string;
  /** Hex SHA-256 of the exact bytes the trader submitted. */
  sha256: string;
  bytes: number;
  versionId: string | undefined;
}

export interface ValidationOutcome {
  at: string;
  /** The first MAX_PROBLEMS problems found. */
  problems: Problem[];
  /** How many problems were found in all (when more than `problems` holds). */
  problemCount?: number | undefined;
}

export interface DeclarationRecord {
  id: string;
  lrn: string;
  ucr: string;
  type: Declaration['type'];
  office: string;
  declarantId: string;
  status: DeclarationStatus;
  /** Incremented by every state change; each change is a conditional write on it. */
  version: number;
  submittedAt: string;
  updatedAt: string;
  declaration: Declaration;
  submission: SubmissionArchive;
  validation: ValidationOutcome | undefined;
  risk: RiskOutcome | undefined;
  lane: Lane | undefined;
  assessment: Assessment | undefined;
  /** Problems that stopped the duty calculation (e.g. a missing quantity); the officer resolves them. */
  assessmentProblems: Problem[] | undefined;
  releasedAt: string | undefined;
  /** When the declaration entered the officer review queue. */
  queuedAt: string | undefined;
  /** The history event of the latest change, stored with it so a retry writes exactly that event. */
  lastEvent?: HistoryEvent | undefined;
  /**
   * An abandoned intake attempt whose LRN claim this declaration took over: its archived bytes (if
   * it wrote them, kept under Object Lock) are named here, so they are never orphaned.
   */
  supersedes?: { declarationId: string; archiveKey: string; sha256: string } | undefined;
  /** Redrives since the declaration last changed (the redrive backs off and gives up by it). */
  redriveCount?: number | undefined;
  /** Why processing stopped (PROCESSING_FAILED), kept after a retry for the record. */
  failure?: ProcessingFailure | undefined;
}

export interface ProcessingFailure {
  /** The status the declaration was in, whose stage could not process it: a retry resumes there. */
  stage: DeclarationStatus;
  reason: string;
  at: string;
}

/** What listings and access checks read: the record without the parts that grow with the items. */
export type DeclarationState = Omit<DeclarationRecord, 'declaration' | 'assessment'>;

export const historyEventTypes = [
  'SUBMITTED',
  'VALIDATED',
  'REJECTED',
  'SCORED',
  'ASSESSED',
  'RELEASED',
  'UNDER_REVIEW',
  'PROCESSING_FAILED',
  'RETRIED',
] as const;
export type HistoryEventType = (typeof historyEventTypes)[number];

export interface HistoryEvent {
  declarationId: string;
  /** The declaration version this event produced. */
  version: number;
  type: HistoryEventType;
  status: DeclarationStatus;
  at: string;
  actor: { kind: 'trader' | 'officer' | 'system'; id: string };
  detail: string | undefined;
}

/** Messages carried by the pipeline queues. */
export const pipelineMessageSchema = z.strictObject({
  declarationId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a declaration id (ULID)'),
  /** The version the sender left the declaration at. */
  version: z.number().int().positive(),
});
export type PipelineMessage = z.infer<typeof pipelineMessageSchema>;

// ---- API views -----------------------------------------------------------------------------

export const linksSchema = z.object({
  self: z.string(),
  events: z.string(),
});

export const submissionReceiptSchema = z
  .object({
    id: z.string(),
    lrn: z.string(),
    ucr: z.string(),
    status: declarationStatus,
    links: linksSchema,
  })
  .meta({ id: 'SubmissionReceipt' });
export type SubmissionReceipt = z.infer<typeof submissionReceiptSchema>;

export const declarationViewSchema = z
  .object({
    id: z.string(),
    lrn: z.string(),
    ucr: z.string(),
    type: z.enum(['IM', 'EX']),
    office: z.string(),
    declarantId: z.string(),
    status: declarationStatus,
    version: z.number().int(),
    submittedAt: z.string(),
    updatedAt: z.string(),
    lane: laneSchema.nullable().meta({ description: 'Risk lane once scored' }),
    risk: riskOutcomeSchema.nullable(),
    assessment: assessmentSchema.nullable(),
    assessmentProblems: z.array(problemSchema).nullable(),
    releasedAt: z.string().nullable(),
    validation: z.object({ at: z.string(), problems: z.array(problemSchema), problemCount: z.number().int().optional() }).nullable(),
    submission: z.object({ sha256: z.string(), bytes: z.number().int() }),
    failure: z
      .object({ stage: declarationStatus, reason: z.string(), at: z.string() })
      .nullable()
      .meta({ description: 'Why processing stopped (PROCESSING_FAILED); an administrator can retry it' }),
    declaration: declarationSchema.nullable().meta({ description: 'As submitted; null only when its archived bytes cannot be read' }),
    links: linksSchema,
  })
  .meta({ id: 'DeclarationView' });
export type DeclarationView = z.infer<typeof declarationViewSchema>;

export const declarationSummarySchema = declarationViewSchema
  .pick({
    id: true,
    lrn: true,
    ucr: true,
    type: true,
    office: true,
    declarantId: true,
    status: true,
    version: true,
    submittedAt: true,
    updatedAt: true,
    links: true,
  })
  .meta({ id: 'DeclarationSummary' });
export type DeclarationSummary = z.infer<typeof declarationSummarySchema>;

export const declarationPageSchema = z
  .object({ items: z.array(declarationSummarySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'DeclarationPage' });
export type DeclarationPage = z.infer<typeof declarationPageSchema>;

export const historyEventViewSchema = z
  .object({
    version: z.number().int(),
    type: z.enum(historyEventTypes),
    status: declarationStatus,
    at: z.string(),
    actor: z.object({ kind: z.enum(['trader', 'officer', 'system']), id: z.string() }),
    detail: z.string().nullable(),
  })
  .meta({ id: 'HistoryEvent' });
export const historyPageSchema = z.object({ items: z.array(historyEventViewSchema) }).meta({ id: 'HistoryPage' });
export type HistoryPage = z.infer<typeof historyPageSchema>;

export const linksFor = (id: string) => ({
  self: `/v1/declarations/${id}`,
  events: `/v1/declarations/${id}/events`,
});

/** What a trader reads about a declaration that could not be processed. */
export const TRADER_FAILURE_REASON =
  'The platform could not process this declaration. Customs has been alerted and will resume it; you need not submit it again.';

/**
 * What a reader sees. Traders see their lane but not the risk outcome: its reasons name the
 * profiles in force and the random draw, which would teach how to avoid selection.
 */
export function toView(
  record: Omit<DeclarationRecord, 'declaration'> & { declaration: DeclarationRecord['declaration'] | null },
  audience: 'trader' | 'customs' = 'customs',
): DeclarationView {
  return {
    ...toSummary(record),
    lane: record.lane ?? null,
    risk: audience === 'customs' ? (record.risk ?? null) : null,
    assessment: record.assessment ?? null,
    assessmentProblems: record.assessmentProblems ?? null,
    releasedAt: record.releasedAt ?? null,
    validation: record.validation ?? null,
    submission: { sha256: record.submission.sha256, bytes: record.submission.bytes },
    // Traders learn that processing failed and that customs will act, not the technical reason
    // (exception texts may name infrastructure).
    failure: record.failure ? (audience === 'customs' ? record.failure : { ...record.failure, reason: TRADER_FAILURE_REASON }) : null,
    declaration: record.declaration,
  };
}

export function toSummary(record: DeclarationState): DeclarationSummary {
  return {
    id: record.id,
    lrn: record.lrn,
    ucr: record.ucr,
    type: record.type,
    office: record.office,
    declarantId: record.declarantId,
    status: record.status,
    version: record.version,
    submittedAt: record.submittedAt,
    updatedAt: record.updatedAt,
    links: linksFor(record.id),
  };
}
