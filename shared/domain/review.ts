/**
 * The officer's side of a declaration selected for review (YELLOW or RED lane): who is working on
 * it (a claim that expires), what they decided, and what the trader is told. `note` is internal
 * (officers only); `message` is what the trader reads.
 */
import * as z from 'zod';
import { documentSchema } from './declaration.ts';
import { plainText as text } from './text.ts';

/** Statuses an officer may act on. */
export const reviewableStatuses = ['UNDER_REVIEW', 'HELD', 'DOCUMENTS_REQUESTED'] as const;

export const decisionActions = ['RELEASE', 'HOLD', 'REQUEST_DOCUMENTS', 'REJECT'] as const;
export type DecisionAction = (typeof decisionActions)[number];

/** The status each decision leads to. */
export const statusAfterDecision = {
  RELEASE: 'RELEASED',
  HOLD: 'HELD',
  REQUEST_DOCUMENTS: 'DOCUMENTS_REQUESTED',
  REJECT: 'REJECTED',
} as const satisfies Record<DecisionAction, string>;

export const requestedDocumentSchema = z.strictObject({
  /** CDS document code (DE 2/3), e.g. N935 invoice. */
  type: documentSchema.shape.type,
  /** Why the officer needs it; the trader reads this. */
  reason: text(500),
});
export type RequestedDocument = z.infer<typeof requestedDocumentSchema>;

export const decisionRequestSchema = z
  .strictObject({
    action: z.enum(decisionActions),
    /** Internal: officers only. */
    note: text(2000).optional(),
    /** What the trader reads (required for HOLD, REQUEST_DOCUMENTS and REJECT: the trader must learn why). */
    message: text(1000).optional(),
    /** REQUEST_DOCUMENTS only: the documents the trader must provide. */
    documents: z.array(requestedDocumentSchema).min(1).max(20).optional(),
  })
  .superRefine((request, context) => {
    if (request.action !== 'RELEASE' && request.message === undefined)
      context.addIssue({ code: 'custom', path: ['message'], message: `a ${request.action} decision needs a message for the trader` });
    if (request.action === 'REQUEST_DOCUMENTS' && request.documents === undefined)
      context.addIssue({ code: 'custom', path: ['documents'], message: 'name the documents the trader must provide' });
    if (request.action !== 'REQUEST_DOCUMENTS' && request.documents !== undefined)
      context.addIssue({ code: 'custom', path: ['documents'], message: 'documents are only requested with REQUEST_DOCUMENTS' });
  })
  .meta({ id: 'DecisionRequest' });
export type DecisionRequest = z.infer<typeof decisionRequestSchema>;

/** An officer's claim on a declaration: one officer at a time, until it expires. */
export const reviewClaimSchema = z.object({ officerId: z.string(), claimedAt: z.string(), until: z.string() }).meta({ id: 'ReviewClaim' });
export type ReviewClaim = z.infer<typeof reviewClaimSchema>;

/** The latest officer decision as stored on the declaration (the note stays in the history). */
export const officerDecisionSchema = z
  .object({
    action: z.enum(decisionActions),
    officerId: z.string(),
    at: z.string(),
    message: z.string().optional(),
    documents: z.array(requestedDocumentSchema).optional(),
  })
  .meta({ id: 'OfficerDecision' });
export type OfficerDecision = z.infer<typeof officerDecisionSchema>;

export const cancelRequestSchema = z.strictObject({ reason: text(500) }).meta({ id: 'CancelRequest' });
export type CancelRequest = z.infer<typeof cancelRequestSchema>;
