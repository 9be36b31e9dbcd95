/**
 * A declaration as the platform keeps it (state, version, history) and as the API shows it.
 */
import * as z from 'zod';
import { laneSchema, riskOutcomeSchema } from '#shared/risk/outcome.ts';
import { assessmentSchema } from '#shared/tariff/assessment.ts';
import { arrivalSchema } from './cargo-reports.ts';
import { declarationSchema, declarationStatus } from './declaration.ts';
import { type DocumentUpload, documentViewSchema, documentViews, receivedDocumentSchema } from './documents.ts';
import { dutiesSchema, paymentDueSchema, paymentInstructions } from './duties.ts';
import { inspectionSchema } from './inspection.ts';
import { permitCitationSchema } from './permits.ts';
import { problemSchema } from './problems.ts';
import { officerDecisionSchema, reviewClaimSchema } from './review.ts';
import { declarationSignatureSchema } from './signing-keys.ts';

const isoTime = z.string().min(1);
const declarationId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a declaration id (ULID)');
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256');

export const submissionArchiveSchema = z.object({
  /** The region's archive bucket (its functions' config names it); the state item no longer stores it. */
  bucket: z.string().optional(),
  key: z.string(),
  /** Hex SHA-256 of the exact bytes the trader submitted. */
  sha256: sha256Hex,
  bytes: z.number().int().nonnegative(),
  versionId: z.string().optional(),
});
export type SubmissionArchive = z.infer<typeof submissionArchiveSchema>;

export const validationOutcomeSchema = z.object({
  at: isoTime,
  /** The first MAX_PROBLEMS problems found. */
  problems: z.array(problemSchema),
  /** How many problems were found in all (when more than `problems` holds). */
  problemCount: z.number().int().nonnegative().optional(),
});
export type ValidationOutcome = z.infer<typeof validationOutcomeSchema>;

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
  'HELD',
  'DOCUMENTS_REQUESTED',
  /** A document the trader uploaded was checked and added (and, the last one requested, back under review). */
  'DOCUMENTS_RECEIVED',
  'CANCELLED',
  'INSPECTED',
  'AMENDED',
  /** Processed before arrival: waiting for the carrier's report that the goods arrived. */
  'ARRIVAL_PENDING',
  /** Duties due could not be drawn on an account: a payment request waits for the payment. */
  'AWAITING_PAYMENT',
  /** A charge booked while the status stays: a payment confirmed, an inspection's difference drawn or asked for. */
  'DUTIES_BOOKED',
  /** Cancelled after duties were drawn: each charge credited back (or the security released, or a payout requested) once. */
  'DUTIES_REVERSED',
  /** The declarant claimed duties back (docs/revenue.md, "Repayments"). */
  'REPAYMENT_CLAIMED',
  'REPAYMENT_APPROVED',
  'REPAYMENT_REFUSED',
  /**
   * An approved claim repaid: paid into the declarant's cash account, or a payout requested from the
   * payment provider (paid once it confirms: REPAYMENT_PAID_OUT).
   */
  'REPAYMENT_PAID',
  /** An administrator resent a FAILED payout (its attempt number and reason in the detail). */
  'PAYOUT_RESENT',
  /** The payment provider confirmed it paid a payout (a repayment, or a cancelled declaration's payment paid back). */
  'REPAYMENT_PAID_OUT',
  /** The payment provider could not pay a payout (its reason in the detail). */
  'PAYOUT_FAILED',
] as const;
export type HistoryEventType = (typeof historyEventTypes)[number];

export const historyEventSchema = z.object({
  declarationId,
  /** The declaration version this event produced. */
  version: z.number().int().positive(),
  type: z.enum(historyEventTypes),
  status: declarationStatus,
  at: isoTime,
  actor: z.object({ kind: z.enum(['trader', 'officer', 'system']), id: z.string() }),
  /** What anyone who may read the declaration may read (for an officer's decision: the message to the trader). */
  detail: z.string().optional(),
  /** Internal: customs only (an officer's note). */
  note: z.string().optional(),
  /** SHA-256 of the previous event's canonical JSON (the first event: of the submitted bytes): the history is a hash chain. */
  previousHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type HistoryEvent = z.infer<typeof historyEventSchema>;

export const processingFailureSchema = z.object({
  /** The status the declaration was in, whose stage could not process it: a retry resumes there. */
  stage: declarationStatus,
  reason: z.string(),
  at: isoTime,
});
export type ProcessingFailure = z.infer<typeof processingFailureSchema>;

/**
 * What listings and access checks read, and what the state item stores: the declaration without
 * the parts that grow with its items or are read only with the whole declaration (the body stays
 * in the archive, the assessment and the risk outcome in part items).
 * The repository validates every state item it reads back against this schema.
 */
export const declarationStateSchema = z.object({
  id: declarationId,
  lrn: z.string(),
  ucr: z.string(),
  type: z.enum(['IM', 'EX']),
  office: z.string(),
  declarantId: z.string(),
  status: declarationStatus,
  /** Incremented by every state change; each change is a conditional write on it. */
  version: z.number().int().positive(),
  submittedAt: isoTime,
  updatedAt: isoTime,
  submission: submissionArchiveSchema,
  validation: validationOutcomeSchema.optional(),
  /** The risk outcome's score, for the officers' queue; the outcome itself is a part (`risk` of the record). */
  riskScore: z.number().optional(),
  lane: laneSchema.optional(),
  /** Problems that stopped the duty calculation (e.g. a missing quantity); the officer resolves them. */
  assessmentProblems: z.array(problemSchema).optional(),
  releasedAt: isoTime.optional(),
  /** When the declaration entered the officer review queue. */
  queuedAt: isoTime.optional(),
  /** The history event of the latest change, stored with it so a retry writes exactly that event. */
  lastEvent: historyEventSchema.optional(),
  /**
   * An abandoned intake attempt whose LRN claim this declaration took over: its archived bytes (if
   * it wrote them, kept under Object Lock) are named here, so they are never orphaned.
   */
  supersedes: z.object({ declarationId, archiveKey: z.string(), sha256: sha256Hex }).optional(),
  /** The trader's signature over the submitted body (amendment 0): its key, and the archived JWS. */
  signature: declarationSignatureSchema.optional(),
  /** Redrives since the declaration last changed (the redrive backs off and gives up by it). */
  redriveCount: z.number().int().nonnegative().optional(),
  /** Why processing stopped (PROCESSING_FAILED), kept after a retry for the record. */
  failure: processingFailureSchema.optional(),
  /** The officer working on it, until the claim expires. */
  claim: reviewClaimSchema.optional(),
  /** The latest officer decision (its internal note is in the history only). */
  decision: officerDecisionSchema.optional(),
  /** Why and when the trader withdrew it. */
  cancellation: z.object({ reason: z.string(), at: isoTime, by: z.string() }).optional(),
  /** The latest inspection an officer recorded (its revised assessment is a part, like the assessment). */
  inspection: inspectionSchema.optional(),
  /** Which body this is: 0 (or absent) as first submitted, n after the trader's n-th amendment. */
  amendment: z.number().int().nonnegative().optional(),
  /**
   * What the latest assessment (or an inspection's re-assessment) makes due: its total, for
   * listings, and per tax type, for the revenue counted at release (without reading the parts).
   */
  amountDue: z.object({ amount: z.string(), currency: z.string(), byTaxType: z.record(z.string(), z.string()).optional() }).optional(),
  /** After an amendment: the SHA-256 of the bytes first submitted, where the history's hash chain starts. */
  originalSha256: sha256Hex.optional(),
  /** Documents the trader uploaded and the platform checked, each counted against the request it answers. */
  documents: z.array(receivedDocumentSchema).optional(),
  /** How the duties due are paid or secured (from the release stage on): release waits for SECURED. */
  duties: dutiesSchema.optional(),
  /** The carrier's manifest line the release stage matched the goods to (docs/single-window.md). */
  arrival: arrivalSchema.optional(),
  /** The permits validation found cited, with what the release stage draws from each (docs/single-window.md). */
  permits: z.array(permitCitationSchema).optional(),
  /** When the release stage drew them: from then on the declaration cannot be amended. */
  permitsDrawnAt: isoTime.optional(),
});
export type DeclarationState = z.infer<typeof declarationStateSchema>;

/**
 * Outputs stored as write-once part items, never in the state item: the assessments grow with the
 * items; the risk outcome (reasons, selection) would double the state item that every later change rewrites.
 */
export const declarationParts = ['assessment', 'reassessment', 'risk'] as const;
export type DeclarationPart = (typeof declarationParts)[number];

/** A declaration as the platform keeps it: its state, the body as submitted, the risk outcome and the assessment. */
export const declarationRecordSchema = declarationStateSchema.extend({
  declaration: declarationSchema,
  risk: riskOutcomeSchema.optional(),
  assessment: assessmentSchema.optional(),
  /** The assessment after an inspection's corrections (the original stays as `assessment`). */
  reassessment: assessmentSchema.optional(),
});
export type DeclarationRecord = z.infer<typeof declarationRecordSchema>;

/**
 * The most UTF-8 bytes of a submitted body a pipeline message carries (`submittedText`): a
 * declaration of up to about 50 items. A larger body is read from the archive, as before.
 */
export const SUBMITTED_TEXT_MAX_BYTES = 16 * 1024;

// `ignoreBOM`: a byte-order mark intake accepted stays in the text, so the text's bytes are the archived ones.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

/** The submitted bytes as a message may carry them: their text when at most SUBMITTED_TEXT_MAX_BYTES of valid UTF-8. */
export function submittedTextOf(bytes: Uint8Array): string | undefined {
  if (bytes.byteLength > SUBMITTED_TEXT_MAX_BYTES) return undefined;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The bytes of a message's copy, when it is within SUBMITTED_TEXT_MAX_BYTES (a longer one is ignored, never an error). */
export function submittedCopyBytes(text: string | undefined): Uint8Array | undefined {
  if (text === undefined) return undefined;
  const bytes = utf8.encode(text);
  return bytes.byteLength <= SUBMITTED_TEXT_MAX_BYTES ? bytes : undefined;
}

/** Messages carried by the pipeline queues. */
export const pipelineMessageSchema = z.strictObject({
  declarationId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a declaration id (ULID)'),
  /** The version the sender left the declaration at. */
  version: z.number().int().positive(),
  /**
   * The declaration's bytes as submitted (UTF-8 JSON), when at most SUBMITTED_TEXT_MAX_BYTES: a
   * copy that saves the next stage an archive read (an S3 GET per stage). Only a hint: the reader
   * uses it when it is within the limit and its SHA-256 is the state's `submission.sha256`, and
   * reads the archive otherwise (an amended body, a copy altered on the way), so the body a stage
   * works on is always the one submitted.
   */
  // Forgiving: a copy that is not a string is dropped rather than failing the message it rides on
  // (a producer of a later release, a rollback); its size is checked in bytes where it is used.
  submittedText: z.string().optional().catch(undefined),
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

/** What every listing shows of a declaration: the summary fields of its state. */
const summaryFields = declarationStateSchema.pick({
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
}).shape;

export const declarationViewSchema = z
  .object({
    ...summaryFields,
    lane: laneSchema.nullable().meta({ description: 'Risk lane once scored' }),
    risk: riskOutcomeSchema.nullable(),
    assessment: assessmentSchema.nullable(),
    assessmentProblems: z.array(problemSchema).nullable(),
    releasedAt: z.string().nullable(),
    validation: validationOutcomeSchema.nullable(),
    submission: submissionArchiveSchema.pick({ sha256: true, bytes: true }),
    signature: declarationSignatureSchema.nullable().meta({
      description: "The declarant's signature over this body, verified at intake: key id, algorithm, the archived JWS; null when unsigned",
    }),
    failure: processingFailureSchema
      .nullable()
      .meta({ description: 'Why processing stopped (PROCESSING_FAILED); an administrator can retry it' }),
    declaration: declarationSchema.nullable().meta({ description: 'As submitted; null only when its archived bytes cannot be read' }),
    claim: reviewClaimSchema.nullable().meta({ description: 'The officer working on it and until when (customs only; null for traders)' }),
    decision: officerDecisionSchema
      .omit({ officerId: true })
      .extend({ officerId: z.string().nullable() })
      .nullable()
      .meta({ description: "The latest officer decision: action, the trader's message, requested documents (officerId: customs only)" }),
    cancellation: z.object({ reason: z.string(), at: z.string() }).nullable(),
    inspection: inspectionSchema
      .omit({ findings: true, officerId: true })
      .extend({ findings: z.string().nullable(), officerId: z.string().nullable() })
      .nullable()
      .meta({ description: 'The latest inspection: result, corrections, the difference it made (findings and officer: customs only)' }),
    reassessment: assessmentSchema
      .nullable()
      .meta({ description: "The assessment after an inspection's corrections; `assessment` stays the original" }),
    amendment: z.number().int().meta({ description: 'Which body this is: 0 as first submitted, n after the n-th amendment' }),
    documents: z
      .array(documentViewSchema)
      .meta({ description: 'Documents the trader uploaded in answer to a document request, oldest first, each with its status' }),
    duties: dutiesSchema.nullable(),
    paymentsDue: z.array(paymentDueSchema).meta({ description: 'What is to be paid before release, and how (AWAITING_PAYMENT)' }),
    arrival: arrivalSchema
      .nullable()
      .meta({ description: "The carrier's manifest line the goods were matched to at release; null before (or with no cargo report)" }),
    links: linksSchema,
  })
  .meta({ id: 'DeclarationView' });
export type DeclarationView = z.infer<typeof declarationViewSchema>;

export const declarationSummarySchema = z
  .object({
    ...summaryFields,
    lane: laneSchema.nullable().meta({ description: 'Risk lane once scored' }),
    amountDue: z
      .object({ amount: z.string(), currency: z.string() })
      .nullable()
      .meta({ description: 'Total of the latest assessment (after an inspection: its re-assessment); null until assessed' }),
    links: linksSchema,
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
    note: z.string().nullable().meta({ description: "An officer's internal note (customs only; null for traders)" }),
    previousHash: z
      .string()
      .nullable()
      .meta({ description: "SHA-256 of the previous event's canonical JSON (RFC 8785); the first event's: of the submitted bytes" }),
  })
  .meta({ id: 'HistoryEvent' });
export const historyPageSchema = z
  .object({
    items: z.array(historyEventViewSchema),
    chain: z
      .object({
        status: z.enum(['INTACT', 'BROKEN', 'UNCHAINED']),
        brokenAt: z.number().int().nullable(),
        head: z.string().nullable(),
      })
      .meta({
        description:
          'Whether the hash chain of the history holds: INTACT, BROKEN (at which version), or UNCHAINED (events from before the chain)',
      }),
  })
  .meta({ id: 'HistoryPage' });
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
  uploads: readonly DocumentUpload[] = [],
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
    signature: record.signature ?? null,
    // Traders learn that processing failed and that customs will act, not the technical reason
    // (exception texts may name infrastructure).
    failure: record.failure ? (audience === 'customs' ? record.failure : { ...record.failure, reason: TRADER_FAILURE_REASON }) : null,
    declaration: record.declaration,
    claim: audience === 'customs' ? (record.claim ?? null) : null,
    decision: record.decision ? { ...record.decision, officerId: audience === 'customs' ? record.decision.officerId : null } : null,
    cancellation: record.cancellation ? { reason: record.cancellation.reason, at: record.cancellation.at } : null,
    inspection: record.inspection
      ? {
          ...record.inspection,
          findings: audience === 'customs' ? record.inspection.findings : null,
          officerId: audience === 'customs' ? record.inspection.officerId : null,
        }
      : null,
    reassessment: record.reassessment ?? null,
    amendment: record.amendment ?? 0,
    documents: documentViews(record.documents ?? [], uploads),
    duties: record.duties ?? null,
    paymentsDue: (record.duties?.charges ?? []).flatMap((charge) =>
      charge.status === 'PENDING' && charge.reference && record.duties
        ? [
            {
              reference: charge.reference,
              amount: charge.amount,
              currency: record.duties.currency,
              instructions: paymentInstructions(charge.reference, charge.amount, record.duties.currency),
            },
          ]
        : [],
    ),
    arrival: record.arrival ?? null,
  };
}

/** A history event as a reader sees it: the officer's internal note for customs only. */
export function toHistoryView(event: HistoryEvent, audience: 'trader' | 'customs'): HistoryPage['items'][number] {
  const { version, type, status, at, actor, detail, note, previousHash } = event;
  return {
    version,
    type,
    status,
    at,
    actor,
    detail: detail ?? null,
    note: audience === 'customs' ? (note ?? null) : null,
    previousHash: previousHash ?? null,
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
    lane: record.lane ?? null,
    amountDue: record.amountDue ? { amount: record.amountDue.amount, currency: record.amountDue.currency } : null,
    links: linksFor(record.id),
  };
}
